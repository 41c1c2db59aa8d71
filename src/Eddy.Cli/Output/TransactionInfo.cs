using System.Globalization;

namespace Eddy.Cli.Output;

/// <summary>A topic partition, printed as Kafka's TopicPartition prints itself: <c>topic-partition</c>.</summary>
public readonly record struct TopicPartitionKey(string Topic, int Partition) : IComparable<TopicPartitionKey>
{
    public int CompareTo(TopicPartitionKey other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    public override string ToString() => $"{Topic}-{Partition.ToString(CultureInfo.InvariantCulture)}";

    public static bool operator <(TopicPartitionKey left, TopicPartitionKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(TopicPartitionKey left, TopicPartitionKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(TopicPartitionKey left, TopicPartitionKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(TopicPartitionKey left, TopicPartitionKey right) => left.CompareTo(right) >= 0;
}

/// <summary>One row of ListTransactions: a transactional id, the broker coordinating it, its producer id and state.</summary>
public sealed record TransactionListing(string TransactionalId, int Coordinator, long ProducerId, string State);

/// <summary>
/// DescribeTransactions' answer for one transactional id. <see cref="StartTimeMs"/> is -1 when no transaction is
/// open; <see cref="Partitions"/> are those in the open transaction (or still awaiting markers while it completes).
/// </summary>
public sealed record TransactionDescription(
    int CoordinatorId,
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    string State,
    int TimeoutMs,
    long StartTimeMs,
    IReadOnlyList<TopicPartitionKey> Partitions);

/// <summary>
/// DescribeProducers' state for one producer on one partition. <see cref="CoordinatorEpoch"/> is -1 when unknown
/// and <see cref="CurrentTransactionStartOffset"/> -1 when the producer has no open transaction there.
/// </summary>
public sealed record ProducerStateInfo(
    long ProducerId,
    int ProducerEpoch,
    int CoordinatorEpoch,
    int LastSequence,
    long LastTimestamp,
    long CurrentTransactionStartOffset);

/// <summary>An open transaction on a partition (from DescribeProducers): a candidate for, or a confirmed, hanging transaction.</summary>
public sealed record OpenTransaction(TopicPartitionKey Partition, ProducerStateInfo Producer);
