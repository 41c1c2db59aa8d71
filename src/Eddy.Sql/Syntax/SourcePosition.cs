namespace Eddy.Sql.Syntax;

/// <summary>A place in SQL text: 1-based line and column, as Flink reports them in its errors.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column (in UTF-16 code units).</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The position of the text's first character.</summary>
    public static SourcePosition Start { get; } = new(1, 1);

    /// <summary>Flink's spelling: <c>line 1, column 10</c>.</summary>
    public override string ToString() => $"line {Line}, column {Column}";
}
