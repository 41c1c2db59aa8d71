using Confluent.Kafka;

namespace Eddy.CompactedLog;

/// <summary>Where a <see cref="CompactedTopicLog"/> lives and how its clients behave.</summary>
public sealed class CompactedTopicLogOptions
{
    /// <summary>Confluent.Kafka client settings: at least <c>bootstrap.servers</c>; security settings go here too. The log's own settings (idempotence, acks, group, offsets) win over these.</summary>
    public required IReadOnlyDictionary<string, string> KafkaConfig { get; init; }

    /// <summary>The compacted topic (its partition 0 is the log).</summary>
    public required string Topic { get; init; }

    /// <summary>What the topic is to its owner (<c>schema topic</c>, <c>catalog topic</c>), in log messages.</summary>
    public string Role { get; init; } = "topic";

    /// <summary>The clients' <c>client.id</c> unless <see cref="KafkaConfig"/> sets one.</summary>
    public string ClientId { get; init; } = "eddy";

    /// <summary>
    /// The group id Confluent.Kafka requires of a consumer. The reader only assigns the partition, so it never joins
    /// or commits to this group. Default: the topic's name with <c>-reader</c>.
    /// </summary>
    public string? ReaderGroupId { get; init; }

    /// <summary>How long opening may take: checking or creating the topic and reading it to its end.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a write may take, from sending it to reading it back; also the limit on asking for the end offset.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the reader sees records of transactions not yet committed (the registry reads as Confluent's Java store does). Default: read committed.</summary>
    public IsolationLevel IsolationLevel { get; init; } = IsolationLevel.ReadCommitted;

    /// <summary>Whether a missing topic is created (one partition, <c>cleanup.policy=compact</c>); otherwise opening fails with <see cref="CompactedTopicLogFailure.TopicMissing"/>.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>The replication factor of a topic the log creates; null: min(3, live brokers), as Confluent's schema store.</summary>
    public short? ReplicationFactor { get; init; }

    /// <summary>
    /// Whether an existing topic must have one partition and <c>cleanup.policy=compact</c> (opening fails otherwise).
    /// Off, a topic created elsewhere is used as it is: its partition 0 is the log.
    /// </summary>
    public bool VerifyTopic { get; init; } = true;
}

/// <summary>One record of a <see cref="CompactedTopicLog"/>, as its reader applies it.</summary>
/// <param name="Offset">The record's offset in the partition.</param>
/// <param name="Key">The key; null when the record has none.</param>
/// <param name="Value">The value; null for a tombstone (the key is deleted).</param>
public readonly record struct CompactedTopicRecord(long Offset, byte[]? Key, byte[]? Value)
{
    /// <summary>Whether the record deletes its key.</summary>
    public bool IsTombstone => Value is null;
}
