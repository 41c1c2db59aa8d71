using System.Globalization;
using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// Flink's tableau layout (its <c>TableauStyle</c>): column widths, the <c>+----+</c> border, and rows of
/// right-aligned cells <c>| a | b |</c>, a value wider than its column cut to end in <c>...</c>. Widths come from the
/// column types for a streaming result (it is printed before any row is known) and from the content for a finished one.
/// </summary>
internal static class TableauLayout
{
    /// <summary>Flink's <c>sql-client.display.max-column-width</c> default.</summary>
    public const int DefaultMaxColumnWidth = 30;

    /// <summary>How SQL NULL is printed in the table views.</summary>
    public const string Null = "<NULL>";

    /// <summary>The row-kind column's header in tableau and changelog modes.</summary>
    public const string OpColumn = "op";

    private const string Truncated = "...";

    /// <summary>
    /// The widths Flink derives from the types (<c>columnWidthsByType</c>): the name's length, or the widest value
    /// of the type (INT 11, BIGINT 20, DECIMAL(p, s) p + 2, BOOLEAN 5, DATE 10, TIME(p), TIMESTAMP(p)), at least
    /// <c>&lt;NULL&gt;</c>'s 6; types of unbounded text take the maximum column width. With <paramref name="rowKind"/>
    /// the first width is the <c>op</c> column's.
    /// </summary>
    public static int[] WidthsByType(IReadOnlyList<SqlResultColumn> columns, bool rowKind, int maxColumnWidth = DefaultMaxColumnWidth)
    {
        var offset = rowKind ? 1 : 0;
        var widths = new int[columns.Count + offset];
        if (rowKind)
        {
            widths[0] = OpColumn.Length;
        }
        for (var i = 0; i < columns.Count; i++)
        {
            var typeWidth = Math.Max(TypeWidth(columns[i].TypeName) ?? maxColumnWidth, Null.Length);
            widths[i + offset] = Math.Max(columns[i].Name.Length, typeWidth);
        }
        return widths;
    }

    /// <summary>The widths Flink derives from the content (<c>columnWidthsByContent</c>): the widest cell or header, at most <paramref name="maxColumnWidth"/>.</summary>
    public static int[] WidthsByContent(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int maxColumnWidth = DefaultMaxColumnWidth)
    {
        var widths = new int[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            widths[i] = header[i].Length;
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], DisplayWidth.Of(row[i]));
            }
        }
        for (var i = 0; i < widths.Length; i++)
        {
            widths[i] = Math.Min(widths[i], maxColumnWidth);
        }
        return widths;
    }

    /// <summary>The border line: <c>+</c>, then for each column width + 2 dashes and a <c>+</c>.</summary>
    public static string Border(IReadOnlyList<int> widths)
    {
        var line = new StringBuilder("+");
        foreach (var width in widths)
        {
            line.Append('-', width + 2).Append('+');
        }
        return line.ToString();
    }

    /// <summary>A row: each cell right-aligned in its width, or cut and ended with <c>...</c> when wider.</summary>
    public static string Row(IReadOnlyList<int> widths, IReadOnlyList<string> cells)
    {
        var line = new StringBuilder("|");
        for (var i = 0; i < cells.Count; i++)
        {
            line.Append(' ');
            AppendCell(line, widths[i], cells[i]);
            line.Append(" |");
        }
        return line.ToString();
    }

    /// <summary>Appends <paramref name="cell"/> right-aligned in <paramref name="width"/> columns, or cut to end in <c>...</c>.</summary>
    public static void AppendCell(StringBuilder line, int width, string cell)
    {
        var cellWidth = DisplayWidth.Of(cell);
        if (cellWidth <= width)
        {
            line.Append(' ', width - cellWidth).Append(cell);
        }
        else
        {
            line.Append(DisplayWidth.Truncate(cell, Math.Max(0, width - Truncated.Length))).Append(Truncated);
        }
    }

    /// <summary>The cells of a change in the table views: its row kind's short string, then its values with NULL as <c>&lt;NULL&gt;</c>.</summary>
    public static string[] Cells(SqlChange change, bool rowKind)
    {
        var offset = rowKind ? 1 : 0;
        var cells = new string[change.Values.Count + offset];
        if (rowKind)
        {
            cells[0] = RowKinds.ShortString(change.Kind);
        }
        for (var i = 0; i < change.Values.Count; i++)
        {
            cells[i + offset] = change.Values[i] ?? Null;
        }
        return cells;
    }

    /// <summary>The widest value of a type as Flink prints it, or null for a type of unbounded width (strings, arrays, rows ...).</summary>
    internal static int? TypeWidth(string typeName)
    {
        var type = typeName.AsSpan().Trim();
        var nameLength = 0;
        while (nameLength < type.Length && (char.IsAsciiLetter(type[nameLength]) || type[nameLength] == '_'))
        {
            nameLength++;
        }
        var name = type[..nameLength].ToString().ToUpperInvariant();
        var rest = type[nameLength..].TrimStart();
        int? precision = null;
        if (rest.StartsWith("(") && rest.IndexOf(')') is var close and > 0)
        {
            var arguments = rest[1..close];
            var comma = arguments.IndexOf(',');
            var first = comma < 0 ? arguments : arguments[..comma];
            if (int.TryParse(first.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                precision = p;
            }
            rest = rest[(close + 1)..].TrimStart();
        }
        var withLocalTimeZone = rest.StartsWith("WITH LOCAL TIME ZONE", StringComparison.OrdinalIgnoreCase);
        return name switch
        {
            "TINYINT" => 3 + 1,
            "SMALLINT" => 5 + 1,
            "INT" or "INTEGER" => 10 + 1,
            "BIGINT" => 19 + 1,
            "DECIMAL" or "DEC" or "NUMERIC" => (precision ?? 10) + 2,
            "BOOLEAN" => 5,
            "DATE" => 10,
            "TIME" when !withLocalTimeZone => (precision ?? 0) is var p && p == 0 ? 8 : p + 9,
            "TIMESTAMP" or "TIMESTAMP_LTZ" => TimestampWidth(precision ?? 6),
            _ => null,
        };
    }

    private static int TimestampWidth(int precision) => precision switch
    {
        0 => 19,
        <= 3 => 19 + 4,
        <= 6 => 19 + 7,
        _ => 19 + 10,
    };
}

/// <summary>Flink's short strings of row kinds.</summary>
internal static class RowKinds
{
    public static string ShortString(Eddy.Engine.Records.RowKind kind) => kind switch
    {
        Eddy.Engine.Records.RowKind.Insert => "+I",
        Eddy.Engine.Records.RowKind.UpdateBefore => "-U",
        Eddy.Engine.Records.RowKind.UpdateAfter => "+U",
        Eddy.Engine.Records.RowKind.Delete => "-D",
        _ => "??",
    };
}
