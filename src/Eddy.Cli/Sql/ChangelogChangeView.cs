using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// Changelog mode: the changes as a live list, one line each, the row kind first (<c>+I</c>, <c>-U</c>, <c>+U</c>,
/// <c>-D</c>) and the values right-aligned under a header line, each cell preceded by a space, in the tableau's
/// type-derived widths but without borders, so the list reads like Flink's changelog view and scrolls like a log.
/// </summary>
internal sealed class ChangelogChangeView(TextWriter output, int maxColumnWidth = TableauLayout.DefaultMaxColumnWidth) : ISqlChangeView
{
    private int[] _widths = [];
    private long _count;

    public async Task BeginAsync(IReadOnlyList<SqlResultColumn> columns)
    {
        _widths = TableauLayout.WidthsByType(columns, rowKind: true, maxColumnWidth);
        var header = new string[columns.Count + 1];
        header[0] = TableauLayout.OpColumn;
        for (var i = 0; i < columns.Count; i++)
        {
            header[i + 1] = columns[i].Name;
        }
        await output.WriteAsync(Line(header) + "\n");
        await output.FlushAsync();
    }

    public async Task ChangeAsync(SqlChange change)
    {
        _count++;
        await output.WriteAsync(Line(TableauLayout.Cells(change, rowKind: true)) + "\n");
        await output.FlushAsync();
    }

    public Task TickAsync() => Task.CompletedTask;

    public async Task EndAsync(bool cancelled)
    {
        await output.WriteAsync((cancelled ? RowCount.Terminated(_count) : RowCount.Received(_count)) + "\n");
        await output.FlushAsync();
    }

    private string Line(string[] cells)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(' ');
            TableauLayout.AppendCell(line, _widths[i], cells[i]);
        }
        return line.ToString();
    }
}
