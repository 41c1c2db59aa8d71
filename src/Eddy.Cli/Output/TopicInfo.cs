namespace Eddy.Cli.Output;

/// <summary>One partition of a described topic: its leader (null when it has none), replicas and in-sync replicas.</summary>
public sealed record PartitionInfo(int Partition, int? Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr);

/// <summary>
/// A topic as <c>eddy topics describe</c> shows it, gathered from DescribeTopics and DescribeConfigs.
/// <see cref="Configs"/> holds only the non-default entries, in the order the broker listed them.
/// </summary>
public sealed record TopicInfo(
    string Name,
    string? TopicId,
    bool IsInternal,
    IReadOnlyList<PartitionInfo> Partitions,
    IReadOnlyList<KeyValuePair<string, string?>> Configs)
{
    /// <summary>As kafka-topics.sh computes it: the replica count of the lowest-numbered partition.</summary>
    public int ReplicationFactor => Partitions.Count == 0 ? 0 : Partitions.MinBy(p => p.Partition)!.Replicas.Count;
}
