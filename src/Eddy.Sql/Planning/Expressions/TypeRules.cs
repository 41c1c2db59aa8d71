using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// Flink's implicit widening between the operands of comparisons, CASE and COALESCE, and the result types of
/// arithmetic (Flink's <c>LogicalTypeMerging</c>): integers widen to the larger integer, integers meet decimals as
/// DECIMAL(3|5|10|19, 0), anything meets DOUBLE as DOUBLE, and DECIMAL results follow Flink's precision and scale rules,
/// capped at 38 digits with at least 6 of scale kept where possible.
/// </summary>
internal static class TypeRules
{
    /// <summary>The scale Flink keeps at least when a decimal result exceeds 38 digits.</summary>
    private const int MinimumAdjustedScale = 6;

    /// <summary>
    /// The type both operands widen to so they can be compared or chosen between (CASE, COALESCE), or null when they
    /// cannot be. NULL-typed operands take the other's type. The result is nullable when either is.
    /// </summary>
    public static SqlType? CommonType(SqlType a, SqlType b)
    {
        var nullable = a.IsNullable || b.IsNullable;
        if (a.Kind == SqlTypeKind.Null)
            return b.WithNullability(true);
        if (b.Kind == SqlTypeKind.Null)
            return a.WithNullability(true);
        if (a.IsNumeric && b.IsNumeric)
            return CommonNumeric(a, b).WithNullability(nullable);
        if (a.IsCharacterString && b.IsCharacterString)
        {
            if (a.Kind == SqlTypeKind.Char && b.Kind == SqlTypeKind.Char)
                return SqlType.Char(Math.Max(a.Length, b.Length)).WithNullability(nullable);
            return SqlType.VarChar(Math.Max(a.Length, b.Length)).WithNullability(nullable);
        }
        if (a.Kind != b.Kind)
            return null;
        return a.Kind switch
        {
            SqlTypeKind.Time => SqlType.Time(Math.Max(a.Precision, b.Precision)).WithNullability(nullable),
            SqlTypeKind.Timestamp => SqlType.Timestamp(Math.Max(a.Precision, b.Precision)).WithNullability(nullable),
            SqlTypeKind.TimestampLtz => SqlType.TimestampLtz(Math.Max(a.Precision, b.Precision)).WithNullability(nullable),
            SqlTypeKind.Binary or SqlTypeKind.VarBinary => SqlType.VarBinary(Math.Max(a.Length, b.Length)).WithNullability(nullable),
            SqlTypeKind.Boolean or SqlTypeKind.Date => a.WithNullability(nullable),
            _ => a.WithNullability(true) == b.WithNullability(true) ? a.WithNullability(nullable) : null,
        };
    }

    /// <summary>The functions layer's merge of two numeric types (Flink's <c>LogicalTypeMerging</c>), nullability aside.</summary>
    private static SqlType CommonNumeric(SqlType a, SqlType b) => SqlTypeRules.LeastRestrictive([a, b])!;

    /// <summary>
    /// The result type of <c>a op b</c> for + − * / %, or null when the operands are not numbers (or, for MOD, not
    /// exact numbers). Integer results keep the larger operand type (they wrap on overflow, as Java's); MOD of integers
    /// has the divisor's type, as Flink's.
    /// </summary>
    public static SqlType? ArithmeticType(SqlOperator op, SqlType a, SqlType b)
    {
        if (!a.IsNumeric || !b.IsNumeric)
            return null;
        var nullable = a.IsNullable || b.IsNullable;
        if (op == SqlOperator.Mod)
        {
            if (a.Kind is SqlTypeKind.Float or SqlTypeKind.Double || b.Kind is SqlTypeKind.Float or SqlTypeKind.Double)
                return null;
            if (a.IsInteger && b.IsInteger)
                return b.WithNullability(nullable);
        }
        if (a.IsInteger && b.IsInteger)
            return (a.Kind >= b.Kind ? a : b).WithNullability(nullable);
        if (a.Kind is SqlTypeKind.Float or SqlTypeKind.Double || b.Kind is SqlTypeKind.Float or SqlTypeKind.Double)
            return CommonNumeric(a, b).WithNullability(nullable);
        var x = SqlTypeRules.AsDecimal(a);
        var y = SqlTypeRules.AsDecimal(b);
        int p1 = x.Precision, s1 = x.Scale, p2 = y.Precision, s2 = y.Scale;
        var result = op switch
        {
            SqlOperator.Plus or SqlOperator.Minus => Adjust(Math.Max(p1 - s1, p2 - s2) + Math.Max(s1, s2) + 1, Math.Max(s1, s2)),
            SqlOperator.Times => Adjust(p1 + p2 + 1, s1 + s2),
            SqlOperator.Divide => Adjust(p1 - s1 + s2 + Math.Max(MinimumAdjustedScale, s1 + p2 + 1), Math.Max(MinimumAdjustedScale, s1 + p2 + 1)),
            SqlOperator.Mod => Adjust(Math.Min(p1 - s1, p2 - s2) + Math.Max(s1, s2), Math.Max(s1, s2)),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not an arithmetic operator"),
        };
        return result.WithNullability(nullable);
    }

    /// <summary>Flink's <c>adjustPrecisionScale</c>: beyond 38 digits, integer digits win over scale down to 6 digits of scale.</summary>
    private static SqlType Adjust(int precision, int scale)
    {
        if (precision <= SqlType.MaxDecimalPrecision)
            return SqlType.Decimal(Math.Max(precision, 1), scale);
        var integerDigits = precision - scale;
        var adjustedScale = Math.Max(SqlType.MaxDecimalPrecision - integerDigits, Math.Min(scale, MinimumAdjustedScale));
        return SqlType.Decimal(SqlType.MaxDecimalPrecision, adjustedScale);
    }

    /// <summary>Whether values of the two types can be compared with &lt; and &gt; (not only =).</summary>
    public static bool IsOrderable(SqlType common) =>
        common.IsNumeric || common.IsCharacterString || common.IsDateTime || common.IsInterval
        || common.Kind is SqlTypeKind.Boolean or SqlTypeKind.Null;

    /// <summary>Whether = and &lt;&gt; (and IS DISTINCT FROM) apply to values of the common type.</summary>
    public static bool IsEquatable(SqlType common) => IsOrderable(common) || common.IsBinaryString;
}
