namespace Eddy.Sql.Syntax;

/// <summary>
/// Parses Flink's SQL dialect (Calcite's grammar with Flink's extensions) into a syntax tree whose nodes keep their
/// line and column. Every malformed input is a <see cref="SqlParseException"/> in Flink's wording; no other exception
/// escapes.
/// </summary>
public static class SqlParser
{
    /// <summary>The statements of a script, separated by <c>;</c> (empty statements are skipped).</summary>
    /// <exception cref="SqlParseException">The text is not Flink SQL.</exception>
    public static IReadOnlyList<Statement> ParseStatements(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.Run(text, static parser => parser.ParseScript());
    }

    /// <summary>Exactly one statement (an optional trailing <c>;</c> is allowed).</summary>
    /// <exception cref="SqlParseException">The text is not one Flink SQL statement.</exception>
    public static Statement ParseStatement(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.Run(text, static parser => parser.ParseSingleStatement());
    }

    /// <summary>One expression (as in a select list).</summary>
    /// <exception cref="SqlParseException">The text is not one Flink SQL expression.</exception>
    public static Expression ParseExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.Run(text, static parser => parser.ParseStandaloneExpression());
    }

    /// <summary>One query (<c>SELECT</c>, <c>VALUES</c>, <c>WITH</c>, set operations).</summary>
    /// <exception cref="SqlParseException">The text is not one Flink SQL query.</exception>
    public static Query ParseQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.Run(text, static parser => parser.ParseStandaloneQuery());
    }

    /// <summary>One data type (<c>DECIMAL(10, 2) NOT NULL</c>, <c>ROW&lt;a INT&gt;</c>).</summary>
    /// <exception cref="SqlParseException">The text is not one Flink SQL data type.</exception>
    public static TypeName ParseDataType(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.Run(text, static parser => parser.ParseStandaloneType());
    }
}
