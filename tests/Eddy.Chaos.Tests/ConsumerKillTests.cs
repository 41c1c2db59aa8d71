using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>A group member's process killed with SIGKILL: its partitions move to the others after its session timeout.</summary>
public class ConsumerKillTests
{
    [Fact]
    public async Task Partitions_of_a_killed_consumer_process_move_to_the_survivor_after_the_session_timeout()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        const string topic = "victims";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 12, ReplicationFactor = 1 }]);
        }

        // The victim: `eddy consume --group` in its own process, with a 4 s session.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "eddy.dll"), "consume", topic, "-b", broker.BootstrapServers, "--group", "victims",
            "-X", "session.timeout.ms=4000", "-X", "heartbeat.interval.ms=300" })
        {
            info.ArgumentList.Add(arg);
        }
        using var victim = Process.Start(info)!;
        victim.OutputDataReceived += (_, _) => { };
        victim.ErrorDataReceived += (_, _) => { };
        victim.BeginOutputReadLine();
        victim.BeginErrorReadLine();

        using var survivor = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "victims",
            SessionTimeoutMs = 4000,
            HeartbeatIntervalMs = 300,
            EnableAutoCommit = false,
        }).Build();
        survivor.Subscribe(topic);
        Assert.True(PollUntil(survivor, () => survivor.Assignment.Count == 6, TimeSpan.FromSeconds(60)), "the two members never shared the partitions");

        victim.Kill(entireProcessTree: true);
        victim.WaitForExit(10_000);
        var watch = Stopwatch.StartNew();
        Assert.True(PollUntil(survivor, () => survivor.Assignment.Count == 12, TimeSpan.FromSeconds(30)), "the survivor never got the partitions");
        watch.Stop();
        // Not before the session timeout (a killed process sends no LeaveGroup), and not much after it.
        Assert.InRange(watch.ElapsedMilliseconds, 2500, 15_000);
        survivor.Close();
    }

    private static bool PollUntil(IConsumer<Ignore, Ignore> consumer, Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }
        return true;
    }
}
