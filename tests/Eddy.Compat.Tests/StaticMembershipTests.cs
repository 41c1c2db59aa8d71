using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>Static membership (group.instance.id, KIP-345): a member that restarts within its session keeps its partitions.</summary>
public class StaticMembershipTests
{
    private static IConsumer<Ignore, Ignore> Member(string bootstrap, string instance) => new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = "statics",
        GroupInstanceId = instance,
        SessionTimeoutMs = 10_000,
        HeartbeatIntervalMs = 300,
        EnableAutoCommit = false,
    }).Build();

    private static bool PollUntil(IEnumerable<IConsumer<Ignore, Ignore>> consumers, Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            // One after the other: Parallel.ForEach over these blocking calls, on a pool thread, keeps the thread pool
            // from adding threads, and the in-process broker's socket completions then wait for seconds.
            foreach (var consumer in consumers)
            {
                consumer.Consume(TimeSpan.FromMilliseconds(50));
            }
        }
        return true;
    }

    [Fact]
    public async Task A_restarted_static_member_gets_its_partitions_back_without_moving_the_others()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "static", NumPartitions = 6, ReplicationFactor = 1 }]);
        }
        using var a = Member(broker.BootstrapServers, "instance-a");
        var b = Member(broker.BootstrapServers, "instance-b");
        a.Subscribe("static");
        b.Subscribe("static");
        Assert.True(PollUntil([a, b], () => a.Assignment.Count == 3 && b.Assignment.Count == 3, TimeSpan.FromSeconds(30)));
        var before = b.Assignment.Select(p => p.Partition.Value).Order().ToList();
        var aBefore = a.Assignment.Select(p => p.Partition.Value).Order().ToList();
        var generation = broker.Broker.Groups.Describe("statics")!.Generation;

        // A static member leaves no LeaveGroup behind when it closes: its place waits for it until the session ends.
        b.Close();
        b.Dispose();
        using var restarted = Member(broker.BootstrapServers, "instance-b");
        restarted.Subscribe("static");
        Assert.True(PollUntil([a, restarted], () => restarted.Assignment.Count == 3, TimeSpan.FromSeconds(30)));
        Assert.Equal(before, restarted.Assignment.Select(p => p.Partition.Value).Order().ToList());
        Assert.Equal(aBefore, a.Assignment.Select(p => p.Partition.Value).Order().ToList());
        // No rebalance happened: the group is still in the generation it had before the restart.
        Assert.Equal(generation, broker.Broker.Groups.Describe("statics")!.Generation);
        a.Close();
        restarted.Close();
    }

    [Fact]
    public async Task A_closed_static_member_is_removed_once_its_session_timeout_has_passed_since_its_last_heartbeat()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "static", NumPartitions = 2, ReplicationFactor = 1 }]);
        }
        using var a = Member(broker.BootstrapServers, "instance-a");
        var b = Member(broker.BootstrapServers, "instance-b");
        a.Subscribe("static");
        b.Subscribe("static");
        Assert.True(PollUntil([a, b], () => a.Assignment.Count == 1 && b.Assignment.Count == 1, TimeSpan.FromSeconds(30)));

        // The broker side is watched on its own thread, so that nothing the remaining member's Consume does (it takes
        // part in the rebalance that follows) delays noticing the removal.
        var closing = System.Diagnostics.Stopwatch.StartNew();
        var removedAfter = TimeSpan.Zero;
        var watcher = Task.Run(async () =>
        {
            while (closing.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (broker.Broker.Groups.Describe("statics")!.Members.All(m => m.InstanceId != "instance-b"))
                {
                    removedAfter = closing.Elapsed;
                    return;
                }
                await Task.Delay(10);
            }
        });
        b.Close();
        var closed = closing.Elapsed;
        b.Dispose();
        var disposed = closing.Elapsed;
        while (!watcher.IsCompleted)
        {
            a.Consume(TimeSpan.FromMilliseconds(20));
        }
        await watcher;
        Assert.True(removedAfter > TimeSpan.Zero, $"instance-b was never removed (close took {closed.TotalMilliseconds:F0} ms)");
        // Its last heartbeat was at most one heartbeat interval (300 ms) before the close began.
        Assert.InRange(removedAfter.TotalMilliseconds, 10_000 - 300 - 50, disposed.TotalMilliseconds + 10_000 + 400);
        a.Close();
    }
}
