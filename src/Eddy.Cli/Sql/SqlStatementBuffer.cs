using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// The interactive input between prompts: lines accumulate until a <c>;</c> ends a statement (several on one line
/// are several statements), as in Flink's client; what follows the last <c>;</c> waits for more lines. Each
/// statement's position is relative to the text it was read in, which is what an interactive error refers to.
/// </summary>
internal sealed class SqlStatementBuffer
{
    private readonly StringBuilder _pending = new();

    /// <summary>Whether no statement is under way (only blanks and comments pending): the prompt is the primary one.</summary>
    public bool IsEmpty { get; private set; } = true;

    /// <summary>Adds one line of input and returns the statements it completed.</summary>
    public IReadOnlyList<SqlStatement> Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _pending.Append(line).Append('\n');
        var scan = SqlStatementSplitter.Scan(_pending.ToString());
        _pending.Clear();
        // A rest that is only blanks and comments is dropped once statements completed before it; otherwise it is
        // kept whole (an open literal or comment may still turn into code).
        if (scan.RestStatement is not null || scan.RestIsOpen || scan.Statements.Count == 0)
        {
            _pending.Append(scan.Rest);
        }
        IsEmpty = scan.RestStatement is null && !scan.RestIsOpen;
        if (IsEmpty && scan.Statements.Count == 0)
        {
            _pending.Clear();
        }
        return scan.Statements;
    }

    /// <summary>Ends the input: the statement under way, if any, as if a <c>;</c> ended it (e.g. Ctrl-D after a last line with none).</summary>
    public SqlStatement? Finish()
    {
        var rest = SqlStatementSplitter.Scan(_pending.ToString()).RestStatement;
        Clear();
        return rest;
    }

    /// <summary>Discards the statement under way (Ctrl-C at the prompt).</summary>
    public void Clear()
    {
        _pending.Clear();
        IsEmpty = true;
    }
}
