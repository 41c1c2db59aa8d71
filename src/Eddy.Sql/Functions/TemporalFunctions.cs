using System.Globalization;

namespace Eddy.Sql.Functions;

/// <summary>
/// Flink's temporal functions: formatting and parsing with SimpleDateFormat patterns, EXTRACT and its shorthands,
/// FLOOR/CEIL to a unit, TIMESTAMPADD/TIMESTAMPDIFF, time zones, the current time, and interval arithmetic.
/// TIMESTAMP_LTZ values are read in the session time zone of the <see cref="FunctionContext"/>.
/// </summary>
internal static class TemporalFunctions
{
    /// <summary>Flink's default pattern of DATE_FORMAT's string input, TO_TIMESTAMP, UNIX_TIMESTAMP and FROM_UNIXTIME.</summary>
    public const string DefaultPattern = "yyyy-MM-dd HH:mm:ss";

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    // ---- DATE_FORMAT, TO_TIMESTAMP, TO_DATE, UNIX_TIMESTAMP, FROM_UNIXTIME

    public static string DateFormat(DateTime timestamp, string pattern) => SimpleDateFormat.Get(pattern).Format(timestamp);

    public static string DateFormat(FunctionContext context, DateTimeOffset instant, string pattern)
    {
        var local = context.ToLocal(instant);
        return SimpleDateFormat.Get(pattern).Format(local, context.TimeZone.GetUtcOffset(instant));
    }

    /// <summary>DATE_FORMAT(string, pattern): the string is read as a timestamp first; NULL when it is not one.</summary>
    public static string? DateFormat(string timestamp, string pattern) =>
        DateTimeText.TryParseTimestamp(timestamp, out var parsed) ? SimpleDateFormat.Get(pattern).Format(parsed) : null;

    /// <summary>TO_TIMESTAMP(s): Flink's timestamp text (<c>yyyy-MM-dd HH:mm:ss[.fff]</c>); NULL when it does not parse.</summary>
    public static DateTime? ToTimestamp(string text) =>
        DateTimeText.TryParseTimestamp(text, out var parsed) ? new DateTime(CastFunctions.TruncateTicks(parsed.Ticks, 3)) : null;

    /// <summary>TO_TIMESTAMP(s, pattern); NULL when it does not parse.</summary>
    public static DateTime? ToTimestamp(string text, string pattern) =>
        SimpleDateFormat.Get(pattern).TryParse(text, TimeZoneInfo.Utc, out var parsed) ? new DateTime(CastFunctions.TruncateTicks(parsed.Ticks, 3)) : null;

    /// <summary>TO_DATE(s): <c>yyyy-MM-dd</c>; NULL when it does not parse.</summary>
    public static DateOnly? ToDate(string text) => DateTimeText.TryParseDate(text, out var date) ? date : null;

    /// <summary>TO_DATE(s, pattern); NULL when it does not parse.</summary>
    public static DateOnly? ToDate(string text, string pattern) =>
        SimpleDateFormat.Get(pattern).TryParse(text, TimeZoneInfo.Utc, out var parsed) ? DateOnly.FromDateTime(parsed) : null;

    /// <summary>UNIX_TIMESTAMP(): the current time in seconds since the epoch.</summary>
    public static long UnixTimestamp(FunctionContext context) => context.Now.ToUnixTimeSeconds();

    /// <summary>
    /// UNIX_TIMESTAMP(s[, pattern]): s read as a local time in the session zone (or in the zone the text names);
    /// Long.MIN_VALUE when it does not parse, as Flink returns.
    /// </summary>
    public static long UnixTimestamp(FunctionContext context, string text, string pattern)
    {
        if (!SimpleDateFormat.Get(pattern).TryParse(text, context.TimeZone, out var local))
            return long.MinValue;
        return context.ToInstant(local).ToUnixTimeSeconds();
    }

    public static long UnixTimestamp(FunctionContext context, string text) => UnixTimestamp(context, text, DefaultPattern);

