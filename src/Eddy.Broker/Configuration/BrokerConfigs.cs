namespace Eddy.Broker.Configuration;

/// <summary>
/// Every broker and topic configuration key Eddy understands, with Kafka's names, defaults and meaning.
/// DescribeConfigs answers from these tables, the CLI's --help and docs/configuration.md list them.
/// </summary>
public static class BrokerConfigs
{
    public const string Listeners = "listeners";
    public const string AdvertisedListeners = "advertised.listeners";
    public const string LogDirs = "log.dirs";
    public const string LogDir = "log.dir";
    public const string NodeId = "node.id";
    public const string BrokerId = "broker.id";
    public const string NumPartitions = "num.partitions";
    public const string AutoCreateTopics = "auto.create.topics.enable";
    public const string DefaultReplicationFactor = "default.replication.factor";
    public const string DeleteTopicEnable = "delete.topic.enable";
    public const string SocketRequestMaxBytes = "socket.request.max.bytes";
    public const string MaxConnections = "max.connections";
    public const string MaxConnectionsPerIp = "max.connections.per.ip";
    public const string ConnectionsMaxIdleMs = "connections.max.idle.ms";
    public const string QueuedMaxRequestBytes = "queued.max.request.bytes";
    public const string MessageMaxBytes = "message.max.bytes";
    public const string LogSegmentBytes = "log.segment.bytes";
    public const string LogRollMs = "log.roll.ms";
    public const string LogRollHours = "log.roll.hours";
    public const string LogRetentionMs = "log.retention.ms";
    public const string LogRetentionMinutes = "log.retention.minutes";
    public const string LogRetentionHours = "log.retention.hours";
    public const string LogRetentionBytes = "log.retention.bytes";
    public const string LogRetentionCheckIntervalMs = "log.retention.check.interval.ms";
    public const string LogFlushIntervalMessages = "log.flush.interval.messages";
    public const string LogFlushIntervalMs = "log.flush.interval.ms";
    public const string LogIndexIntervalBytes = "log.index.interval.bytes";
    public const string LogMessageTimestampType = "log.message.timestamp.type";
    public const string LogMessageTimestampBeforeMaxMs = "log.message.timestamp.before.max.ms";
    public const string LogMessageTimestampAfterMaxMs = "log.message.timestamp.after.max.ms";
    public const string LogMessageTimestampDifferenceMaxMs = "log.message.timestamp.difference.max.ms";
    public const string LogCleanupPolicy = "log.cleanup.policy";
    public const string ClusterId = "cluster.id";
    public const string GroupInitialRebalanceDelayMs = "group.initial.rebalance.delay.ms";
    public const string OffsetsRetentionMinutes = "offsets.retention.minutes";
    public const string LogCleanerEnable = "log.cleaner.enable";
    public const string LogCleanerBackoffMs = "log.cleaner.backoff.ms";
    public const string TransactionMaxTimeoutMs = "transaction.max.timeout.ms";
    public const string TransactionAbortTimedOutIntervalMs = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public const string TransactionalIdExpirationMs = "transactional.id.expiration.ms";
    public const string ProducerIdExpirationMs = "producer.id.expiration.ms";

