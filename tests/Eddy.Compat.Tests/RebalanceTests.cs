using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Members joining and leaving a consuming group while records keep arriving: with offsets committed after
/// processing, no record is lost and none is read twice (eager and cooperative-sticky rebalancing).
/// </summary>
public class RebalanceTests
{
    // While the leader's assignment is awaited Kafka refuses commits with REBALANCE_IN_PROGRESS (Eddy too); the
    // client's background thread completes the sync meanwhile, so a well-behaved application retries shortly.
    private static void CommitWithRetry(IConsumer<Null, string> consumer, List<TopicPartitionOffset> offsets)
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
                // This member is no longer part of the generation: its partitions have moved on.
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
        var group = "churners-" + strategy;
        using var stopAll = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        Task Member(CancellationToken leave) => Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
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
                seen.AddOrUpdate(int.Parse(result.Message.Value, System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                lastProcessed[(consumer.MemberId, result.Partition.Value)] = result.Offset.Value;
                CommitWithRetry(consumer, [new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            }
            consumer.Close();
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
        var repeated = seen.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} records were read twice, e.g. {repeated.FirstOrDefault()}");
    }
}
