namespace Eddy.Sql.Planning.Expressions;

/// <summary>String semantics of Flink's runtime that .NET's defaults do not give.</summary>
internal static class SqlStrings
{
    /// <summary>
    /// Compares by Unicode code point, as Flink compares its UTF-8 strings byte by byte. Ordinal UTF-16 comparison
    /// agrees except when a surrogate pair meets a character from U+E000 to U+FFFF, which code points order after it.
    /// NULL (only reached when the caller ignores the result) sorts first.
    /// </summary>
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
            return a is null ? (b is null ? 0 : -1) : 1;
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y)
                continue;
            // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so they order after every other char.
            var xs = char.IsSurrogate(x);
            var ys = char.IsSurrogate(y);
            if (xs != ys)
                return xs ? 1 : -1;
            return x < y ? -1 : 1;
        }
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>A string cast to CHAR(n) (padded with spaces) or VARCHAR(n) (truncated), as Flink's CAST does.</summary>
    public static string FitLength(string value, int length, bool pad)
    {
        if (value.Length > length)
            return value[..length];
        return pad && value.Length < length ? value.PadRight(length) : value;
    }
}
