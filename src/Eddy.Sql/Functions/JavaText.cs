using System.Globalization;
using System.Text;

namespace Eddy.Sql.Functions;

/// <summary>
/// Java's text forms of numbers, which Flink's CAST to STRING, string concatenation and printing use: Double.toString
/// and Float.toString (<c>1.0</c>, <c>1.0E-4</c>, <c>1.2345678E7</c>, <c>NaN</c>, <c>Infinity</c>).
/// </summary>
public static class JavaText
{
    /// <summary>Java's <c>Double.toString</c>: the shortest digits that round-trip, plain between 10^-3 and 10^7, else scientific.</summary>
    public static string FormatDouble(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : Format(value.ToString("R", CultureInfo.InvariantCulture), Math.Abs(value), double.IsNegative(value));

    /// <summary>Java's <c>Float.toString</c>.</summary>
    public static string FormatFloat(float value) =>
        float.IsNaN(value) ? "NaN"
        : float.IsPositiveInfinity(value) ? "Infinity"
        : float.IsNegativeInfinity(value) ? "-Infinity"
        : Format(value.ToString("R", CultureInfo.InvariantCulture), Math.Abs(value), float.IsNegative(value));

    private static string Format(string shortest, double magnitude, bool negative)
    {
        // Decompose the shortest round-trip text into digits and a decimal exponent: value = 0.DIGITS × 10^pointPosition.
        var text = shortest.TrimStart('-');
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot >= 0 ? text[..dot] : text;
        var fraction = dot >= 0 ? text[(dot + 1)..] : "";
        var digits = (integerPart + fraction).TrimStart('0');
        var leadingZerosRemoved = (integerPart + fraction).Length - digits.Length;
        var pointPosition = integerPart.Length - leadingZerosRemoved + exponent;
        digits = digits.TrimEnd('0');
        var result = new StringBuilder();
        if (negative)
            result.Append('-');
        if (digits.Length == 0)
            return result.Append("0.0").ToString();
        if (magnitude >= 1e-3 && magnitude < 1e7)
        {
            if (pointPosition <= 0)
            {
                result.Append("0.").Append('0', -pointPosition).Append(digits);
            }
            else if (pointPosition >= digits.Length)
            {
                result.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
            }
            else
            {
                result.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
            }
            return result.ToString();
        }
        result.Append(digits[0]).Append('.');
        result.Append(digits.Length > 1 ? digits[1..] : "0");
        result.Append('E').Append((pointPosition - 1).ToString(CultureInfo.InvariantCulture));
        return result.ToString();
    }
}
