using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>The arithmetic operators whose result types <see cref="SqlTypeRules.Arithmetic"/> derives.</summary>
public enum ArithmeticOperator
{
    /// <summary><c>+</c>.</summary>
    Plus,
    /// <summary><c>-</c>.</summary>
    Minus,
    /// <summary><c>*</c>.</summary>
    Multiply,
    /// <summary><c>/</c>.</summary>
    Divide,
    /// <summary><c>%</c> and MOD.</summary>
    Modulo,
}

/// <summary>
/// Flink's type rules (<c>LogicalTypeCasts</c>, <c>LogicalTypeMerging</c>, the arithmetic type strategies): which casts
/// are allowed implicitly and explicitly, the common type of several (CASE, COALESCE, UNION, IN), the result types of
/// arithmetic including DECIMAL precision and scale, and which types compare.
/// </summary>
public static class SqlTypeRules
{
    /// <summary>The smallest scale a DECIMAL result keeps when its precision is capped at 38 (Flink's MINIMUM_ADJUSTED_SCALE).</summary>
    public const int MinimumAdjustedScale = 6;

    /// <summary>
    /// Whether <paramref name="from"/> converts to <paramref name="to"/> without loss, so the planner may insert the cast
    /// itself (Flink's <c>supportsImplicitCast</c>): integer widening, exact numbers to DECIMAL, FLOAT and DOUBLE, CHAR to
    /// VARCHAR, BINARY to VARBINARY, TIMESTAMP to DATE and TIME, TIMESTAMP and TIMESTAMP_LTZ both ways, NULL to anything.
    /// A nullable type never converts to a NOT NULL one.
    /// </summary>
    public static bool CanImplicitlyCast(SqlType from, SqlType to) => CanCast(from, to, explicitAllowed: false);

    /// <summary>Whether <c>CAST(from AS to)</c> is valid (Flink's <c>supportsExplicitCast</c>, with the 1.16 cast matrix).</summary>
    public static bool CanCast(SqlType from, SqlType to) => CanCast(from, to, explicitAllowed: true);

