using System.Globalization;

namespace Eddy.Protocol.Client;

/// <summary>A topic partition, printed as Kafka's TopicPartition prints itself: <c>topic-partition</c>; ordered by topic, then partition.</summary>
/// <param name="Topic">The topic's name.</param>
/// <param name="Partition">The partition's index.</param>
public readonly record struct TopicPartitionId(string Topic, int Partition) : IComparable<TopicPartitionId>
{
    /// <summary>Orders by topic name (ordinal), then partition index.</summary>
    public int CompareTo(TopicPartitionId other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    /// <summary><c>topic-partition</c>.</summary>
    public override string ToString() => $"{Topic}-{Partition.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    public static bool operator <(TopicPartitionId left, TopicPartitionId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    public static bool operator <=(TopicPartitionId left, TopicPartitionId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    public static bool operator >(TopicPartitionId left, TopicPartitionId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    public static bool operator >=(TopicPartitionId left, TopicPartitionId right) => left.CompareTo(right) >= 0;
}
