using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>
/// A query or definition that parses but does not validate: an unknown table, column or function, a type mismatch, a
/// feature Eddy does not plan yet. The message is Calcite's and Flink's (<c>From line 1, column 8 to line 1, column 10:
/// Column 'x' not found in any table</c>); <see cref="Position"/> and <see cref="End"/> name the offending text.
/// </summary>
public sealed class SqlValidationException : Exception
{
    /// <summary>An error about the text from <paramref name="position"/> to <paramref name="end"/>.</summary>
    public SqlValidationException(string detail, SourcePosition position, SourcePosition end)
        : base($"From line {position.Line}, column {position.Column} to line {end.Line}, column {end.Column}: {detail}")
    {
        Detail = detail;
        Position = position;
        End = end;
    }

    /// <summary>An error about the text from <paramref name="position"/> to <paramref name="end"/>, with its cause.</summary>
    public SqlValidationException(string detail, SourcePosition position, SourcePosition end, Exception innerException)
        : base($"From line {position.Line}, column {position.Column} to line {end.Line}, column {end.Column}: {detail}", innerException)
    {
        Detail = detail;
        Position = position;
        End = end;
    }

    /// <summary>A validation error without a position.</summary>
    public SqlValidationException()
        : base("SQL validation failed.") => Detail = Message;

    /// <summary>A validation error without a position.</summary>
    public SqlValidationException(string message)
        : base(message) => Detail = message;

    /// <summary>A validation error without a position, with its cause.</summary>
    public SqlValidationException(string message, Exception innerException)
        : base(message, innerException) => Detail = message;

    /// <summary>The message without its position prefix (<c>Column 'x' not found in any table</c>).</summary>
    public string Detail { get; }

    /// <summary>Where the offending text starts.</summary>
    public SourcePosition Position { get; }

    /// <summary>Where the offending text ends (its last character).</summary>
    public SourcePosition End { get; }

    /// <summary>The 1-based line where the offending text starts.</summary>
    public int Line => Position.Line;

    /// <summary>The 1-based column where the offending text starts.</summary>
    public int Column => Position.Column;
}
