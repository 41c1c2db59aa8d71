using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// CAST and TRY_CAST with Flink's semantics, as expressions a planner compiles (<see cref="Build"/>,
/// <see cref="BuildTry"/>) and as a boxed slow path for constants and tests (<see cref="Cast"/>, <see cref="TryCast"/>).
/// </summary>
/// <remarks>
/// <para>Numbers: integer narrowing wraps as Java's casts do; FLOAT/DOUBLE to an integer truncates toward zero and
/// saturates (NaN is 0); to DECIMAL(p, s) rounds HALF_UP and gives NULL when the integer digits overflow p − s (so a
/// cast to DECIMAL is nullable). Strings: text is trimmed; integers accept a sign and ignore a fraction
/// (<c>'1.9'</c> is 1), out of range is an error; booleans accept <c>true/t/yes/y/1</c> and <c>false/f/no/n/0</c> in any
/// case; dates, times and timestamps take the forms of <see cref="DateTimeText"/>. To CHAR(n) pads with spaces and
/// VARCHAR(n) truncates to n characters (Flink 1.16+); BINARY(n) pads with zero bytes, VARBINARY(n) truncates. BOOLEAN
/// prints as <c>TRUE</c>/<c>FALSE</c>, FLOAT and DOUBLE as Java prints them, DECIMAL with its scale, TIMESTAMP(p) with
/// p fractional digits, ARRAY as <c>[1, 2]</c>, MAP as <c>{a=1}</c>, ROW as <c>(1, a)</c>, NULL elements as
/// <c>NULL</c>. TIMESTAMP and TIMESTAMP_LTZ convert through the session time zone; numbers convert to and from
/// timestamps as seconds since the epoch (TIMESTAMP in UTC).</para>
/// <para>A failed CAST raises <see cref="SqlFunctionException"/> naming the value and both types; TRY_CAST gives NULL.
/// NULL in is NULL out: the built expressions take a non-NULL value and the caller checks NULL first.</para>
/// </remarks>
public static class SqlCasts
{
    private static readonly ConcurrentDictionary<(SqlType From, SqlType To), Func<object, FunctionContext, object?>> BoxedCasts = new();

    /// <summary>Whether CAST(from AS to) can give NULL for a non-NULL value (an overflowing DECIMAL).</summary>
    public static bool MayGiveNull(SqlType from, SqlType to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return to.Kind == SqlTypeKind.Decimal && !(from.Kind == SqlTypeKind.Decimal && to.Precision - to.Scale >= from.Precision - from.Scale && to.Scale >= from.Scale)
            || to.Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset or SqlTypeKind.Row && from.Kind == to.Kind;
    }

