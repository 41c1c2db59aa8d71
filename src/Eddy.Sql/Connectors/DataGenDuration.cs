using System.Globalization;

namespace Eddy.Sql.Connectors;

/// <summary>
/// A duration option as Flink's <c>TimeUtils.parseDuration</c> reads it: a number and an optional unit
/// (<c>ms</c> when none): <c>500</c>, <c>10 s</c>, <c>5min</c>, <c>1 h</c>, <c>2 d</c>, and the long forms.
/// </summary>
internal static class DataGenDuration
{
    /// <summary>The duration, or null when the text is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
            digits++;
        if (digits == 0 || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            return null;
        long? ticksPerUnit = trimmed[digits..].Trim().ToLowerInvariant() switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => TimeSpan.TicksPerMillisecond,
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.TicksPerSecond,
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.TicksPerMinute,
            "h" or "hour" or "hours" => TimeSpan.TicksPerHour,
            "d" or "day" or "days" => TimeSpan.TicksPerDay,
            "us" or "µs" or "micro" or "micros" or "microsecond" or "microseconds" => TimeSpan.TicksPerMicrosecond,
            "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds" => 0,
            _ => null,
        };
        if (ticksPerUnit is not { } unit)
            return null;
        if (unit == 0)
            return TimeSpan.FromTicks(amount / 100);
        return amount > TimeSpan.MaxValue.Ticks / unit ? null : TimeSpan.FromTicks(amount * unit);
    }
}
