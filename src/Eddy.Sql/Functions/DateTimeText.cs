using System.Globalization;
using System.Text;

namespace Eddy.Sql.Functions;

/// <summary>
/// The text forms of DATE, TIME, TIMESTAMP and intervals that Flink's CAST reads and writes: <c>2024-02-29</c>,
/// <c>12:34:56.789</c>, <c>2024-02-29 12:34:56.789</c> (a <c>T</c> may separate date and time; one-digit months,
/// days, hours, minutes and seconds are accepted; up to nine fractional digits), <c>+1-02</c> and
/// <c>+1 02:03:04.000</c> for intervals.
/// </summary>
public static class DateTimeText
{
    /// <summary>Parses a date, optionally followed by a time (which is ignored, as Flink's date parsing does).</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        text = text.Trim();
        var end = text.IndexOfAny(' ', 'T');
        if (end >= 0)
        {
            if (!TryParseTime(text[(end + 1)..], out _))
            {
                date = default;
                return false;
            }
            text = text[..end];
        }
        return TryParseDateOnly(text, out date);
    }

    private static bool TryParseDateOnly(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        var pos = 0;
        if (!ReadNumber(text, ref pos, 1, 4, out var year) || !Expect(text, ref pos, '-')
            || !ReadNumber(text, ref pos, 1, 2, out var month) || !Expect(text, ref pos, '-')
            || !ReadNumber(text, ref pos, 1, 2, out var day) || pos != text.Length)
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Parses <c>H:m[:s[.fffffffff]]</c>; digits beyond the 7th fractional one are dropped (100 ns ticks).</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out TimeOnly time)
    {
        time = default;
        text = text.Trim();
        var pos = 0;
        if (!ReadNumber(text, ref pos, 1, 2, out var hour) || !Expect(text, ref pos, ':') || !ReadNumber(text, ref pos, 1, 2, out var minute))
            return false;
        var second = 0;
        long fractionTicks = 0;
        if (pos < text.Length)
        {
            if (!Expect(text, ref pos, ':') || !ReadNumber(text, ref pos, 1, 2, out second))
                return false;
            if (pos < text.Length)
            {
                if (!Expect(text, ref pos, '.'))
                    return false;
                var start = pos;
                long scale = TimeSpan.TicksPerSecond;
                while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - start < 9)
                {
                    scale /= 10;
                    fractionTicks += (text[pos] - '0') * scale;
                    pos++;
                }
                if (pos == start || pos != text.Length)
                    return false;
            }
        }
        if (hour > 23 || minute > 59 || second > 59)
            return false;
        time = new TimeOnly(new TimeSpan(hour, minute, second).Ticks + fractionTicks);
        return true;
    }

    /// <summary>Parses a timestamp <c>yyyy-M-d[( |T)H:m[:s[.f…]]]</c>; a date alone is its midnight.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTime timestamp)
    {
        timestamp = default;
        text = text.Trim();
        var split = text.IndexOfAny(' ', 'T');
        var time = TimeOnly.MinValue;
        if (split >= 0 && !TryParseTime(text[(split + 1)..], out time))
            return false;
        if (!TryParseDateOnly(split >= 0 ? text[..split] : text, out var date))
            return false;
        timestamp = date.ToDateTime(time, DateTimeKind.Unspecified);
        return true;
    }

    private static bool ReadNumber(ReadOnlySpan<char> text, ref int pos, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        var start = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - start < maxDigits)
        {
            value = value * 10 + (text[pos] - '0');
            pos++;
        }
        return pos - start >= minDigits && (pos == text.Length || !char.IsAsciiDigit(text[pos]));
    }

    private static bool Expect(ReadOnlySpan<char> text, ref int pos, char c)
    {
        if (pos < text.Length && text[pos] == c)
        {
            pos++;
            return true;
        }
        return false;
    }

    /// <summary>A DATE as <c>yyyy-MM-dd</c>.</summary>
    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A TIME(p) as <c>HH:mm:ss</c> with <paramref name="precision"/> fractional digits.</summary>
    public static string FormatTime(TimeOnly time, int precision)
    {
        var text = new StringBuilder(18);
        AppendTime(text, time.Ticks, precision);
        return text.ToString();
    }

    /// <summary>A TIMESTAMP(p) as <c>yyyy-MM-dd HH:mm:ss</c> with <paramref name="precision"/> fractional digits.</summary>
    public static string FormatTimestamp(DateTime timestamp, int precision)
    {
        var text = new StringBuilder(29);
        text.Append(timestamp.ToString("yyyy-MM-dd ", CultureInfo.InvariantCulture));
        AppendTime(text, timestamp.TimeOfDay.Ticks, precision);
        return text.ToString();
    }

    private static void AppendTime(StringBuilder text, long ticksOfDay, int precision)
    {
        var c = CultureInfo.InvariantCulture;
        var seconds = ticksOfDay / TimeSpan.TicksPerSecond;
        text.Append((seconds / 3600).ToString("00", c)).Append(':')
            .Append((seconds / 60 % 60).ToString("00", c)).Append(':')
            .Append((seconds % 60).ToString("00", c));
        if (precision > 0)
        {
            // 7 digits of ticks, then zeros for precisions 8 and 9.
            var fraction = (ticksOfDay % TimeSpan.TicksPerSecond).ToString("0000000", c);
            text.Append('.');
            text.Append(precision <= 7 ? fraction.AsSpan(0, precision) : fraction).Append('0', Math.Max(0, precision - 7));
        }
    }

    /// <summary>An INTERVAL YEAR TO MONTH of <paramref name="months"/> as Flink prints it: <c>+1-02</c>, <c>-0-03</c>.</summary>
    public static string FormatYearMonthInterval(int months)
    {
        var sign = months < 0 ? '-' : '+';
        var abs = Math.Abs((long)months);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 12}-{abs % 12:00}");
    }

    /// <summary>An INTERVAL DAY TO SECOND as Flink prints it: <c>+1 02:03:04.000</c> (milliseconds).</summary>
    public static string FormatDayTimeInterval(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? '-' : '+';
        var abs = value.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{sign}{abs.Days} {abs.Hours:00}:{abs.Minutes:00}:{abs.Seconds:00}.{abs.Milliseconds:000}");
    }

    /// <summary>Parses <c>[+|-]y-m</c> (an INTERVAL YEAR TO MONTH) to months.</summary>
    public static bool TryParseYearMonthInterval(ReadOnlySpan<char> text, out int months)
    {
        months = 0;
        text = text.Trim();
        var sign = 1;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            sign = text[0] == '-' ? -1 : 1;
            text = text[1..];
        }
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var years))
                return false;
            months = sign * years * 12;
            return true;
        }
        if (!int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 11)
            return false;
        months = sign * (y * 12 + m);
        return true;
    }

    /// <summary>Parses <c>[+|-]d h:m:s[.f]</c> or <c>[+|-]h:m:s[.f]</c> (an INTERVAL DAY TO SECOND).</summary>
    public static bool TryParseDayTimeInterval(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        var sign = 1;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            sign = text[0] == '-' ? -1 : 1;
            text = text[1..];
        }
        var days = 0;
        var space = text.IndexOf(' ');
        if (space >= 0)
        {
            if (!int.TryParse(text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out days))
                return false;
            text = text[(space + 1)..];
        }
        if (!TryParseTime(text, out var time))
            return false;
        value = sign * (TimeSpan.FromDays(days) + time.ToTimeSpan());
        return true;
    }
}
