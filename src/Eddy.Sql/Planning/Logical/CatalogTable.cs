using System.Collections.Immutable;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>
/// A table of the catalog as the planner sees it: its schema, its connector options (Flink's <c>WITH (...)</c>), the
/// rowtime column and watermark delay of its <c>WATERMARK FOR</c> clause, and its primary key.
/// </summary>
/// <remarks>
/// Three rows: the <b>physical</b> row (<see cref="Schema"/>) is what the format reads and writes; the <b>source</b> row
/// a scan produces is the physical columns followed by the <see cref="Metadata"/> columns (read by the connector:
/// timestamp, partition, offset, headers); the <b>table</b> row a query sees adds the <see cref="Computed"/> columns,
/// evaluated over the source row, and lists every column in <see cref="DeclaredOrder"/> (the binder projects it).
/// A sink writes the physical row plus the non-virtual metadata columns.
/// </remarks>
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

    /// <summary>The metadata columns, after the physical ones in the source row (empty when none).</summary>
    public ImmutableArray<CatalogMetadataColumn> Metadata { get; init; } = [];

    /// <summary>The computed columns (<c>name AS expression</c>), each bound over the source row (empty when none).</summary>
    public ImmutableArray<CatalogComputedColumn> Computed { get; init; } = [];

    /// <summary>
    /// Every column's name in the order the DDL declared them (the table row); empty means the physical columns as
    /// they are (a table without metadata or computed columns).
    /// </summary>
    public ImmutableArray<string> DeclaredOrder { get; init; } = [];

    /// <summary>
    /// The rowtime over the source row, when <see cref="RowtimeColumn"/> is a computed column (<c>ts AS
    /// TO_TIMESTAMP(...)</c> with <c>WATERMARK FOR ts</c>); null when the rowtime is a physical or metadata column.
    /// </summary>
    public Expressions.RexNode? RowtimeExpression { get; init; }

    /// <summary>The source row's columns: the physical ones, then the metadata ones.</summary>
    public ImmutableArray<SqlField> SourceFields => Metadata.IsEmpty ? Schema : Schema.AddRange(Metadata.Select(m => new SqlField(m.Name, m.Type)));

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
    /// kind of change, blackhole accepts every kind, anything else is append-only.
    /// </summary>
    public TableChangelog Changelog
    {
        get
        {
            if (Connector == "upsert-kafka")
                return TableChangelog.Upsert;
            // Flink's blackhole sink takes whatever changes it is given (its changelog mode is the requested one).
            if (Connector == "blackhole")
                return TableChangelog.All;
            var format = Options.TryGetValue("format", out var f) ? f : Options.GetValueOrDefault("value.format", "");
            return format is "debezium-json" or "canal-json" or "maxwell-json" or "ogg-json" ? TableChangelog.All : TableChangelog.InsertOnly;
        }
    }
}

/// <summary>A metadata column: <c>name type METADATA [FROM 'key'] [VIRTUAL]</c>.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The column's declared type.</param>
/// <param name="Key">The connector's metadata key (<c>timestamp</c>, <c>partition</c>, <c>offset</c>, <c>headers</c>, ...): the
/// FROM key, or the column name when FROM is omitted.</param>
/// <param name="IsVirtual">VIRTUAL: read only, never written by a sink.</param>
internal sealed record CatalogMetadataColumn(string Name, SqlType Type, string Key, bool IsVirtual);

/// <summary>A computed column: <c>name AS expression</c>, the expression bound over the table's source row.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Expression">The bound expression (its type is the column's type).</param>
internal sealed record CatalogComputedColumn(string Name, Expressions.RexNode Expression);

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
