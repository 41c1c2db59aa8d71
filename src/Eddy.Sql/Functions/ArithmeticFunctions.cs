using System.Globalization;
using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// Arithmetic operators and numeric functions with Flink's semantics: integer arithmetic wraps as Java's does (and
/// <c>/</c> on integers is integer division, by zero an error), DECIMAL results are rounded HALF_UP to the result
/// type's scale and are NULL on overflow, FLOAT/DOUBLE follow IEEE 754.
/// </summary>
internal static class ArithmeticFunctions
{
    private static SqlFunctionException DivideByZero() => new("Division by zero: / by zero");

    public static sbyte Plus(sbyte a, sbyte b) => unchecked((sbyte)(a + b));
    public static short Plus(short a, short b) => unchecked((short)(a + b));
    public static int Plus(int a, int b) => unchecked(a + b);
    public static long Plus(long a, long b) => unchecked(a + b);
    public static float Plus(float a, float b) => a + b;
    public static double Plus(double a, double b) => a + b;
    public static decimal? Plus(decimal a, decimal b, SqlType result) => Decimal(a, b, '+', result);

    public static sbyte Minus(sbyte a, sbyte b) => unchecked((sbyte)(a - b));
    public static short Minus(short a, short b) => unchecked((short)(a - b));
    public static int Minus(int a, int b) => unchecked(a - b);
    public static long Minus(long a, long b) => unchecked(a - b);
    public static float Minus(float a, float b) => a - b;
    public static double Minus(double a, double b) => a - b;
    public static decimal? Minus(decimal a, decimal b, SqlType result) => Decimal(a, b, '-', result);

    public static sbyte Multiply(sbyte a, sbyte b) => unchecked((sbyte)(a * b));
    public static short Multiply(short a, short b) => unchecked((short)(a * b));
    public static int Multiply(int a, int b) => unchecked(a * b);
    public static long Multiply(long a, long b) => unchecked(a * b);
    public static float Multiply(float a, float b) => a * b;
    public static double Multiply(double a, double b) => a * b;
    public static decimal? Multiply(decimal a, decimal b, SqlType result) => Decimal(a, b, '*', result);

