using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>Confluent.Kafka consumer groups against Eddy's group coordinator: assignment, commits, resumption.</summary>
public class ConsumerGroupTests
{
    private static readonly Dictionary<string, string> NoInitialDelay = new() { ["group.initial.rebalance.delay.ms"] = "0" };

    private static async Task CreateTopic(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    private static void Produce(string bootstrap, string topic, int partitions, int count, int start = 0)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5 }).Build();
        for (var i = start; i < start + count; i++)
        {
            producer.Produce(new TopicPartition(topic, i % partitions), new Message<Null, string> { Value = $"r{i}" });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static IConsumer<Null, string> Consumer(string bootstrap, string group, PartitionAssignmentStrategy strategy = PartitionAssignmentStrategy.Range) =>
        new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            PartitionAssignmentStrategy = strategy,
        }).Build();

    [Theory]
    [InlineData(PartitionAssignmentStrategy.Range)]
    [InlineData(PartitionAssignmentStrategy.RoundRobin)]
    [InlineData(PartitionAssignmentStrategy.CooperativeSticky)]
    public async Task Three_consumers_share_twelve_partitions_and_read_every_record_once(PartitionAssignmentStrategy strategy)
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        const string topic = "shared";
        await CreateTopic(broker.BootstrapServers, topic, 12);

        // First the group settles: every member polls until the three of them own four partitions each.
        var consumers = Enumerable.Range(0, 3).Select(_ => Consumer(broker.BootstrapServers, "sharers-" + strategy, strategy)).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var settled = consumers.Select(consumer => Task.Run(() =>
        {
            consumer.Subscribe(topic);
            while (!stop.IsCancellationRequested && consumers.Any(c => c.Assignment.Count != 4))
            {
                consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
        })).ToList();
        await Task.WhenAll(settled).WaitAsync(TimeSpan.FromSeconds(120));
        var assignments = consumers.Select(c => c.Assignment.Select(tp => tp.Partition.Value).ToList()).ToList();
        Assert.Equal(Enumerable.Range(0, 12), assignments.SelectMany(a => a).Order());

        // Then every record is read exactly once, by the owner of its partition.
        Produce(broker.BootstrapServers, topic, 12, 6000);
        var seen = new ConcurrentDictionary<string, int>();
        var loops = consumers.Select((consumer, index) => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && seen.Count < 6000)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is null)
                {
                    continue;
                }
                Assert.Contains(result.Partition.Value, assignments[index]);
                seen.AddOrUpdate(result.Message.Value, 1, (_, n) => n + 1);
                consumer.Commit(result);
            }
        })).ToList();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(6000, seen.Count);
        Assert.All(seen, kv => Assert.Equal(1, kv.Value));
        Assert.All(assignments, a => Assert.Equal(4, a.Count));
        foreach (var consumer in consumers)
        {
            consumer.Close();
            consumer.Dispose();
        }
    }

    [Fact]
    public async Task Committed_offsets_survive_a_broker_restart_and_consumers_resume_there()
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        const string topic = "resume";
        await CreateTopic(broker.BootstrapServers, topic, 2);
        Produce(broker.BootstrapServers, topic, 2, 100);
        using (var consumer = Consumer(broker.BootstrapServers, "resumers"))
        {
            consumer.Subscribe(topic);
            var read = 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (read < 60 && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is null)
                {
                    continue;
                }
                read++;
                consumer.Commit(result);
            }
            Assert.Equal(60, read);
            var committed = consumer.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], TimeSpan.FromSeconds(10));
            Assert.Equal(60, committed.Sum(c => c.Offset.Value));
            consumer.Close();
        }

        await broker.RestartAsync();
        Produce(broker.BootstrapServers, topic, 2, 10, start: 100);
        using var resumed = Consumer(broker.BootstrapServers, "resumers");
        resumed.Subscribe(topic);
        var values = new List<int>();
        var end = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < 50 && DateTime.UtcNow < end)
        {
            var result = resumed.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not null)
            {
                values.Add(int.Parse(result.Message.Value[1..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        // 110 records, 60 committed before the restart: exactly the other 50, none of the first 60 again.
        Assert.Equal(50, values.Count);
        Assert.Equal(50, values.Distinct().Count());
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var groups = await admin.ListConsumerGroupsAsync();
        Assert.Contains(groups.Valid, g => g.GroupId == "resumers");
        resumed.Close();
    }

    /// <summary>
    /// Kafka keeps a group's members, generation and assignment in its group metadata record, so a coordinator restart
    /// costs the members nothing: they heartbeat on, commit with their generation (plainly or inside a transaction,
    /// KIP-447's check), and nobody rebalances.
    /// </summary>
    [Fact]
    public async Task A_broker_restart_keeps_the_group_so_its_member_goes_on_without_a_rebalance()
    {
        // A fixed port: the clients of before the restart must find the broker again.
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string>(NoInitialDelay)
        {
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{FreePort.Next()}",
        });
        const string topic = "kept";
        const string group = "keepers";
        await CreateTopic(broker.BootstrapServers, topic, 2);
        Produce(broker.BootstrapServers, topic, 2, 20);
        var assigned = 0;
        var revoked = 0;
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 300,
        }).SetPartitionsAssignedHandler((_, _) => Interlocked.Increment(ref assigned))
          .SetPartitionsRevokedHandler((_, _) => Interlocked.Increment(ref revoked))
          .SetPartitionsLostHandler((_, _) => Interlocked.Increment(ref revoked))
          .Build();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, TransactionalId = "keeper-txn" }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(10));
        consumer.Subscribe(topic);
        Assert.Equal(20, ConsumeValues(consumer, 20).Count);
        var before = broker.Broker.Groups.Describe(group)!;
        Assert.Equal(Eddy.Broker.Groups.GroupState.Stable, before.State);

        await broker.RestartAsync();

        var after = broker.Broker.Groups.Describe(group)!;
        Assert.Equal(Eddy.Broker.Groups.GroupState.Stable, after.State);
        Assert.Equal(before.Generation, after.Generation);
        Assert.Equal(before.Members.Select(m => m.MemberId), after.Members.Select(m => m.MemberId));
        Assert.Equal(before.Members.Select(m => Convert.ToHexString(m.Assignment)), after.Members.Select(m => Convert.ToHexString(m.Assignment)));

        // Several heartbeats after the restart, then new records, read on from where the member was.
        await Task.Delay(2000);
        Produce(broker.BootstrapServers, topic, 2, 10, start: 20);
        var values = ConsumeValues(consumer, 10);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => $"r{i}").Order(), values.Order());

        // A transactional commit with the consumer's group metadata: accepted, the generation being the same.
        producer.BeginTransaction();
        producer.Produce(topic, new Message<Null, string> { Value = "txn" });
        var positions = consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))).ToList();
        producer.SendOffsetsToTransaction(positions, consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(10));
        producer.CommitTransaction(TimeSpan.FromSeconds(10));
        var committed = consumer.Committed(consumer.Assignment, TimeSpan.FromSeconds(10));
        Assert.Equal(30, committed.Sum(c => c.Offset.Value));

        Assert.Equal(1, assigned);
        Assert.Equal(0, revoked);
        Assert.Equal(before.Generation, broker.Broker.Groups.Describe(group)!.Generation);

        // Emptied, it comes back empty (not with a ghost member to wait for); deleted, it does not come back.
        consumer.Close();
        var emptied = broker.Broker.Groups.Describe(group)!;
        Assert.Equal(Eddy.Broker.Groups.GroupState.Empty, emptied.State);
        await broker.RestartAsync();
        var reloaded = broker.Broker.Groups.Describe(group)!;
        Assert.Equal(Eddy.Broker.Groups.GroupState.Empty, reloaded.State);
        Assert.Equal(emptied.Generation, reloaded.Generation);
        Assert.Empty(reloaded.Members);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.DeleteGroupsAsync([group]);
        }
        await broker.RestartAsync();
        Assert.Null(broker.Broker.Groups.Describe(group));
    }

    private static List<string> ConsumeValues(IConsumer<Null, string> consumer, int count)
    {
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                values.Add(message.Value);
            }
        }
        return values;
    }

    [Fact]
    public async Task Auto_commit_stores_the_consumed_position()
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        const string topic = "autocommit";
        await CreateTopic(broker.BootstrapServers, topic, 1);
        Produce(broker.BootstrapServers, topic, 1, 100);
        using (var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "auto",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 200,
        }).Build())
        {
            consumer.Subscribe(topic);
            var read = 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (read < 100 && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100))?.Message is not null)
                {
                    read++;
                }
            }
            Assert.Equal(100, read);
            // Close commits the final position; the interval commits before it.
            consumer.Close();
        }
        Assert.Equal(100, broker.Broker.Groups.Offsets.Get("auto", topic, 0)!.Value.Offset);
    }
}
