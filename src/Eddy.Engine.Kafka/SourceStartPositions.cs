using Confluent.Kafka;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Places a stream thread's consumer on its assigned partitions: at the job group's committed offset when there is
/// one, else at the start position of the sources reading the topic (<see cref="StartPosition"/>), else (no start
/// position) at the earliest offset, the consumer's <c>auto.offset.reset</c>. As Flink's Kafka source over committed
/// offsets and Kafka Streams: the start position only ever applies to a partition the job has not committed.
/// </summary>
internal sealed class SourceStartPositions(JobTopology topology)
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Whether any source of the job has a start position other than the earliest offset.</summary>
    private bool Any { get; } = topology.Plan.Operators.Any(o => o.StartAt is { Kind: not StartPositionKind.Earliest });

    /// <summary>
    /// The offsets to assign (in a partitions-assigned handler): <see cref="Offset.Unset"/> (the committed offset, else
    /// the earliest) for partitions without a start position, the committed offset or the start position for the others.
    /// </summary>
    public IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions)
    {
        if (!Any)
        {
            return partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset));
        }

        var positioned = partitions.Where(Positioned).ToList();
        var offsets = partitions.Where(p => !Positioned(p)).Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();
        offsets.AddRange(Resolve(consumer, positioned));
        return offsets;
    }

    /// <summary>Where to seek after an abort: the committed offsets, else the start positions (the earliest offset without one).</summary>
    public IEnumerable<TopicPartitionOffset> Rewind(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions) =>
        Resolve(consumer, partitions);

    private bool Positioned(TopicPartition partition) => topology.StartOf(partition.Topic) is { Kind: not StartPositionKind.Earliest };

    private List<TopicPartitionOffset> Resolve(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        var result = new List<TopicPartitionOffset>(partitions.Count);
        var byTime = new List<TopicPartitionTimestamp>();
        foreach (var committed in consumer.Committed(partitions, KafkaTimeout))
        {
            var start = topology.StartOf(committed.Topic);
            if (committed.Offset != Offset.Unset || start is null)
            {
                result.Add(committed.Offset != Offset.Unset ? committed : new TopicPartitionOffset(committed.TopicPartition, Offset.Beginning));
                continue;
            }

            switch (start.Kind)
            {
                case StartPositionKind.Latest:
                    result.Add(new TopicPartitionOffset(committed.TopicPartition, Offset.End));
                    break;
                case StartPositionKind.Timestamp:
                    byTime.Add(new TopicPartitionTimestamp(committed.TopicPartition, new Timestamp(start.TimestampMs, TimestampType.CreateTime)));
                    break;
                case StartPositionKind.Offsets when start.Offsets.TryGetValue(committed.Partition.Value, out var offset):
                    result.Add(new TopicPartitionOffset(committed.TopicPartition, new Offset(offset)));
                    break;
                default:
                    result.Add(new TopicPartitionOffset(committed.TopicPartition, Offset.Beginning));
                    break;
            }
        }

        if (byTime.Count > 0)
        {
            // A partition without a record at or after the time starts at its end.
            result.AddRange(consumer.OffsetsForTimes(byTime, KafkaTimeout)
                .Select(o => o.Offset.Value < 0 ? new TopicPartitionOffset(o.TopicPartition, Offset.End) : o));
        }

        return result;
    }
}
