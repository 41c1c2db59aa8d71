using Confluent.Kafka;
using Eddy.Engine.Plan;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Brings a worker's local state for newly assigned tasks up to their committed changelogs. Used by one stream thread's
/// task manager, on that thread only; <see cref="RestoredRecords"/> may be read from any thread.
/// </summary>
/// <param name="progress">Called as the restore goes on, so a long restore is not taken for a hung thread.</param>
/// <param name="stopping">Ends a restore early when the worker stops (OperationCanceledException).</param>
internal sealed class ChangelogRestorer(ICheckpointedStateBackend backend, string bootstrapServers, IReadOnlyDictionary<string, string> clientConfig, string jobName, Action progress,
    CancellationToken stopping)
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a restore waits for a changelog's open transaction: longer than the transaction timeout of a worker
    /// that died holding it, plus the broker's abort sweep.
    /// </summary>
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(90);

    private long _restored;
    private long _remaining;

    /// <summary>Records still to replay in the restore under way, as of its start less those replayed since; 0 between restores.</summary>
    public long RemainingRecords => Math.Max(0, Interlocked.Read(ref _remaining));

    /// <summary>Changelog records replayed so far.</summary>
    public long RestoredRecords => Interlocked.Read(ref _restored);

    /// <summary>
    /// Replays stores' changelog partitions into the state backend, all through one consumer: each from its checkpointed offset
    /// when the local state has one, else from the beginning into a wiped partition; up to the end of the committed
    /// changelog.
    /// </summary>
    public void Restore(List<(StoreDeclaration Store, int Partition)> stores)
    {
        if (stores.Count == 0)
        {
            return;
        }

        var targets = new Dictionary<TopicPartition, (string Store, int Partition, long? From)>();
        foreach (var (store, partition) in stores)
        {
            var from = backend.CheckpointedOffset(store.Name, partition);
            if (from is null)
            {
                backend.Wipe(store.Name, partition);
            }

            targets[new TopicPartition(store.ChangelogTopic, partition)] = (store.Name, partition, from);
        }

        ConsumerConfig Config(IsolationLevel isolation) => WorkerClientConfig.RestoreConsumer(bootstrapServers, clientConfig, jobName, isolation);

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Config(IsolationLevel.ReadCommitted)).Build();
        using var logEnd = new ConsumerBuilder<byte[]?, byte[]?>(Config(IsolationLevel.ReadUncommitted)).Build();

        // A previous owner's last transaction may be decided while its markers are still being written, or still be
        // open if that owner died (it is aborted when the owner comes back or its timeout expires): the restore
        // waits until the last stable offset has caught up with the log end, then reads all of it.
        var deadline = DateTime.UtcNow + RestoreTimeout;
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var tp in targets.Keys)
        {
            while (true)
            {
                var high = logEnd.QueryWatermarkOffsets(tp, KafkaTimeout).High.Value;
                var stable = consumer.QueryWatermarkOffsets(tp, KafkaTimeout).High.Value;
                if (stable >= high)
                {
                    ends[tp] = stable;
                    break;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"Changelog {tp} has a transaction open past {stable} (log end {high}): its state cannot be restored yet.");
                }

                progress();
                stopping.ThrowIfCancellationRequested();
                Thread.Sleep(50);
            }
        }

        var reading = targets.Where(t => ends[t.Key] > (t.Value.From ?? 0)).ToDictionary(t => t.Key, t => t.Value);
        if (reading.Count == 0)
        {
            return;
        }

        consumer.Assign(reading.Select(t => new TopicPartitionOffset(t.Key, t.Value.From is { } offset ? new Offset(offset) : Offset.Beginning)));
        var batches = reading.Keys.ToDictionary(tp => tp, _ => new List<(byte[] Key, byte[]? Value)>());
        var next = reading.ToDictionary(t => t.Key, t => t.Value.From ?? 0);
        void Apply(TopicPartition tp)
        {
            var (store, partition, _) = reading[tp];
            backend.ApplyChangelog(store, partition, batches[tp], next[tp]);
            batches[tp].Clear();
        }

        var remaining = new HashSet<TopicPartition>(reading.Keys);
        // An estimate: transaction markers and aborted records are part of the offsets to go, not replayed. A restore
        // that fails leaves it set until the next one starts (the thread fails or aborts and restores again).
        Interlocked.Exchange(ref _remaining, reading.Sum(t => ends[t.Key] - (t.Value.From ?? 0)));
        while (remaining.Count > 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Restoring {string.Join(", ", remaining)} did not reach the changelog end in time.");
            }

            progress();
            stopping.ThrowIfCancellationRequested();
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            var tp = record.TopicPartition;
            if (record.IsPartitionEOF)
            {
                // Control records (markers) advance the position without being returned: the end is where EOF is.
                if (record.Offset.Value >= ends[tp] && remaining.Remove(tp))
                {
                    next[tp] = Math.Max(next[tp], record.Offset.Value);
                    Apply(tp);
                }

                continue;
            }

            if (record.Message.Key is { } key)
            {
                batches[tp].Add((key, record.Message.Value));
            }

            next[tp] = record.Offset.Value + 1;
            Interlocked.Increment(ref _restored);
            Interlocked.Decrement(ref _remaining);
            if (batches[tp].Count >= 10_000)
            {
                Apply(tp);
            }
        }

        Interlocked.Exchange(ref _remaining, 0);
    }
}
