using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The <c>kafka</c> connector: an append-only table over one or more topics, each record's value (and optionally
/// key) in a format, as Flink's <c>KafkaDynamicTableFactory</c>.
/// </summary>
internal sealed class KafkaConnectorFactory : ConnectorFactory
{
    private static readonly ConnectorOption[] Optional =
    [
        KafkaOptions.BootstrapServers, KafkaOptions.GroupId, KafkaOptions.Topic, KafkaOptions.TopicPattern, KafkaOptions.Format,
        KafkaOptions.ValueFormat, KafkaOptions.KeyFormat, KafkaOptions.KeyFields, KafkaOptions.KeyFieldsPrefix, KafkaOptions.ValueFieldsInclude,
        KafkaOptions.StartupMode, KafkaOptions.StartupSpecificOffsets, KafkaOptions.StartupTimestampMillis, KafkaOptions.BoundedMode,
        KafkaOptions.BoundedSpecificOffsets, KafkaOptions.BoundedTimestampMillis, KafkaOptions.PartitionDiscoveryInterval,
        KafkaOptions.ScanParallelism, KafkaOptions.SinkParallelism, KafkaOptions.SinkPartitioner, KafkaOptions.DeliveryGuarantee,
        KafkaOptions.TransactionalIdPrefix,
    ];

    /// <inheritdoc/>
    public override string Identifier => "kafka";

    /// <inheritdoc/>
    public override IReadOnlyList<string> FormatKeys => ["format", "value.format", "key.format"];

    /// <inheritdoc/>
    public override bool TakesClientProperties => true;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => [];

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table) => Optional;

    /// <inheritdoc/>
    protected override void Check(CatalogTable table, ConnectorOptions options, bool forSource)
    {
        var hasTopic = options.Has(KafkaOptions.Topic);
        var hasPattern = options.Has(KafkaOptions.TopicPattern);
        if (hasTopic && hasPattern)
            throw new PlanningException("Option 'topic' and 'topic-pattern' shouldn't be set together.");
        if (!hasTopic && !hasPattern)
            throw new PlanningException("Either 'topic' or 'topic-pattern' must be set.");
        if (!options.Has(KafkaOptions.Format) && !options.Has(KafkaOptions.ValueFormat))
            throw new PlanningException($"Could not find required {(forSource ? "scan" : "sink")} format 'value.format'.");
        if (forSource)
        {
            CheckMode(options, KafkaOptions.StartupMode, KafkaOptions.StartupTimestampMillis, KafkaOptions.StartupSpecificOffsets, "startup");
            CheckMode(options, KafkaOptions.BoundedMode, KafkaOptions.BoundedTimestampMillis, KafkaOptions.BoundedSpecificOffsets, "bounded");
        }
        else
        {
            var partitioner = options.GetString(KafkaOptions.SinkPartitioner)!;
            if (partitioner == "round-robin" && options.Has(KafkaOptions.KeyFields))
                throw new PlanningException("Currently 'round-robin' partitioner only works when option 'key.fields' is not specified.");
            if (partitioner.Length == 0)
                throw new PlanningException("Option 'sink.partitioner' should be a non-empty string.");
            if (partitioner is not ("default" or "fixed" or "round-robin"))
                throw new PlanningException($"Could not find and instantiate partitioner class '{partitioner}': Eddy's kafka sink takes 'default', 'fixed' or 'round-robin'.");
        }
        KafkaTable.KeyProjection(table, options);
        KafkaTable.ValueProjection(table, options, KafkaTable.KeyProjection(table, options));
    }

    private static void CheckMode(ConnectorOptions options, ConnectorOption mode, ConnectorOption timestamp, ConnectorOption offsets, string what)
    {
        switch (options.GetEnum(mode))
        {
            case "timestamp" when !options.Has(timestamp):
                throw new PlanningException($"'{timestamp.Key}' is required in 'timestamp' {what} mode but missing.");
            case "specific-offsets":
                if (!options.Has(offsets))
                    throw new PlanningException($"'{offsets.Key}' is required in 'specific-offsets' {what} mode but missing.");
                if (!options.Has(KafkaOptions.Topic) || options.GetString(KafkaOptions.Topic)!.Contains(';', StringComparison.Ordinal))
                    throw new PlanningException("Currently Kafka source only supports specific offset for single topic.");
                KafkaTable.ParseSpecificOffsets(options.GetString(offsets)!, offsets.Key);
                break;
        }
    }
}
