using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Broker.Topics;

/// <summary>A topic and its partitions. Replaced, not mutated, when partitions or configs change.</summary>
public sealed class Topic(string name, Uuid id, TopicConfig config, IReadOnlyList<Partition> partitions)
{
    public string Name { get; } = name;

    public Uuid Id { get; } = id;

    public TopicConfig Config { get; } = config;

    public IReadOnlyList<Partition> Partitions { get; } = partitions;

    public bool IsInternal => TopicNames.IsInternal(Name);

    public Partition? Partition(int index) => (uint)index < (uint)Partitions.Count ? Partitions[index] : null;
}

/// <summary>One partition: its log. Leader epoch is always 0 on a single node.</summary>
public sealed class Partition(string topic, int index, PartitionLog log)
{
    public string Topic { get; } = topic;

    public int Index { get; } = index;

    public PartitionLog Log { get; } = log;

    public const int LeaderEpoch = 0;

    public override string ToString() => $"{Topic}-{Index}";
}
