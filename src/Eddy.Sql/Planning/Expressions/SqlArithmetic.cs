using System.Globalization;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// The arithmetic the compiled expressions call where C# differs from Flink (which computes as Java does): integer
/// division and remainder by −1 wrap instead of throwing, division by zero is Flink's error, and DECIMAL results are
/// rounded half-up to their type's scale and are NULL when they overflow their precision (or System.Decimal's 28
/// digits). Called from compiled code only; nothing here allocates.
/// </summary>
internal static class SqlArithmetic
{
    private static readonly decimal[] PowersOfTen = CreatePowersOfTen();

    public static int Divide(int a, int b) => b switch
    {
        0 => throw DivisionByZero(),
        -1 => unchecked(-a),
        _ => a / b,
    };

    public static long Divide(long a, long b) => b switch
    {
        0 => throw DivisionByZero(),
        -1 => unchecked(-a),
        _ => a / b,
    };

    public static int Remainder(int a, int b) => b switch
    {
        0 => throw DivisionByZero(),
        -1 => 0,
        _ => a % b,
    };

    public static long Remainder(long a, long b) => b switch
    {
        0 => throw DivisionByZero(),
        -1 => 0,
        _ => a % b,
    };

    public static decimal? Add(decimal a, decimal b, int precision, int scale)
    {
        try
        {
            return Fit(a + b, precision, scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static decimal? Subtract(decimal a, decimal b, int precision, int scale)
    {
        try
        {
            return Fit(a - b, precision, scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static decimal? Multiply(decimal a, decimal b, int precision, int scale)
    {
        try
        {
            return Fit(a * b, precision, scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static decimal? Divide(decimal a, decimal b, int precision, int scale)
    {
        if (b == 0)
            throw DivisionByZero();
        try
        {
            return Fit(a / b, precision, scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static decimal? Remainder(decimal a, decimal b, int precision, int scale)
    {
        if (b == 0)
            throw DivisionByZero();
        return Fit(a % b, precision, scale);
    }

    public static decimal? Negate(decimal a, int precision, int scale) => Fit(-a, precision, scale);

    /// <summary>
    /// <paramref name="value"/> as a DECIMAL(precision, scale): rounded half-up (Java's HALF_UP) to the scale, NULL when
    /// its integer digits exceed precision − scale (Flink's overflow).
    /// </summary>
    public static decimal? Fit(decimal value, int precision, int scale)
    {
        var rounded = scale >= 28 ? value : Math.Round(value, scale, MidpointRounding.AwayFromZero);
        var integerDigits = precision - scale;
        if (integerDigits < PowersOfTen.Length && Math.Abs(rounded) >= PowersOfTen[integerDigits])
            return null;
        return rounded;
    }

    /// <summary>The error Flink (Java) raises for an exact division by zero.</summary>
    public static SqlEvaluationException DivisionByZero() => new("Division by zero (/ by zero).");

    private static decimal[] CreatePowersOfTen()
    {
        var powers = new decimal[29];
        powers[0] = 1m;
        for (var i = 1; i < powers.Length; i++)
            powers[i] = powers[i - 1] * 10m;
        return powers;
    }

    internal static string Format(decimal value, int scale) => value.ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
