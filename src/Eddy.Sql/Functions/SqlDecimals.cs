namespace Eddy.Sql.Functions;

/// <summary>
/// DECIMAL(p, s) values as Flink keeps them: rounded HALF_UP to the scale, and NULL when the integer digits do not fit
/// the precision (Flink's DECIMAL overflow). Values are CLR <see cref="decimal"/>s, so a result beyond their 28–29
/// digits is an overflow too.
/// </summary>
public static class SqlDecimals
{
    private static readonly decimal[] PowersOfTen = BuildPowers();

    private static decimal[] BuildPowers()
    {
        var powers = new decimal[29];
        powers[0] = 1m;
        for (var i = 1; i < powers.Length; i++)
            powers[i] = powers[i - 1] * 10m;
        return powers;
    }

    /// <summary>
    /// <paramref name="value"/> rounded HALF_UP to <paramref name="scale"/> digits, or NULL when it then has more than
    /// <paramref name="precision"/> − <paramref name="scale"/> integer digits.
    /// </summary>
    public static decimal? Fit(decimal value, int precision, int scale)
    {
        var rounded = scale <= 28 ? Math.Round(value, scale, MidpointRounding.AwayFromZero) : value;
        var integerDigits = precision - scale;
        if (integerDigits < 29 && Math.Abs(rounded) >= PowersOfTen[integerDigits])
            return null;
        // Keep the scale visible to printing: 1.5 in DECIMAL(5, 3) is 1.500.
        return scale <= 28 ? WithScale(rounded, scale) : rounded;
    }

    /// <summary><paramref name="value"/> (already rounded) carrying exactly <paramref name="scale"/> fractional digits.</summary>
    internal static decimal WithScale(decimal value, int scale)
    {
        var current = value.Scale;
        if (current == scale)
            return value;
        if (current < scale)
        {
            // Adding a zero of the wanted scale raises the scale without changing the value, as far as 28 digits allow.
            try
            {
                return value + new decimal(0, 0, 0, false, (byte)Math.Min(scale, 28));
            }
            catch (OverflowException)
            {
                return value;
            }
        }
        return Math.Round(value, scale, MidpointRounding.AwayFromZero);
    }

    /// <summary>Whether <paramref name="value"/> fits DECIMAL(precision, scale) without rounding away integer digits.</summary>
    public static bool Fits(decimal value, int precision, int scale) => Fit(value, precision, scale) is not null;
}