    public static readonly IReadOnlyList<ConfigDefinition> Broker =
    [
        new(Listeners, ConfigType.List, "PLAINTEXT://127.0.0.1:9092", "The address the Kafka listener binds to, as PLAINTEXT://host:port."),
        new(AdvertisedListeners, ConfigType.List, null, "The address given to clients in Metadata, as PLAINTEXT://host:port. Defaults to listeners."),
        new(LogDirs, ConfigType.List, "./eddy-data", "The directory that holds the partition logs and the broker's metadata."),
        new(NodeId, ConfigType.Int, "1", "This broker's node id.", Minimum: 0),
        new(ClusterId, ConfigType.String, null, "The cluster id; generated once and stored in the data directory when not set."),
        new(NumPartitions, ConfigType.Int, "1", "Partitions of an auto-created topic, and of a created one that does not say.", Minimum: 1),
        new(AutoCreateTopics, ConfigType.Boolean, "true", "Create a topic when a client asks Metadata for one that does not exist."),
        new(DefaultReplicationFactor, ConfigType.Int, "1", "Replication factor of auto-created topics; Eddy is single-node, so 1.", Minimum: 1),
        new(DeleteTopicEnable, ConfigType.Boolean, "true", "Whether DeleteTopics is allowed."),
        new(SocketRequestMaxBytes, ConfigType.Int, "104857600", "The largest request frame accepted; a larger one closes the connection.", Minimum: 1),
        new(MaxConnections, ConfigType.Int, "2147483647", "The most connections open at once; at the limit the broker stops accepting (new ones wait in the OS backlog) until one closes.", Minimum: 0),
        new(MaxConnectionsPerIp, ConfigType.Int, "2147483647", "The most connections open at once from one IP address; one more is accepted and closed at once.", Minimum: 0),
        new(ConnectionsMaxIdleMs, ConfigType.Long, "600000", "A connection with no bytes read or written for this long (and no request being handled) is closed.", Minimum: 1),
        new(QueuedMaxRequestBytes, ConfigType.Long, "-1", "Bytes of requests read but not yet answered, across connections; when used up, connections stop reading until responses free some. -1 means no limit.", Minimum: -1),
        new(MessageMaxBytes, ConfigType.Int, "1048588", "The largest record batch a topic accepts (default of max.message.bytes).", Minimum: 0),
        new(LogSegmentBytes, ConfigType.Int, "1073741824", "The size at which a segment file is rolled.", Minimum: 14),
        new(LogRollMs, ConfigType.Long, null, "The age at which a segment is rolled even if not full; overrides log.roll.hours.", Minimum: 1),
        new(LogRollHours, ConfigType.Int, "168", "The age in hours at which a segment is rolled.", Minimum: 1),
        new(LogRetentionMs, ConfigType.Long, null, "How long a segment is kept; -1 keeps it forever. Overrides minutes and hours.", Minimum: -1),
        new(LogRetentionMinutes, ConfigType.Int, null, "Retention in minutes; overrides log.retention.hours.", Minimum: -1),
        new(LogRetentionHours, ConfigType.Int, "168", "Retention in hours.", Minimum: -1),
        new(LogRetentionBytes, ConfigType.Long, "-1", "The size a partition's log may reach before old segments are deleted; -1 means no limit.", Minimum: -1),
        new(LogRetentionCheckIntervalMs, ConfigType.Long, "300000", "How often retention is enforced.", Minimum: 1),
        new(LogFlushIntervalMessages, ConfigType.Long, "9223372036854775807", "fsync a partition after this many messages (1 = every append).", Minimum: 1),
        new(LogFlushIntervalMs, ConfigType.Long, null, "fsync a partition when its oldest unflushed data is this old.", Minimum: 0),
        new(LogIndexIntervalBytes, ConfigType.Int, "4096", "Bytes of log between two offset-index entries.", Minimum: 0),
        new(LogMessageTimestampType, ConfigType.String, "CreateTime", "Whether batches keep the producer's timestamp or get the broker's.", ValidValues: ["CreateTime", "LogAppendTime"]),
        new(LogMessageTimestampBeforeMaxMs, ConfigType.Long, "9223372036854775807", "How far in the past a CreateTime record's timestamp may be; older records are refused with INVALID_TIMESTAMP.", Minimum: 0),
        new(LogMessageTimestampAfterMaxMs, ConfigType.Long, "9223372036854775807", "How far in the future a CreateTime record's timestamp may be; later records are refused with INVALID_TIMESTAMP.", Minimum: 0),
        new(LogMessageTimestampDifferenceMaxMs, ConfigType.Long, "9223372036854775807", "Deprecated: both limits at once, used where log.message.timestamp.before/after.max.ms are not set.", Minimum: 0),
        new(LogCleanupPolicy, ConfigType.List, "delete", "Default cleanup policy of topics.", ValidValues: ["delete", "compact"]),
        new(GroupInitialRebalanceDelayMs, ConfigType.Int, "3000", "How long the first rebalance of an empty group waits for more members to join.", Minimum: 0),
        new(LogCleanerEnable, ConfigType.Boolean, "true", "Run the log cleaner that compacts topics with cleanup.policy=compact."),
        new(LogCleanerBackoffMs, ConfigType.Long, "15000", "How often the log cleaner looks for logs to compact.", Minimum: 1),
        new(OffsetsRetentionMinutes, ConfigType.Int, "10080", "How long a group's committed offsets are kept after the group has become empty.", Minimum: 1),
        new(TransactionMaxTimeoutMs, ConfigType.Int, "900000", "The largest transaction.timeout.ms a producer may ask for; larger is INVALID_TRANSACTION_TIMEOUT.", Minimum: 1),
        new(TransactionAbortTimedOutIntervalMs, ConfigType.Int, "10000", "How often the transaction coordinator aborts transactions open longer than their timeout.", Minimum: 1),
        new(TransactionalIdExpirationMs, ConfigType.Int, "604800000", "How long a transactional id without a transaction is remembered after its last use.", Minimum: 1),
        new(ProducerIdExpirationMs, ConfigType.Int, "86400000", "How long a partition keeps an idle producer's state (its sequence numbers) after its last write.", Minimum: 1),
    ];

