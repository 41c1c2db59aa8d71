#pragma warning disable CA1859 // boxed on purpose: the oracle works on object values
using System.Globalization;
using System.Numerics;
using System.Text;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Planning;

/// <summary>
/// A brute-force, boxed, recursive evaluator of expressions: the oracle the compiled delegates are checked against.
/// It computes differently on purpose: integers exactly (BigInteger) and then wrapped to the result's width, as Java
/// would; strings compared as arrays of code points; three-valued logic from its truth tables.
/// </summary>
internal static class RexInterpreter
{
    public static object? Evaluate(RexNode node, object?[] row) => node switch
    {
        RexInputRef input => row[input.Index],
        RexLiteral literal => literal.Value,
        RexCast cast => Cast(Evaluate(cast.Operand, row), cast.Operand.Type, cast.Type),
        RexCall call => Call(call, row),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static object? Call(RexCall call, object?[] row)
    {
        var operands = call.Operands;
        switch (call.Operator)
        {
            case SqlOperator.And:
            {
                var sawNull = false;
                foreach (var operand in operands)
                {
                    var v = (bool?)Evaluate(operand, row);
                    if (v == false)
                        return false;
                    sawNull |= v is null;
                }
                return sawNull ? null : true;
            }
            case SqlOperator.Or:
            {
                var sawNull = false;
                foreach (var operand in operands)
                {
                    var v = (bool?)Evaluate(operand, row);
                    if (v == true)
                        return true;
                    sawNull |= v is null;
                }
                return sawNull ? null : false;
            }
            case SqlOperator.Not:
                return Evaluate(operands[0], row) is bool b ? !b : null;
            case SqlOperator.IsNull:
                return Evaluate(operands[0], row) is null;
            case SqlOperator.IsNotNull:
                return Evaluate(operands[0], row) is not null;
            case SqlOperator.IsTrue:
                return Evaluate(operands[0], row) is true;
            case SqlOperator.IsNotTrue:
                return Evaluate(operands[0], row) is not true;
            case SqlOperator.IsFalse:
                return Evaluate(operands[0], row) is false;
            case SqlOperator.IsNotFalse:
                return Evaluate(operands[0], row) is not false;
            case SqlOperator.Case:
                for (var i = 0; i + 1 < operands.Length; i += 2)
                {
                    if (Evaluate(operands[i], row) is true)
                        return To(Evaluate(operands[i + 1], row), call.Type);
                }
                return To(Evaluate(operands[^1], row), call.Type);
            case SqlOperator.Coalesce:
                foreach (var operand in operands)
                {
                    if (Evaluate(operand, row) is { } v)
                        return To(v, call.Type);
                }
                return null;
            case SqlOperator.Negate:
            {
                var v = Evaluate(operands[0], row);
                return v is null ? null : Negate(v, call.Type);
            }
        }

        var left = Evaluate(operands[0], row);
        var right = Evaluate(operands[1], row);
        if (call.Operator is SqlOperator.IsDistinctFrom or SqlOperator.IsNotDistinctFrom)
        {
            var distinct = left is null || right is null ? (left is null) != (right is null) : Compare(left, right) != 0;
            return call.Operator == SqlOperator.IsDistinctFrom ? distinct : !distinct;
        }
        if (left is null || right is null)
            return null;
        if (call.Operator.IsComparison())
        {
            var c = Compare(left, right);
            if (c is null)
                return call.Operator == SqlOperator.NotEquals;
            return call.Operator switch
            {
                SqlOperator.Equals => c == 0,
                SqlOperator.NotEquals => c != 0,
                SqlOperator.LessThan => c < 0,
                SqlOperator.LessThanOrEqual => c <= 0,
                SqlOperator.GreaterThan => c > 0,
                _ => c >= 0,
            };
        }
        return Arithmetic(call.Operator, left, right, call.Type);
    }

    /// <summary>The order of two non-NULL values, or null when they are unordered (a NaN: unequal to everything).</summary>
    private static int? Compare(object a, object b)
    {
        if (a is string x && b is string y)
        {
            var xs = x.EnumerateRunes().Select(r => r.Value).ToArray();
            var ys = y.EnumerateRunes().Select(r => r.Value).ToArray();
            for (var i = 0; i < Math.Min(xs.Length, ys.Length); i++)
            {
                if (xs[i] != ys[i])
                    return xs[i].CompareTo(ys[i]);
            }
            return xs.Length.CompareTo(ys.Length);
        }
        if (a is bool p && b is bool q)
            return p.CompareTo(q);
        if (a is double || b is double)
        {
            double m = ToDouble(a), n = ToDouble(b);
            return double.IsNaN(m) || double.IsNaN(n) ? null : m.CompareTo(n);
        }
        return ToDecimal(a).CompareTo(ToDecimal(b));
    }

