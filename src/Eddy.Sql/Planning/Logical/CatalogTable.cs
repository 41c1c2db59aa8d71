using System.Collections.Immutable;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>
/// A table of the catalog as the planner sees it: its schema, its connector options (Flink's <c>WITH (...)</c>), the
/// rowtime column and watermark delay of its <c>WATERMARK FOR</c> clause, and its primary key.
/// </summary>
/// <param name="Name">The identifier as Flink prints it in messages (<c>default_catalog.default_database.orders</c>).</param>
/// <param name="Schema">The physical columns.</param>
/// <param name="Options">The connector options, by Flink's names (<c>connector</c>, <c>topic</c>, <c>format</c>, ...).</param>
/// <param name="RowtimeColumn">The event-time column, or null for a table without a watermark.</param>
/// <param name="WatermarkDelay">The bound of <c>WATERMARK FOR rowtime AS rowtime - INTERVAL ...</c>.</param>
/// <param name="PrimaryKey">The <c>PRIMARY KEY (...) NOT ENFORCED</c> columns, empty when none.</param>
internal sealed record CatalogTable(
    string Name,
    ImmutableArray<SqlField> Schema,
    ImmutableDictionary<string, string> Options,
    string? RowtimeColumn = null,
    TimeSpan WatermarkDelay = default,
    ImmutableArray<string> PrimaryKey = default)
{
    public ImmutableArray<string> PrimaryKey { get; init; } = PrimaryKey.IsDefault ? [] : PrimaryKey;

    /// <summary>The <c>connector</c> option (<c>kafka</c>, <c>upsert-kafka</c>, ...).</summary>
    public string Connector => Options.TryGetValue("connector", out var connector) ? connector : "";

    /// <summary>The Kafka topic of a kafka or upsert-kafka table.</summary>
    public string Topic => Options.TryGetValue("topic", out var topic)
        ? topic
        : throw new PlanningException($"Table '{Name}' has no 'topic' option.");

    /// <summary>The index of a column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Schema.Length; i++)
        {
            if (Schema[i].Name == column)
                return i;
        }
        return -1;
    }

    /// <summary>The primary key's column indices, in key order.</summary>
    public ImmutableArray<int> PrimaryKeyIndices
    {
        get
        {
            var indices = ImmutableArray.CreateBuilder<int>(PrimaryKey.Length);
            foreach (var column in PrimaryKey)
                indices.Add(IndexOf(column) is >= 0 and var i ? i : throw new PlanningException($"Table '{Name}' has no primary key column '{column}'."));
            return indices.MoveToImmutable();
        }
    }

    /// <summary>
    /// The changes the table's format and connector carry when read, and accept when written: upsert-kafka is a
    /// keyed upsert stream, a changelog format (debezium-json, canal-json, maxwell-json, ogg-json) carries every
    /// kind of change, anything else is append-only.
    /// </summary>
    public TableChangelog Changelog
    {
        get
        {
            if (Connector == "upsert-kafka")
                return TableChangelog.Upsert;
            var format = Options.TryGetValue("format", out var f) ? f : Options.GetValueOrDefault("value.format", "");
            return format is "debezium-json" or "canal-json" or "maxwell-json" or "ogg-json" ? TableChangelog.All : TableChangelog.InsertOnly;
        }
    }
}

/// <summary>What changes a table's connector and format carry.</summary>
internal enum TableChangelog
{
    /// <summary>Inserts only (a plain Kafka topic in json, csv, avro, raw).</summary>
    InsertOnly,
    /// <summary>Upserts and deletes by primary key (upsert-kafka: a tombstone deletes).</summary>
    Upsert,
    /// <summary>Every kind: insert, update-before, update-after, delete (a changelog format).</summary>
    All,
}