    public static sbyte Divide(sbyte a, sbyte b) => b == 0 ? throw DivideByZero() : unchecked((sbyte)(a / b));
    public static short Divide(short a, short b) => b == 0 ? throw DivideByZero() : unchecked((short)(a / b));
    public static int Divide(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;
    public static long Divide(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;
    public static float Divide(float a, float b) => a / b;
    public static double Divide(double a, double b) => a / b;
    public static decimal? Divide(decimal a, decimal b, SqlType result) => b == 0 ? throw DivideByZero() : Decimal(a, b, '/', result);

    public static sbyte Modulo(sbyte a, sbyte b) => b == 0 ? throw DivideByZero() : unchecked((sbyte)(a % b));
    public static short Modulo(short a, short b) => b == 0 ? throw DivideByZero() : unchecked((short)(a % b));
    public static int Modulo(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;
    public static long Modulo(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;
    public static float Modulo(float a, float b) => a % b;
    public static double Modulo(double a, double b) => a % b;
    public static decimal? Modulo(decimal a, decimal b, SqlType result) => b == 0 ? throw DivideByZero() : Decimal(a, b, '%', result);

    public static sbyte Negate(sbyte a) => unchecked((sbyte)-a);
    public static short Negate(short a) => unchecked((short)-a);
    public static int Negate(int a) => unchecked(-a);
    public static long Negate(long a) => unchecked(-a);
    public static float Negate(float a) => -a;
    public static double Negate(double a) => -a;
    public static decimal Negate(decimal a) => -a;

    private static decimal? Decimal(decimal a, decimal b, char op, SqlType result)
    {
        try
        {
            var value = op switch
            {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                '/' => a / b,
                _ => a % b,
            };
            return SqlDecimals.Fit(value, result.Precision, result.Scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static sbyte Abs(sbyte a) => unchecked((sbyte)(a < 0 ? -a : a));
    public static short Abs(short a) => unchecked((short)(a < 0 ? -a : a));
    public static int Abs(int a) => a < 0 ? unchecked(-a) : a;
    public static long Abs(long a) => a < 0 ? unchecked(-a) : a;
    public static float Abs(float a) => Math.Abs(a);
    public static double Abs(double a) => Math.Abs(a);
    public static decimal Abs(decimal a) => Math.Abs(a);

    public static sbyte Sign(sbyte a) => (sbyte)Math.Sign(a);
    public static short Sign(short a) => (short)Math.Sign(a);
    public static int Sign(int a) => Math.Sign(a);
    public static long Sign(long a) => Math.Sign(a);
    public static float Sign(float a) => float.IsNaN(a) ? a : Math.Sign(a);
    public static double Sign(double a) => double.IsNaN(a) ? a : Math.Sign(a);
    public static decimal Sign(decimal a) => Math.Sign(a);

    public static double Power(double a, double b) => Math.Pow(a, b);
    public static double Sqrt(double a) => Math.Sqrt(a);
    public static double Ln(double a) => Math.Log(a);
    public static double Log10(double a) => Math.Log10(a);
    public static double Log2(double a) => Math.Log2(a);

    /// <summary>LOG(base, x): Flink refuses a base or argument not positive and a base of 1.</summary>
    public static double Log(double @base, double x)
    {
        if (@base <= 0 || x <= 0)
            throw new SqlFunctionException("The base and the argument of LOG must be greater than 0.");
        if (@base == 1)
            throw new SqlFunctionException("The base of LOG cannot be 1.");
        return Math.Log(x) / Math.Log(@base);
    }

    public static double Exp(double a) => Math.Exp(a);
    public static double Sin(double a) => Math.Sin(a);
    public static double Cos(double a) => Math.Cos(a);
    public static double Tan(double a) => Math.Tan(a);
    public static double Cot(double a) => 1.0 / Math.Tan(a);
    public static double Asin(double a) => Math.Asin(a);
    public static double Acos(double a) => Math.Acos(a);
    public static double Atan(double a) => Math.Atan(a);
    public static double Atan2(double y, double x) => Math.Atan2(y, x);
    public static double Sinh(double a) => Math.Sinh(a);
    public static double Cosh(double a) => Math.Cosh(a);
    public static double Tanh(double a) => Math.Tanh(a);
    public static double Degrees(double a) => a * (180.0 / Math.PI);
    public static double Radians(double a) => a * (Math.PI / 180.0);
    public static double Pi() => Math.PI;
    public static double E() => Math.E;

    // CEIL and FLOOR of an integer is the integer itself.
    public static long Ceil(long a) => a;
    public static long Floor(long a) => a;
    public static double Ceil(double a) => Math.Ceiling(a);
    public static float Ceil(float a) => MathF.Ceiling(a);
    public static decimal? Ceil(decimal a, SqlType result) => SqlDecimals.Fit(Math.Ceiling(a), result.Precision, result.Scale);
    public static double Floor(double a) => Math.Floor(a);
    public static float Floor(float a) => MathF.Floor(a);
    public static decimal? Floor(decimal a, SqlType result) => SqlDecimals.Fit(Math.Floor(a), result.Precision, result.Scale);

    /// <summary>ROUND of an integer to <paramref name="digits"/> (negative digits round to tens, hundreds, …), HALF_UP.</summary>
    public static long Round(long a, int digits)
    {
        if (digits >= 0)
            return a;
        if (digits < -18)
            return 0;
        var unit = (long)Math.Pow(10, -digits);
        var rounded = Math.Round((decimal)a / unit, MidpointRounding.AwayFromZero) * unit;
        return unchecked((long)rounded);
    }

    public static double Round(double a, int digits)
    {
        if (!double.IsFinite(a))
            return a;
        // Flink rounds the decimal expansion (BigDecimal, HALF_UP); decimal is exact for the shortest text of a double.
        if (Math.Abs(a) < 7.9e27 && digits is >= -28 and <= 28)
        {
            var exact = decimal.Parse(a.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            return (double)RoundDecimal(exact, digits);
        }
        return a;
    }

    public static float Round(float a, int digits) => (float)Round((double)(decimal)(double)a, digits);

    public static decimal? Round(decimal a, int digits, SqlType result)
    {
        try
        {
            return SqlDecimals.Fit(RoundDecimal(a, digits), result.Precision, result.Scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static decimal RoundDecimal(decimal a, int digits)
    {
        if (digits >= 0)
            return digits > 28 ? a : Math.Round(a, digits, MidpointRounding.AwayFromZero);
        var unit = 1m;
        for (var i = 0; i < -digits && i < 28; i++)
            unit *= 10;
        return Math.Round(a / unit, MidpointRounding.AwayFromZero) * unit;
    }

    public static long Truncate(long a, int digits)
    {
        if (digits >= 0)
            return a;
        if (digits < -18)
            return 0;
        var unit = (long)Math.Pow(10, -digits);
        return a / unit * unit;
    }

    public static double Truncate(double a, int digits)
    {
        if (!double.IsFinite(a) || Math.Abs(a) >= 7.9e27 || digits is < -28 or > 28)
            return a;
        var exact = decimal.Parse(a.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return (double)TruncateDecimal(exact, digits);
    }

    public static float Truncate(float a, int digits) => (float)Truncate((double)(decimal)(double)a, digits);

    public static decimal? Truncate(decimal a, int digits, SqlType result) => SqlDecimals.Fit(TruncateDecimal(a, digits), result.Precision, result.Scale);

    private static decimal TruncateDecimal(decimal a, int digits)
    {
        var unit = 1m;
        if (digits >= 0)
        {
            if (digits > 28)
                return a;
            for (var i = 0; i < digits; i++)
                unit /= 10;
        }
        else
        {
            for (var i = 0; i < -digits && i < 28; i++)
                unit *= 10;
        }
        return decimal.Truncate(a / unit) * unit;
    }

    /// <summary>RAND() on the context's random source.</summary>
    public static double Rand(FunctionContext context) => context.Random.NextDouble();

    /// <summary>RAND(seed): a Java-compatible generator per call site, seeded once, as Flink's.</summary>
    public static double Rand(JavaRandom random) => random.NextDouble();

    /// <summary>RAND_INTEGER(bound): in [0, bound).</summary>
    public static int RandInteger(FunctionContext context, int bound) =>
        bound > 0 ? context.Random.Next(bound) : throw new SqlFunctionException("bound must be positive");

    /// <summary>RAND_INTEGER(seed, bound) on a seeded Java-compatible generator.</summary>
    public static int RandInteger(JavaRandom random, int bound) =>
        bound > 0 ? random.NextInt(bound) : throw new SqlFunctionException("bound must be positive");

    /// <summary>BIN(n): Java's Long.toBinaryString (two's complement for negatives).</summary>
    public static string Bin(long a) => Convert.ToString(a, 2);

    /// <summary>HEX(n): Java's Long.toHexString in upper case.</summary>
    public static string Hex(long a) => a.ToString("X", CultureInfo.InvariantCulture);

    /// <summary>HEX(string): the upper-case hex of its UTF-8 bytes.</summary>
    public static string Hex(string a) => Convert.ToHexString(Encoding.UTF8.GetBytes(a));
}

/// <summary>
/// java.util.Random's generator (a 48-bit linear congruential one), so RAND(seed) and RAND_INTEGER(seed, n) give the
/// numbers Flink gives for the same seed.
/// </summary>
public sealed class JavaRandom
{
    private const long Multiplier = 0x5DEECE66DL;
    private const long Addend = 0xBL;
    private const long Mask = (1L << 48) - 1;
    private long _seed;

    /// <summary>A generator seeded as <c>new java.util.Random(seed)</c>.</summary>
    public JavaRandom(long seed) => _seed = (seed ^ Multiplier) & Mask;

    private int Next(int bits)
    {
        _seed = unchecked(_seed * Multiplier + Addend) & Mask;
        return (int)((ulong)_seed >> (48 - bits));
    }

    /// <summary>Java's nextDouble.</summary>
    public double NextDouble() => (((long)Next(26) << 27) + Next(27)) * (1.0 / (1L << 53));

    /// <summary>Java's nextInt(bound).</summary>
    public int NextInt(int bound)
    {
        var r = Next(31);
        var m = bound - 1;
        if ((bound & m) == 0)
            return (int)((bound * (long)r) >> 31);
        for (var u = r; u - (r = u % bound) + m < 0; u = Next(31))
        {
        }
        return r;
    }
}
