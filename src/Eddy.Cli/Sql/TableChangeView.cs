using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// Table mode: the materialized result (<see cref="MaterializedResult"/>) as a boxed table. On a terminal it is
/// redrawn in place (ANSI: cursor up, clear line) at most once per refresh interval, however fast changes come,
/// and only the rows that fit the terminal are drawn, since rows scrolled off the screen could not be redrawn;
/// elsewhere it prints the final table once. The end prints the whole table, <c>N rows in set</c>, and the count
/// of changes received.
/// </summary>
/// <param name="terminal">Whether the output is a terminal that can move its cursor.</param>
/// <param name="clock">Milliseconds from any fixed origin (<see cref="Environment.TickCount64"/>; tests pass their own).</param>
/// <param name="size">The terminal's width and height.</param>
internal sealed class TableChangeView(TextWriter output, bool terminal, Func<long> clock, TimeSpan refresh,
    Func<(int Width, int Height)> size, int maxColumnWidth = TableauLayout.DefaultMaxColumnWidth, int maxRows = MaterializedResult.DefaultMaxRows)
    : ISqlChangeView
{
    /// <summary>Lines a frame keeps besides the rows: three above them, the closing border, the status line, the prompt's line.</summary>
    private const int FrameOverhead = 6;

    private readonly MaterializedResult _result = new(maxRows);
    private IReadOnlyList<SqlResultColumn> _columns = [];
    private long _changes;
    private int _drawnLines;
    private long _lastDraw = long.MinValue;
    private bool _dirty;

    public async Task BeginAsync(IReadOnlyList<SqlResultColumn> columns)
    {
        _columns = columns;
        if (terminal)
        {
            await DrawAsync();
        }
    }

    public async Task ChangeAsync(SqlChange change)
    {
        _result.Apply(change);
        _changes++;
        _dirty = true;
        await TickAsync();
    }

    public async Task TickAsync()
    {
        if (terminal && _dirty && clock() - _lastDraw >= (long)refresh.TotalMilliseconds)
        {
            await DrawAsync();
        }
    }

    public async Task EndAsync(bool cancelled)
    {
        var text = new StringBuilder();
        if (_drawnLines > 0)
        {
            // Replace the live frame with the final table.
            text.Append("\e[").Append(_drawnLines).Append("F\e[J");
            _drawnLines = 0;
        }
        text.Append(ResultTablePrinter.Format(_columns, _result.Rows, maxColumnWidth));
        text.Append(cancelled ? RowCount.Terminated(_changes) : RowCount.Received(_changes)).Append('\n');
        await output.WriteAsync(text.ToString());
        await output.FlushAsync();
    }

    /// <summary>The live frame: the table cut to the rows that fit, then a status line.</summary>
    internal List<string> Frame(int height)
    {
        var fit = Math.Max(1, height - FrameOverhead);
        var lines = ResultTablePrinter.TableLines(_columns, _result.Rows, maxColumnWidth, fit);
        var rows = _result.Rows.Count;
        var shown = rows > fit ? $"{rows} rows, the first {fit} shown" : RowCount.Rows(rows);
        lines.Add($"{shown}; {_changes} changes received. Ctrl-C stops the query.");
        return lines;
    }

    private async Task DrawAsync()
    {
        var (width, height) = size();
        var lines = Frame(height);
        var text = new StringBuilder();
        if (_drawnLines > 0)
        {
            text.Append("\e[").Append(_drawnLines).Append('F');
        }
        foreach (var line in lines)
        {
            // A wrapped line would throw the cursor arithmetic off: cut it to the terminal's width.
            text.Append(width > 1 && line.Length >= width ? line[..(width - 1)] : line).Append("\e[K\n");
        }
        text.Append("\e[J");
        _drawnLines = lines.Count;
        _lastDraw = clock();
        _dirty = false;
        await output.WriteAsync(text.ToString());
        await output.FlushAsync();
    }
}
