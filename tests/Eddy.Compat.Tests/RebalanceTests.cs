using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Members joining and leaving a consuming group while records keep arriving: with offsets committed after
/// processing, no record is lost and none is read twice (eager and cooperative-sticky rebalancing), except a record
/// whose own commit was refused because the member's generation had moved on: that one is read again by the
/// partition's next owner (at-least-once, as with Kafka).
/// </summary>
public class RebalanceTests
{
    // While the leader's assignment is awaited Kafka refuses commits with REBALANCE_IN_PROGRESS (Eddy too); the
    // client's background thread completes the sync meanwhile, so a well-behaved application retries shortly.
    // A commit refused for good is noted in <paramref name="refused"/> when given (partition and committed offset).
    private static void CommitWithRetry(IConsumer<Null, string> consumer, List<TopicPartitionOffset> offsets,
        ConcurrentDictionary<(int Partition, long Offset), ErrorCode>? refused = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                consumer.Commit(offsets);
                return;
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.RebalanceInProgress && attempt < 200)
            {
                Thread.Sleep(10);
            }
            catch (KafkaException e) when (e.Error.Code is ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.RebalanceInProgress)
            {
                // This member's generation has moved on (or it is no longer a member): the commit is lost, and the
                // partition's next owner may read these records again.
                foreach (var offset in offsets)
                {
                    refused?.TryAdd((offset.Partition.Value, offset.Offset.Value), e.Error.Code);
                }
                return;
            }
        }
    }

    // Cooperative-sticky: the revoked handler commits while the member's next JoinGroup may already be parked on
    // the same coordinator connection; the broker answers one connection's requests in order, as Kafka does.
    [Theory]
    [InlineData(PartitionAssignmentStrategy.Range)]
    [InlineData(PartitionAssignmentStrategy.RoundRobin)]
    [InlineData(PartitionAssignmentStrategy.CooperativeSticky)]
    public async Task A_fourth_member_joins_and_one_leaves_without_losing_or_repeating_records(PartitionAssignmentStrategy strategy)
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        const string topic = "churn";
        const int total = 12_000;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 12, ReplicationFactor = 1 }]);
        }

        var seen = new ConcurrentDictionary<int, int>();
        var lastProcessed = new ConcurrentDictionary<(string Member, int Partition), long>();
        // Where each record was read, and the records whose own commit (the offset after them) was refused: the member
        // processed such a record, but its commit came after the generation had moved on (e.g. an OffsetCommit queued
        // behind the member's own JoinGroup on the coordinator connection, or a member expelled meanwhile). The next
        // owner reads it again: at-least-once, as with Kafka, and the only repeat the assertion tolerates.
        var readAt = new ConcurrentDictionary<int, (int Partition, long Offset)>();
        var refusedCommits = new ConcurrentDictionary<(int Partition, long Offset), ErrorCode>();
        var group = "churners-" + strategy;
        using var stopAll = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var closesLeftBehind = 0;
        Task Member(CancellationToken leave) => Task.Run(() =>
        {
            var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
            {
                BootstrapServers = broker.BootstrapServers,
                GroupId = group,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
                SessionTimeoutMs = 6000,
                HeartbeatIntervalMs = 300,
                PartitionAssignmentStrategy = strategy,
            })
            // Partitions leaving this member: commit what was processed, so their next owner starts right after it.
            .SetPartitionsRevokedHandler((c, revoked) =>
            {
                var processed = revoked.Where(r => lastProcessed.ContainsKey((c.MemberId, r.Partition.Value)))
                    .Select(r => new TopicPartitionOffset(r.TopicPartition, lastProcessed[(c.MemberId, r.Partition.Value)] + 1)).ToList();
                if (processed.Count > 0)
                {
                    CommitWithRetry(c, processed);
                }
                // What this member processed of these partitions is history once they leave it. If one comes back to it
                // later and leaves again before any new record of it is processed, committing that old offset would
                // rewind the partition over what its other owners processed meanwhile, and its next owner would read
                // all of that again.
                foreach (var r in revoked)
                {
                    lastProcessed.TryRemove((c.MemberId, r.Partition.Value), out _);
                }
            })
            .Build();
            consumer.Subscribe(topic);
            while (!leave.IsCancellationRequested && !stopAll.IsCancellationRequested && seen.Count < total)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is null)
                {
                    continue;
                }
                // Process, then commit: the next owner of this partition starts after this record.
                var value = int.Parse(result.Message.Value, System.Globalization.CultureInfo.InvariantCulture);
                seen.AddOrUpdate(value, 1, (_, n) => n + 1);
                readAt[value] = (result.Partition.Value, result.Offset.Value);
                lastProcessed[(consumer.MemberId, result.Partition.Value)] = result.Offset.Value;
                CommitWithRetry(consumer, [new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)], refusedCommits);
            }
            // librdkafka's close has been seen to never return (3 times in about 100 runs, cooperative-sticky only) when a
            // member closes while an incremental assignment waits for the application: its log says "treating assign as
            // unassign" and never "Consumer closed". What this test checks is the records each member read and
            // committed, all done by now, so a close still running after 30 s is left behind and counted, not awaited.
            var close = Task.Run(() =>
            {
                consumer.Close();
                consumer.Dispose();
            });
            if (!close.Wait(TimeSpan.FromSeconds(30)))
            {
                Interlocked.Increment(ref closesLeftBehind);
            }
        }, CancellationToken.None);

        using var leaver = new CancellationTokenSource();
        var members = new List<Task> { Member(CancellationToken.None), Member(CancellationToken.None), Member(leaver.Token) };
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < total; i++)
            {
                producer.Produce(new TopicPartition(topic, i % 12), new Message<Null, string> { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                if (i == total / 3)
                {
                    producer.Flush(TimeSpan.FromSeconds(10));
                    await Task.Delay(1000);
                    members.Add(Member(CancellationToken.None)); // a fourth member joins mid-stream
                }
                if (i == 2 * total / 3)
                {
                    producer.Flush(TimeSpan.FromSeconds(10));
                    await Task.Delay(1000);
                    await leaver.CancelAsync(); // and one leaves
                }
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        await Task.WhenAll(members).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(total, seen.Count);
        var repeated = seen.Where(kv => kv.Value > 1).Select(kv => kv.Key).Order().ToList();
        ErrorCode? Refused(int record) =>
            refusedCommits.TryGetValue((readAt[record].Partition, readAt[record].Offset + 1), out var error) ? error : null;
        var commitRefused = repeated.Where(r => Refused(r) is not null).ToList();
        var unexplained = repeated.Except(commitRefused).ToList();
        Assert.True(unexplained.Count == 0, $"{unexplained.Count} records were read twice, e.g. {unexplained.FirstOrDefault()} "
            + $"(and {commitRefused.Count} after their commit was refused: {string.Join(", ", commitRefused.Take(5).Select(r => $"{r} {Refused(r)}"))}; "
            + $"{closesLeftBehind} consumer closes left behind)");
    }
}
