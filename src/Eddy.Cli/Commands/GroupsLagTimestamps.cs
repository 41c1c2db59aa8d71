using Confluent.Kafka;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Commands;

/// <summary>
/// Reads, for <c>eddy groups describe</c>'s LAG-SECONDS, the timestamp of the oldest record a group has not consumed
/// on each partition it lags on: the first record at or after its committed offset. One consumer, assigned to every
/// such partition at its committed offset, reads until each has given one record (a partition is paused once it
/// has) or the time runs out; the partitions it could not read in time are left out (shown as '-').
/// </summary>
internal static class GroupsLagTimestamps
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static async Task<Dictionary<GroupPartition, long>> ReadAsync(ClientSettings client, IEnumerable<(GroupPartition Partition, long Offset)> lagging,
        CancellationToken cancellationToken)
    {
        var wanted = lagging.ToDictionary(l => new TopicPartition(l.Partition.Topic, l.Partition.Partition), l => l.Offset);
        if (wanted.Count == 0)
        {
            return [];
        }
        var overrides = new Dictionary<string, string>
        {
            // The client insists on a group.id, but with Assign and no commits the group is never contacted.
            ["group.id"] = KafkaClientFactory.ClientId,
            ["enable.auto.commit"] = "false",
            ["enable.partition.eof"] = "false",
            // As the broker's eddy_group_lag_seconds: the record at the committed offset, whether or not its transaction committed.
            ["isolation.level"] = "read_uncommitted",
            // One record per partition is wanted: small fetches.
            ["max.partition.fetch.bytes"] = "4096",
        };
        return await Task.Run(() => Read(client, overrides, wanted, cancellationToken), cancellationToken);
    }

    private static Dictionary<GroupPartition, long> Read(ClientSettings client, Dictionary<string, string> overrides,
        Dictionary<TopicPartition, long> wanted, CancellationToken cancellationToken)
    {
        var found = new Dictionary<GroupPartition, long>();
        using var consumer = KafkaClientFactory.CreateConsumer(client, null, overrides, static _ => { });
        try
        {
            consumer.Assign(wanted.Select(w => new TopicPartitionOffset(w.Key, w.Value)));
            var deadline = DateTime.UtcNow + ReadTimeout;
            while (found.Count < wanted.Count && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null || record.IsPartitionEOF)
                {
                    continue;
                }
                var partition = new GroupPartition(record.Topic, record.Partition.Value);
                if (record.Offset.Value >= wanted[record.TopicPartition] && found.TryAdd(partition, record.Message.Timestamp.UnixTimestampMs))
                {
                    consumer.Pause([record.TopicPartition]);
                }
            }
        }
        finally
        {
            consumer.Close();
        }
        return found;
    }
}
