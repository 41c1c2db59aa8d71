using System.Collections.Immutable;
using System.Globalization;
using DuckDB.NET.Data;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Tests.Planning;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Translation;

/// <summary>A table of a test: its catalog definition, its columns in DuckDB, and the rows it holds at the end.</summary>
internal sealed record TestTable(CatalogTable Table, (string Name, string DuckType)[] DuckColumns)
{
    public string DuckName => Table.Name[(Table.Name.LastIndexOf('.') + 1)..];
}

/// <summary>What the translation tests share: tables, sinks, the changelog materialized, and DuckDB over several tables.</summary>
internal static class Harness
{
    public const string Catalog = "default_catalog.default_database.";

    public static CatalogTable Kafka(string name, ImmutableArray<SqlField> fields, string? rowtime = null, TimeSpan delay = default) => new(
        Catalog + name, fields,
        ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", name).Add("format", "json"),
        RowtimeColumn: rowtime, WatermarkDelay: delay);

    public static CatalogTable Upsert(string name, ImmutableArray<SqlField> fields, params string[] primaryKey) => new(
        Catalog + name, fields,
        ImmutableDictionary<string, string>.Empty.Add("connector", "upsert-kafka").Add("topic", name).Add("key.format", "json").Add("value.format", "json"),
        PrimaryKey: [.. primaryKey]);

    /// <summary>A sink of every change (debezium-json: inserts, update-before/after and deletes with their kinds).</summary>
    public static SinkNode ChangelogSink(string name, PlanNode query) => new(query, new CatalogTable(
        Catalog + name, query.Fields,
        ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", name).Add("format", "debezium-json")));

    /// <summary>An append-only sink (plain json): an updating query into it is refused.</summary>
    public static SinkNode InsertSink(string name, PlanNode query) => new(query, new CatalogTable(
        Catalog + name, query.Fields,
        ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", name).Add("format", "json")));

    public static RexInputRef Col(PlanNode node, string name)
    {
        for (var i = 0; i < node.Fields.Length; i++)
        {
            if (node.Fields[i].Name == name)
                return Rex.Input(i, node.FieldTypes[i]);
        }
        throw new ArgumentException(name);
    }

    public static int Index(PlanNode node, string name) => Col(node, name).Index;

    /// <summary>
    /// The sink's changelog applied to a multiset: inserts and update-afters add a row, update-befores and deletes take
    /// one back (failing when the row was never added); the rows left, rendered and sorted.
    /// </summary>
    public static List<string> Materialize(JobTestDriver driver, SinkNode sink)
    {
        var rows = new List<string>();
        foreach (var record in driver.Output<Row, Row>(sink.Table.Topic).ReadAll())
        {
            var text = DuckDbOracle.Render(record.Value, sink.FieldTypes);
            if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
                rows.Add(text);
            else
                Assert.True(rows.Remove(text), $"{record.Kind} of a row never added: {text}");
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The output rows of an insert-only sink, checking that every record is an insert.</summary>
    public static List<string> Inserts(JobTestDriver driver, SinkNode sink)
    {
        var rows = new List<string>();
        foreach (var record in driver.Output<Row, Row>(sink.Table.Topic).ReadAll())
        {
            Assert.Equal(RowKind.Insert, record.Kind);
            rows.Add(DuckDbOracle.Render(record.Value, sink.FieldTypes));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>DuckDB's answer to <paramref name="query"/> over the tables filled with the given rows, rendered and sorted.</summary>
    public static List<string> Oracle(string query, params (TestTable Table, IEnumerable<object?[]> Rows)[] tables)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var (table, rows) in tables)
        {
            Execute(connection, $"CREATE TABLE {table.DuckName} ({string.Join(", ", table.DuckColumns.Select(c => c.Name + " " + c.DuckType))})");
            var batch = rows.ToList();
            for (var start = 0; start < batch.Count; start += 500)
            {
                var values = batch.Skip(start).Take(500).Select(r => "(" + string.Join(", ", r.Select(Literal)) + ")");
                Execute(connection, $"INSERT INTO {table.DuckName} VALUES {string.Join(", ", values)}");
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            var cells = new object?[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            result.Add(DuckDbOracle.Render(cells));
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        DateTime t => "TIMESTAMP '" + t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
