using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Eddy.Sql.Functions;

/// <summary>
/// Java's SimpleDateFormat patterns, which DATE_FORMAT, TO_TIMESTAMP, TO_DATE, UNIX_TIMESTAMP and FROM_UNIXTIME take,
/// translated once into a list of fields and run on .NET values (English names, as Flink's default locale).
/// </summary>
/// <remarks>
/// Letters: <c>G</c> era, <c>y</c> year (<c>yy</c> two digits), <c>M</c>/<c>L</c> month (<c>MMM</c> Jan, <c>MMMM</c>
/// January), <c>d</c> day of month, <c>D</c> day of year, <c>E</c> day name (<c>EEEE</c> in full), <c>u</c> day number
/// of week (1 = Monday), <c>a</c> AM/PM, <c>H</c> hour 0–23, <c>k</c> 1–24, <c>K</c> 0–11, <c>h</c> 1–12, <c>m</c>
/// minute, <c>s</c> second, <c>S</c> fraction of second (as java.time's formatter reads it, which Flink's TO_TIMESTAMP
/// uses; <c>SSS</c> is milliseconds either way), <c>z</c>/<c>Z</c>/<c>X</c> zone offset, <c>'text'</c> literal text,
/// <c>''</c> a quote. Numeric fields that abut (<c>yyyyMMdd</c>) are read at their pattern widths, as Java does.
/// Parsing is strict: out-of-range fields fail rather than roll over (Java's lenient mode would roll them).
/// </remarks>
public sealed class SimpleDateFormat
{
    private static readonly ConcurrentDictionary<string, SimpleDateFormat> Cache = new(StringComparer.Ordinal);
    private static readonly string[] ShortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] LongMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] ShortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly string[] ZonePrefixes = ["UTC", "GMT"];

    private readonly record struct Field(char Letter, int Count, string? Literal);

    private readonly Field[] _fields;

    private SimpleDateFormat(string pattern, Field[] fields)
    {
        Pattern = pattern;
        _fields = fields;
    }

    /// <summary>The pattern text.</summary>
    public string Pattern { get; }

    /// <summary>The compiled pattern (cached per text).</summary>
    /// <exception cref="SqlFunctionException">The pattern has an unknown letter or an unclosed quote.</exception>
    public static SimpleDateFormat Get(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (Cache.TryGetValue(pattern, out var format))
            return format;
        format = new SimpleDateFormat(pattern, Compile(pattern));
        if (Cache.Count > 1024)
            Cache.Clear();
        Cache[pattern] = format;
        return format;
    }

    private static Field[] Compile(string pattern)
    {
        var fields = new List<Field>();
        var literal = new StringBuilder();
        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                fields.Add(new Field('\0', 0, literal.ToString()));
                literal.Clear();
            }
        }
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                {
                    literal.Append('\'');
                    i++;
                    continue;
                }
                var end = i + 1;
                while (true)
                {
                    if (end >= pattern.Length)
                        throw new SqlFunctionException($"Illegal pattern '{pattern}': unterminated quote");
                    if (pattern[end] == '\'')
                    {
                        if (end + 1 < pattern.Length && pattern[end + 1] == '\'')
                        {
                            literal.Append('\'');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    literal.Append(pattern[end]);
                    end++;
                }
                i = end;
                continue;
            }
            if (char.IsAsciiLetter(c))
            {
                if ("GyYMLdDEuaHkKhmsSzZXwWF".IndexOf(c, StringComparison.Ordinal) < 0)
                    throw new SqlFunctionException($"Illegal pattern character '{c}' in '{pattern}'");
                FlushLiteral();
                var count = 1;
                while (i + 1 < pattern.Length && pattern[i + 1] == c)
                {
                    count++;
                    i++;
                }
                fields.Add(new Field(c, count, null));
                continue;
            }
            literal.Append(c);
        }
        FlushLiteral();
        return [.. fields];
    }

    /// <summary>Formats a local date-time (<paramref name="offset"/> is what z/Z/X print).</summary>
    public string Format(DateTime value, TimeSpan offset = default)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder(Pattern.Length + 8);
        foreach (var field in _fields)
        {
            if (field.Literal is not null)
            {
                text.Append(field.Literal);
                continue;
            }
            var n = field.Count;
            switch (field.Letter)
            {
                case 'G': text.Append("AD"); break;
                case 'y' or 'Y': text.Append(n == 2 ? (value.Year % 100).ToString("00", c) : Pad(value.Year, n)); break;
                case 'M' or 'L':
                    text.Append(n >= 4 ? LongMonths[value.Month - 1] : n == 3 ? ShortMonths[value.Month - 1] : Pad(value.Month, n));
                    break;
                case 'd': text.Append(Pad(value.Day, n)); break;
                case 'D': text.Append(Pad(value.DayOfYear, n)); break;
                case 'E': text.Append(n >= 4 ? LongDays[(int)value.DayOfWeek] : ShortDays[(int)value.DayOfWeek]); break;
                case 'u': text.Append(Pad(value.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)value.DayOfWeek, n)); break;
                case 'F': text.Append(Pad((value.Day - 1) / 7 + 1, n)); break;
                case 'w': text.Append(Pad(WeekOfYear(value), n)); break;
                case 'W': text.Append(Pad((value.Day + (int)new DateTime(value.Year, value.Month, 1).DayOfWeek - 1) / 7 + 1, n)); break;
                case 'a': text.Append(value.Hour < 12 ? "AM" : "PM"); break;
                case 'H': text.Append(Pad(value.Hour, n)); break;
                case 'k': text.Append(Pad(value.Hour == 0 ? 24 : value.Hour, n)); break;
                case 'K': text.Append(Pad(value.Hour % 12, n)); break;
                case 'h': text.Append(Pad(value.Hour % 12 == 0 ? 12 : value.Hour % 12, n)); break;
                case 'm': text.Append(Pad(value.Minute, n)); break;
                case 's': text.Append(Pad(value.Second, n)); break;
                case 'S':
                    var fraction = (value.Ticks % TimeSpan.TicksPerSecond).ToString("0000000", c);
                    text.Append(n <= 7 ? fraction[..n] : fraction + new string('0', n - 7));
                    break;
                case 'z': text.Append(offset == TimeSpan.Zero ? "UTC" : "GMT" + FormatOffset(offset, true)); break;
                case 'Z': text.Append(FormatOffset(offset, false)); break;
                case 'X':
                    if (offset == TimeSpan.Zero)
                        text.Append('Z');
                    else if (n == 1)
                        text.Append(FormatOffset(offset, false)[..3]);
                    else
                        text.Append(FormatOffset(offset, n >= 3));
                    break;
            }
        }
        return text.ToString();
    }

    private static int WeekOfYear(DateTime value)
    {
        // Java's default (US) week rules: weeks start on Sunday and week 1 holds January 1st.
        var jan1 = new DateTime(value.Year, 1, 1);
        return (value.DayOfYear + (int)jan1.DayOfWeek - 1) / 7 + 1;
    }

    private static string Pad(int value, int width) => value.ToString(new string('0', Math.Max(width, 1)), CultureInfo.InvariantCulture);

    private static string FormatOffset(TimeSpan offset, bool colon)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs.Hours:00}{(colon ? ":" : "")}{abs.Minutes:00}");
    }

    /// <summary>
    /// Parses <paramref name="text"/> to a local date-time; fields absent from the pattern default to 1970-01-01
    /// 00:00:00. A zone field in the text is applied: the result is then converted to <paramref name="zone"/>'s local
    /// time. Text left over after the pattern is ignored, as Java's parse(String) does.
    /// </summary>
    public bool TryParse(string text, TimeZoneInfo zone, out DateTime value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        int year = 1970, month = 1, day = 1, dayOfYear = -1, hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        int? pm = null;
        TimeSpan? offset = null;
        var pos = 0;
        for (var f = 0; f < _fields.Length; f++)
        {
            var field = _fields[f];
            if (field.Literal is not null)
            {
                if (string.CompareOrdinal(text, pos, field.Literal, 0, field.Literal.Length) != 0)
                    return false;
                pos += field.Literal.Length;
                continue;
            }
            var abutting = f + 1 < _fields.Length && _fields[f + 1].Literal is null && IsNumeric(_fields[f + 1]);
            var width = abutting ? field.Count : 0;
            int number;
            switch (field.Letter)
            {
                case 'G':
                    if (!ReadWord(text, ref pos, ["AD", "BC"], out _))
                        return false;
                    break;
                case 'y' or 'Y':
                    var start = pos;
                    if (!ReadNumber(text, ref pos, width, out year))
                        return false;
                    if (field.Count <= 2 && pos - start == 2)
                        year += year < 70 ? 2000 : 1900;
                    break;
                case 'M' or 'L':
                    if (field.Count >= 3)
                    {
                        if (!ReadWord(text, ref pos, LongMonths, out month) && !ReadWord(text, ref pos, ShortMonths, out month))
                            return false;
                        month++;
                    }
                    else if (!ReadNumber(text, ref pos, width, out month))
                    {
                        return false;
                    }
                    break;
                case 'd':
                    if (!ReadNumber(text, ref pos, width, out day))
                        return false;
                    break;
                case 'D':
                    if (!ReadNumber(text, ref pos, width, out dayOfYear))
                        return false;
                    break;
                case 'E':
                    if (!ReadWord(text, ref pos, LongDays, out _) && !ReadWord(text, ref pos, ShortDays, out _))
                        return false;
                    break;
                case 'a':
                    if (!ReadWord(text, ref pos, ["AM", "PM"], out var ampm))
                        return false;
                    pm = ampm;
                    break;
                case 'H' or 'k' or 'K' or 'h':
                    if (!ReadNumber(text, ref pos, width, out hour))
                        return false;
                    if (field.Letter == 'k' && hour == 24)
                        hour = 0;
                    if (field.Letter == 'h' && hour == 12)
                        hour = 0;
                    break;
                case 'm':
                    if (!ReadNumber(text, ref pos, width, out minute))
                        return false;
                    break;
                case 's':
                    if (!ReadNumber(text, ref pos, width, out second))
                        return false;
                    break;
                case 'S':
                    var fractionStart = pos;
                    var max = width > 0 ? width : 9;
                    long scale = TimeSpan.TicksPerSecond;
                    while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - fractionStart < max)
                    {
                        scale /= 10;
                        fractionTicks += (text[pos] - '0') * scale;
                        pos++;
                    }
                    if (pos == fractionStart)
                        return false;
                    break;
                case 'z' or 'Z' or 'X':
                    if (!ReadOffset(text, ref pos, out var parsedOffset))
                        return false;
                    offset = parsedOffset;
                    break;
                default:
                    if (!ReadNumber(text, ref pos, width, out number))
                        return false;
                    break;
            }
        }
        if (pm is { } isPm && hour < 12 && isPm == 1)
            hour += 12;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || hour > 23 || minute > 59 || second > 59)
            return false;
        DateTime date;
        if (dayOfYear >= 0)
        {
            if (dayOfYear < 1 || dayOfYear > (DateTime.IsLeapYear(year) ? 366 : 365))
                return false;
            date = new DateTime(year, 1, 1).AddDays(dayOfYear - 1);
        }
        else
        {
            if (day < 1 || day > DateTime.DaysInMonth(year, month))
                return false;
            date = new DateTime(year, month, day);
        }
        value = date.Add(new TimeSpan(hour, minute, second)).AddTicks(fractionTicks);
        if (offset is { } o)
        {
            var instant = new DateTimeOffset(value, o);
            value = DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
        }
        return true;
    }

    private static bool IsNumeric(Field field) =>
        field.Letter is 'y' or 'Y' or 'd' or 'D' or 'u' or 'F' or 'w' or 'W' or 'H' or 'k' or 'K' or 'h' or 'm' or 's' or 'S'
        || field.Letter is 'M' or 'L' && field.Count <= 2;

    private static bool ReadNumber(string text, ref int pos, int width, out int value)
    {
        value = 0;
        var start = pos;
        var negative = false;
        if (width == 0 && pos < text.Length && text[pos] == '-')
        {
            negative = true;
            pos++;
        }
        var digitsStart = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]) && (width == 0 || pos - digitsStart < width) && pos - digitsStart < 9)
        {
            value = value * 10 + (text[pos] - '0');
            pos++;
        }
        if (pos == digitsStart)
        {
            pos = start;
            return false;
        }
        if (negative)
            value = -value;
        return true;
    }

    private static bool ReadWord(string text, ref int pos, string[] words, out int index)
    {
        for (index = 0; index < words.Length; index++)
        {
            if (string.Compare(text, pos, words[index], 0, words[index].Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                pos += words[index].Length;
                return true;
            }
        }
        index = -1;
        return false;
    }

    private static bool ReadOffset(string text, ref int pos, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (pos < text.Length && text[pos] == 'Z')
        {
            pos++;
            return true;
        }
        foreach (var prefix in ZonePrefixes)
        {
            if (string.CompareOrdinal(text, pos, prefix, 0, 3) == 0)
            {
                pos += 3;
                if (pos >= text.Length || text[pos] is not ('+' or '-'))
                    return true;
            }
        }
        if (pos >= text.Length || text[pos] is not ('+' or '-'))
            return false;
        var sign = text[pos] == '-' ? -1 : 1;
        pos++;
        if (!ReadNumber(text, ref pos, 2, out var hours))
            return false;
        var minutes = 0;
        if (pos < text.Length && text[pos] == ':')
            pos++;
        if (pos + 1 < text.Length && char.IsAsciiDigit(text[pos]) && !ReadNumber(text, ref pos, 2, out minutes))
            return false;
        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }
}
