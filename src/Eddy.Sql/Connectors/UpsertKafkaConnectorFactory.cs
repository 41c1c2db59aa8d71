using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The <c>upsert-kafka</c> connector: a changelog table keyed by its primary key, the record key in the key format,
/// the value in the value format, a tombstone a deletion, as Flink's <c>UpsertKafkaDynamicTableFactory</c>.
/// </summary>
internal sealed class UpsertKafkaConnectorFactory : ConnectorFactory
{
    private static readonly ConnectorOption[] Required = [KafkaOptions.Topic, KafkaOptions.KeyFormat, KafkaOptions.ValueFormat];

    private static readonly ConnectorOption[] Optional =
    [
        KafkaOptions.BootstrapServers, KafkaOptions.GroupId, KafkaOptions.KeyFieldsPrefix, KafkaOptions.ValueFieldsInclude, KafkaOptions.ScanParallelism,
        KafkaOptions.SinkParallelism, KafkaOptions.BufferFlushMaxRows, KafkaOptions.BufferFlushInterval, KafkaOptions.DeliveryGuarantee,
        KafkaOptions.TransactionalIdPrefix,
    ];

    /// <inheritdoc/>
    public override string Identifier => "upsert-kafka";

    /// <inheritdoc/>
    public override IReadOnlyList<string> FormatKeys => ["value.format", "key.format"];

    /// <inheritdoc/>
    public override bool TakesClientProperties => true;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => Required;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table) => Optional;

    /// <inheritdoc/>
    protected override void Check(CatalogTable table, ConnectorOptions options, bool forSource)
    {
        if (table.PrimaryKey.IsEmpty)
            throw new PlanningException(
                "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The PRIMARY KEY specifies which columns should be read from or write to the Kafka message key. The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys.");
        foreach (var (key, what) in new[] { (KafkaOptions.KeyFormat, "key"), (KafkaOptions.ValueFormat, "value") })
        {
            var format = options.GetString(key)!;
            if (format is "debezium-json" or "canal-json" or "maxwell-json" or "ogg-json" or "debezium-avro-confluent")
                throw new PlanningException($"'upsert-kafka' connector doesn't support '{format}' as {what} format, because '{format}' is not in insert-only mode.");
        }
        var rows = options.GetLong(KafkaOptions.BufferFlushMaxRows) ?? 0;
        var interval = options.GetString(KafkaOptions.BufferFlushInterval) ?? "0";
        if ((rows > 0) != (interval.Trim() is not ("0" or "0 ms" or "0ms" or "0 s" or "0s")))
            throw new PlanningException(
                "'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' must be set to be greater than zero together to enable sink buffer flushing.");
        KafkaTable.ValueProjection(table, options, KafkaTable.KeyProjection(table, options));
    }
}
