using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// JSON numbers the way Jackson reads and writes them, which is what Avro Java's output is made of: a literal
/// without fraction or exponent is an integer (int, long or big integer), anything else a double printed with
/// Java's <c>Double.toString</c>.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>Whether Jackson would read this number as an integer node (no '.', 'e' or 'E').</summary>
    public static bool IsIntegral(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
    }

    /// <summary>The number as Jackson writes it back after reading it into a tree.</summary>
    public static string Format(JsonElement number)
    {
        var raw = number.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? integer.ToString(CultureInfo.InvariantCulture)
                : BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }

        return FormatDouble(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>Java's <c>Double.toString</c>: shortest round-trip digits, plain between 10^-3 and 10^7, else d.dddEn.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return FormatShortest(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture), double.IsNegative(value));
    }

    /// <summary>Java's <c>Float.toString</c>.</summary>
    public static string FormatFloat(float value)
    {
        if (float.IsNaN(value))
        {
            return "NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return FormatShortest(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture), float.IsNegative(value));
    }

    private static string FormatShortest(string roundTrip, bool negative)
    {
        // .NET's "R" gives the shortest digits that round-trip, as modern Java does; only the layout differs.
        var exponent = 0;
        var mantissa = roundTrip;
        var e = roundTrip.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = roundTrip[..e];
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? mantissa : mantissa[..dot];
        var all = dot < 0 ? mantissa : integerPart + mantissa[(dot + 1)..];
        var leadingZeros = 0;
        while (leadingZeros < all.Length && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var digits = all[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        // The value is d.ddd x 10^scientific.
        var scientific = integerPart.Length - 1 - leadingZeros + exponent;
        string text;
        if (scientific is >= -3 and < 7)
        {
            if (scientific >= 0)
            {
                var whole = digits.Length > scientific + 1 ? digits[..(scientific + 1)] : digits.PadRight(scientific + 1, '0');
                var fraction = digits.Length > scientific + 1 ? digits[(scientific + 1)..] : "0";
                text = whole + "." + fraction;
            }
            else
            {
                text = "0." + new string('0', -scientific - 1) + digits;
            }
        }
        else
        {
            text = digits[..1] + "." + (digits.Length > 1 ? digits[1..] : "0") + "E" + scientific.ToString(CultureInfo.InvariantCulture);
        }

        return negative ? "-" + text : text;
    }
}