    public static readonly IReadOnlyList<ConfigDefinition> Topic =
    [
        new("cleanup.policy", ConfigType.List, "delete", "delete: drop old segments; compact: keep the latest record per key.", LogCleanupPolicy, ["delete", "compact"]),
        new("retention.ms", ConfigType.Long, "604800000", "How long a segment is kept; -1 keeps it forever.", LogRetentionMs, Minimum: -1),
        new("retention.bytes", ConfigType.Long, "-1", "The size a partition may reach before old segments are deleted; -1 means no limit.", LogRetentionBytes, Minimum: -1),
        new("segment.bytes", ConfigType.Int, "1073741824", "The size at which a segment file is rolled.", LogSegmentBytes, Minimum: 14),
        new("segment.ms", ConfigType.Long, "604800000", "The age at which a segment is rolled.", LogRollMs, Minimum: 1),
        new("segment.index.bytes", ConfigType.Int, "10485760", "Size of a segment's offset index.", Minimum: 4),
        new("index.interval.bytes", ConfigType.Int, "4096", "Bytes of log between two offset-index entries.", LogIndexIntervalBytes, Minimum: 0),
        new("flush.messages", ConfigType.Long, "9223372036854775807", "fsync after this many messages (1 = every append).", LogFlushIntervalMessages, Minimum: 1),
        new("flush.ms", ConfigType.Long, "9223372036854775807", "fsync when the oldest unflushed data is this old.", LogFlushIntervalMs, Minimum: 0),
        new("max.message.bytes", ConfigType.Int, "1048588", "The largest record batch the topic accepts.", MessageMaxBytes, Minimum: 0),
        new("message.timestamp.type", ConfigType.String, "CreateTime", "CreateTime or LogAppendTime.", LogMessageTimestampType, ["CreateTime", "LogAppendTime"]),
        new("message.timestamp.before.max.ms", ConfigType.Long, "9223372036854775807", "How far in the past a CreateTime record's timestamp may be; older records are refused with INVALID_TIMESTAMP.", LogMessageTimestampBeforeMaxMs, Minimum: 0),
        new("message.timestamp.after.max.ms", ConfigType.Long, "9223372036854775807", "How far in the future a CreateTime record's timestamp may be; later records are refused with INVALID_TIMESTAMP.", LogMessageTimestampAfterMaxMs, Minimum: 0),
        new("message.timestamp.difference.max.ms", ConfigType.Long, "9223372036854775807", "Deprecated: both limits at once, used where message.timestamp.before/after.max.ms are at their default.", LogMessageTimestampDifferenceMaxMs, Minimum: 0),
        new("min.insync.replicas", ConfigType.Int, "1", "Accepted for compatibility; a single node is always in sync.", Minimum: 1),
        new("compression.type", ConfigType.String, "producer", "Eddy stores batches as the producer compressed them.", ValidValues: ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"]),
        new("delete.retention.ms", ConfigType.Long, "86400000", "How long tombstones are kept on compacted topics.", Minimum: 0),
        new("min.compaction.lag.ms", ConfigType.Long, "0", "The minimum age of a record before it may be compacted.", Minimum: 0),
        new("max.compaction.lag.ms", ConfigType.Long, "9223372036854775807", "The maximum time a record stays uncompacted.", Minimum: 1),
        new("min.cleanable.dirty.ratio", ConfigType.Double, "0.5", "The share of dirty log that triggers compaction."),
        new("file.delete.delay.ms", ConfigType.Long, "60000", "Delay before a deleted segment's file is removed.", Minimum: 0),
        new("preallocate", ConfigType.Boolean, "false", "Accepted for compatibility."),
        new("unclean.leader.election.enable", ConfigType.Boolean, "false", "Accepted for compatibility; a single node has no elections."),
        new("message.downconversion.enable", ConfigType.Boolean, "true", "Accepted for compatibility."),
    ];

    /// <summary>
    /// The keys Eddy acts on that change at run time (AlterConfigs on the broker), applied at once: the broker-wide
    /// defaults of topic configs, which reach every topic without its own value, the cleaner's and producer expiry's
    /// periods, and the connection limits. Kafka lets these change too; Eddy's other keys are read-only until a restart.
    /// </summary>
    public static readonly IReadOnlySet<string> Dynamic = new HashSet<string>(StringComparer.Ordinal)
    {
        MessageMaxBytes, LogSegmentBytes, LogRollMs, LogRetentionMs, LogRetentionBytes, LogFlushIntervalMessages, LogFlushIntervalMs,
        LogIndexIntervalBytes, LogMessageTimestampType, LogMessageTimestampBeforeMaxMs, LogMessageTimestampAfterMaxMs,
        LogMessageTimestampDifferenceMaxMs, LogCleanupPolicy, LogCleanerBackoffMs, ProducerIdExpirationMs, MaxConnections, MaxConnectionsPerIp,
    };

    private static readonly Dictionary<string, ConfigDefinition> BrokerByName = Broker.ToDictionary(d => d.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, ConfigDefinition> TopicByName = Topic.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static ConfigDefinition? FindBroker(string name) => BrokerByName.GetValueOrDefault(name);

    /// <summary>
    /// True for a key Eddy acts on and for any other broker key Kafka defines (a Kafka server.properties starts Eddy
    /// unchanged: num.network.threads is accepted, reported by DescribeConfigs, and has no effect).
    /// </summary>
    public static bool IsBrokerKey(string name) => BrokerByName.ContainsKey(name) || KafkaBrokerKeys.Find(name) is not null;

    /// <summary>How to check a broker key's value: Eddy's definition, or the type and default Kafka gives the key.</summary>
    public static ConfigDefinition? BrokerDefinition(string name) =>
        FindBroker(name) ?? (KafkaBrokerKeys.Find(name) is { } kafka ? new ConfigDefinition(kafka.Name, kafka.Type, kafka.Default, kafka.Documentation) : null);

    public static ConfigDefinition? FindTopic(string name) => TopicByName.GetValueOrDefault(name);

    /// <summary>Broker keys also accepted by their old name (broker.id for node.id, log.dir for log.dirs).</summary>
    public static string Canonical(string name) => name switch
    {
        BrokerId => NodeId,
        LogDir => LogDirs,
        _ => name,
    };
}
