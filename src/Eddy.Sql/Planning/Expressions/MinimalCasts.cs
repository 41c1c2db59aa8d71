using System.Globalization;
using System.Linq.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// The planner's own CAST between numbers, strings and BOOLEAN: what it needs before the functions layer brings
/// Flink's whole CAST matrix (dates, times, FLOAT/DOUBLE to string in Java's format, collections), which will replace
/// this class. Integer narrowing wraps and floating point to integer saturates, as Java's casts; a number that does not
/// fit a DECIMAL is NULL; a string that is not a number is an error (Flink's CAST; TRY_CAST comes with the functions).
/// </summary>
internal static class MinimalCasts
{
    public static bool IsSupported(SqlType from, SqlType to)
    {
        if (from.Kind == SqlTypeKind.Null)
            return true;
        if (from.IsNumeric && to.IsNumeric)
            return true;
        if (from.IsCharacterString && to.IsCharacterString)
            return true;
        if (from.Kind == SqlTypeKind.Boolean && (to.IsInteger || to.IsCharacterString || to.Kind == SqlTypeKind.Boolean))
            return true;
        if (from.IsInteger && to.Kind == SqlTypeKind.Boolean)
            return true;
        if ((from.IsInteger || from.Kind == SqlTypeKind.Decimal) && to.IsCharacterString)
            return true;
        if (from.IsCharacterString && (to.IsNumeric || to.Kind == SqlTypeKind.Boolean))
            return true;
        return from.WithNullability(true) == to.WithNullability(true);
    }

    /// <summary>
    /// The expression converting a non-NULL <paramref name="value"/> of type <paramref name="from"/>: of
    /// <paramref name="to"/>'s CLR type, or its <see cref="Nullable{T}"/> when the cast can yield NULL (DECIMAL overflow).
    /// </summary>
    public static Expression Build(Expression value, SqlType from, SqlType to)
    {
        var target = to.ClrType;
        if (from.IsNumeric && to.IsNumeric)
            return Numeric(value, from, to);
        if (from.IsCharacterString && to.IsCharacterString)
            return to.Length == SqlType.MaxLength
                ? value
                : Expression.Call(typeof(SqlStrings), nameof(SqlStrings.FitLength), null, value, Expression.Constant(to.Length),
                    Expression.Constant(to.Kind == SqlTypeKind.Char));
        if (from.Kind == SqlTypeKind.Boolean && to.IsInteger)
            return Expression.Condition(value, Expression.Constant(Convert.ChangeType(1, target, CultureInfo.InvariantCulture), target),
                Expression.Constant(Convert.ChangeType(0, target, CultureInfo.InvariantCulture), target));
        if (from.IsInteger && to.Kind == SqlTypeKind.Boolean)
            return Expression.NotEqual(Widen(value, from), Expression.Constant(0L));
        if (to.IsCharacterString)
            return FitString(from.Kind switch
            {
                SqlTypeKind.Boolean => Expression.Condition(value, Expression.Constant("TRUE"), Expression.Constant("FALSE")),
                SqlTypeKind.Decimal => Expression.Call(typeof(SqlArithmetic), nameof(SqlArithmetic.Format), null, value, Expression.Constant(from.Scale)),
                _ => Expression.Call(typeof(MinimalCasts), nameof(IntegerToString), null, Widen(value, from)),
            }, to);
        if (from.IsCharacterString)
        {
            return to.Kind switch
            {
                SqlTypeKind.Boolean => Expression.Call(typeof(MinimalCasts), nameof(ParseBoolean), null, value),
                SqlTypeKind.Decimal => Expression.Call(typeof(MinimalCasts), nameof(ParseDecimal), null, value,
                    Expression.Constant(to.Precision), Expression.Constant(to.Scale)),
                SqlTypeKind.Float or SqlTypeKind.Double => Expression.Convert(Expression.Call(typeof(MinimalCasts), nameof(ParseDouble), null, value), target),
                _ => Expression.Convert(Expression.Call(typeof(MinimalCasts), nameof(ParseLong), null, value, Expression.Constant(to.ToString())), target),
            };
        }
        if (value.Type == target)
            return value;
        throw new PlanningException($"Cast function cannot convert value of type {from} to type {to}");
    }

