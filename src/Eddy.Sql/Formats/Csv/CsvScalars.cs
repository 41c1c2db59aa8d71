using System.Globalization;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Csv;

/// <summary>
/// The text of a CSV field as a scalar SQL value and back, as Flink's CSV converters: numbers and booleans as Java
/// prints them, dates <c>yyyy-MM-dd</c>, times <c>HH:mm:ss</c>, timestamps <c>yyyy-MM-dd HH:mm:ss.fff</c> (with a
/// trailing <c>Z</c> for TIMESTAMP_LTZ), bytes in base64.
/// </summary>
internal static class CsvScalars
{
    /// <summary>Parses a primitive kind's text into its slot bits; false when it does not parse.</summary>
    public static bool TryParsePrimitive(SqlType type, ReadOnlySpan<char> text, out long bits)
    {
        bits = 0;
        var c = CultureInfo.InvariantCulture;
        var trimmed = text.Trim();
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean:
                if (!bool.TryParse(trimmed, out var boolean))
                    return false;
                bits = boolean ? 1 : 0;
                return true;
            case SqlTypeKind.TinyInt:
                if (!sbyte.TryParse(trimmed, NumberStyles.AllowLeadingSign, c, out var tiny))
                    return false;
                bits = tiny;
                return true;
            case SqlTypeKind.SmallInt:
                if (!short.TryParse(trimmed, NumberStyles.AllowLeadingSign, c, out var small))
                    return false;
                bits = small;
                return true;
            case SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth:
                if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, c, out var integer))
                    return false;
                bits = integer;
                return true;
            case SqlTypeKind.BigInt:
                return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, c, out bits);
            case SqlTypeKind.Float:
                if (!float.TryParse(trimmed, NumberStyles.Float, c, out var single))
                    return false;
                bits = BitConverter.SingleToInt32Bits(single);
                return true;
            case SqlTypeKind.Double:
                if (!double.TryParse(trimmed, NumberStyles.Float, c, out var number))
                    return false;
                bits = BitConverter.DoubleToInt64Bits(number);
                return true;
            case SqlTypeKind.Date:
                if (!TextForms.TryParseDate(trimmed, out var date))
                    return false;
                bits = date.DayNumber;
                return true;
            case SqlTypeKind.Time:
                if (!TextForms.TryParseTime(trimmed, out var time))
                    return false;
                bits = TextForms.Truncate(time, type.Precision);
                return true;
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                return TextForms.TryParseTimestamp(trimmed, ' ', type.Kind == SqlTypeKind.TimestampLtz, out bits);
            case SqlTypeKind.IntervalDayTime:
                if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, c, out var millis)
                    || millis <= long.MinValue / TimeSpan.TicksPerMillisecond || millis >= long.MaxValue / TimeSpan.TicksPerMillisecond)
                    return false;
                bits = millis * TimeSpan.TicksPerMillisecond;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses a non-primitive scalar (string, bytes, decimal); false when it does not parse. A decimal beyond its precision is NULL, as in Flink.</summary>
    public static bool TryParseObject(SqlType type, ReadOnlySpan<char> text, out object? value)
    {
        value = null;
        switch (type.Kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                value = text.ToString();
                return true;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                {
                    var bytes = new byte[text.Length * 3 / 4 + 3];
                    if (!Convert.TryFromBase64Chars(text.Trim(), bytes, out var written))
                        return false;
                    value = written == bytes.Length ? bytes : bytes.AsSpan(0, written).ToArray();
                    return true;
                }
            case SqlTypeKind.Decimal:
                if (!decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    return false;
                value = TextForms.TryFitDecimal(number, type.Precision, type.Scale, out var fitted) ? fitted : null;
                return true;
            default:
                return false;
        }
    }

    /// <summary>What a field of the type looks like, for errors.</summary>
    public static string Expected(SqlType type) => type.Kind switch
    {
        SqlTypeKind.Boolean => "true or false",
        SqlTypeKind.Date => "a date 'yyyy-MM-dd'",
        SqlTypeKind.Time => "a time 'HH:mm:ss'",
        SqlTypeKind.Timestamp => "a timestamp 'yyyy-MM-dd HH:mm:ss.s{precision}'",
        SqlTypeKind.TimestampLtz => "a timestamp 'yyyy-MM-dd HH:mm:ss.s{precision}Z'",
        SqlTypeKind.Binary or SqlTypeKind.VarBinary => "base64",
        SqlTypeKind.IntervalDayTime => "a number of milliseconds",
        _ => $"a number of type {type.ToNullableString()}",
    };

    /// <summary>Writes a primitive kind's value from its slot bits.</summary>
    public static void FormatPrimitive(SqlType type, long bits, CharBuffer into)
    {
        Span<char> text = stackalloc char[TextForms.MaxLength];
        var c = CultureInfo.InvariantCulture;
        int length;
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean:
                into.Append(bits != 0 ? "true" : "false");
                return;
            case SqlTypeKind.Float:
                BitConverter.Int32BitsToSingle((int)bits).TryFormat(text, out length, "R", c);
                break;
            case SqlTypeKind.Double:
                BitConverter.Int64BitsToDouble(bits).TryFormat(text, out length, "R", c);
                break;
            case SqlTypeKind.Date:
                length = TextForms.FormatDate(DateOnly.FromDayNumber((int)bits), text);
                break;
            case SqlTypeKind.Time:
                length = TextForms.FormatTime(bits, text);
                break;
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                length = TextForms.FormatTimestamp(bits, ' ', type.Kind == SqlTypeKind.TimestampLtz, text);
                break;
            case SqlTypeKind.IntervalDayTime:
                (bits / TimeSpan.TicksPerMillisecond).TryFormat(text, out length, default, c);
                break;
            default:
                bits.TryFormat(text, out length, default, c);
                break;
        }
        into.Append(text[..length]);
    }

    /// <summary>Writes a non-primitive scalar.</summary>
    public static void FormatObject(SqlType type, object value, bool decimalAsPlainNumber, CharBuffer into)
    {
        switch (type.Kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                into.Append((string)value);
                break;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                into.Append(Convert.ToBase64String((byte[])value));
                break;
            case SqlTypeKind.Decimal:
                {
                    var number = (decimal)value;
                    if (TextForms.TryFitDecimal(number, type.Precision, type.Scale, out var fitted))
                        number = fitted;
                    Span<char> text = stackalloc char[TextForms.MaxLength * 2];
                    into.Append(text[..TextForms.FormatDecimal(number, decimalAsPlainNumber, text)]);
                    break;
                }
            default:
                throw new InvalidOperationException($"{type} is not a non-primitive scalar.");
        }
    }
}
