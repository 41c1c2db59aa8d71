using System.Globalization;

namespace Eddy.Sql.Formats;

/// <summary>
/// Flink's text forms of dates, times, timestamps and decimals, shared by the text formats (JSON, CSV): Java's
/// <c>ISO_LOCAL_DATE</c>, <c>HH:mm:ss</c> with a fraction of as many digits as needed (none when zero), the SQL
/// timestamp <c>yyyy-MM-dd HH:mm:ss.fff</c> and ISO-8601's <c>T</c>, and <c>BigDecimal.toString</c>.
/// </summary>
internal static class TextForms
{
    /// <summary>The longest text any of these forms writes (a timestamp with 7 fractional digits and a zone), with room to spare.</summary>
    public const int MaxLength = 48;

    /// <summary>Writes <c>yyyy-MM-dd</c>; returns the length.</summary>
    public static int FormatDate(DateOnly date, Span<char> into)
    {
        date.TryFormat(into, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Writes <c>HH:mm:ss</c> and the fraction's significant digits (up to 7, 100 ns); returns the length.</summary>
    public static int FormatTime(long ticksOfDay, Span<char> into)
    {
        var seconds = ticksOfDay / TimeSpan.TicksPerSecond;
        var fraction = (int)(ticksOfDay % TimeSpan.TicksPerSecond);
        Two((int)(seconds / 3600), into);
        into[2] = ':';
        Two((int)(seconds / 60 % 60), into[3..]);
        into[5] = ':';
        Two((int)(seconds % 60), into[6..]);
        var length = 8;
        if (fraction != 0)
        {
            into[length++] = '.';
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            for (var d = digits - 1; d >= 0; d--)
            {
                into[length + d] = (char)('0' + fraction % 10);
                fraction /= 10;
            }
            length += digits;
        }
        return length;
    }

    /// <summary>Writes a timestamp: date, <paramref name="separator"/> (space or T), time, and <c>Z</c> when <paramref name="utc"/>.</summary>
    public static int FormatTimestamp(long ticks, char separator, bool utc, Span<char> into)
    {
        var length = FormatDate(DateOnly.FromDayNumber((int)(ticks / TimeSpan.TicksPerDay)), into);
        into[length++] = separator;
        length += FormatTime(ticks % TimeSpan.TicksPerDay, into[length..]);
        if (utc)
            into[length++] = 'Z';
        return length;
    }

    /// <summary>Parses <c>yyyy-MM-dd</c> (a valid day of years 0001 to 9999).</summary>
    /// <remarks>
    /// By hand rather than <see cref="DateOnly.TryParseExact(ReadOnlySpan{char}, ReadOnlySpan{char}, IFormatProvider?, DateTimeStyles, out DateOnly)"/>:
    /// every TIMESTAMP and DATE a text format reads comes through here, and the culture-aware parser was a quarter of
    /// a JSON click's decoding in `eddy bench sql`.
    /// </remarks>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-' || !TryTwo(text, out var century) || !TryTwo(text[2..], out var yearOfCentury)
            || !TryTwo(text[5..], out var month) || !TryTwo(text[8..], out var day))
            return false;
        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Parses <c>HH:mm[:ss[.f{1,9}]]</c> (Java's <c>ISO_LOCAL_TIME</c>) into ticks of the day, truncating below 100 ns.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out long ticks)
    {
        ticks = 0;
        if (text.Length < 5 || text[2] != ':' || !TryTwo(text, out var hours) || !TryTwo(text[3..], out var minutes) || hours > 23 || minutes > 59)
            return false;
        var seconds = 0;
        long fraction = 0;
        var rest = text[5..];
        if (rest.Length > 0)
        {
            if (rest.Length < 3 || rest[0] != ':' || !TryTwo(rest[1..], out seconds) || seconds > 59)
                return false;
            rest = rest[3..];
            if (rest.Length > 0)
            {
                if (rest[0] != '.' || rest.Length is < 2 or > 10)
                    return false;
                var digits = rest[1..];
                for (var i = 0; i < digits.Length; i++)
                {
                    var c = digits[i];
                    if (c is < '0' or > '9')
                        return false;
                    if (i < 7)
                        fraction = fraction * 10 + (c - '0');
                }
                for (var i = digits.Length; i < 7; i++)
                    fraction *= 10;
            }
        }
        ticks = ((hours * 60L + minutes) * 60 + seconds) * TimeSpan.TicksPerSecond + fraction;
        return true;
    }

    /// <summary>
    /// Parses a timestamp: <c>yyyy-MM-dd</c>, <paramref name="separator"/>, a time as <see cref="TryParseTime"/>, and
    /// a trailing <c>Z</c> exactly when <paramref name="utc"/>.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, char separator, bool utc, out long ticks)
    {
        ticks = 0;
        if (utc)
        {
            if (text.Length == 0 || text[^1] != 'Z')
                return false;
            text = text[..^1];
        }
        if (text.Length < 16 || text[10] != separator || !TryParseDate(text[..10], out var date) || !TryParseTime(text[11..], out var time))
            return false;
        ticks = date.DayNumber * TimeSpan.TicksPerDay + time;
        return true;
    }

    /// <summary>Truncates ticks of a time or timestamp to <paramref name="precision"/> fractional digits (7 or more keeps all).</summary>
    public static long Truncate(long ticks, int precision)
    {
        if (precision >= 7)
            return ticks;
        var unit = Pow10(7 - precision);
        var truncated = ticks / unit * unit;
        return truncated > ticks ? truncated - unit : truncated;
    }

    /// <summary>10 to the power <paramref name="n"/> (0 to 18).</summary>
    public static long Pow10(int n)
    {
        long value = 1;
        for (var i = 0; i < n; i++)
            value *= 10;
        return value;
    }

    /// <summary>
    /// <paramref name="value"/> as a DECIMAL(<paramref name="precision"/>, <paramref name="scale"/>): rounded half-up to
    /// the scale and carrying exactly that scale, or false when its integer digits exceed the precision (Flink's
    /// <c>DecimalData.fromBigDecimal</c>, which yields NULL then).
    /// </summary>
    public static bool TryFitDecimal(decimal value, int precision, int scale, out decimal fitted)
    {
        fitted = 0;
        if (scale > 28)
            scale = 28;
        var rounded = decimal.Round(value, scale, MidpointRounding.AwayFromZero);
        // Adding a zero of the scale sets the scale when the value has fewer digits after the point.
        rounded += new decimal(0, 0, 0, false, (byte)scale);
        var integerDigits = precision - scale;
        if (integerDigits < DecimalPowersOf10.Length && Math.Abs(decimal.Truncate(rounded)) >= DecimalPowersOf10[integerDigits])
            return false;
        fitted = rounded;
        return true;
    }

    private static readonly decimal[] DecimalPowersOf10 = PowersOf10();

    private static decimal[] PowersOf10()
    {
        var powers = new decimal[29];
        powers[0] = 1m;
        for (var i = 1; i < powers.Length; i++)
            powers[i] = powers[i - 1] * 10m;
        return powers;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as Java's <c>BigDecimal.toString</c> (scientific when the adjusted exponent is
    /// below -6: <c>2.7E-8</c>), or <c>toPlainString</c> when <paramref name="plain"/>; returns the length.
    /// </summary>
    public static int FormatDecimal(decimal value, bool plain, Span<char> into)
    {
        if (plain || value.Scale == 0)
        {
            value.TryFormat(into, out var plainLength, default, CultureInfo.InvariantCulture);
            return plainLength;
        }
        Span<char> digits = stackalloc char[32];
        var unscaled = UnscaledDigits(value, digits, out var negative);
        var adjusted = -value.Scale + (unscaled.Length - 1);
        if (adjusted >= -6)
        {
            value.TryFormat(into, out var plainLength, default, CultureInfo.InvariantCulture);
            return plainLength;
        }
        var length = 0;
        if (negative)
            into[length++] = '-';
        into[length++] = unscaled[0];
        if (unscaled.Length > 1)
        {
            into[length++] = '.';
            unscaled[1..].CopyTo(into[length..]);
            length += unscaled.Length - 1;
        }
        into[length++] = 'E';
        adjusted.TryFormat(into[length..], out var exponentLength, default, CultureInfo.InvariantCulture);
        return length + exponentLength;
    }

    private static ReadOnlySpan<char> UnscaledDigits(decimal value, Span<char> buffer, out bool negative)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        negative = bits[3] < 0;
        var magnitude = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        magnitude.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
        return buffer[..written];
    }

    private static void Two(int value, Span<char> into)
    {
        into[0] = (char)('0' + value / 10);
        into[1] = (char)('0' + value % 10);
    }

    private static bool TryTwo(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.Length < 2 || text[0] is < '0' or > '9' || text[1] is < '0' or > '9')
            return false;
        value = (text[0] - '0') * 10 + (text[1] - '0');
        return true;
    }
}
