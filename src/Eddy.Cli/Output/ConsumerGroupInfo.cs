namespace Eddy.Cli.Output;

/// <summary>One partition of a topic, as the group views name it.</summary>
public readonly record struct GroupPartition(string Topic, int Partition) : IComparable<GroupPartition>
{
    /// <summary>Topic, then partition number: the order every group table lists partitions in.</summary>
    public int CompareTo(GroupPartition other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    public static bool operator <(GroupPartition left, GroupPartition right) => left.CompareTo(right) < 0;

    public static bool operator <=(GroupPartition left, GroupPartition right) => left.CompareTo(right) <= 0;

    public static bool operator >(GroupPartition left, GroupPartition right) => left.CompareTo(right) > 0;

    public static bool operator >=(GroupPartition left, GroupPartition right) => left.CompareTo(right) >= 0;

    /// <summary>Kafka's TopicPartition.toString: <c>topic-partition</c>.</summary>
    public override string ToString() => $"{Topic}-{Partition}";
}

/// <summary>The broker that coordinates a group.</summary>
public sealed record GroupCoordinatorNode(int Id, string Host, int Port);

/// <summary>A member of a consumer group and the partitions assigned to it.</summary>
public sealed record GroupMember(string ConsumerId, string? GroupInstanceId, string Host, string ClientId, IReadOnlyList<GroupPartition> Assignment);

/// <summary>
/// A consumer group as <c>eddy groups describe</c> shows it, gathered from DescribeConsumerGroups,
/// ListConsumerGroupOffsets and ListOffsets. <see cref="State"/> is Kafka's name for the state (Stable, Empty,
/// PreparingRebalance, CompletingRebalance, Dead). <see cref="LogEndOffsets"/> lacks partitions whose end offset
/// could not be read (shown as '-').
/// </summary>
public sealed record ConsumerGroupInfo(
    string GroupId,
    string State,
    GroupCoordinatorNode? Coordinator,
    string? AssignmentStrategy,
    IReadOnlyList<GroupMember> Members,
    IReadOnlyDictionary<GroupPartition, long> CommittedOffsets,
    IReadOnlyDictionary<GroupPartition, long> LogEndOffsets)
{
    public const string Stable = "Stable";
    public const string Empty = "Empty";
    public const string Dead = "Dead";

    /// <summary>
    /// The timestamp (Unix milliseconds) of the first record at or after the committed offset of each partition the
    /// group lags on: the oldest record it has not consumed. Partitions whose record could not be read are missing.
    /// </summary>
    public IReadOnlyDictionary<GroupPartition, long> OldestUnconsumedTimestamps { get; init; } = new Dictionary<GroupPartition, long>();

    /// <summary>When the offsets were read: the "now" of the lag in seconds.</summary>
    public DateTimeOffset ObservedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// One row of the offsets view (kafka-consumer-groups.sh --describe, with LAG-SECONDS after LAG). Null values print
/// as '-': no commit, no known log end, no lag (either missing), no timestamp for the lag in seconds, or no owner.
/// </summary>
public sealed record GroupOffsetRow(
    string Group,
    string Topic,
    int Partition,
    long? CurrentOffset,
    long? LogEndOffset,
    long? Lag,
    string? ConsumerId,
    string? Host,
    string? ClientId,
    double? LagSeconds = null);

/// <summary>One row of a reset-offsets plan: the offset the group will be (or was) moved to.</summary>
public sealed record GroupOffsetReset(string Group, string Topic, int Partition, long NewOffset);
