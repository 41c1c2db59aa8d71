using System.Text;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Session;

/// <summary>
/// <c>DESCRIBE t</c> as Flink prints it: one row per column in declared order, with Flink's columns <c>name</c>,
/// <c>type</c> (the rowtime marked <c>*ROWTIME*</c>, a PROCTIME() column <c>*PROCTIME*</c>), <c>null</c>,
/// <c>key</c> (<c>PRI(a, b)</c> on primary key columns), <c>extras</c> (<c>AS expr</c>, <c>METADATA FROM 'key'</c>,
/// <c>VIRTUAL</c>) and <c>watermark</c> (the watermark expression on the rowtime column).
/// </summary>
internal static class TableDescriber
{
    public static readonly string[] Columns = ["name", "type", "null", "key", "extras", "watermark"];

    public static StatementResult Describe(CatalogEntry entry, ICatalogReader catalog) => entry.Definition switch
    {
        CreateTableStatement create => DescribeTable(SqlBinder.BindTable(entry), create),
        CreateViewStatement view => DescribeView(new SqlBinder(catalog).BindQuery(view.Query), view),
        _ => throw new CatalogException($"'{entry.Name}' is not a table or a view."),
    };

    private static StatementResult DescribeTable(CatalogTable table, CreateTableStatement create)
    {
        var key = table.PrimaryKey.IsEmpty ? "" : "PRI(" + string.Join(", ", table.PrimaryKey) + ")";
        var names = table.DeclaredOrder.IsEmpty ? [.. table.Schema.Select(f => f.Name)] : table.DeclaredOrder;
        var rows = new List<IReadOnlyList<string>>(names.Length);
        foreach (var name in names)
        {
            var declared = FindColumn(create, name);
            var type = TypeOf(table, name);
            var proctime = declared is ComputedColumn computed && IsProctime(computed.Expression);
            var rowtime = table.RowtimeColumn == name;
            var typeText = type.ToNullableString() + (rowtime ? " *ROWTIME*" : proctime ? " *PROCTIME*" : "");
            var nullable = type.IsNullable && !proctime && !table.PrimaryKey.Contains(name);
            var extras = declared switch
            {
                ComputedColumn c => "AS " + Quoted(c.Expression, names),
                MetadataColumn m => "METADATA" + (m.Key is null ? "" : $" FROM '{m.Key}'") + (m.IsVirtual ? " VIRTUAL" : ""),
                _ => "",
            };
            var watermark = rowtime && create.Watermark is { } w ? Quoted(w.Expression, names) : "";
            rows.Add([name, typeText, nullable ? "TRUE" : "FALSE", table.PrimaryKey.Contains(name) ? key : "", extras, watermark]);
        }
        return new StatementResult(Columns, rows);
    }

    private static StatementResult DescribeView(PlanNode query, CreateViewStatement view)
    {
        var rows = new List<IReadOnlyList<string>>(query.Fields.Length);
        for (var i = 0; i < query.Fields.Length; i++)
        {
            var field = query.Fields[i];
            var name = view.Columns.Count == query.Fields.Length ? view.Columns[i] : field.Name;
            rows.Add([name, field.Type.ToNullableString(), field.Type.IsNullable ? "TRUE" : "FALSE", "", "", ""]);
        }
        return new StatementResult(Columns, rows);
    }

    private static TableColumn? FindColumn(CreateTableStatement create, string name)
    {
        foreach (var column in create.Columns)
        {
            if (column.Name == name)
                return column;
        }
        return null;
    }

    private static SqlType TypeOf(CatalogTable table, string name)
    {
        foreach (var field in table.Schema)
        {
            if (field.Name == name)
                return field.Type;
        }
        foreach (var metadata in table.Metadata)
        {
            if (metadata.Name == name)
                return metadata.Type;
        }
        foreach (var computed in table.Computed)
        {
            if (computed.Name == name)
                return computed.Expression.Type;
        }
        throw new CatalogException($"Table '{table.Name}' has no column '{name}'.");
    }

    /// <summary>
    /// An expression as Flink prints it in DESCRIBE: column names backquoted (<c>`ts` - INTERVAL '1' SECOND</c>),
    /// function names not.
    /// </summary>
    private static string Quoted(Expression expression, IReadOnlyCollection<string> columns)
    {
        var text = expression.ToSql();
        if (text.Contains('\n', StringComparison.Ordinal))
            return text;
        var tokens = SqlLexer.Tokenize(text);
        var quoted = new StringBuilder(text.Length + 8);
        var copied = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var isCall = i + 1 < tokens.Count && tokens[i + 1] is { Kind: TokenKind.Symbol, Text: "(" };
            if (token.Kind != TokenKind.Word || isCall || !columns.Contains(token.Text))
                continue;
            var start = token.Position.Column - 1;
            quoted.Append(text, copied, start - copied).Append('`').Append(token.Text).Append('`');
            copied = start + token.Text.Length;
        }
        return quoted.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsProctime(Expression expression) =>
        expression.ToSql().StartsWith("PROCTIME(", StringComparison.OrdinalIgnoreCase);
}
