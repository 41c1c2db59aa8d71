namespace Eddy.Sql.Syntax;

/// <summary>
/// SQL text that is not Flink's dialect: the message follows Flink's wording (<c>SQL parse failed. Encountered
/// "FORM" at line 1, column 10.</c>) and <see cref="Position"/> names where.
/// </summary>
public sealed class SqlParseException : Exception
{
    /// <summary>A parse error at a position, with its full message.</summary>
    public SqlParseException(string message, SourcePosition position)
        : base(message) => Position = position;

    /// <summary>A parse error without details.</summary>
    public SqlParseException()
        : base("SQL parse failed.") { }

    /// <summary>A parse error with a message.</summary>
    public SqlParseException(string message)
        : base(message) { }

    /// <summary>A parse error with a message and its cause.</summary>
    public SqlParseException(string message, Exception innerException)
        : base(message, innerException) { }

    /// <summary>Where the error is.</summary>
    public SourcePosition Position { get; }

    /// <summary>The error's line (1-based).</summary>
    public int Line => Position.Line;

    /// <summary>The error's column (1-based).</summary>
    public int Column => Position.Column;

    /// <summary>An error that is not about an unexpected token: <c>SQL parse failed. At line 1, column 5: detail</c>.</summary>
    internal static SqlParseException At(SourcePosition position, string detail) =>
        new($"SQL parse failed. At {position}: {detail}", position);
}