    private static object? Arithmetic(SqlOperator op, object a, object b, SqlType type)
    {
        if (type.IsInteger)
        {
            var x = ToBig(a);
            var y = ToBig(b);
            if (op is SqlOperator.Divide or SqlOperator.Mod && y.IsZero)
                throw new SqlEvaluationException("/ by zero");
            var exact = op switch
            {
                SqlOperator.Plus => x + y,
                SqlOperator.Minus => x - y,
                SqlOperator.Times => x * y,
                SqlOperator.Divide => BigInteger.Divide(x, y),
                _ => BigInteger.Remainder(x, y),
            };
            return Wrap(exact, type);
        }
        if (type.Kind == SqlTypeKind.Double)
        {
            double x = ToDouble(a), y = ToDouble(b);
            return op switch
            {
                SqlOperator.Plus => x + y,
                SqlOperator.Minus => x - y,
                SqlOperator.Times => x * y,
                SqlOperator.Divide => x / y,
                _ => x % y,
            };
        }
        decimal m = ToDecimal(a), n = ToDecimal(b);
        if (op is SqlOperator.Divide or SqlOperator.Mod && n == 0)
            throw new SqlEvaluationException("/ by zero");
        decimal r;
        try
        {
            r = op switch
            {
                SqlOperator.Plus => m + n,
                SqlOperator.Minus => m - n,
                SqlOperator.Times => m * n,
                SqlOperator.Divide => m / n,
                _ => m % n,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
        return FitDecimal(r, type);
    }

    private static object? Negate(object v, SqlType type) => type.Kind switch
    {
        SqlTypeKind.Double => -(double)v,
        SqlTypeKind.Decimal => FitDecimal(-(decimal)v, type),
        _ => Wrap(-ToBig(v), type),
    };

    private static object? FitDecimal(decimal value, SqlType type)
    {
        // A System.Decimal holds at most 28 fractional digits, so rounding to a larger scale (Flink's division
        // derives scales up to 38) changes nothing; decimal.Round refuses such a scale rather than returning the value.
        var rounded = type.Scale >= 28 ? value : decimal.Round(value, type.Scale, MidpointRounding.AwayFromZero);
        var integerDigits = type.Precision - type.Scale;
        var limit = BigInteger.Pow(10, integerDigits);
        return BigInteger.Abs(new BigInteger(decimal.Truncate(rounded))) >= limit ? null : rounded;
    }

    private static object Wrap(BigInteger value, SqlType type)
    {
        var low = unchecked((long)(ulong)(value & ulong.MaxValue));
        return type.Kind switch
        {
            SqlTypeKind.TinyInt => unchecked((sbyte)low),
            SqlTypeKind.SmallInt => unchecked((short)low),
            SqlTypeKind.Int => unchecked((int)low),
            _ => low,
        };
    }

    private static object? Cast(object? value, SqlType from, SqlType to)
    {
        if (value is null)
            return null;
        if (to.IsCharacterString)
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        if (to.IsInteger)
        {
            BigInteger integer = value switch
            {
                double d when double.IsNaN(d) => BigInteger.Zero,
                // Java saturates a double to long (or to int, then narrows).
                double d => to.Kind == SqlTypeKind.BigInt ? SaturateToLong(Math.Truncate(d)) : (int)Math.Clamp(Math.Truncate(d), int.MinValue, int.MaxValue),
                decimal m => new BigInteger(decimal.Truncate(m)),
                _ => ToBig(value),
            };
            return Wrap(integer, to);
        }
        if (to.Kind == SqlTypeKind.Double)
            return ToDouble(value);
        if (to.Kind == SqlTypeKind.Decimal)
        {
            // Flink's CAST goes through BigDecimal.valueOf, which refuses NaN and the infinities: an error, not NULL.
            if (value is double n && (double.IsNaN(n) || double.IsInfinity(n)))
                throw new SqlEvaluationException($"Cannot cast {n} to {to}.");
            if (value is double d && Math.Abs(d) >= 7.9e28)
                return null;
            return FitDecimal(value is double e ? (decimal)e : ToDecimal(value), to);
        }
        throw new NotSupportedException($"cast {from} to {to}");
    }

    /// <summary>A value of a narrower type as the CLR value of <paramref name="type"/> (CASE and COALESCE widen).</summary>
    public static object? To(object? value, SqlType type) => value is null ? null : type.Kind switch
    {
        SqlTypeKind.Int => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        SqlTypeKind.BigInt => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        SqlTypeKind.Double => ToDouble(value),
        SqlTypeKind.Decimal => ToDecimal(value),
        _ => value,
    };

    private static long SaturateToLong(double d) =>
        d >= 9.2233720368547758e18 ? long.MaxValue : d <= -9.2233720368547758e18 ? long.MinValue : (long)d;

    private static BigInteger ToBig(object v) => v switch
    {
        sbyte s => s,
        short s => s,
        int i => i,
        long l => l,
        _ => throw new InvalidCastException(v.GetType().Name),
    };

    private static double ToDouble(object v) => v switch
    {
        double d => d,
        decimal m => (double)m,
        _ => (double)(long)ToBig(v),
    };

    private static decimal ToDecimal(object v) => v is decimal m ? m : (decimal)(long)ToBig(v);

    public static string Show(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + new StringBuilder().Append(s) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + " (" + value.GetType().Name + ")",
        _ => value.ToString() ?? "",
    };
}
