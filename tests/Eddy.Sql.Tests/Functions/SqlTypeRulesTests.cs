using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public class SqlTypeRulesTests
{
    [Fact]
    public void Integers_widen_implicitly_but_never_narrow()
    {
        Assert.True(SqlTypeRules.CanImplicitlyCast(SqlType.TinyInt, SqlType.BigInt));
        Assert.True(SqlTypeRules.CanImplicitlyCast(SqlType.Int, SqlType.Decimal(10, 0)));
        Assert.True(SqlTypeRules.CanImplicitlyCast(SqlType.Decimal(5, 2), SqlType.Double));
        Assert.False(SqlTypeRules.CanImplicitlyCast(SqlType.BigInt, SqlType.Int));
        Assert.False(SqlTypeRules.CanImplicitlyCast(SqlType.Double, SqlType.Float));
        Assert.False(SqlTypeRules.CanImplicitlyCast(SqlType.String, SqlType.Int));
    }

    [Fact]
    public void A_nullable_type_never_casts_to_a_not_null_one()
    {
        Assert.False(SqlTypeRules.CanImplicitlyCast(SqlType.Int, SqlType.BigInt.NotNull()));
        Assert.True(SqlTypeRules.CanImplicitlyCast(SqlType.Int.NotNull(), SqlType.BigInt));
        Assert.True(SqlTypeRules.CanCast(SqlType.Null, SqlType.Date));
    }

    [Fact]
    public void Explicit_casts_follow_Flinks_matrix()
    {
        Assert.True(SqlTypeRules.CanCast(SqlType.String, SqlType.Int));
        Assert.True(SqlTypeRules.CanCast(SqlType.Int, SqlType.String));
        Assert.True(SqlTypeRules.CanCast(SqlType.Int, SqlType.Boolean));
        Assert.True(SqlTypeRules.CanCast(SqlType.Timestamp(3), SqlType.BigInt));
        Assert.True(SqlTypeRules.CanCast(SqlType.BigInt, SqlType.TimestampLtz(3)));
        Assert.True(SqlTypeRules.CanCast(SqlType.Array(SqlType.Int), SqlType.Array(SqlType.String)));
        Assert.False(SqlTypeRules.CanCast(SqlType.Double, SqlType.Boolean));
        Assert.False(SqlTypeRules.CanCast(SqlType.Date, SqlType.Int));
        Assert.False(SqlTypeRules.CanCast(SqlType.Int, SqlType.Bytes));
        Assert.False(SqlTypeRules.CanCast(SqlType.Array(SqlType.Int), SqlType.Map(SqlType.Int, SqlType.Int)));
    }

    [Fact]
    public void The_common_type_widens_numbers_and_strings()
    {
        Assert.Equal(SqlType.BigInt, SqlTypeRules.LeastRestrictive([SqlType.Int, SqlType.BigInt, SqlType.TinyInt]));
        Assert.Equal(SqlType.Decimal(12, 2), SqlTypeRules.LeastRestrictive([SqlType.Int, SqlType.Decimal(5, 2)]));
        Assert.Equal(SqlType.Double, SqlTypeRules.LeastRestrictive([SqlType.Decimal(5, 2), SqlType.Float]));
        Assert.Equal(SqlType.Float, SqlTypeRules.LeastRestrictive([SqlType.Int, SqlType.Float]));
        Assert.Equal(SqlType.Char(5), SqlTypeRules.LeastRestrictive([SqlType.Char(2), SqlType.Char(5)]));
        Assert.Equal(SqlType.VarChar(5), SqlTypeRules.LeastRestrictive([SqlType.VarChar(3), SqlType.Char(5)]));
        Assert.Equal(SqlType.Timestamp(3), SqlTypeRules.LeastRestrictive([SqlType.Date, SqlType.Timestamp(3)]));
        Assert.Equal(SqlType.TimestampLtz(6), SqlTypeRules.LeastRestrictive([SqlType.Timestamp(6), SqlType.TimestampLtz(3)]));
        Assert.Null(SqlTypeRules.LeastRestrictive([SqlType.Int, SqlType.String]));
        Assert.Null(SqlTypeRules.LeastRestrictive([SqlType.Time(0), SqlType.Date]));
    }

    [Fact]
    public void The_common_type_is_nullable_when_any_input_is_and_NULL_alone_stays_NULL()
    {
        Assert.Equal(SqlType.Int.NotNull(), SqlTypeRules.LeastRestrictive([SqlType.Int.NotNull(), SqlType.Int.NotNull()]));
        Assert.Equal(SqlType.Int, SqlTypeRules.LeastRestrictive([SqlType.Int.NotNull(), SqlType.Null]));
        Assert.Equal(SqlType.Null, SqlTypeRules.LeastRestrictive([SqlType.Null]));
        Assert.Equal(SqlType.Array(SqlType.BigInt), SqlTypeRules.LeastRestrictive([SqlType.Array(SqlType.Int), SqlType.Array(SqlType.BigInt)]));
    }

    // Hand-computed from Flink's LogicalTypeMerging rules.
    [Theory]
    [InlineData(ArithmeticOperator.Plus, 10, 2, 5, 3, 12, 3)]        // scale 3, max(8, 2) + 3 + 1
    [InlineData(ArithmeticOperator.Multiply, 10, 2, 5, 3, 16, 5)]    // 10 + 5 + 1, 2 + 3
    [InlineData(ArithmeticOperator.Divide, 10, 2, 5, 3, 19, 8)]      // scale max(6, 2 + 5 + 1) = 8, 10 - 2 + 3 + 8
    [InlineData(ArithmeticOperator.Modulo, 10, 2, 5, 3, 5, 3)]       // min(8, 2) + 3
    [InlineData(ArithmeticOperator.Plus, 38, 10, 38, 10, 38, 9)]     // 39 digits capped: 38 - 29 = 9
    [InlineData(ArithmeticOperator.Multiply, 38, 10, 38, 10, 38, 6)] // 77 digits: max(38 - 57, min(20, 6)) = 6
    public void Decimal_arithmetic_derives_Flinks_precision_and_scale(ArithmeticOperator op, int p1, int s1, int p2, int s2, int p, int s)
    {
        Assert.Equal(SqlType.Decimal(p, s), SqlTypeRules.Arithmetic(op, SqlType.Decimal(p1, s1), SqlType.Decimal(p2, s2)));
    }

    [Fact]
    public void Integer_arithmetic_keeps_integers_even_for_division()
    {
        Assert.Equal(SqlType.Int, SqlTypeRules.Arithmetic(ArithmeticOperator.Divide, SqlType.Int, SqlType.Int));
        Assert.Equal(SqlType.BigInt, SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Int, SqlType.BigInt));
        Assert.Equal(SqlType.Decimal(11, 0), SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Int, SqlType.Decimal(2, 0)));
        Assert.Equal(SqlType.Double, SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Int, SqlType.Double));
        Assert.Equal(SqlType.Int.NotNull(), SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Int.NotNull(), SqlType.Int.NotNull()));
        Assert.Null(SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Int, SqlType.String));
    }

    [Fact]
    public void Date_time_plus_interval_keeps_the_date_time_type()
    {
        Assert.Equal(SqlType.Timestamp(3), SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Timestamp(3), SqlType.IntervalDayTime()));
        Assert.Equal(SqlType.Date, SqlTypeRules.Arithmetic(ArithmeticOperator.Minus, SqlType.Date, SqlType.IntervalYearMonth()));
        Assert.Null(SqlTypeRules.Arithmetic(ArithmeticOperator.Plus, SqlType.Time(0), SqlType.IntervalYearMonth()));
    }

    [Fact]
    public void Comparison_casts_a_string_to_the_other_side_and_refuses_unrelated_types()
    {
        Assert.Equal(SqlType.Int, SqlTypeRules.ComparisonType(SqlType.String, SqlType.Int));
        Assert.Equal(SqlType.BigInt, SqlTypeRules.ComparisonType(SqlType.Int, SqlType.BigInt));
        Assert.Equal(SqlType.Timestamp(3), SqlTypeRules.ComparisonType(SqlType.Date, SqlType.Timestamp(3)));
        Assert.Null(SqlTypeRules.ComparisonType(SqlType.Boolean, SqlType.Int));
        Assert.Null(SqlTypeRules.ComparisonType(SqlType.Date, SqlType.Time(0)));
    }
}
