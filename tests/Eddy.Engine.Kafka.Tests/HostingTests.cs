using Confluent.Kafka;
using Eddy.Engine.Hosting;
using Eddy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eddy.Engine.Kafka.Tests;

public class HostingTests
{
    private static IHost Host(BrokerFixture broker, Plan.JobPlan plan, string stateDir, string workerId)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddEddyJob(_ => plan, _ => new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = workerId });
        return builder.Build();
    }

    private static JobWorkerService Service(IHost host) => host.Services.GetServices<IHostedService>().OfType<JobWorkerService>().Single();

    [Fact]
    public async Task A_job_hosted_in_a_generic_host_runs_and_its_stop_commits_so_a_restarted_host_does_not_reprocess()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("hosted");
        var first = KafkaJobs.Words(500);
        var second = KafkaJobs.Words(500, from: 500);
        var expectedFirst = KafkaJobs.Reference(plan, first);
        var expected = KafkaJobs.Reference(plan, first.Concat(second));
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);

        using (var host = Host(broker, plan, state.Path, "h"))
        {
            await host.StartAsync();
            Assert.Equal(expectedFirst, KafkaJobs.Shown(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expectedFirst.Count)));
            await host.StopAsync();
            Assert.Equal(WorkerExit.Stopped, await Service(host).Worker!.Completion);
        }

        // The stop committed every input record the job had read.
        Assert.Equal([500L, 500L], CommittedOffsets(broker.BootstrapServers, "hosted", "in", 2));

        KafkaJobs.Produce(broker.BootstrapServers, "in", second);
        using (var host = Host(broker, plan, state.Path, "h"))
        {
            await host.StartAsync();
            Assert.Equal(expected, KafkaJobs.Shown(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count)));
            // The stop also checkpointed the state: the restarted worker had nothing to replay.
            Assert.Equal(0, Service(host).Worker!.RestoredRecords);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_hosted_worker_that_is_fenced_stops_the_application_and_fails_its_stop()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-state");
        using var stateB = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("fenced");
        KafkaJobs.Produce(broker.BootstrapServers, "in", KafkaJobs.Words(300));

        using var host = Host(broker, plan, stateA.Path, "same");
        await host.StartAsync();
        Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 1));
        var stopping = new TaskCompletionSource();
        using var registration = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.SetResult);

        await using var successor = new JobWorker(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateB.Path, WorkerId = "same" });
        await successor.StartAsync();
        KafkaJobs.Produce(broker.BootstrapServers, "in", KafkaJobs.Words(300, from: 300));

        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(WorkerExit.Fenced, await Service(host).Worker!.Completion);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StopAsync());
        Assert.Contains("fenced", error.ToString(), StringComparison.Ordinal);
    }

    private static List<long> CommittedOffsets(string bootstrap, string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group }).Build();
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(30))
            .OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value).ToList();
    }
}
