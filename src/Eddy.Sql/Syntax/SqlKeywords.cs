namespace Eddy.Sql.Syntax;

/// <summary>
/// Flink's reserved words (Calcite's reserved keywords and Flink's additions that matter to its grammar): a reserved
/// word is an identifier only when backquoted. Every other word, including the words of Flink's statements
/// (<c>WATERMARK</c>, <c>METADATA</c>, <c>COMMENT</c>, <c>SHOW</c>), is a keyword only where the grammar expects it.
/// </summary>
internal static class SqlKeywords
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "ALTER", "AND", "ANY", "ARRAY", "AS", "ASYMMETRIC", "AT", "BETWEEN", "BIGINT", "BINARY", "BOOLEAN",
        "BOTH", "BY", "CALL", "CASE", "CAST", "CEIL", "CEILING", "CHAR", "CHARACTER", "CHECK", "COLLATE", "COLUMN",
        "CONSTRAINT", "CREATE", "CROSS", "CUBE", "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
        "DATE", "DAY", "DEC", "DECIMAL", "DEFAULT", "DELETE", "DESCRIBE", "DISTINCT", "DOUBLE", "DROP", "ELSE",
        "END", "ESCAPE", "EXCEPT", "EXISTS", "EXPLAIN", "EXTRACT", "FALSE", "FETCH", "FILTER", "FLOAT", "FLOOR",
        "FOR", "FROM", "FULL", "FUNCTION", "GROUP", "GROUPING", "HAVING", "HOUR", "IN", "INNER", "INSERT", "INT",
        "INTEGER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT",
        "LOCALTIME", "LOCALTIMESTAMP", "MATCH_RECOGNIZE", "MINUS", "MINUTE", "MONTH", "MULTISET", "NATURAL", "NOT",
        "NULL", "NUMERIC", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "OVERLAY", "PARTITION", "POSITION",
        "PRIMARY", "RANGE", "REAL", "RIGHT", "ROLLUP", "ROW", "ROWS", "SECOND", "SELECT", "SET", "SIMILAR",
        "SMALLINT", "SOME", "SUBSTRING", "SYMMETRIC", "SYSTEM", "SYSTEM_TIME", "TABLE", "THEN", "TIME",
        "TIMESTAMP", "TINYINT", "TO", "TRAILING", "TRIM", "TRUE", "UESCAPE", "UNION", "UNIQUE", "UNKNOWN", "UNNEST",
        "UPDATE", "USER", "USING", "VALUE", "VALUES", "VARBINARY", "VARCHAR", "WHEN", "WHERE", "WINDOW", "WITH",
        "WITHOUT", "YEAR",
    };

    /// <summary>
    /// Reserved words that are also the names of functions (<c>YEAR(d)</c>, <c>LEFT(s, 2)</c>): followed by a
    /// parenthesis they are a call, as in Calcite's grammar.
    /// </summary>
    private static readonly HashSet<string> ReservedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "LEFT", "RIGHT", "FLOOR", "CEIL", "CEILING", "GROUPING",
        "USER", "INSERT", "CHAR", "TRUNCATE", "ANY", "SOME", "CURRENT",
    };

    /// <summary>Whether <paramref name="word"/> is reserved (an identifier only when backquoted).</summary>
    public static bool IsReserved(string word) => Reserved.Contains(word);

    /// <summary>Whether the reserved <paramref name="word"/> may name a function call.</summary>
    public static bool IsReservedFunctionName(string word) => ReservedFunctions.Contains(word);

    /// <summary>Whether <paramref name="name"/> prints without backquotes: a plain word that is not reserved.</summary>
    public static bool IsPlainIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] is '_' or '$') || IsReserved(name))
            return false;
        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '$'))
                return false;
        }
        // X'..', U&'..' and N'..' prefixes are lexed specially only before a quote, so plain words are safe.
        return true;
    }
}
