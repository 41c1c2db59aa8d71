using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// Flink's plain result table for finished results (SHOW TABLES, DESCRIBE, SET;): widths from the content (at most
/// the maximum column width), values right-aligned, NULL as <c>&lt;NULL&gt;</c>, then <c>N rows in set</c>; a result
/// without rows is <c>Empty set</c>.
/// </summary>
internal static class ResultTablePrinter
{
    /// <summary>The table's lines, footer included, each ended by a newline.</summary>
    public static string Format(IReadOnlyList<SqlResultColumn> columns, IReadOnlyList<IReadOnlyList<string?>> rows,
        int maxColumnWidth = TableauLayout.DefaultMaxColumnWidth)
    {
        if (rows.Count == 0)
        {
            return "Empty set\n";
        }
        var text = new StringBuilder();
        foreach (var line in TableLines(columns, rows, maxColumnWidth))
        {
            text.Append(line).Append('\n');
        }
        text.Append(RowCount.Rows(rows.Count)).Append(" in set\n");
        return text.ToString();
    }

    /// <summary>The boxed table without a footer: border, header, border, the rows, border.</summary>
    public static List<string> TableLines(IReadOnlyList<SqlResultColumn> columns, IReadOnlyList<IReadOnlyList<string?>> rows,
        int maxColumnWidth = TableauLayout.DefaultMaxColumnWidth, int maxRows = int.MaxValue)
    {
        var header = new string[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            header[i] = columns[i].Name;
        }
        var shown = Math.Min(rows.Count, maxRows);
        var cells = new List<IReadOnlyList<string>>(shown);
        for (var r = 0; r < shown; r++)
        {
            var row = rows[r];
            var line = new string[row.Count];
            for (var i = 0; i < row.Count; i++)
            {
                line[i] = row[i] ?? TableauLayout.Null;
            }
            cells.Add(line);
        }
        var widths = TableauLayout.WidthsByContent(header, cells, maxColumnWidth);
        var border = TableauLayout.Border(widths);
        var lines = new List<string>(shown + 4) { border, TableauLayout.Row(widths, header), border };
        foreach (var line in cells)
        {
            lines.Add(TableauLayout.Row(widths, line));
        }
        lines.Add(border);
        return lines;
    }
}