    /// <summary>
    /// An expression casting <paramref name="value"/> (a non-NULL value of <paramref name="from"/>'s CLR type) to
    /// <paramref name="to"/>. Its type is <paramref name="to"/>'s CLR type, or <see cref="Nullable{T}"/> of it when
    /// <see cref="MayGiveNull"/>. <paramref name="context"/> is an expression of type <see cref="FunctionContext"/>
    /// (the session time zone). Raises <see cref="SqlFunctionException"/> at run time when the value does not convert.
    /// </summary>
    /// <exception cref="SqlFunctionException">Flink does not cast between the two types.</exception>
    public static Expression Build(Expression value, SqlType from, SqlType to, Expression context)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(context);
        if (!SqlTypeRules.CanCast(from.WithNullability(true), to.WithNullability(true)))
            throw new SqlFunctionException($"Cast function cannot convert value of type {from} to type {to}");
        if (from.Kind == SqlTypeKind.Null)
            return Expression.Default(ResultClrType(from, to));
        if (from.WithNullability(true) == to.WithNullability(true))
            return value;
        var widened = Widen(value, from);
        var group = to.Kind switch
        {
            SqlTypeKind.Boolean => "ToBoolean",
            >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt => "ToInteger",
            SqlTypeKind.Float or SqlTypeKind.Double => "ToApproximate",
            SqlTypeKind.Decimal => "ToDecimal",
            SqlTypeKind.Char or SqlTypeKind.VarChar => "ToCharacters",
            SqlTypeKind.Binary or SqlTypeKind.VarBinary => "ToBinary",
            SqlTypeKind.Date => "ToDate",
            SqlTypeKind.Time => "ToTime",
            SqlTypeKind.Timestamp => "ToTimestamp",
            SqlTypeKind.TimestampLtz => "ToTimestampLtz",
            SqlTypeKind.IntervalYearMonth => "ToIntervalYearMonth",
            SqlTypeKind.IntervalDayTime => "ToIntervalDayTime",
            _ => "ToConstructed",
        };
        var sourceType = group == "ToConstructed" ? typeof(object) : widened.Type;
        var method = typeof(CastFunctions).GetMethod(group, BindingFlags.Public | BindingFlags.Static, [sourceType, typeof(SqlType), typeof(SqlType), typeof(FunctionContext)])
            ?? throw new SqlFunctionException($"Cast function cannot convert value of type {from} to type {to}");
        Expression call = Expression.Call(method, sourceType == widened.Type ? widened : Expression.Convert(widened, sourceType),
            Expression.Constant(from), Expression.Constant(to), context);
        if (to.Kind is >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt or SqlTypeKind.Float)
            call = Expression.Convert(call, to.ClrType);
        else if (group == "ToConstructed")
            call = Expression.Convert(call, to.ClrType);
        var resultType = ResultClrType(from, to);
        return call.Type == resultType ? call : Expression.Convert(call, resultType);
    }

    /// <summary>
    /// An expression for TRY_CAST: as <see cref="Build"/>, but a value that does not convert gives NULL, so its type is
    /// always nullable (<see cref="Nullable{T}"/> for value types).
    /// </summary>
    public static Expression BuildTry(Expression value, SqlType from, SqlType to, Expression context)
    {
        var cast = Build(value, from, to, context);
        var type = cast.Type.IsValueType && Nullable.GetUnderlyingType(cast.Type) is null ? typeof(Nullable<>).MakeGenericType(cast.Type) : cast.Type;
        return Expression.TryCatch(
            cast.Type == type ? cast : Expression.Convert(cast, type),
            Expression.Catch(typeof(SqlFunctionException), Expression.Default(type)));
    }

    private static Type ResultClrType(SqlType from, SqlType to)
    {
        var clr = to.ClrType;
        return MayGiveNull(from, to) && clr.IsValueType ? typeof(Nullable<>).MakeGenericType(clr) : clr;
    }

    private static Expression Widen(Expression value, SqlType from) => from.Kind switch
    {
        SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int => Expression.Convert(value, typeof(long)),
        SqlTypeKind.Float => Expression.Convert(value, typeof(double)),
        _ => value,
    };

    /// <summary>CAST of a boxed value (NULL is NULL): the slow path for constant folding, formats and tests.</summary>
    /// <exception cref="SqlFunctionException">The value does not convert, or the types do not cast.</exception>
    public static object? Cast(object? value, SqlType from, SqlType to, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null)
            return null;
        var cast = BoxedCasts.GetOrAdd((from, to), static key =>
        {
            var input = Expression.Parameter(typeof(object), "value");
            var context = Expression.Parameter(typeof(FunctionContext), "context");
            var body = Build(Expression.Convert(input, key.From.ClrType), key.From, key.To, context);
            return Expression.Lambda<Func<object, FunctionContext, object?>>(Expression.Convert(body, typeof(object)), input, context).Compile();
        });
        return cast(value, context);
    }

    /// <summary>TRY_CAST of a boxed value: NULL when the value does not convert.</summary>
    /// <exception cref="SqlFunctionException">The types do not cast at all (a planning error, not a value error).</exception>
    public static object? TryCast(object? value, SqlType from, SqlType to, FunctionContext context)
    {
        if (!SqlTypeRules.CanCast(from.WithNullability(true), to.WithNullability(true)))
            throw new SqlFunctionException($"Cast function cannot convert value of type {from} to type {to}");
        try
        {
            return Cast(value, from, to, context);
        }
        catch (SqlFunctionException)
        {
            return null;
        }
    }

    /// <summary>A value's SQL text as CAST(value AS STRING) gives it (NULL as <c>NULL</c>, for collections).</summary>
    public static string ToSqlString(object? value, SqlType type, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(context);
        return value switch
        {
            null => "NULL",
            string s => s,
            bool b => b ? "TRUE" : "FALSE",
            sbyte or short or int when type.Kind == SqlTypeKind.IntervalYearMonth => DateTimeText.FormatYearMonthInterval((int)value),
            sbyte or short or int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            float f => JavaText.FormatFloat(f),
            double d => JavaText.FormatDouble(d),
            decimal m => FormatDecimal(m, type.Kind == SqlTypeKind.Decimal ? type.Scale : m.Scale),
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            DateOnly date => DateTimeText.FormatDate(date),
            TimeOnly time => DateTimeText.FormatTime(time, type.Kind == SqlTypeKind.Time ? type.Precision : 0),
            DateTime timestamp => DateTimeText.FormatTimestamp(timestamp, type.Kind == SqlTypeKind.Timestamp ? type.Precision : 6),
            DateTimeOffset instant => DateTimeText.FormatTimestamp(context.ToLocal(instant), type.Kind == SqlTypeKind.TimestampLtz ? type.Precision : 6),
            TimeSpan span => DateTimeText.FormatDayTimeInterval(span),
            object?[] array => FormatArray(array, type.ElementType ?? SqlType.String, context),
            Dictionary<object, object?> map => FormatMap(map, type, context),
            Row row => FormatRow(row, type, context),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>A DECIMAL's text with exactly <paramref name="scale"/> fractional digits (Java's toPlainString).</summary>
    public static string FormatDecimal(decimal value, int scale) =>
        value.ToString(scale <= 0 ? "0" : "0." + new string('0', Math.Min(scale, 28)), CultureInfo.InvariantCulture);

    private static string FormatArray(object?[] array, SqlType elementType, FunctionContext context)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < array.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(ToSqlString(array[i], elementType, context));
        }
        return text.Append(']').ToString();
    }

    private static string FormatMap(Dictionary<object, object?> map, SqlType type, FunctionContext context)
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!first)
                text.Append(", ");
            first = false;
            text.Append(ToSqlString(key, type.ElementType ?? SqlType.String, context)).Append('=')
                .Append(ToSqlString(value, type.ValueType ?? SqlType.Int, context));
        }
        return text.Append('}').ToString();
    }

    private static string FormatRow(Row row, SqlType type, FunctionContext context)
    {
        var text = new StringBuilder("(");
        for (var i = 0; i < row.Arity; i++)
        {
            if (i > 0)
                text.Append(", ");
            var fieldType = i < type.Fields.Length ? type.Fields[i].Type : SqlType.String;
            text.Append(ToSqlString(row.IsNull(i) ? null : row.GetValue(i, fieldType), fieldType, context));
        }
        return text.Append(')').ToString();
    }
}

