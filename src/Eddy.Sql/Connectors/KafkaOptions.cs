namespace Eddy.Sql.Connectors;

/// <summary>The options of the kafka and upsert-kafka connectors, by Flink's names and defaults (<c>KafkaConnectorOptions</c>).</summary>
internal static class KafkaOptions
{
    public static ConnectorOption BootstrapServers { get; } = ConnectorOption.Text("properties.bootstrap.servers", null,
        "The Kafka brokers. Optional in Eddy: a job runs on its worker's cluster; a different address is refused.");

    public static ConnectorOption GroupId { get; } = ConnectorOption.Text("properties.group.id", null,
        "The consumer group. Eddy's jobs read under the job's own group; the option is accepted and not used.");

    public static ConnectorOption Topic { get; } = ConnectorOption.Text("topic", null, "The topic, or a semicolon-separated list of topics.");

    public static ConnectorOption TopicPattern { get; } = ConnectorOption.Text("topic-pattern", null, "A regular expression of topic names to read.");

    public static ConnectorOption Format { get; } = ConnectorOption.Text("format", null, "The value format (an alias of 'value.format').");

    public static ConnectorOption ValueFormat { get; } = ConnectorOption.Text("value.format", null, "The format of the record value.");

    public static ConnectorOption KeyFormat { get; } = ConnectorOption.Text("key.format", null, "The format of the record key.");

    public static ConnectorOption KeyFields { get; } = ConnectorOption.Text("key.fields", null,
        "The physical columns in the key, separated by ';' (kafka only; upsert-kafka's key is the primary key).");

    public static ConnectorOption KeyFieldsPrefix { get; } = ConnectorOption.Text("key.fields-prefix", null,
        "A prefix of the key columns' names, stripped in the key format's field names.");

    public static ConnectorOption ValueFieldsInclude { get; } = ConnectorOption.Enum("value.fields-include", "ALL",
        "Whether the value carries every physical column (ALL) or those not in the key (EXCEPT_KEY).", "ALL", "EXCEPT_KEY");

    public static ConnectorOption StartupMode { get; } = ConnectorOption.Enum("scan.startup.mode", "group-offsets",
        "Where a new job starts reading.", "earliest-offset", "latest-offset", "group-offsets", "timestamp", "specific-offsets");

    public static ConnectorOption StartupSpecificOffsets { get; } = ConnectorOption.Text("scan.startup.specific-offsets", null,
        "Offsets per partition for 'specific-offsets' mode: 'partition:0,offset:42;partition:1,offset:300'.");

    public static ConnectorOption StartupTimestampMillis { get; } = ConnectorOption.Long("scan.startup.timestamp-millis", null,
        "The start timestamp (ms since the epoch) for 'timestamp' mode.");

    public static ConnectorOption BoundedMode { get; } = ConnectorOption.Enum("scan.bounded.mode", "unbounded",
        "Where a bounded scan stops; Eddy runs unbounded only.", "unbounded", "latest-offset", "group-offsets", "timestamp", "specific-offsets");

    public static ConnectorOption BoundedSpecificOffsets { get; } = ConnectorOption.Text("scan.bounded.specific-offsets", null, "End offsets per partition.");

    public static ConnectorOption BoundedTimestampMillis { get; } = ConnectorOption.Long("scan.bounded.timestamp-millis", null, "The end timestamp.");

    public static ConnectorOption PartitionDiscoveryInterval { get; } = ConnectorOption.Text("scan.topic-partition-discovery.interval", "5 min",
        "How often new partitions are discovered; the worker's consumer group rebalances on them.");

    public static ConnectorOption ScanParallelism { get; } = ConnectorOption.Int("scan.parallelism", null,
        "Accepted; a job's parallelism is its topics' partitions.");

    public static ConnectorOption SinkParallelism { get; } = ConnectorOption.Int("sink.parallelism", null,
        "Accepted; a job's parallelism is its topics' partitions.");

    public static ConnectorOption SinkPartitioner { get; } = ConnectorOption.Text("sink.partitioner", "default",
        "How rows map to partitions: 'default' (by the key's hash; round-robin without key), 'fixed', 'round-robin'.");

    public static ConnectorOption DeliveryGuarantee { get; } = ConnectorOption.Enum("sink.delivery-guarantee", "at-least-once",
        "Accepted; the job's processing guarantee decides.", "at-least-once", "exactly-once", "none");

    public static ConnectorOption TransactionalIdPrefix { get; } = ConnectorOption.Text("sink.transactional-id-prefix", null,
        "Accepted; the worker names its transactions.");

    public static ConnectorOption BufferFlushMaxRows { get; } = ConnectorOption.Int("sink.buffer-flush.max-rows", 0,
        "upsert-kafka: accepted; the worker batches its writes.");

    public static ConnectorOption BufferFlushInterval { get; } = ConnectorOption.Text("sink.buffer-flush.interval", "0",
        "upsert-kafka: accepted; the worker batches its writes.");
}
