using CsCheck;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public class SqlCastsTests
{
    private static readonly FunctionContext Utc = FunctionInvoker.Utc;
    private static readonly FunctionContext Shanghai = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), TimeProvider.System);

    private static object? Cast(object? value, SqlType from, SqlType to, FunctionContext? context = null) => SqlCasts.Cast(value, from, to, context ?? Utc);

    [Fact]
    public void Integers_cast_to_DOUBLE_exactly_and_to_FLOAT_rounded_to_single_precision()
    {
        // 2^31 - 1 and 2^53 are exact doubles; as a float 2^31 - 1 rounds to 2^31.
        Assert.Equal(2147483647.0, Cast(int.MaxValue, SqlType.Int, SqlType.Double));
        Assert.Equal(9007199254740992.0, Cast(9007199254740992L, SqlType.BigInt, SqlType.Double));
        Assert.Equal(2147483648f, Cast(int.MaxValue, SqlType.Int, SqlType.Float));
    }

    [Theory]
    [InlineData(" 42 ", 42)]
    [InlineData("-7", -7)]
    [InlineData("+3", 3)]
    [InlineData("1.9", 1)]
    [InlineData("2147483647", int.MaxValue)]
    public void Strings_cast_to_integers_as_Flink_reads_them(string text, int expected) =>
        Assert.Equal(expected, Cast(text, SqlType.String, SqlType.Int));

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("2147483648")]
    [InlineData("1e3")]
    public void A_string_that_is_not_an_integer_fails_CAST_naming_value_and_types_and_gives_NULL_for_TRY_CAST(string text)
    {
        var error = Assert.Throws<SqlFunctionException>(() => Cast(text, SqlType.String, SqlType.Int));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("STRING", error.Message, StringComparison.Ordinal);
        Assert.Contains("INT", error.Message, StringComparison.Ordinal);
        Assert.Null(SqlCasts.TryCast(text, SqlType.String, SqlType.Int, Utc));
    }

    [Fact]
    public void Integer_narrowing_wraps_as_Java_and_doubles_truncate_and_saturate()
    {
        Assert.Equal((sbyte)44, Cast(300, SqlType.Int, SqlType.TinyInt));
        Assert.Equal((short)-32768, Cast(32768, SqlType.Int, SqlType.SmallInt));
        Assert.Equal(-1, Cast(-1.9, SqlType.Double, SqlType.Int));
        Assert.Equal(int.MaxValue, Cast(1e20, SqlType.Double, SqlType.Int));
        Assert.Equal(0L, Cast(double.NaN, SqlType.Double, SqlType.BigInt));
        Assert.Equal(12, Cast(12.99m, SqlType.Decimal(4, 2), SqlType.Int));
    }

    [Fact]
    public void Casts_to_DECIMAL_round_half_up_and_give_NULL_on_overflow()
    {
        Assert.Equal(1.24m, Cast(1.235m, SqlType.Decimal(5, 3), SqlType.Decimal(3, 2)));
        Assert.Equal(-1.24m, Cast(-1.235m, SqlType.Decimal(5, 3), SqlType.Decimal(3, 2)));
        Assert.Equal(0.1m, Cast(0.1, SqlType.Double, SqlType.Decimal(5, 1)));
        Assert.Null(Cast(1000, SqlType.Int, SqlType.Decimal(3, 0)));
        Assert.Null(Cast("123.456", SqlType.String, SqlType.Decimal(4, 2)));
        Assert.Equal(123.46m, Cast("123.456", SqlType.String, SqlType.Decimal(5, 2)));
        Assert.Equal(1500m, Cast("1.5e3", SqlType.String, SqlType.Decimal(10, 0)));
        Assert.Equal("1.50", SqlCasts.ToSqlString(Cast(1.5m, SqlType.Decimal(2, 1), SqlType.Decimal(5, 2)), SqlType.Decimal(5, 2), Utc));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("T", true)]
    [InlineData(" yes ", true)]
    [InlineData("1", true)]
    [InlineData("FALSE", false)]
    [InlineData("n", false)]
    [InlineData("0", false)]
    public void Strings_cast_to_booleans_by_Flinks_words(string text, bool expected) =>
        Assert.Equal(expected, Cast(text, SqlType.String, SqlType.Boolean));

    [Fact]
    public void Values_print_as_Flink_prints_them()
    {
        Assert.Equal("TRUE", Cast(true, SqlType.Boolean, SqlType.String));
        Assert.Equal("1.0", Cast(1.0, SqlType.Double, SqlType.String));
        Assert.Equal("1.0E-4", Cast(0.0001, SqlType.Double, SqlType.String));
        Assert.Equal("1.0E7", Cast(1e7, SqlType.Double, SqlType.String));
        Assert.Equal("1234567.0", Cast(1234567.0, SqlType.Double, SqlType.String));
        Assert.Equal("0.1", Cast(0.1f, SqlType.Float, SqlType.String));
        Assert.Equal("-0.0", Cast(-0.0, SqlType.Double, SqlType.String));
        Assert.Equal("NaN", Cast(double.NaN, SqlType.Double, SqlType.String));
        Assert.Equal("12.30", Cast(12.3m, SqlType.Decimal(5, 2), SqlType.String));
        Assert.Equal("2024-02-29", Cast(new DateOnly(2024, 2, 29), SqlType.Date, SqlType.String));
        Assert.Equal("2024-02-29 01:02:03.450", Cast(new DateTime(2024, 2, 29, 1, 2, 3, 450), SqlType.Timestamp(3), SqlType.String));
        Assert.Equal("2024-02-29 01:02:03", Cast(new DateTime(2024, 2, 29, 1, 2, 3, 450), SqlType.Timestamp(0), SqlType.String));
        Assert.Equal("[1, NULL, 3]", Cast(new object?[] { 1, null, 3 }, SqlType.Array(SqlType.Int), SqlType.String));
        Assert.Equal("{a=1}", Cast(new Dictionary<object, object?> { ["a"] = 1 }, SqlType.Map(SqlType.String, SqlType.Int), SqlType.String));
        Assert.Equal("+1-02", Cast(14, SqlType.IntervalYearMonth(), SqlType.String));
        Assert.Equal("+1 02:03:04.000", Cast(new TimeSpan(1, 2, 3, 4), SqlType.IntervalDayTime(), SqlType.String));
    }

    [Fact]
    public void CHAR_pads_and_VARCHAR_truncates_as_Flink_1_16()
    {
        Assert.Equal("ab   ", Cast("ab", SqlType.String, SqlType.Char(5)));
        Assert.Equal("abc", Cast("abcdef", SqlType.String, SqlType.VarChar(3)));
        Assert.Equal("12", Cast(12345, SqlType.Int, SqlType.VarChar(2)));
        Assert.Equal(new byte[] { 0x61, 0, 0 }, Cast("a", SqlType.String, SqlType.Binary(3)));
    }

    [Fact]
    public void Strings_parse_as_dates_times_and_timestamps_in_Flinks_forms()
    {
        Assert.Equal(new DateOnly(2024, 2, 29), Cast("2024-2-29", SqlType.String, SqlType.Date));
        Assert.Equal(new TimeOnly(1, 2, 3), Cast("01:02:03", SqlType.String, SqlType.Time(0)));
        Assert.Equal(new DateTime(2024, 2, 29, 1, 2, 3, 123), Cast("2024-02-29 01:02:03.123456", SqlType.String, SqlType.Timestamp(3)));
        Assert.Equal(new DateTime(2024, 2, 29, 1, 2, 3), Cast("2024-02-29T01:02:03", SqlType.String, SqlType.Timestamp(3)));
        Assert.Equal(new DateTime(2024, 2, 29), Cast("2024-02-29", SqlType.String, SqlType.Timestamp(3)));
        Assert.Null(SqlCasts.TryCast("2023-02-29", SqlType.String, SqlType.Date, Utc));
        Assert.Null(SqlCasts.TryCast("2024-02-29 25:00:00", SqlType.String, SqlType.Timestamp(3), Utc));
    }

    [Fact]
    public void TIMESTAMP_and_TIMESTAMP_LTZ_convert_through_the_session_time_zone()
    {
        var instant = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTime(2024, 1, 1, 8, 0, 0), Cast(instant, SqlType.TimestampLtz(3), SqlType.Timestamp(3), Shanghai));
        Assert.Equal(instant, Cast(new DateTime(2024, 1, 1, 8, 0, 0), SqlType.Timestamp(3), SqlType.TimestampLtz(3), Shanghai));
        Assert.Equal("2024-01-01 08:00:00.000", Cast(instant, SqlType.TimestampLtz(3), SqlType.String, Shanghai));
        Assert.Equal(instant, Cast("2024-01-01 08:00:00", SqlType.String, SqlType.TimestampLtz(3), Shanghai));
    }

    [Fact]
    public void Numbers_and_timestamps_convert_as_seconds_since_the_epoch()
    {
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 44), Cast(44L, SqlType.BigInt, SqlType.Timestamp(3)));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Cast(1_700_000_000L, SqlType.BigInt, SqlType.TimestampLtz(3)));
        Assert.Equal(-1L, Cast(new DateTime(1969, 12, 31, 23, 59, 59, 500), SqlType.Timestamp(3), SqlType.BigInt));
        Assert.Equal(1.5, Cast(new DateTime(1970, 1, 1, 0, 0, 1, 500), SqlType.Timestamp(3), SqlType.Double));
    }

    [Fact]
    public void Arrays_cast_element_by_element()
    {
        var result = (object?[])Cast(new object?[] { "1", null, "3" }, SqlType.Array(SqlType.String), SqlType.Array(SqlType.Int))!;
        Assert.Equal(new object?[] { 1, null, 3 }, result);
    }

    [Fact]
    public void A_cast_Flink_does_not_allow_is_refused_before_running()
    {
        var error = Assert.Throws<SqlFunctionException>(() => Cast(DateOnly.MinValue, SqlType.Date, SqlType.Int));
        Assert.Equal("Cast function cannot convert value of type DATE to type INT", error.Message);
    }

    [Fact]
    public void TRY_CAST_of_a_printed_integer_gives_it_back() =>
        Gen.Long.Sample(x => Equals(x, SqlCasts.TryCast(Cast(x, SqlType.BigInt, SqlType.String), SqlType.String, SqlType.BigInt, Utc)));

    [Fact]
    public void TRY_CAST_of_a_printed_double_gives_it_back() =>
        Gen.Double.Sample(x => Equals(x, SqlCasts.TryCast(Cast(x, SqlType.Double, SqlType.String), SqlType.String, SqlType.Double, Utc)));

    [Fact]
    public void TRY_CAST_of_a_printed_decimal_gives_it_back() =>
        Gen.Long[-999_999_999_999, 999_999_999_999].Select(Gen.Int[0, 6]).Sample((unscaled, scale) =>
        {
            var value = unscaled / (decimal)Math.Pow(10, scale);
            var type = SqlType.Decimal(18, scale);
            return Equals(value, SqlCasts.TryCast(Cast(value, type, SqlType.String), SqlType.String, type, Utc));
        });

    [Fact]
    public void TRY_CAST_of_a_printed_timestamp_gives_it_back() =>
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Sample(ticks =>
        {
            var value = new DateTime(ticks - ticks % TimeSpan.TicksPerMicrosecond);
            var type = SqlType.Timestamp(6);
            return Equals(value, SqlCasts.TryCast(Cast(value, type, SqlType.String), SqlType.String, type, Utc));
        });

    [Fact]
    public void TRY_CAST_of_a_printed_date_gives_it_back() =>
        Gen.Int[DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber].Sample(day =>
            Equals(DateOnly.FromDayNumber(day), SqlCasts.TryCast(Cast(DateOnly.FromDayNumber(day), SqlType.Date, SqlType.String), SqlType.String, SqlType.Date, Utc)));
}
