namespace Eddy.Sql.Functions;

/// <summary>
/// Conditional functions, comparison and SQL's three-valued logic. The generic methods run on the nullable CLR type
/// of the operands (<see cref="Nullable{T}"/> for value types), since NULL is a value they handle themselves.
/// </summary>
public static class ConditionalFunctions
{
    /// <summary>COALESCE(v1, v2, …): the first non-NULL value.</summary>
    public static T? Coalesce<T>(T?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            if (value is not null)
                return value;
        }
        return default;
    }

    /// <summary>IFNULL(v, fallback).</summary>
    public static T? IfNull<T>(T? value, T? fallback) => value is not null ? value : fallback;

    /// <summary>IF(condition, a, b): a when the condition is TRUE, b when it is FALSE or NULL.</summary>
    public static T? If<T>(bool? condition, T? whenTrue, T? otherwise) => condition == true ? whenTrue : otherwise;

    /// <summary>NULLIF(a, b): NULL when a equals b, else a.</summary>
    public static T? NullIf<T>(T? a, T? b) => a is not null && b is not null && SqlComparer.Equal(a, b) ? default : a;

    /// <summary>GREATEST(v1, …): NULL if any argument is NULL (Flink's rule), else the largest.</summary>
    public static T? Greatest<T>(T?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        T? best = default;
        var first = true;
        foreach (var value in values)
        {
            if (value is null)
                return default;
            if (first || SqlComparer.Compare(value, best!) > 0)
                best = value;
            first = false;
        }
        return best;
    }

    /// <summary>LEAST(v1, …): NULL if any argument is NULL, else the smallest.</summary>
    public static T? Least<T>(T?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        T? best = default;
        var first = true;
        foreach (var value in values)
        {
            if (value is null)
                return default;
            if (first || SqlComparer.Compare(value, best!) < 0)
                best = value;
            first = false;
        }
        return best;
    }

    /// <summary>a AND b in three-valued logic: FALSE wins over NULL.</summary>
    public static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    /// <summary>a OR b in three-valued logic: TRUE wins over NULL.</summary>
    public static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

    /// <summary>NOT a: NULL stays NULL.</summary>
    public static bool? Not(bool? a) => a is null ? null : !a.Value;

    /// <summary>a IS TRUE / IS NOT FALSE / …: never NULL.</summary>
    public static bool IsTrue(bool? a) => a == true;

    /// <summary>a IS FALSE.</summary>
    public static bool IsFalse(bool? a) => a == false;

    /// <summary>a IS DISTINCT FROM b: NULLs compare equal to each other and unequal to values; never NULL.</summary>
    public static bool IsDistinctFrom<T>(T? a, T? b) =>
        a is null ? b is not null : b is null || !SqlComparer.Equal(a, b);

    /// <summary>a = b (non-NULL operands of one type).</summary>
    public static bool Equal<T>(T a, T b) where T : notnull => SqlComparer.Equal(a, b);

    /// <summary>a &lt;&gt; b.</summary>
    public static bool NotEqual<T>(T a, T b) where T : notnull => !SqlComparer.Equal(a, b);

    /// <summary>a &lt; b.</summary>
    public static bool LessThan<T>(T a, T b) where T : notnull =>
        a is double x && b is double y ? x < y : a is float f && b is float g ? f < g : SqlComparer.Compare(a, b) < 0;

    /// <summary>a &lt;= b.</summary>
    public static bool LessThanOrEqual<T>(T a, T b) where T : notnull =>
        a is double x && b is double y ? x <= y : a is float f && b is float g ? f <= g : SqlComparer.Compare(a, b) <= 0;

    /// <summary>a &gt; b.</summary>
    public static bool GreaterThan<T>(T a, T b) where T : notnull =>
        a is double x && b is double y ? x > y : a is float f && b is float g ? f > g : SqlComparer.Compare(a, b) > 0;

    /// <summary>a &gt;= b.</summary>
    public static bool GreaterThanOrEqual<T>(T a, T b) where T : notnull =>
        a is double x && b is double y ? x >= y : a is float f && b is float g ? f >= g : SqlComparer.Compare(a, b) >= 0;

    /// <summary>IS_ALPHA(s): whether every character is a letter; FALSE for NULL and ''.</summary>
    public static bool IsAlpha(string? s) => StringFunctions.IsAlpha(s);

    /// <summary>IS_DIGIT(s): whether every character is a digit 0–9; FALSE for NULL and ''.</summary>
    public static bool IsDigit(string? s) => StringFunctions.IsDigit(s);

    /// <summary>IS_DECIMAL(s): whether s is a number; FALSE for NULL and ''.</summary>
    public static bool IsDecimal(string? s) => StringFunctions.IsDecimal(s);
}

/// <summary>
/// SQL's order and equality of values of one type: strings compare by code point (Flink compares their UTF-8 bytes, the
/// same order), byte strings as unsigned bytes, booleans FALSE before TRUE; arrays, maps and rows compare for equality
/// element by element. The comparison operators compare DOUBLE and FLOAT as Java's primitives do (NaN is neither
/// smaller nor larger than anything).
/// </summary>
public static class SqlComparer
{
    /// <summary>Orders two non-NULL values of one type.</summary>
    public static int Compare<T>(T a, T b)
    {
        if (typeof(T) == typeof(string) || a is string)
            return CompareStrings((string)(object)a!, (string)(object)b!);
        if (a is byte[] x && b is byte[] y)
            return x.AsSpan().SequenceCompareTo(y);
        return Comparer<T>.Default.Compare(a, b);
    }

    /// <summary>Whether two non-NULL values of one type are equal.</summary>
    public static bool Equal<T>(T a, T b)
    {
        if (a is string s)
            return string.Equals(s, (string)(object)b!, StringComparison.Ordinal);
        if (a is byte[] x && b is byte[] y)
            return x.AsSpan().SequenceEqual(y);
        if (a is double d && b is double e)
            return d == e;
        if (a is float f && b is float g)
            return f == g;
        if (a is object?[] or Dictionary<object, object?> or Types.Row)
            return Types.Row.ValueEquals(a, b);
        return EqualityComparer<T>.Default.Equals(a, b);
    }

    /// <summary>Orders strings by Unicode code point, as the UTF-8 byte order Flink uses.</summary>
    public static int CompareStrings(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var ca = a[i];
            var cb = b[i];
            if (ca == cb)
                continue;
            // Surrogates (U+D800–DFFF) stand for code points above U+FFFF, so they sort after U+E000–FFFF.
            var sa = char.IsSurrogate(ca);
            var sb = char.IsSurrogate(cb);
            if (sa != sb)
                return sa ? (cb >= '\uE000' ? 1 : ca - cb) : (ca >= '\uE000' ? -1 : ca - cb);
            return ca - cb;
        }
        return a.Length - b.Length;
    }
}