    private static Expression FitString(Expression text, SqlType to) =>
        to.Length == SqlType.MaxLength
            ? text
            : Expression.Call(typeof(SqlStrings), nameof(SqlStrings.FitLength), null, text, Expression.Constant(to.Length),
                Expression.Constant(to.Kind == SqlTypeKind.Char));

    private static Expression Numeric(Expression value, SqlType from, SqlType to)
    {
        var target = to.ClrType;
        if (to.Kind == SqlTypeKind.Decimal)
        {
            if (from.Kind is SqlTypeKind.Float or SqlTypeKind.Double)
                return Expression.Call(typeof(MinimalCasts), nameof(DoubleToDecimal), null, Expression.Convert(value, typeof(double)),
                    Expression.Constant(to.Precision), Expression.Constant(to.Scale));
            var asDecimal = from.Kind == SqlTypeKind.Decimal ? value : Expression.Convert(value, typeof(decimal));
            return Expression.Call(typeof(SqlArithmetic), nameof(SqlArithmetic.Fit), null, asDecimal,
                Expression.Constant(to.Precision), Expression.Constant(to.Scale));
        }
        if (to.IsInteger)
        {
            // Java narrows through int or long, so a double cast to TINYINT saturates to int first and then wraps.
            var wide = from.Kind switch
            {
                SqlTypeKind.Decimal => Expression.Call(typeof(MinimalCasts), nameof(DecimalToLong), null, value),
                SqlTypeKind.Float or SqlTypeKind.Double => to.Kind == SqlTypeKind.BigInt
                    ? Expression.Convert(value, typeof(long))
                    : Expression.Convert(Expression.Convert(value, typeof(int)), typeof(long)),
                _ => Widen(value, from),
            };
            return Expression.Convert(wide, target);
        }
        return value.Type == target ? value : Expression.Convert(value, target);
    }

    private static Expression Widen(Expression value, SqlType from) => value.Type == typeof(long) ? value : Expression.Convert(value, typeof(long));

    private static string IntegerToString(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Java's BigDecimal.longValue(): the integer part, wrapped to 64 bits.</summary>
    private static long DecimalToLong(decimal value)
    {
        var integer = decimal.Truncate(value);
        return integer is >= long.MinValue and <= long.MaxValue
            ? (long)integer
            : (long)(ulong)(new System.Numerics.BigInteger(integer) & ulong.MaxValue);
    }

    private static decimal? DoubleToDecimal(double value, int precision, int scale)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) >= 7.9e28)
            return null;
        return SqlArithmetic.Fit((decimal)value, precision, scale);
    }

    private static long ParseLong(string text, string type) =>
        long.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SqlEvaluationException($"Cannot cast '{text}' to type {type}.");

    private static double ParseDouble(string text) =>
        double.TryParse(text.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SqlEvaluationException($"Cannot cast '{text}' to a floating point number.");

    private static decimal? ParseDecimal(string text, int precision, int scale) =>
        decimal.TryParse(text.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? SqlArithmetic.Fit(value, precision, scale)
            : throw new SqlEvaluationException($"Cannot cast '{text}' to type DECIMAL({precision}, {scale}).");

    /// <summary>Flink's string-to-boolean: t/true/y/yes/1 and f/false/n/no/0, case-insensitive.</summary>
    private static bool ParseBoolean(string text) => text.Trim().ToUpperInvariant() switch
    {
        "T" or "TRUE" or "Y" or "YES" or "1" => true,
        "F" or "FALSE" or "N" or "NO" or "0" => false,
        _ => throw new SqlEvaluationException($"Cannot cast '{text}' to type BOOLEAN."),
    };
}