    /// <summary>FROM_UNIXTIME(seconds[, pattern]): the local time in the session zone, formatted.</summary>
    public static string FromUnixtime(FunctionContext context, long seconds, string pattern)
    {
        var instant = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, -62135596800L, 253402300799L));
        return DateFormat(context, instant, pattern);
    }

    public static string FromUnixtime(FunctionContext context, long seconds) => FromUnixtime(context, seconds, DefaultPattern);

    /// <summary>TO_TIMESTAMP_LTZ(n, precision): n seconds (precision 0) or milliseconds (precision 3) since the epoch.</summary>
    public static DateTimeOffset ToTimestampLtz(long value, int precision) => precision switch
    {
        0 => DateTimeOffset.FromUnixTimeSeconds(value),
        3 => DateTimeOffset.FromUnixTimeMilliseconds(value),
        _ => throw new SqlFunctionException($"The precision value '{precision}' for function TO_TIMESTAMP_LTZ(numeric, precision) is unsupported, the supported value is '0' for second or '3' for millisecond."),
    };

    public static DateTimeOffset ToTimestampLtz(double value, int precision) => precision switch
    {
        0 => new DateTimeOffset(EpochTicks + (long)(value * TimeSpan.TicksPerSecond), TimeSpan.Zero),
        3 => new DateTimeOffset(EpochTicks + (long)(value * TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
        _ => ToTimestampLtz(0L, precision),
    };

    public static DateTimeOffset ToTimestampLtz(long value) => ToTimestampLtz(value, 3);

    /// <summary>CONVERT_TZ(s, from, to): the timestamp text moved from one zone to another.</summary>
    public static string? ConvertTz(string text, string fromZone, string toZone)
    {
        if (!DateTimeText.TryParseTimestamp(text, out var local))
            return null;
        var instant = FunctionContext.ToInstant(local, FunctionContext.FindZone(fromZone));
        var converted = TimeZoneInfo.ConvertTime(instant, FunctionContext.FindZone(toZone));
        return SimpleDateFormat.Get(DefaultPattern).Format(converted.DateTime);
    }

    // ---- EXTRACT and its shorthands

    /// <summary>EXTRACT(unit FROM timestamp).</summary>
    public static long Extract(string unit, DateTime value) => Unit(unit) switch
    {
        "YEAR" => value.Year,
        "QUARTER" => (value.Month + 2) / 3,
        "MONTH" => value.Month,
        "WEEK" => ISOWeek.GetWeekOfYear(value),
        "DAY" => value.Day,
        "DOY" => value.DayOfYear,
        "DOW" => (int)value.DayOfWeek + 1,
        "ISODOW" => value.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)value.DayOfWeek,
        "ISOYEAR" => ISOWeek.GetYear(value),
        "HOUR" => value.Hour,
        "MINUTE" => value.Minute,
        "SECOND" => value.Second,
        "MILLISECOND" => value.Second * 1000L + value.Millisecond,
        "MICROSECOND" => value.Second * 1_000_000L + value.Ticks % TimeSpan.TicksPerSecond / 10,
        "NANOSECOND" => value.Second * 1_000_000_000L + value.Ticks % TimeSpan.TicksPerSecond * 100,
        "EPOCH" => FloorDiv(value.Ticks - EpochTicks, TimeSpan.TicksPerSecond),
        "DECADE" => FloorDiv(value.Year, 10),
        "CENTURY" => value.Year > 0 ? (value.Year + 99) / 100 : -((99 - value.Year) / 100),
        "MILLENNIUM" => value.Year > 0 ? (value.Year + 999) / 1000 : -((999 - value.Year) / 1000),
        _ => throw new SqlFunctionException($"Unsupported time unit for EXTRACT: {unit}."),
    };

    public static long Extract(string unit, DateOnly value) => Unit(unit) switch
    {
        "HOUR" or "MINUTE" or "SECOND" or "MILLISECOND" or "MICROSECOND" or "NANOSECOND" =>
            throw new SqlFunctionException($"Cannot extract {Unit(unit)} from a DATE."),
        _ => Extract(unit, value.ToDateTime(TimeOnly.MinValue)),
    };

    public static long Extract(string unit, TimeOnly value) => Unit(unit) switch
    {
        "HOUR" or "MINUTE" or "SECOND" or "MILLISECOND" or "MICROSECOND" or "NANOSECOND" => Extract(unit, new DateTime(EpochTicks + value.Ticks)),
        "EPOCH" => value.Ticks / TimeSpan.TicksPerSecond,
        _ => throw new SqlFunctionException($"Cannot extract {Unit(unit)} from a TIME."),
    };

    public static long Extract(FunctionContext context, string unit, DateTimeOffset value) =>
        unit.Equals("EPOCH", StringComparison.OrdinalIgnoreCase) ? value.ToUnixTimeSeconds() : Extract(unit, context.ToLocal(value));

    /// <summary>EXTRACT from an INTERVAL YEAR TO MONTH (months).</summary>
    public static long Extract(string unit, int months) => Unit(unit) switch
    {
        "YEAR" => months / 12,
        "MONTH" => months % 12,
        "QUARTER" => months % 12 / 3 + 1,
        _ => throw new SqlFunctionException($"Cannot extract {Unit(unit)} from an INTERVAL YEAR TO MONTH."),
    };

    /// <summary>EXTRACT from an INTERVAL DAY TO SECOND.</summary>
    public static long Extract(string unit, TimeSpan value) => Unit(unit) switch
    {
        "DAY" => value.Days,
        "HOUR" => value.Hours,
        "MINUTE" => value.Minutes,
        "SECOND" => value.Seconds,
        "MILLISECOND" => value.Seconds * 1000L + value.Milliseconds,
        "EPOCH" => (long)value.TotalSeconds,
        _ => throw new SqlFunctionException($"Cannot extract {Unit(unit)} from an INTERVAL DAY TO SECOND."),
    };

    /// <summary>The unit in upper case, without allocating when it already is (units arrive as upper-case literals).</summary>
    private static string Unit(string unit)
    {
        foreach (var c in unit)
        {
            if (char.IsLower(c))
                return unit.ToUpperInvariant();
        }
        return unit;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>YEAR(t), MONTH(t), … : EXTRACT with the unit after the value.</summary>
    public static long Part(DateTime value, string unit) => Extract(unit, value);

    public static long Part(DateOnly value, string unit) => Extract(unit, value);

    public static long Part(TimeOnly value, string unit) => Extract(unit, value);

    public static long Part(FunctionContext context, DateTimeOffset value, string unit) => Extract(context, unit, value);

    // ---- FLOOR / CEIL (t TO unit)

    /// <summary>FLOOR(timestamp TO unit): the start of the unit holding it (weeks start on Sunday, as Calcite's).</summary>
    public static DateTime Floor(DateTime value, string unit) => Unit(unit) switch
    {
        "MILLISECOND" => new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond),
        "SECOND" => new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond),
        "MINUTE" => new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerMinute),
        "HOUR" => new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerHour),
        "DAY" => value.Date,
        "WEEK" => value.Date.AddDays(-(int)value.DayOfWeek),
        "MONTH" => new DateTime(value.Year, value.Month, 1),
        "QUARTER" => new DateTime(value.Year, (value.Month - 1) / 3 * 3 + 1, 1),
        "YEAR" => new DateTime(value.Year, 1, 1),
        "DECADE" => new DateTime(Math.Max(1, value.Year / 10 * 10), 1, 1),
        "CENTURY" => new DateTime((value.Year - 1) / 100 * 100 + 1, 1, 1),
        "MILLENNIUM" => new DateTime((value.Year - 1) / 1000 * 1000 + 1, 1, 1),
        _ => throw new SqlFunctionException($"Unsupported time unit for FLOOR/CEIL: {unit}."),
    };

    /// <summary>CEIL(timestamp TO unit): the start of the next unit unless already at a unit's start.</summary>
    public static DateTime Ceil(DateTime value, string unit)
    {
        var floor = Floor(value, unit);
        if (floor == value)
            return value;
        return Unit(unit) switch
        {
            "MILLISECOND" => floor.AddMilliseconds(1),
            "SECOND" => floor.AddSeconds(1),
            "MINUTE" => floor.AddMinutes(1),
            "HOUR" => floor.AddHours(1),
            "DAY" => floor.AddDays(1),
            "WEEK" => floor.AddDays(7),
            "MONTH" => floor.AddMonths(1),
            "QUARTER" => floor.AddMonths(3),
            "YEAR" => floor.AddYears(1),
            "DECADE" => floor.AddYears(10),
            "CENTURY" => floor.AddYears(100),
            _ => floor.AddYears(1000),
        };
    }

    public static DateOnly Floor(DateOnly value, string unit) => DateOnly.FromDateTime(Floor(value.ToDateTime(TimeOnly.MinValue), unit));

    public static DateOnly Ceil(DateOnly value, string unit) => DateOnly.FromDateTime(Ceil(value.ToDateTime(TimeOnly.MinValue), unit));

    public static TimeOnly Floor(TimeOnly value, string unit) => TimeOnly.FromDateTime(Floor(new DateTime(EpochTicks + value.Ticks), unit));

    public static TimeOnly Ceil(TimeOnly value, string unit) => TimeOnly.FromDateTime(Ceil(new DateTime(EpochTicks + value.Ticks), unit));

    /// <summary>FLOOR(timestamp_ltz TO unit): floored in the session zone's local time.</summary>
    public static DateTimeOffset Floor(FunctionContext context, DateTimeOffset value, string unit) => context.ToInstant(Floor(context.ToLocal(value), unit));

    public static DateTimeOffset Ceil(FunctionContext context, DateTimeOffset value, string unit) => context.ToInstant(Ceil(context.ToLocal(value), unit));

    // ---- TIMESTAMPADD / TIMESTAMPDIFF

    /// <summary>TIMESTAMPADD(unit, n, timestamp).</summary>
    public static DateTime TimestampAdd(string unit, long amount, DateTime value)
    {
        try
        {
            return Unit(unit) switch
            {
                "NANOSECOND" => value.AddTicks(amount / 100),
                "MICROSECOND" => value.AddTicks(amount * 10),
                "MILLISECOND" => value.AddTicks(amount * TimeSpan.TicksPerMillisecond),
                "SECOND" => value.AddTicks(amount * TimeSpan.TicksPerSecond),
                "MINUTE" => value.AddTicks(amount * TimeSpan.TicksPerMinute),
                "HOUR" => value.AddTicks(amount * TimeSpan.TicksPerHour),
                "DAY" => value.AddDays(amount),
                "WEEK" => value.AddDays(amount * 7),
                "MONTH" => value.AddMonths(checked((int)amount)),
                "QUARTER" => value.AddMonths(checked((int)amount * 3)),
                "YEAR" => value.AddMonths(checked((int)amount * 12)),
                _ => throw new SqlFunctionException($"Unsupported time unit for TIMESTAMPADD: {unit}."),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new SqlFunctionException($"TIMESTAMPADD({unit}, {amount}, ...) is out of the range of TIMESTAMP.", e);
        }
        catch (OverflowException e)
        {
            throw new SqlFunctionException($"TIMESTAMPADD({unit}, {amount}, ...) is out of the range of TIMESTAMP.", e);
        }
    }

    /// <summary>TIMESTAMPADD on a DATE: a date for DAY and coarser units, else the timestamp of its midnight plus the amount.</summary>
    public static DateTime TimestampAdd(string unit, long amount, DateOnly value) => TimestampAdd(unit, amount, value.ToDateTime(TimeOnly.MinValue));

    /// <summary>TIMESTAMPADD of DAY or a coarser unit on a DATE: a DATE.</summary>
    public static DateOnly TimestampAddToDate(string unit, long amount, DateOnly value) =>
        DateOnly.FromDateTime(TimestampAdd(unit, amount, value.ToDateTime(TimeOnly.MinValue)));

    public static DateTimeOffset TimestampAdd(FunctionContext context, string unit, long amount, DateTimeOffset value)
    {
        var upper = Unit(unit);
        if (upper is "DAY" or "WEEK" or "MONTH" or "QUARTER" or "YEAR")
            return context.ToInstant(TimestampAdd(unit, amount, context.ToLocal(value)));
        var utc = TimestampAdd(unit, amount, value.UtcDateTime);
        return new DateTimeOffset(utc.Ticks, TimeSpan.Zero);
    }

    /// <summary>TIMESTAMPDIFF(unit, t1, t2): whole units from t1 to t2, truncated toward zero.</summary>
    public static int TimestampDiff(string unit, DateTime start, DateTime end)
    {
        long result;
        switch (Unit(unit))
        {
            case "MONTH":
                result = MonthsBetween(start, end);
                break;
            case "QUARTER":
                result = MonthsBetween(start, end) / 3;
                break;
            case "YEAR":
                result = MonthsBetween(start, end) / 12;
                break;
            default:
                var ticks = end.Ticks - start.Ticks;
                result = Unit(unit) switch
                {
                    "NANOSECOND" => ticks * 100,
                    "MICROSECOND" => ticks / 10,
                    "MILLISECOND" => ticks / TimeSpan.TicksPerMillisecond,
                    "SECOND" => ticks / TimeSpan.TicksPerSecond,
                    "MINUTE" => ticks / TimeSpan.TicksPerMinute,
                    "HOUR" => ticks / TimeSpan.TicksPerHour,
                    "DAY" => ticks / TimeSpan.TicksPerDay,
                    "WEEK" => ticks / (TimeSpan.TicksPerDay * 7),
                    _ => throw new SqlFunctionException($"Unsupported time unit for TIMESTAMPDIFF: {unit}."),
                };
                break;
        }
        return unchecked((int)result);
    }

    private static long MonthsBetween(DateTime start, DateTime end)
    {
        // Calcite's rule: the largest m with start + m months (clamped to the month's end) not after end; on the
        // landing day, the time of day must be reached too.
        if (end < start)
            return -MonthsBetween(end, start);
        var from = start.Date;
        var to = end.Date;
        var months = Math.Max(0, (end.Year - start.Year) * 12 + end.Month - start.Month - 1);
        while (from.AddMonths(months + 1) <= to)
            months++;
        if (months > 0 && from.AddMonths(months) == to && end.TimeOfDay < start.TimeOfDay)
            months--;
        return months;
    }

    public static int TimestampDiff(string unit, DateOnly start, DateOnly end) =>
        TimestampDiff(unit, start.ToDateTime(TimeOnly.MinValue), end.ToDateTime(TimeOnly.MinValue));

    public static int TimestampDiff(FunctionContext context, string unit, DateTimeOffset start, DateTimeOffset end) =>
        TimestampDiff(unit, context.ToLocal(start), context.ToLocal(end));

    // ---- the current time (non-deterministic; Flink evaluates them per record in streaming mode)

    public static DateOnly CurrentDate(FunctionContext context) => DateOnly.FromDateTime(context.ToLocal(context.Now));

    public static TimeOnly CurrentTime(FunctionContext context) => new(CastFunctions.TruncateTicks(TimeOnly.FromDateTime(context.ToLocal(context.Now)).Ticks, 0));

    /// <summary>CURRENT_TIMESTAMP, NOW(), CURRENT_ROW_TIMESTAMP(): TIMESTAMP_LTZ(3).</summary>
    public static DateTimeOffset CurrentTimestamp(FunctionContext context) => new(CastFunctions.TruncateTicks(context.Now.UtcTicks, 3), TimeSpan.Zero);

    /// <summary>LOCALTIMESTAMP: TIMESTAMP(3) in the session zone.</summary>
    public static DateTime LocalTimestamp(FunctionContext context) => new(CastFunctions.TruncateTicks(context.ToLocal(context.Now).Ticks, 3));

    /// <summary>LOCALTIME: TIME(0) in the session zone.</summary>
    public static TimeOnly LocalTime(FunctionContext context) => CurrentTime(context);

    // ---- interval arithmetic

    public static DateTime PlusMonths(DateTime value, int months) => value.AddMonths(months);
    public static DateTime MinusMonths(DateTime value, int months) => value.AddMonths(-months);
    public static DateTime Plus(DateTime value, TimeSpan span) => value + span;
    public static DateTime Minus(DateTime value, TimeSpan span) => value - span;
    public static DateOnly PlusMonths(DateOnly value, int months) => value.AddMonths(months);
    public static DateOnly MinusMonths(DateOnly value, int months) => value.AddMonths(-months);

    /// <summary>DATE ± day-time interval: whole days (Calcite drops the time of day).</summary>
    public static DateOnly Plus(DateOnly value, TimeSpan span) => value.AddDays((int)(span.Ticks / TimeSpan.TicksPerDay));
    public static DateOnly Minus(DateOnly value, TimeSpan span) => value.AddDays(-(int)(span.Ticks / TimeSpan.TicksPerDay));
    public static TimeOnly Plus(TimeOnly value, TimeSpan span) => value.Add(span);
    public static TimeOnly Minus(TimeOnly value, TimeSpan span) => value.Add(-span);

    /// <summary>TIMESTAMP_LTZ ± year-month interval: months added in the session zone's local time.</summary>
    public static DateTimeOffset PlusMonths(FunctionContext context, DateTimeOffset value, int months) => context.ToInstant(context.ToLocal(value).AddMonths(months));
    public static DateTimeOffset MinusMonths(FunctionContext context, DateTimeOffset value, int months) => context.ToInstant(context.ToLocal(value).AddMonths(-months));
    public static DateTimeOffset Plus(DateTimeOffset value, TimeSpan span) => value + span;
    public static DateTimeOffset Minus(DateTimeOffset value, TimeSpan span) => value - span;
    public static DateTime Plus(int months, DateTime value) => value.AddMonths(months);
    public static DateTime Plus(TimeSpan span, DateTime value) => value + span;
    public static DateOnly Plus(int months, DateOnly value) => value.AddMonths(months);
    public static DateOnly Plus(TimeSpan span, DateOnly value) => Plus(value, span);
    public static int Minus(int months, int other) => unchecked(months - other);
    public static int Plus(int months, int other) => unchecked(months + other);
    public static TimeSpan Plus(TimeSpan a, TimeSpan b) => a + b;
    public static TimeSpan Minus(TimeSpan a, TimeSpan b) => a - b;
    public static TimeSpan Multiply(TimeSpan a, double factor) => TimeSpan.FromTicks((long)(a.Ticks * factor));
    public static int Multiply(int months, double factor) => (int)(months * factor);
    public static TimeSpan Divide(TimeSpan a, double divisor) => TimeSpan.FromTicks((long)(a.Ticks / divisor));
    public static int Divide(int months, double divisor) => (int)(months / divisor);
}