/// <summary>
/// The typed conversions behind <see cref="SqlCasts.Build"/>: one method per target group and widened source CLR type
/// (integers arrive as <see cref="long"/>, FLOAT as <see cref="double"/>), each taking the source and target types and the
/// function context. Public so compiled expressions can call them; planners use <see cref="SqlCasts"/>.
/// </summary>
public static class CastFunctions
{
    private static SqlFunctionException Failed(object value, SqlType from, SqlType to, Exception? cause = null)
    {
        var text = value is string s ? $"'{s}'" : SqlCasts.ToSqlString(value, from, new FunctionContext());
        var message = $"Cannot cast {text} of type {from.ToNullableString()} to {to.ToNullableString()}.";
        return cause is null ? new SqlFunctionException(message) : new SqlFunctionException(message, cause);
    }

    // ---- BOOLEAN

    /// <summary>STRING to BOOLEAN.</summary>
    public static bool ToBoolean(string value, SqlType from, SqlType to, FunctionContext context)
    {
        var text = value.Trim();
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("t", StringComparison.OrdinalIgnoreCase)
            || text.Equals("yes", StringComparison.OrdinalIgnoreCase) || text.Equals("y", StringComparison.OrdinalIgnoreCase) || text == "1")
            return true;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("f", StringComparison.OrdinalIgnoreCase)
            || text.Equals("no", StringComparison.OrdinalIgnoreCase) || text.Equals("n", StringComparison.OrdinalIgnoreCase) || text == "0")
            return false;
        throw Failed(value, from, to);
    }

    /// <summary>Integer to BOOLEAN: nonzero is TRUE.</summary>
    public static bool ToBoolean(long value, SqlType from, SqlType to, FunctionContext context) => value != 0;

    // ---- TINYINT .. BIGINT (returned as long, already wrapped to the target's width)

    /// <summary>Integer to integer: wraps as Java's narrowing casts.</summary>
    public static long ToInteger(long value, SqlType from, SqlType to, FunctionContext context) => Wrap(value, to);

    /// <summary>FLOAT/DOUBLE to integer: truncates toward zero, saturating at BIGINT/INT (Java's (long)/(int) casts).</summary>
    public static long ToInteger(double value, SqlType from, SqlType to, FunctionContext context)
    {
        if (double.IsNaN(value))
            return 0;
        if (to.Kind == SqlTypeKind.BigInt)
            return value >= 9.2233720368547758E18 ? long.MaxValue : value <= -9.2233720368547758E18 ? long.MinValue : (long)value;
        var asInt = value >= int.MaxValue ? int.MaxValue : value <= int.MinValue ? int.MinValue : (int)value;
        return Wrap(asInt, to);
    }

    /// <summary>DECIMAL to integer: truncates toward zero, then wraps.</summary>
    public static long ToInteger(decimal value, SqlType from, SqlType to, FunctionContext context)
    {
        var truncated = decimal.Truncate(value);
        if (truncated >= long.MinValue && truncated <= long.MaxValue)
            return Wrap((long)truncated, to);
        // Java's BigDecimal.longValue keeps the low 64 bits.
        var big = System.Numerics.BigInteger.Parse(truncated.ToString("0", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Wrap((long)(ulong)(big & ulong.MaxValue), to);
    }

    /// <summary>BOOLEAN to integer: 1 or 0.</summary>
    public static long ToInteger(bool value, SqlType from, SqlType to, FunctionContext context) => value ? 1 : 0;

    /// <summary>STRING to integer: trimmed, optional sign, digits, an ignored fraction; out of range is an error.</summary>
    public static long ToInteger(string value, SqlType from, SqlType to, FunctionContext context)
    {
        var text = value.AsSpan().Trim();
        var dot = text.IndexOf('.');
        var integerPart = dot >= 0 ? text[..dot] : text;
        if (dot >= 0)
        {
            foreach (var c in text[(dot + 1)..])
            {
                if (!char.IsAsciiDigit(c))
                    throw Failed(value, from, to);
            }
        }
        if (integerPart.Length == 0 || integerPart is "+" or "-"
            || !long.TryParse(integerPart, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            throw Failed(value, from, to);
        var (min, max) = Range(to);
        if (parsed < min || parsed > max)
            throw Failed(value, from, to);
        return parsed;
    }

    /// <summary>TIMESTAMP to integer: seconds since the epoch (the timestamp read as UTC).</summary>
    public static long ToInteger(DateTime value, SqlType from, SqlType to, FunctionContext context) =>
        Wrap(FloorDiv(value.Ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond), to);

    /// <summary>TIMESTAMP_LTZ to integer: seconds since the epoch.</summary>
    public static long ToInteger(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        Wrap(FloorDiv(value.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond), to);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static (long Min, long Max) Range(SqlType to) => to.Kind switch
    {
        SqlTypeKind.TinyInt => (sbyte.MinValue, sbyte.MaxValue),
        SqlTypeKind.SmallInt => (short.MinValue, short.MaxValue),
        SqlTypeKind.Int => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    private static long Wrap(long value, SqlType to) => to.Kind switch
    {
        SqlTypeKind.TinyInt => unchecked((sbyte)value),
        SqlTypeKind.SmallInt => unchecked((short)value),
        SqlTypeKind.Int => unchecked((int)value),
        _ => value,
    };

    // ---- FLOAT, DOUBLE (returned as double)

    /// <summary>Integer to FLOAT/DOUBLE.</summary>
    public static double ToApproximate(long value, SqlType from, SqlType to, FunctionContext context) =>
        to.Kind == SqlTypeKind.Float ? (float)value : (double)value;

    /// <summary>FLOAT/DOUBLE to FLOAT/DOUBLE.</summary>
    public static double ToApproximate(double value, SqlType from, SqlType to, FunctionContext context) => value;

    /// <summary>DECIMAL to FLOAT/DOUBLE.</summary>
    public static double ToApproximate(decimal value, SqlType from, SqlType to, FunctionContext context) => (double)value;

    /// <summary>BOOLEAN to FLOAT/DOUBLE.</summary>
    public static double ToApproximate(bool value, SqlType from, SqlType to, FunctionContext context) => value ? 1 : 0;

    /// <summary>STRING to FLOAT/DOUBLE: Java's Double.parseDouble forms (exponents, NaN, Infinity).</summary>
    public static double ToApproximate(string value, SqlType from, SqlType to, FunctionContext context)
    {
        var text = value.AsSpan().Trim();
        if (text.Length > 0 && text[^1] is 'd' or 'D' or 'f' or 'F')
            text = text[..^1];
        if (text is "NaN")
            return double.NaN;
        if (text is "Infinity" or "+Infinity")
            return double.PositiveInfinity;
        if (text is "-Infinity")
            return double.NegativeInfinity;
        if (text.Length == 0 || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            throw Failed(value, from, to);
        return to.Kind == SqlTypeKind.Float ? (float)parsed : parsed;
    }

    /// <summary>TIMESTAMP to FLOAT/DOUBLE: seconds since the epoch with the fraction.</summary>
    public static double ToApproximate(DateTime value, SqlType from, SqlType to, FunctionContext context) =>
        (value.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>TIMESTAMP_LTZ to FLOAT/DOUBLE: seconds since the epoch with the fraction.</summary>
    public static double ToApproximate(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        (value.UtcTicks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;

    // ---- DECIMAL (NULL on overflow)

    /// <summary>Integer to DECIMAL.</summary>
    public static decimal? ToDecimal(long value, SqlType from, SqlType to, FunctionContext context) => SqlDecimals.Fit(value, to.Precision, to.Scale);

    /// <summary>FLOAT/DOUBLE to DECIMAL: NaN and infinities are errors (Java's BigDecimal refuses them).</summary>
    public static decimal? ToDecimal(double value, SqlType from, SqlType to, FunctionContext context)
    {
        if (!double.IsFinite(value))
            throw Failed(value, from, to);
        if (Math.Abs(value) >= 7.9e28)
            return null;
        // Through the shortest text, as Java's BigDecimal.valueOf(double) does: 0.1 stays 0.1.
        var exact = decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return SqlDecimals.Fit(exact, to.Precision, to.Scale);
    }

    /// <summary>DECIMAL to DECIMAL: rounds HALF_UP to the new scale.</summary>
    public static decimal? ToDecimal(decimal value, SqlType from, SqlType to, FunctionContext context) => SqlDecimals.Fit(value, to.Precision, to.Scale);

    /// <summary>BOOLEAN to DECIMAL.</summary>
    public static decimal? ToDecimal(bool value, SqlType from, SqlType to, FunctionContext context) => SqlDecimals.Fit(value ? 1 : 0, to.Precision, to.Scale);

    /// <summary>STRING to DECIMAL: Java's BigDecimal text (sign, fraction, exponent).</summary>
    public static decimal? ToDecimal(string value, SqlType from, SqlType to, FunctionContext context)
    {
        var text = value.AsSpan().Trim();
        if (text.Length == 0)
            throw Failed(value, from, to);
        try
        {
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                // Syntax error, or a number beyond decimal's range (an overflow).
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? null : throw Failed(value, from, to);
            }
            return SqlDecimals.Fit(parsed, to.Precision, to.Scale);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>TIMESTAMP to DECIMAL: seconds since the epoch.</summary>
    public static decimal? ToDecimal(DateTime value, SqlType from, SqlType to, FunctionContext context) =>
        SqlDecimals.Fit((value.Ticks - DateTime.UnixEpoch.Ticks) / (decimal)TimeSpan.TicksPerSecond, to.Precision, to.Scale);

    /// <summary>TIMESTAMP_LTZ to DECIMAL: seconds since the epoch.</summary>
    public static decimal? ToDecimal(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        SqlDecimals.Fit((value.UtcTicks - DateTime.UnixEpoch.Ticks) / (decimal)TimeSpan.TicksPerSecond, to.Precision, to.Scale);

    // ---- CHAR, VARCHAR

    /// <summary>Fits text to CHAR(n) (pad with spaces, truncate) or VARCHAR(n) (truncate).</summary>
    public static string FitCharacters(string text, SqlType to)
    {
        if (text.Length > to.Length)
            return text[..to.Length];
        if (to.Kind == SqlTypeKind.Char && text.Length < to.Length)
            return text.PadRight(to.Length);
        return text;
    }

    /// <summary>STRING to CHAR/VARCHAR.</summary>
    public static string ToCharacters(string value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(value, to);

    /// <summary>BOOLEAN to CHAR/VARCHAR: TRUE or FALSE.</summary>
    public static string ToCharacters(bool value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(value ? "TRUE" : "FALSE", to);

    /// <summary>Integer to CHAR/VARCHAR.</summary>
    public static string ToCharacters(long value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(value.ToString(CultureInfo.InvariantCulture), to);

    /// <summary>FLOAT/DOUBLE to CHAR/VARCHAR, as Java prints them.</summary>
    public static string ToCharacters(double value, SqlType from, SqlType to, FunctionContext context) =>
        FitCharacters(from.Kind == SqlTypeKind.Float ? JavaText.FormatFloat((float)value) : JavaText.FormatDouble(value), to);

    /// <summary>DECIMAL to CHAR/VARCHAR with the source's scale.</summary>
    public static string ToCharacters(decimal value, SqlType from, SqlType to, FunctionContext context) =>
        FitCharacters(SqlCasts.FormatDecimal(value, from.Scale), to);

    /// <summary>BINARY/VARBINARY to CHAR/VARCHAR: the bytes decoded as UTF-8.</summary>
    public static string ToCharacters(byte[] value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(Encoding.UTF8.GetString(value), to);

    /// <summary>DATE to CHAR/VARCHAR.</summary>
    public static string ToCharacters(DateOnly value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(DateTimeText.FormatDate(value), to);

    /// <summary>TIME to CHAR/VARCHAR.</summary>
    public static string ToCharacters(TimeOnly value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(DateTimeText.FormatTime(value, from.Precision), to);

    /// <summary>TIMESTAMP to CHAR/VARCHAR.</summary>
    public static string ToCharacters(DateTime value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(DateTimeText.FormatTimestamp(value, from.Precision), to);

    /// <summary>TIMESTAMP_LTZ to CHAR/VARCHAR: the local time in the session zone.</summary>
    public static string ToCharacters(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        FitCharacters(DateTimeText.FormatTimestamp(context.ToLocal(value), from.Precision), to);

    /// <summary>INTERVAL YEAR TO MONTH to CHAR/VARCHAR.</summary>
    public static string ToCharacters(int value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(DateTimeText.FormatYearMonthInterval(value), to);

    /// <summary>INTERVAL DAY TO SECOND to CHAR/VARCHAR.</summary>
    public static string ToCharacters(TimeSpan value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(DateTimeText.FormatDayTimeInterval(value), to);

    /// <summary>ARRAY to CHAR/VARCHAR.</summary>
    public static string ToCharacters(object?[] value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(SqlCasts.ToSqlString(value, from, context), to);

    /// <summary>MAP/MULTISET to CHAR/VARCHAR.</summary>
    public static string ToCharacters(Dictionary<object, object?> value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(SqlCasts.ToSqlString(value, from, context), to);

    /// <summary>ROW to CHAR/VARCHAR.</summary>
    public static string ToCharacters(Row value, SqlType from, SqlType to, FunctionContext context) => FitCharacters(SqlCasts.ToSqlString(value, from, context), to);

    // ---- BINARY, VARBINARY

    /// <summary>Fits bytes to BINARY(n) (pad with zero bytes, truncate) or VARBINARY(n) (truncate).</summary>
    public static byte[] FitBytes(byte[] bytes, SqlType to)
    {
        if (bytes.Length > to.Length)
            return bytes.AsSpan(0, to.Length).ToArray();
        if (to.Kind == SqlTypeKind.Binary && bytes.Length < to.Length)
        {
            var padded = new byte[to.Length];
            bytes.CopyTo(padded, 0);
            return padded;
        }
        return bytes;
    }

    /// <summary>STRING to BINARY/VARBINARY: the UTF-8 bytes.</summary>
    public static byte[] ToBinary(string value, SqlType from, SqlType to, FunctionContext context) => FitBytes(Encoding.UTF8.GetBytes(value), to);

    /// <summary>BINARY/VARBINARY to BINARY/VARBINARY.</summary>
    public static byte[] ToBinary(byte[] value, SqlType from, SqlType to, FunctionContext context) => FitBytes(value, to);

    // ---- DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ

    /// <summary>STRING to DATE.</summary>
    public static DateOnly ToDate(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseDate(value, out var date) ? date : throw Failed(value, from, to);

    /// <summary>TIMESTAMP to DATE.</summary>
    public static DateOnly ToDate(DateTime value, SqlType from, SqlType to, FunctionContext context) => DateOnly.FromDateTime(value);

    /// <summary>TIMESTAMP_LTZ to DATE in the session zone.</summary>
    public static DateOnly ToDate(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) => DateOnly.FromDateTime(context.ToLocal(value));

    /// <summary>STRING to TIME.</summary>
    public static TimeOnly ToTime(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseTime(value, out var time) ? TruncateTime(time, to.Precision) : throw Failed(value, from, to);

    /// <summary>TIME to TIME(p).</summary>
    public static TimeOnly ToTime(TimeOnly value, SqlType from, SqlType to, FunctionContext context) => TruncateTime(value, to.Precision);

    /// <summary>TIMESTAMP to TIME.</summary>
    public static TimeOnly ToTime(DateTime value, SqlType from, SqlType to, FunctionContext context) => TruncateTime(TimeOnly.FromDateTime(value), to.Precision);

    /// <summary>TIMESTAMP_LTZ to TIME in the session zone.</summary>
    public static TimeOnly ToTime(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        TruncateTime(TimeOnly.FromDateTime(context.ToLocal(value)), to.Precision);

    private static TimeOnly TruncateTime(TimeOnly time, int precision) => new(TruncateTicks(time.Ticks, precision));

    /// <summary>Ticks truncated to <paramref name="precision"/> fractional-second digits.</summary>
    internal static long TruncateTicks(long ticks, int precision)
    {
        if (precision >= 7)
            return ticks;
        var unit = TimeSpan.TicksPerSecond;
        for (var i = 0; i < precision; i++)
            unit /= 10;
        return ticks - (ticks % unit + unit) % unit;
    }

    /// <summary>STRING to TIMESTAMP.</summary>
    public static DateTime ToTimestamp(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseTimestamp(value, out var timestamp) ? new DateTime(TruncateTicks(timestamp.Ticks, to.Precision)) : throw Failed(value, from, to);

    /// <summary>DATE to TIMESTAMP: its midnight.</summary>
    public static DateTime ToTimestamp(DateOnly value, SqlType from, SqlType to, FunctionContext context) => value.ToDateTime(TimeOnly.MinValue);

    /// <summary>TIME to TIMESTAMP: that time on 1970-01-01.</summary>
    public static DateTime ToTimestamp(TimeOnly value, SqlType from, SqlType to, FunctionContext context) =>
        new(DateTime.UnixEpoch.Ticks + TruncateTicks(value.Ticks, to.Precision), DateTimeKind.Unspecified);

    /// <summary>TIMESTAMP to TIMESTAMP(p).</summary>
    public static DateTime ToTimestamp(DateTime value, SqlType from, SqlType to, FunctionContext context) => new(TruncateTicks(value.Ticks, to.Precision));

    /// <summary>TIMESTAMP_LTZ to TIMESTAMP: the local time in the session zone.</summary>
    public static DateTime ToTimestamp(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        new(TruncateTicks(context.ToLocal(value).Ticks, to.Precision));

    /// <summary>Integer seconds since the epoch to TIMESTAMP (UTC).</summary>
    public static DateTime ToTimestamp(long value, SqlType from, SqlType to, FunctionContext context) =>
        EpochSeconds(value, from, to).UtcDateTime;

    /// <summary>Fractional seconds since the epoch to TIMESTAMP (UTC).</summary>
    public static DateTime ToTimestamp(double value, SqlType from, SqlType to, FunctionContext context) =>
        EpochSeconds(value, from, to).UtcDateTime;

    /// <summary>DECIMAL seconds since the epoch to TIMESTAMP (UTC).</summary>
    public static DateTime ToTimestamp(decimal value, SqlType from, SqlType to, FunctionContext context) =>
        EpochSeconds((double)value, from, to).UtcDateTime;

    /// <summary>STRING to TIMESTAMP_LTZ: the text is a local time in the session zone.</summary>
    public static DateTimeOffset ToTimestampLtz(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseTimestamp(value, out var timestamp)
            ? context.ToInstant(new DateTime(TruncateTicks(timestamp.Ticks, to.Precision)))
            : throw Failed(value, from, to);

    /// <summary>DATE to TIMESTAMP_LTZ: its midnight in the session zone.</summary>
    public static DateTimeOffset ToTimestampLtz(DateOnly value, SqlType from, SqlType to, FunctionContext context) =>
        context.ToInstant(value.ToDateTime(TimeOnly.MinValue));

    /// <summary>TIME to TIMESTAMP_LTZ: that time on 1970-01-01 in the session zone.</summary>
    public static DateTimeOffset ToTimestampLtz(TimeOnly value, SqlType from, SqlType to, FunctionContext context) =>
        context.ToInstant(new DateTime(DateTime.UnixEpoch.Ticks + TruncateTicks(value.Ticks, to.Precision)));

    /// <summary>TIMESTAMP to TIMESTAMP_LTZ: the timestamp is a local time in the session zone.</summary>
    public static DateTimeOffset ToTimestampLtz(DateTime value, SqlType from, SqlType to, FunctionContext context) =>
        context.ToInstant(new DateTime(TruncateTicks(value.Ticks, to.Precision)));

    /// <summary>TIMESTAMP_LTZ to TIMESTAMP_LTZ(p).</summary>
    public static DateTimeOffset ToTimestampLtz(DateTimeOffset value, SqlType from, SqlType to, FunctionContext context) =>
        new(TruncateTicks(value.UtcTicks, to.Precision), TimeSpan.Zero);

    /// <summary>Integer seconds since the epoch to TIMESTAMP_LTZ.</summary>
    public static DateTimeOffset ToTimestampLtz(long value, SqlType from, SqlType to, FunctionContext context) => EpochSeconds(value, from, to);

    /// <summary>Fractional seconds since the epoch to TIMESTAMP_LTZ.</summary>
    public static DateTimeOffset ToTimestampLtz(double value, SqlType from, SqlType to, FunctionContext context) => EpochSeconds(value, from, to);

    /// <summary>DECIMAL seconds since the epoch to TIMESTAMP_LTZ.</summary>
    public static DateTimeOffset ToTimestampLtz(decimal value, SqlType from, SqlType to, FunctionContext context) => EpochSeconds((double)value, from, to);

    private static DateTimeOffset EpochSeconds(double seconds, SqlType from, SqlType to)
    {
        var ticks = seconds * TimeSpan.TicksPerSecond;
        if (double.IsNaN(ticks) || ticks < -DateTime.UnixEpoch.Ticks || ticks > DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)
            throw Failed(seconds, from, to);
        return new DateTimeOffset(TruncateTicks(DateTime.UnixEpoch.Ticks + (long)Math.Round(ticks), to.Precision), TimeSpan.Zero);
    }

    // ---- intervals

    /// <summary>STRING to INTERVAL YEAR TO MONTH (<c>+1-02</c>).</summary>
    public static int ToIntervalYearMonth(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseYearMonthInterval(value, out var months) ? months : throw Failed(value, from, to);

    /// <summary>STRING to INTERVAL DAY TO SECOND (<c>+1 02:03:04.000</c>).</summary>
    public static TimeSpan ToIntervalDayTime(string value, SqlType from, SqlType to, FunctionContext context) =>
        DateTimeText.TryParseDayTimeInterval(value, out var span) ? span : throw Failed(value, from, to);

    // ---- ARRAY, MAP, MULTISET, ROW (element by element through the boxed path)

    /// <summary>ARRAY/MAP/MULTISET/ROW to the same kind with other child types; an element that becomes NULL stays NULL.</summary>
    public static object? ToConstructed(object value, SqlType from, SqlType to, FunctionContext context)
    {
        switch (value)
        {
            case object?[] array:
                var result = new object?[array.Length];
                for (var i = 0; i < array.Length; i++)
                    result[i] = SqlCasts.Cast(array[i], from.ElementType!, to.ElementType!, context);
                return result;
            case Dictionary<object, object?> map:
                var mapped = new Dictionary<object, object?>(map.Count);
                foreach (var (key, item) in map)
                {
                    var newKey = SqlCasts.Cast(key, from.ElementType!, to.ElementType!, context);
                    if (newKey is null)
                        return null;
                    mapped[newKey] = to.Kind == SqlTypeKind.Multiset ? item : SqlCasts.Cast(item, from.ValueType!, to.ValueType!, context);
                }
                return mapped;
            case Row row:
                var converted = new Row(row.Arity);
                for (var i = 0; i < row.Arity && i < to.Fields.Length; i++)
                {
                    var v = row.IsNull(i) ? null : row.GetValue(i, from.Fields[i].Type);
                    converted.SetValue(i, to.Fields[i].Type, SqlCasts.Cast(v, from.Fields[i].Type, to.Fields[i].Type, context));
                }
                return converted;
            default:
                throw Failed(value, from, to);
        }
    }
}
