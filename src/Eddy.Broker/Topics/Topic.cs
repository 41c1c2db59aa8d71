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
    private bool _deleted;

    public string Topic { get; } = topic;

    public int Index { get; } = index;

    public PartitionLog Log { get; } = log;

    public const int LeaderEpoch = 0;

    /// <summary>
    /// True once the partition's topic was deleted. <see cref="TopicManager"/> sets it before it closes the log, so a
    /// request that found the partition just before the deletion and then finds its log closed can tell the deletion
    /// (answered UNKNOWN_TOPIC_OR_PARTITION) from a log closed by a bug (which must surface as one).
    /// </summary>
    public bool IsDeleted => Volatile.Read(ref _deleted);

    internal void MarkDeleted() => Volatile.Write(ref _deleted, true);

    public override string ToString() => $"{Topic}-{Index}";
}
