using System.Text;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

/// <summary>
/// Prints a definition the catalog derived (an ALTERed or renamed table or view, a table created with LIKE) as DDL in
/// the layout of Flink's SHOW CREATE TABLE: full quoted name, one column per line, options one per line. The text
/// parses back to the same definition, which is what the catalog stores and what other sessions read.
/// </summary>
internal static class DdlPrinter
{
    /// <summary>A permanent CREATE TABLE of <paramref name="table"/>'s columns and options under <paramref name="name"/>.</summary>
    public static string CreateTable(CreateTableStatement table, ObjectIdentifier name)
    {
        var text = new StringBuilder("CREATE TABLE ").Append(name.ToQuotedString()).Append(" (\n");
        var lines = new List<string>();
        foreach (var column in table.Columns)
            lines.Add("  " + Column(column));
        if (table.Watermark is not null)
            lines.Add($"  WATERMARK FOR {Name(table.Watermark.Column)} AS {table.Watermark.Expression.ToSql()}");
        if (table.PrimaryKey is { } key)
            lines.Add($"  {(key.Name is null ? "" : $"CONSTRAINT {Quote(key.Name)} ")}PRIMARY KEY ({Names(key.Columns)}) NOT ENFORCED");
        text.AppendJoin(",\n", lines).Append("\n)");
        if (table.Comment is not null)
            text.Append("\nCOMMENT ").Append(String(table.Comment));
        if (table.PartitionedBy.Count > 0)
            text.Append("\nPARTITIONED BY (").Append(Names(table.PartitionedBy)).Append(')');
        text.Append(table.Comment is null && table.PartitionedBy.Count == 0 ? " WITH (\n" : "\nWITH (\n");
        var options = new List<string>(table.Options.Count);
        foreach (var option in table.Options)
            options.Add($"  {String(option.Key)} = {String(option.Value)}");
        text.AppendJoin(",\n", options).Append("\n)");
        return text.ToString();
    }

    /// <summary>A permanent CREATE VIEW of <paramref name="view"/>'s query under <paramref name="name"/>.</summary>
    public static string CreateView(CreateViewStatement view, ObjectIdentifier name)
    {
        var text = new StringBuilder("CREATE VIEW ").Append(name.ToQuotedString());
        if (view.Columns.Count > 0)
            text.Append(" (").Append(Names(view.Columns)).Append(')');
        if (view.Comment is not null)
            text.Append("\nCOMMENT ").Append(String(view.Comment));
        return text.Append("\nAS ").Append(view.Query.ToSql()).ToString();
    }

    private static string Column(TableColumn column)
    {
        var text = column switch
        {
            PhysicalColumn physical => $"{Quote(physical.Name)} {physical.Type.ToSql()}",
            ComputedColumn computed => $"{Quote(computed.Name)} AS {computed.Expression.ToSql()}",
            MetadataColumn metadata => $"{Quote(metadata.Name)} {metadata.Type.ToSql()} METADATA"
                + (metadata.Key is null ? "" : $" FROM {String(metadata.Key)}") + (metadata.IsVirtual ? " VIRTUAL" : ""),
            _ => throw new ArgumentException($"Unknown column {column.GetType().Name}", nameof(column)),
        };
        return column.Comment is null ? text : $"{text} COMMENT {String(column.Comment)}";
    }

    private static string Quote(string identifier) => $"`{identifier.Replace("`", "``", StringComparison.Ordinal)}`";

    private static string Name(SyntaxList<string> parts)
    {
        var quoted = new string[parts.Count];
        for (var i = 0; i < quoted.Length; i++)
            quoted[i] = Quote(parts[i]);
        return string.Join('.', quoted);
    }

    private static string Names(SyntaxList<string> names)
    {
        var quoted = new string[names.Count];
        for (var i = 0; i < quoted.Length; i++)
            quoted[i] = Quote(names[i]);
        return string.Join(", ", quoted);
    }

    private static string String(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
