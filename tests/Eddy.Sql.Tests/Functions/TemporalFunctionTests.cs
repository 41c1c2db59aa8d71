using System.Globalization;
using CsCheck;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Functions.FunctionInvoker;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public sealed class TemporalFunctionTests : IDisposable
{
    private readonly DuckDbOracle _duck = new();

    public void Dispose() => _duck.Dispose();

    private static FunctionContext Zone(string id) => new(TimeZoneInfo.FindSystemTimeZoneById(id), TimeProvider.System);

    [Fact]
    public void DATE_FORMAT_uses_SimpleDateFormat_patterns()
    {
        var ts = Ts("2024-02-29 13:04:05.123");
        Assert.Equal("2024-02-29", Call("DATE_FORMAT", ts, S("yyyy-MM-dd")));
        Assert.Equal("29/02/24 01:04:05 PM", Call("DATE_FORMAT", ts, S("dd/MM/yy hh:mm:ss a")));
        Assert.Equal("Thu, Feb 29 2024 13h04 '123'", Call("DATE_FORMAT", ts, S("EEE, MMM d yyyy HH'h'mm ''SSS''")));
        Assert.Equal("Thursday February 060", Call("DATE_FORMAT", ts, S("EEEE MMMM DDD")));
        Assert.Equal("2024-02-29 13:04:05", Call("DATE_FORMAT", S("2024-02-29 13:04:05.999"), S("yyyy-MM-dd HH:mm:ss")));
        Assert.Throws<SqlFunctionException>(() => Call("DATE_FORMAT", ts, S("yyyy-qq")));
    }

    [Fact]
    public void DATE_FORMAT_of_a_TIMESTAMP_LTZ_shows_the_session_zones_local_time()
    {
        var instant = (new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero), SqlType.TimestampLtz(3));
        Assert.Equal("2024-07-01 14:00:00 +0200", Call(Zone("Europe/Berlin"), "DATE_FORMAT", instant, S("yyyy-MM-dd HH:mm:ss Z")));
        Assert.Equal("2024-07-01 08:00:00", Call(Zone("America/New_York"), "DATE_FORMAT", instant, S("yyyy-MM-dd HH:mm:ss")));
    }

    [Fact]
    public void TO_TIMESTAMP_and_TO_DATE_parse_with_patterns_and_give_NULL_on_bad_input()
    {
        Assert.Equal(new DateTime(1970, 1, 1), Call("TO_TIMESTAMP", S("1970-01-01 00:00:00")));
        Assert.Equal(new DateTime(2024, 2, 29, 13, 4, 5), Call("TO_TIMESTAMP", S("29.02.2024 13:04:05"), S("dd.MM.yyyy HH:mm:ss")));
        Assert.Equal(new DateTime(2024, 2, 29), Call("TO_TIMESTAMP", S("20240229"), S("yyyyMMdd")));
        Assert.Equal(new DateTime(2024, 2, 29, 13, 4, 5, 120), Call("TO_TIMESTAMP", S("2024-02-29 13:04:05.12"), S("yyyy-MM-dd HH:mm:ss.SSS")));
        Assert.Null(Call("TO_TIMESTAMP", S("2023-02-29 00:00:00")));
        Assert.Null(Call("TO_TIMESTAMP", S("garbage"), S("yyyy")));
        Assert.Equal(new DateOnly(2024, 2, 29), Call("TO_DATE", S("2024-02-29")));
        Assert.Equal(new DateOnly(2024, 2, 29), Call("TO_DATE", S("02/29/2024"), S("MM/dd/yyyy")));
        Assert.Equal(SqlType.Timestamp(3), Resolve("TO_TIMESTAMP", SqlType.String.NotNull()).ReturnType);
    }

    private static readonly string[] Patterns =
        ["yyyy-MM-dd HH:mm:ss.SSS", "dd/MM/yyyy HH:mm:ss.SSS", "yyyyMMddHHmmssSSS", "EEE MMM dd yyyy hh:mm:ss.SSS a", "yyyy-DDD HH:mm:ss.SSS"];

    [Fact]
    public void DATE_FORMAT_then_TO_TIMESTAMP_gives_the_timestamp_back() =>
        Gen.Long[new DateTime(1000, 1, 1).Ticks, new DateTime(9999, 12, 31).Ticks].Select(Gen.Int[0, Patterns.Length - 1].Select(i => Patterns[i]))
        .Sample((ticks, pattern) =>
        {
            var value = new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond);
            var text = (string)Call("DATE_FORMAT", (value, SqlType.Timestamp(3)), S(pattern))!;
            return Equals(value, Call("TO_TIMESTAMP", S(text), S(pattern)));
        });

    [Fact]
    public void UNIX_TIMESTAMP_and_FROM_UNIXTIME_read_and_write_in_the_session_zone()
    {
        Assert.Equal("1970-01-01 00:00:44", Call("FROM_UNIXTIME", I(44)));
        Assert.Equal("1970-01-01 08:00:44", Call(Zone("Asia/Shanghai"), "FROM_UNIXTIME", I(44)));
        Assert.Equal("1970/01/01", Call("FROM_UNIXTIME", I(44), S("yyyy/MM/dd")));
        Assert.Equal(0L, Call(Zone("Asia/Shanghai"), "UNIX_TIMESTAMP", S("1970-01-01 08:00:00")));
        Assert.Equal(86400L, Call("UNIX_TIMESTAMP", S("1970/01/02"), S("yyyy/MM/dd")));
        // Flink returns Long.MIN_VALUE for text that does not parse (its documentation says so).
        Assert.Equal(long.MinValue, Call("UNIX_TIMESTAMP", S("not a time")));
        // Flink's documented example: the zone in the text wins over the session zone.
        Assert.Equal(1L, Call(Zone("Europe/Berlin"), "UNIX_TIMESTAMP", S("1970-01-01 08:00:01.001 +0800"), S("yyyy-MM-dd HH:mm:ss.SSS X")));
        Assert.Equal(25201L, Call(Zone("Europe/Berlin"), "UNIX_TIMESTAMP", S("1970-01-01 08:00:01.001"), S("yyyy-MM-dd HH:mm:ss.SSS")));
        Assert.False(Resolve("UNIX_TIMESTAMP").IsDeterministic);
        Assert.True(Resolve("UNIX_TIMESTAMP", SqlType.String).IsDeterministic);
    }

    [Fact]
    public void EXTRACT_and_the_date_part_functions_match_DuckDB() =>
        Gen.Long[new DateTime(1900, 1, 1).Ticks, new DateTime(2100, 12, 31).Ticks].Sample(ticks =>
        {
            var value = new DateTime(ticks - ticks % TimeSpan.TicksPerSecond);
            var literal = $"TIMESTAMP '{value:yyyy-MM-dd HH:mm:ss}'";
            foreach (var (function, part) in new[]
            {
                ("YEAR", "year"), ("QUARTER", "quarter"), ("MONTH", "month"), ("WEEK", "week"), ("DAYOFYEAR", "dayofyear"),
                ("DAYOFMONTH", "day"), ("HOUR", "hour"), ("MINUTE", "minute"), ("SECOND", "second"),
            })
            {
                var expected = Convert.ToInt64(_duck.Scalar($"SELECT date_part('{part}', {literal})"), CultureInfo.InvariantCulture);
                Assert.Equal(expected, Call(function, (value, SqlType.Timestamp(0))));
            }
            // DuckDB's dayofweek is 0 = Sunday; Flink's is 1 = Sunday.
            Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT dayofweek({literal})"), CultureInfo.InvariantCulture) + 1, Call("DAYOFWEEK", (value, SqlType.Timestamp(0))));
            Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT epoch({literal})::BIGINT"), CultureInfo.InvariantCulture), Call("EXTRACT", S("EPOCH"), (value, SqlType.Timestamp(0))));
        }, iter: 100);

    [Fact]
    public void Flinks_documented_temporal_examples_hold()
    {
        Assert.Equal(5L, Call("EXTRACT", S("DAY"), Date("2006-06-05")));
        Assert.Equal(1, Call("TIMESTAMPDIFF", S("DAY"), Ts("2003-01-02 10:00:00"), Ts("2003-01-03 10:00:00")));
        Assert.Equal(0, Call("TIMESTAMPDIFF", S("DAY"), Ts("2003-01-02 10:00:00"), Ts("2003-01-03 09:59:59")));
        // Calcite counts a month when adding it (clamped to the month's end) does not pass the end: Jan 31 + 1 month is Feb 29.
        Assert.Equal(1, Call("TIMESTAMPDIFF", S("MONTH"), Date("2024-01-31"), Date("2024-02-29")));
        Assert.Equal(0, Call("TIMESTAMPDIFF", S("MONTH"), Ts("2024-01-31 10:00:00"), Ts("2024-02-29 09:00:00")));
        Assert.Equal(-12, Call("TIMESTAMPDIFF", S("MONTH"), Date("2025-03-01"), Date("2024-03-01")));
        Assert.Equal(new DateOnly(2003, 1, 9), Call("TIMESTAMPADD", S("WEEK"), I(1), Date("2003-01-02")));
        Assert.Equal(new DateTime(2024, 2, 29), Call("TIMESTAMPADD", S("MONTH"), I(1), Ts("2024-01-31 00:00:00")));
        Assert.Equal(new DateTime(2024, 3, 1, 1, 0, 0), Call("TIMESTAMPADD", S("HOUR"), I(2), Ts("2024-02-29 23:00:00")));
        Assert.Equal("1969-12-31 16:00:00", Call("CONVERT_TZ", S("1970-01-01 00:00:00"), S("UTC"), S("America/Los_Angeles")));
        Assert.Equal("1970-01-01 08:00:00", Call("CONVERT_TZ", S("1970-01-01 00:00:00"), S("UTC"), S("GMT+08:00")));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), Call("TO_TIMESTAMP_LTZ", L(1_700_000_000_123), I(3)));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Call("TO_TIMESTAMP_LTZ", L(1_700_000_000), I(0)));
        Assert.Throws<SqlFunctionException>(() => Call("TO_TIMESTAMP_LTZ", L(1), I(6)));
    }

    [Theory]
    [InlineData("SECOND", "2024-02-29 13:04:05", "2024-02-29 13:04:06")]
    [InlineData("MINUTE", "2024-02-29 13:04:00", "2024-02-29 13:05:00")]
    [InlineData("HOUR", "2024-02-29 13:00:00", "2024-02-29 14:00:00")]
    [InlineData("DAY", "2024-02-29 00:00:00", "2024-03-01 00:00:00")]
    [InlineData("WEEK", "2024-02-25 00:00:00", "2024-03-03 00:00:00")]
    [InlineData("MONTH", "2024-02-01 00:00:00", "2024-03-01 00:00:00")]
    [InlineData("QUARTER", "2024-01-01 00:00:00", "2024-04-01 00:00:00")]
    [InlineData("YEAR", "2024-01-01 00:00:00", "2025-01-01 00:00:00")]
    public void FLOOR_and_CEIL_to_a_unit_bracket_the_timestamp(string unit, string floor, string ceil)
    {
        var value = Ts("2024-02-29 13:04:05.250");
        Assert.Equal(DateTime.Parse(floor, CultureInfo.InvariantCulture), Call("FLOOR", value, S(unit)));
        Assert.Equal(DateTime.Parse(ceil, CultureInfo.InvariantCulture), Call("CEIL", value, S(unit)));
    }

    [Fact]
    public void Interval_arithmetic_adds_months_with_the_end_of_month_rule_and_durations_exactly()
    {
        Assert.Equal(new DateTime(2023, 2, 28), Call("+", Ts("2023-01-31 00:00:00"), (1, SqlType.IntervalYearMonth())));
        Assert.Equal(new DateOnly(2024, 2, 28), Call("-", Date("2025-02-28"), (12, SqlType.IntervalYearMonth())));
        Assert.Equal(new DateOnly(2025, 2, 28), Call("+", Date("2024-02-29"), (12, SqlType.IntervalYearMonth())));
        Assert.Equal(new DateTime(2024, 3, 1, 0, 30, 0), Call("+", Ts("2024-02-29 23:30:00"), (TimeSpan.FromHours(1), SqlType.IntervalDayTime())));
        Assert.Equal(new DateOnly(2024, 3, 1), Call("+", Date("2024-02-28"), (TimeSpan.FromDays(2), SqlType.IntervalDayTime())));
        Assert.Equal(TimeSpan.FromHours(3), Call("*", (TimeSpan.FromHours(1), SqlType.IntervalDayTime()), I(3)));
        Assert.Equal(TimeSpan.FromHours(-1), Call("-", (TimeSpan.FromHours(1), SqlType.IntervalDayTime())));
    }

    [Fact]
    public void TIMESTAMP_LTZ_arithmetic_by_months_respects_daylight_saving_in_the_session_zone()
    {
        // 2024-02-15 11:00 UTC is 12:00 CET in Berlin; two months later it is 12:00 CEST, which is 10:00 UTC.
        var berlin = Zone("Europe/Berlin");
        var start = (new DateTimeOffset(2024, 2, 15, 11, 0, 0, TimeSpan.Zero), SqlType.TimestampLtz(3));
        Assert.Equal(new DateTimeOffset(2024, 4, 15, 10, 0, 0, TimeSpan.Zero), Call(berlin, "+", start, (2, SqlType.IntervalYearMonth())));
    }

    [Fact]
    public void The_current_time_functions_read_the_context_clock_and_are_not_deterministic()
    {
        var clock = new FixedClock(new DateTimeOffset(2024, 12, 31, 23, 30, 0, 123, TimeSpan.Zero));
        var tokyo = new FunctionContext(TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"), clock);
        Assert.Equal(new DateOnly(2025, 1, 1), Call(tokyo, "CURRENT_DATE"));
        Assert.Equal(new DateTime(2025, 1, 1, 8, 30, 0, 123), Call(tokyo, "LOCALTIMESTAMP"));
        Assert.Equal(clock.GetUtcNow(), Call(tokyo, "NOW"));
        Assert.Equal(new TimeOnly(8, 30), Call(tokyo, "CURRENT_TIME"));
        Assert.False(Resolve("CURRENT_TIMESTAMP").IsDeterministic);
        Assert.Equal(SqlType.TimestampLtz(3).NotNull(), Resolve("CURRENT_TIMESTAMP").ReturnType);
    }

    [Fact]
    public void A_local_time_in_a_daylight_saving_gap_moves_forward_as_in_java_time()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // 2024-03-31 02:30 does not exist in Berlin; java.time gives 03:30 CEST = 01:30 UTC.
        Assert.Equal(new DateTimeOffset(2024, 3, 31, 1, 30, 0, TimeSpan.Zero), FunctionContext.ToInstant(new DateTime(2024, 3, 31, 2, 30, 0), berlin));
        // 2024-10-27 02:30 happens twice; java.time takes the earlier offset (CEST, +2).
        Assert.Equal(new DateTimeOffset(2024, 10, 27, 0, 30, 0, TimeSpan.Zero), FunctionContext.ToInstant(new DateTime(2024, 10, 27, 2, 30, 0), berlin));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
