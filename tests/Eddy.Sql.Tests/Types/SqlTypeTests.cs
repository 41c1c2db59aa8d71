using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Types;

[Trait("Category", "Unit")]
public class SqlTypeTests
{
    [Fact]
    public void Types_print_in_flinks_spelling()
    {
        Assert.Equal("BIGINT NOT NULL", SqlType.BigInt.NotNull().ToString());
        Assert.Equal("STRING", SqlType.String.ToString());
        Assert.Equal("VARCHAR(10)", SqlType.VarChar(10).ToString());
        Assert.Equal("BYTES", SqlType.Bytes.ToString());
        Assert.Equal("DECIMAL(10, 2)", SqlType.Decimal(10, 2).ToString());
        Assert.Equal("TIMESTAMP(3)", SqlType.Timestamp(3).ToString());
        Assert.Equal("TIMESTAMP_LTZ(3)", SqlType.TimestampLtz(3).ToString());
        Assert.Equal("INTERVAL DAY(2) TO SECOND(3)", SqlType.IntervalDayTime(2, 3).ToString());
        Assert.Equal("ARRAY<INT NOT NULL>", SqlType.Array(SqlType.Int.NotNull()).ToString());
        Assert.Equal("MAP<STRING, BIGINT>", SqlType.Map(SqlType.String, SqlType.BigInt).ToString());
        Assert.Equal("ROW<`a` INT, `b c` STRING 'why'>", SqlType.Row(new SqlField("a", SqlType.Int), new SqlField("b c", SqlType.String, "why")).ToString());
    }

    [Fact]
    public void Types_are_equal_by_value_including_nested_types_and_nullability()
    {
        Assert.Equal(SqlType.Row(new SqlField("a", SqlType.Array(SqlType.Int))), SqlType.Row(new SqlField("a", SqlType.Array(SqlType.Int))));
        Assert.NotEqual(SqlType.Int, SqlType.Int.NotNull());
        Assert.NotEqual(SqlType.Decimal(10, 2), SqlType.Decimal(10, 3));
        Assert.Equal(SqlType.VarChar(SqlType.MaxLength), SqlType.String);
    }

    [Fact]
    public void Out_of_range_parameters_are_refused_with_flinks_bounds()
    {
        Assert.Contains("between 1 and 38", Assert.Throws<ArgumentOutOfRangeException>(() => SqlType.Decimal(39, 0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlType.Decimal(5, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlType.Timestamp(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlType.VarChar(0));
        Assert.Contains("duplicates", Assert.Throws<ArgumentException>(() => SqlType.Row(new SqlField("a", SqlType.Int), new SqlField("a", SqlType.String))).Message, StringComparison.Ordinal);
    }
}
