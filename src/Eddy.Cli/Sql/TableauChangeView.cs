namespace Eddy.Cli.Sql;

/// <summary>
/// Tableau mode for a continuous query, as Flink's client prints a streaming result: the header with widths from
/// the column types (no row is known yet), a row per change with its row kind in the <c>op</c> column, and the
/// footer <c>Received a total of N rows</c> (after a closing border when there were rows), or
/// <c>Query terminated, received a total of N rows</c> after Ctrl-C.
/// </summary>
internal sealed class TableauChangeView(TextWriter output, int maxColumnWidth = TableauLayout.DefaultMaxColumnWidth) : ISqlChangeView
{
    private int[] _widths = [];
    private string _border = "";
    private long _count;

    public async Task BeginAsync(IReadOnlyList<SqlResultColumn> columns)
    {
        _widths = TableauLayout.WidthsByType(columns, rowKind: true, maxColumnWidth);
        _border = TableauLayout.Border(_widths);
        var header = new string[columns.Count + 1];
        header[0] = TableauLayout.OpColumn;
        for (var i = 0; i < columns.Count; i++)
        {
            header[i + 1] = columns[i].Name;
        }
        await output.WriteAsync($"{_border}\n{TableauLayout.Row(_widths, header)}\n{_border}\n");
        await output.FlushAsync();
    }

    public async Task ChangeAsync(SqlChange change)
    {
        _count++;
        await output.WriteAsync(TableauLayout.Row(_widths, TableauLayout.Cells(change, rowKind: true)) + "\n");
        await output.FlushAsync();
    }

    public Task TickAsync() => Task.CompletedTask;

    public async Task EndAsync(bool cancelled)
    {
        if (cancelled)
        {
            await output.WriteAsync(RowCount.Terminated(_count) + "\n");
        }
        else
        {
            await output.WriteAsync((_count > 0 ? _border + "\n" : "") + RowCount.Received(_count) + "\n");
        }
        await output.FlushAsync();
    }
}