    private static bool CanCast(SqlType from, SqlType to, bool explicitAllowed)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.IsNullable && !to.IsNullable && from.Kind != SqlTypeKind.Null)
            return false;
        if (from.WithNullability(true) == to.WithNullability(true) || from.Kind == SqlTypeKind.Null)
            return true;
        if (from.Kind is SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Map or SqlTypeKind.Row
            || to.Kind is SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Map or SqlTypeKind.Row)
        {
            // Constructed types cast only within their kind, child by child (ROW field names are ignored).
            if (from.Kind != to.Kind)
                return explicitAllowed && to.IsCharacterString && from.Kind != SqlTypeKind.Null;
            if (from.Kind == SqlTypeKind.Row)
            {
                if (from.Fields.Length != to.Fields.Length)
                    return false;
                for (var i = 0; i < from.Fields.Length; i++)
                {
                    if (!CanCast(from.Fields[i].Type, to.Fields[i].Type, explicitAllowed))
                        return false;
                }
                return true;
            }
            return CanCast(from.ElementType!, to.ElementType!, explicitAllowed)
                && (from.ValueType is null || CanCast(from.ValueType, to.ValueType!, explicitAllowed));
        }
        if (from.Kind == to.Kind)
            return true;
        if (IsImplicit(from.Kind, to.Kind))
            return true;
        return explicitAllowed && IsExplicit(from.Kind, to.Kind);
    }

    private static bool IsImplicit(SqlTypeKind from, SqlTypeKind to) => to switch
    {
        SqlTypeKind.SmallInt => from is SqlTypeKind.TinyInt,
        SqlTypeKind.Int => from is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt,
        SqlTypeKind.BigInt => from is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int,
        SqlTypeKind.Decimal => from is >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt or SqlTypeKind.Float or SqlTypeKind.Double,
        SqlTypeKind.Float => from is >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt or SqlTypeKind.Decimal,
        SqlTypeKind.Double => from is >= SqlTypeKind.TinyInt and <= SqlTypeKind.Decimal,
        SqlTypeKind.VarChar => from is SqlTypeKind.Char,
        SqlTypeKind.VarBinary => from is SqlTypeKind.Binary,
        SqlTypeKind.Date => from is SqlTypeKind.Timestamp,
        SqlTypeKind.Time => from is SqlTypeKind.Timestamp,
        SqlTypeKind.Timestamp => from is SqlTypeKind.TimestampLtz,
        SqlTypeKind.TimestampLtz => from is SqlTypeKind.Timestamp,
        _ => false,
    };

    private static bool IsExplicit(SqlTypeKind from, SqlTypeKind to)
    {
        var fromNumeric = from is >= SqlTypeKind.TinyInt and <= SqlTypeKind.Decimal;
        var fromInteger = from is >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt;
        var fromString = from is SqlTypeKind.Char or SqlTypeKind.VarChar;
        var fromBinary = from is SqlTypeKind.Binary or SqlTypeKind.VarBinary;
        var fromTimestamp = from is SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz;
        var fromDateTime = from is >= SqlTypeKind.Date and <= SqlTypeKind.TimestampLtz;
        return to switch
        {
            SqlTypeKind.Char or SqlTypeKind.VarChar => from is not SqlTypeKind.Null,
            SqlTypeKind.Binary or SqlTypeKind.VarBinary => fromString || fromBinary,
            SqlTypeKind.Boolean => fromString || fromInteger,
            SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt =>
                fromNumeric || fromString || from is SqlTypeKind.Boolean || fromTimestamp,
            SqlTypeKind.Decimal or SqlTypeKind.Float or SqlTypeKind.Double =>
                fromNumeric || fromString || from is SqlTypeKind.Boolean || fromTimestamp,
            SqlTypeKind.Date => fromTimestamp || fromString,
            SqlTypeKind.Time => fromTimestamp || fromString || from is SqlTypeKind.Time,
            SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz => fromDateTime || fromString || fromNumeric,
            SqlTypeKind.IntervalYearMonth or SqlTypeKind.IntervalDayTime => fromString,
            _ => false,
        };
    }

    /// <summary>
    /// The common type of <paramref name="types"/> (Flink's <c>LogicalTypeMerging.findCommonType</c>): the type every one
    /// of them casts to implicitly, as CASE, COALESCE, IF, UNION, IN and GREATEST need; NULL when there is none. It is
    /// nullable when any input is nullable or NULL. Integers widen to the largest; exact numbers with DECIMAL give a
    /// DECIMAL wide enough for both (capped at 38); with FLOAT or DOUBLE, DOUBLE (FLOAT when no DOUBLE and no DECIMAL);
    /// CHARs give CHAR of the largest length and any VARCHAR makes it VARCHAR; DATE and TIMESTAMP give TIMESTAMP; any
    /// TIMESTAMP_LTZ makes it TIMESTAMP_LTZ; ARRAY, MAP and ROW merge child by child.
    /// </summary>
    public static SqlType? LeastRestrictive(IReadOnlyList<SqlType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
            return null;
        var nullable = false;
        SqlType? result = null;
        foreach (var type in types)
        {
            nullable |= type.IsNullable;
            if (type.Kind == SqlTypeKind.Null)
                continue;
            if (result is null)
            {
                result = type;
                continue;
            }
            result = Merge(result, type);
            if (result is null)
                return null;
        }
        return (result ?? SqlType.Null).WithNullability(nullable);
    }

    private static SqlType? Merge(SqlType a, SqlType b)
    {
        var nullable = a.IsNullable || b.IsNullable;
        a = a.WithNullability(true);
        b = b.WithNullability(true);
        if (a == b)
            return a.WithNullability(nullable);
        SqlType? merged = null;
        if (a.IsNumeric && b.IsNumeric)
        {
            merged = MergeNumeric(a, b);
        }
        else if (a.IsCharacterString && b.IsCharacterString)
        {
            var length = Math.Max(a.Length, b.Length);
            merged = a.Kind == SqlTypeKind.Char && b.Kind == SqlTypeKind.Char ? SqlType.Char(length) : SqlType.VarChar(length);
        }
        else if (a.IsBinaryString && b.IsBinaryString)
        {
            var length = Math.Max(a.Length, b.Length);
            merged = a.Kind == SqlTypeKind.Binary && b.Kind == SqlTypeKind.Binary ? SqlType.Binary(length) : SqlType.VarBinary(length);
        }
        else if (a.IsDateTime && b.IsDateTime)
        {
            merged = MergeDateTime(a, b);
        }
        else if (a.Kind == b.Kind)
        {
            switch (a.Kind)
            {
                case SqlTypeKind.IntervalYearMonth:
                    merged = SqlType.IntervalYearMonth(Math.Max(a.Precision, b.Precision));
                    break;
                case SqlTypeKind.IntervalDayTime:
                    merged = SqlType.IntervalDayTime(Math.Max(a.Scale, b.Scale), Math.Max(a.Precision, b.Precision));
                    break;
                case SqlTypeKind.Array:
                case SqlTypeKind.Multiset:
                    var element = LeastRestrictive([a.ElementType!, b.ElementType!]);
                    if (element is not null)
                        merged = a.Kind == SqlTypeKind.Array ? SqlType.Array(element) : SqlType.Multiset(element);
                    break;
                case SqlTypeKind.Map:
                    var key = LeastRestrictive([a.ElementType!, b.ElementType!]);
                    var value = LeastRestrictive([a.ValueType!, b.ValueType!]);
                    if (key is not null && value is not null)
                        merged = SqlType.Map(key, value);
                    break;
                case SqlTypeKind.Row:
                    if (a.Fields.Length == b.Fields.Length)
                    {
                        var fields = new SqlField[a.Fields.Length];
                        for (var i = 0; i < fields.Length; i++)
                        {
                            var fieldType = LeastRestrictive([a.Fields[i].Type, b.Fields[i].Type]);
                            if (fieldType is null)
                                return null;
                            fields[i] = new SqlField(a.Fields[i].Name, fieldType, a.Fields[i].Description);
                        }
                        merged = SqlType.Row(fields);
                    }
                    break;
            }
        }
        return merged?.WithNullability(nullable);
    }

    private static SqlType MergeNumeric(SqlType a, SqlType b)
    {
        if (a.Kind == SqlTypeKind.Double || b.Kind == SqlTypeKind.Double)
            return SqlType.Double;
        if (a.Kind == SqlTypeKind.Float || b.Kind == SqlTypeKind.Float)
            return a.Kind == SqlTypeKind.Decimal || b.Kind == SqlTypeKind.Decimal ? SqlType.Double : SqlType.Float;
        if (a.Kind == SqlTypeKind.Decimal || b.Kind == SqlTypeKind.Decimal)
        {
            var da = AsDecimal(a);
            var db = AsDecimal(b);
            var scale = Math.Max(da.Scale, db.Scale);
            var integerDigits = Math.Max(da.Precision - da.Scale, db.Precision - db.Scale);
            var precision = Math.Min(integerDigits + scale, SqlType.MaxDecimalPrecision);
            return SqlType.Decimal(precision, Math.Min(scale, precision));
        }
        return a.Kind >= b.Kind ? a : b;
    }

    private static SqlType? MergeDateTime(SqlType a, SqlType b)
    {
        if (a.Kind == SqlTypeKind.Time || b.Kind == SqlTypeKind.Time)
            return a.Kind == b.Kind ? SqlType.Time(Math.Max(a.Precision, b.Precision)) : null;
        if (a.Kind == SqlTypeKind.TimestampLtz || b.Kind == SqlTypeKind.TimestampLtz)
            return SqlType.TimestampLtz(Math.Max(TimestampPrecision(a), TimestampPrecision(b)));
        return SqlType.Timestamp(Math.Max(TimestampPrecision(a), TimestampPrecision(b)));
    }

    private static int TimestampPrecision(SqlType type) => type.Kind == SqlTypeKind.Date ? 0 : type.Precision;

    /// <summary>
    /// The DECIMAL an exact number converts to in arithmetic with a DECIMAL: TINYINT DECIMAL(3, 0), SMALLINT (5, 0),
    /// INT (10, 0), BIGINT (19, 0); a DECIMAL is itself.
    /// </summary>
    public static SqlType AsDecimal(SqlType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var result = type.Kind switch
        {
            SqlTypeKind.TinyInt => SqlType.Decimal(3, 0),
            SqlTypeKind.SmallInt => SqlType.Decimal(5, 0),
            SqlTypeKind.Int => SqlType.Decimal(10, 0),
            SqlTypeKind.BigInt => SqlType.Decimal(19, 0),
            SqlTypeKind.Decimal => type.WithNullability(true),
            _ => throw new ArgumentException($"{type} is not an exact numeric type.", nameof(type)),
        };
        return result.WithNullability(type.IsNullable);
    }

    /// <summary>
    /// The result type of <paramref name="left"/> <paramref name="op"/> <paramref name="right"/> on numbers, or NULL when
    /// the operator does not apply to them. Integers give the wider integer (also for <c>/</c>: integer division, as
    /// Flink, and for <c>%</c>); with a DECIMAL, Flink's DECIMAL derivation
    /// (<see cref="DecimalPlus"/> and the others); with FLOAT or DOUBLE, the common approximate type. Date-time and
    /// interval arithmetic: TIMESTAMP ± interval is TIMESTAMP, DATE ± interval DATE, TIME ± day-time interval TIME,
    /// interval ± interval the interval, interval × or ÷ number the interval. Nullable when either side is.
    /// </summary>
    public static SqlType? Arithmetic(ArithmeticOperator op, SqlType left, SqlType right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var nullable = left.IsNullable || right.IsNullable;
        if (left.Kind == SqlTypeKind.Null)
            left = right.Kind == SqlTypeKind.Null ? SqlType.Int : right;
        if (right.Kind == SqlTypeKind.Null)
            right = left;
        SqlType? result = null;
        if (left.IsNumeric && right.IsNumeric)
        {
            if (left.Kind == SqlTypeKind.Decimal || right.Kind == SqlTypeKind.Decimal)
            {
                if (left.Kind is SqlTypeKind.Float or SqlTypeKind.Double || right.Kind is SqlTypeKind.Float or SqlTypeKind.Double)
                {
                    result = SqlType.Double;
                }
                else
                {
                    var l = AsDecimal(left);
                    var r = AsDecimal(right);
                    result = op switch
                    {
                        ArithmeticOperator.Plus or ArithmeticOperator.Minus => DecimalPlus(l.Precision, l.Scale, r.Precision, r.Scale),
                        ArithmeticOperator.Multiply => DecimalMultiply(l.Precision, l.Scale, r.Precision, r.Scale),
                        ArithmeticOperator.Divide => DecimalDivide(l.Precision, l.Scale, r.Precision, r.Scale),
                        _ => DecimalModulo(l.Precision, l.Scale, r.Precision, r.Scale),
                    };
                }
            }
            else
            {
                result = MergeNumeric(left.WithNullability(true), right.WithNullability(true));
            }
        }
        else if (op is ArithmeticOperator.Plus or ArithmeticOperator.Minus)
        {
            if (left.IsDateTime && right.IsInterval)
                result = DateTimePlusInterval(left, right);
            else if (op == ArithmeticOperator.Plus && left.IsInterval && right.IsDateTime)
                result = DateTimePlusInterval(right, left);
            else if (left.IsInterval && left.Kind == right.Kind)
                result = LeastRestrictive([left, right]);
        }
        else if (op == ArithmeticOperator.Multiply && (left.IsInterval && right.IsNumeric || left.IsNumeric && right.IsInterval))
        {
            result = left.IsInterval ? left : right;
        }
        else if (op == ArithmeticOperator.Divide && left.IsInterval && right.IsNumeric)
        {
            result = left;
        }
        return result?.WithNullability(nullable);
    }

    private static SqlType? DateTimePlusInterval(SqlType dateTime, SqlType interval) => dateTime.Kind switch
    {
        SqlTypeKind.Time => interval.Kind == SqlTypeKind.IntervalDayTime ? dateTime : null,
        _ => dateTime,
    };

    /// <summary>DECIMAL(p1, s1) + DECIMAL(p2, s2): scale max(s1, s2), precision max(p1 − s1, p2 − s2) + scale + 1, then <see cref="AdjustPrecisionScale"/>.</summary>
    public static SqlType DecimalPlus(int p1, int s1, int p2, int s2)
    {
        var scale = Math.Max(s1, s2);
        return AdjustPrecisionScale(Math.Max(p1 - s1, p2 - s2) + scale + 1, scale);
    }

    /// <summary>DECIMAL(p1, s1) × DECIMAL(p2, s2): precision p1 + p2 + 1, scale s1 + s2, then <see cref="AdjustPrecisionScale"/>.</summary>
    public static SqlType DecimalMultiply(int p1, int s1, int p2, int s2) => AdjustPrecisionScale(p1 + p2 + 1, s1 + s2);

    /// <summary>DECIMAL(p1, s1) ÷ DECIMAL(p2, s2): scale max(6, s1 + p2 + 1), precision p1 − s1 + s2 + scale, then <see cref="AdjustPrecisionScale"/>.</summary>
    public static SqlType DecimalDivide(int p1, int s1, int p2, int s2)
    {
        var scale = Math.Max(MinimumAdjustedScale, s1 + p2 + 1);
        return AdjustPrecisionScale(p1 - s1 + s2 + scale, scale);
    }

    /// <summary>DECIMAL(p1, s1) % DECIMAL(p2, s2): scale max(s1, s2), precision min(p1 − s1, p2 − s2) + scale, then <see cref="AdjustPrecisionScale"/>.</summary>
    public static SqlType DecimalModulo(int p1, int s1, int p2, int s2)
    {
        var scale = Math.Max(s1, s2);
        return AdjustPrecisionScale(Math.Min(p1 - s1, p2 - s2) + scale, scale);
    }

    /// <summary>
    /// Flink's cap of a derived DECIMAL at precision 38: a precision within 38 stays; beyond, the integer digits are kept
    /// and the scale shrinks to what is left, but never below min(scale, 6).
    /// </summary>
    public static SqlType AdjustPrecisionScale(int precision, int scale)
    {
        if (precision <= SqlType.MaxDecimalPrecision)
            return SqlType.Decimal(Math.Max(precision, 1), scale);
        var integerDigits = precision - scale;
        var adjustedScale = Math.Max(SqlType.MaxDecimalPrecision - integerDigits, Math.Min(scale, MinimumAdjustedScale));
        return SqlType.Decimal(SqlType.MaxDecimalPrecision, adjustedScale);
    }

    /// <summary>
    /// The type both sides of a comparison (=, &lt;&gt;, &lt;, &lt;=, &gt;, &gt;=, BETWEEN, IN) convert to before comparing,
    /// or NULL when they do not compare. Numbers compare with numbers, strings with strings, booleans with booleans,
    /// DATE/TIMESTAMP/TIMESTAMP_LTZ with each other, TIME with TIME, binary with binary, intervals of one kind, and
    /// ARRAY/MAP/ROW of comparable children for equality; a character string also compares with a number, a boolean or
    /// a date-time by casting the string to the other type (Calcite's comparison coercion, which Flink keeps).
    /// </summary>
    public static SqlType? ComparisonType(SqlType left, SqlType right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.IsCharacterString && !right.IsCharacterString && (right.IsNumeric || right.IsDateTime || right.Kind == SqlTypeKind.Boolean))
            return right.WithNullability(true);
        if (right.IsCharacterString && !left.IsCharacterString && (left.IsNumeric || left.IsDateTime || left.Kind == SqlTypeKind.Boolean))
            return left.WithNullability(true);
        var common = LeastRestrictive([left, right]);
        return common?.WithNullability(true);
    }

    /// <summary>Whether values of <paramref name="type"/> have an order (&lt;, ORDER BY, MIN, MAX, GREATEST): all but ARRAY, MAP, MULTISET and ROW.</summary>
    public static bool IsOrderable(SqlType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind is not (SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset or SqlTypeKind.Row);
    }
}
