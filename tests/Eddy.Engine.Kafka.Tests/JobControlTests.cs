using System.Diagnostics;
using Confluent.Kafka;
using Eddy.Engine.Kafka.Control;
using Eddy.Engine.Plan;
using Eddy.Engine.Hosting;
using Eddy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>Workers on the job control topic: their records, what a crash leaves, and the stop requests they obey.</summary>
public class JobControlTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(300);

    private static JobWorker Worker(BrokerFixture broker, JobPlan plan, string stateDir, string workerId) => new(plan, new JobWorkerOptions
    {
        BootstrapServers = broker.BootstrapServers,
        StateDirectory = stateDir,
        WorkerId = workerId,
        Control = new JobControlOptions { HeartbeatInterval = Heartbeat, Description = "upper-cases words" },
    });

    /// <summary>Reads the control topic until <paramref name="done"/> holds for the job's records (or fails after the timeout).</summary>
    private static async Task<IReadOnlyList<JobWorkerRecord>> WaitForAsync(JobRegistry registry, string job, Func<IReadOnlyList<JobWorkerRecord>, bool> done,
        string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<JobWorkerRecord> workers = [];
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            workers = (await registry.ReadAsync()).WorkersOf(job);
            if (done(workers))
            {
                return workers;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{what}: not within {clock.Elapsed.TotalSeconds:0} s; records: {string.Join("; ", workers)}");
        return workers;
    }

    private static bool EachRunsOnePartition(IReadOnlyList<JobWorkerRecord> workers) =>
        workers.Count == 2 && workers.All(w => w.State == JobWorkerStates.Running && w.Partitions.Count == 1);

    [Fact]
    public async Task Two_workers_of_a_job_publish_their_partitions_and_plan_and_a_stop_request_stops_both_cleanly_with_their_output_committed()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.Stateless("upper");
        var input = KafkaJobs.Words(200);
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);
        var registry = new JobRegistry(broker.BootstrapServers);

        await using var a = Worker(broker, plan, Path.Combine(state.Path, "a"), "a");
        await using var b = Worker(broker, plan, Path.Combine(state.Path, "b"), "b");
        await a.StartAsync();
        await b.StartAsync();

        var workers = await WaitForAsync(registry, "upper", EachRunsOnePartition, "both workers running a partition each");
        Assert.Equal(["a", "b"], workers.Select(w => w.WorkerId));
        Assert.Equal([new JobTopicPartition("in", 0), new JobTopicPartition("in", 1)], workers.SelectMany(w => w.Partitions).OrderBy(p => p.Partition).ToList());
        foreach (var worker in workers)
        {
            Assert.Equal("upper", worker.Job);
            Assert.Equal("upper-cases words", worker.Description);
            Assert.Equal(Environment.ProcessId, worker.Pid);
            Assert.Equal(Environment.MachineName, worker.Host);
            Assert.True(worker.ExactlyOnce);
            Assert.Equal(["in"], worker.InputTopics);
            Assert.Equal(["out"], worker.OutputTopics);
            Assert.Equal(plan.Stages.Count, worker.Stages.Count);
            Assert.Contains(worker.Stages[0].Operators, o => o.Kind == nameof(OperatorKind.Sink) && o.Topic == "out");
            Assert.Equal((long)Heartbeat.TotalMilliseconds, worker.HeartbeatIntervalMs);
            Assert.False(worker.IsLostAt(DateTimeOffset.UtcNow));
        }

        // Every input record is read (and so counted) before the stop.
        await WaitForAsync(registry, "upper", ws => ws.Sum(w => w.RecordsIn) >= input.Count && ws.All(w => w.Commits > 0 && w.LastCommitAt is not null),
            "every record read and committed");

        await registry.RequestStopAsync("upper", workerId: null);

        Assert.Equal(WorkerExit.Stopped, await a.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(WorkerExit.Stopped, await b.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(a.StopRequested);
        Assert.True(b.StopRequested);
        Assert.Empty((await registry.ReadAsync()).WorkersOf("upper"));
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, input.Count);
        Assert.Equal(input.Select(r => r.Value.ToUpperInvariant()).Order(StringComparer.Ordinal),
            output.Select(r => System.Text.Encoding.UTF8.GetString(r.Value!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stop_request_for_one_worker_stops_only_that_worker_and_the_other_takes_over_its_partitions()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.Stateless("one");
        var registry = new JobRegistry(broker.BootstrapServers);

        await using var a = Worker(broker, plan, Path.Combine(state.Path, "a"), "a");
        await using var b = Worker(broker, plan, Path.Combine(state.Path, "b"), "b");
        await a.StartAsync();
        await b.StartAsync();
        await WaitForAsync(registry, "one", EachRunsOnePartition, "both workers running a partition each");

        await registry.RequestStopAsync("one", "a");

        Assert.Equal(WorkerExit.Stopped, await a.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(a.StopRequested);
        var rest = await WaitForAsync(registry, "one", ws => ws.Count == 1 && ws[0].Partitions.Count == 2, "worker b alone with both partitions");
        Assert.Equal("b", rest[0].WorkerId);
        Assert.False(b.Completion.IsCompleted);
        Assert.False(b.StopRequested);
    }

    [Fact]
    public async Task A_stop_request_written_before_a_worker_started_does_not_stop_it()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var registry = new JobRegistry(broker.BootstrapServers);
        await using (var first = Worker(broker, KafkaJobs.Stateless("late"), Path.Combine(state.Path, "first"), "w"))
        {
            // The first run creates the control topic; its stop request stays behind (never cleared).
            await first.StartAsync();
            await WaitForAsync(registry, "late", ws => ws.Count == 1, "the first worker's record");
            await registry.RequestStopAsync("late", workerId: null);
            Assert.Equal(WorkerExit.Stopped, await first.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.Single((await registry.ReadAsync()).StopRequests);
        await using var second = Worker(broker, KafkaJobs.Stateless("late"), Path.Combine(state.Path, "second"), "w");
        await second.StartAsync();
        await WaitForAsync(registry, "late", ws => ws.Count == 1 && ws[0].State == JobWorkerStates.Running, "the second worker running");
        await Task.Delay(Heartbeat * 4);

        Assert.False(second.Completion.IsCompleted);
        Assert.False(second.StopRequested);
    }

    [Fact]
    public async Task A_worker_that_dies_without_a_clean_stop_leaves_its_record_which_turns_lost_after_the_heartbeat_window()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var registry = new JobRegistry(broker.BootstrapServers);
        var worker = Worker(broker, KafkaJobs.Stateless("crashed"), state.Path, "k");
        await worker.StartAsync();
        var running = await WaitForAsync(registry, "crashed", ws => ws.Count == 1 && ws[0].State == JobWorkerStates.Running, "the worker running");
        Assert.False(running[0].IsLostAt(DateTimeOffset.UtcNow));

        // As kill -9 would: nothing committed, nothing deleted.
        worker.Crash();

        var left = Assert.Single((await registry.ReadAsync()).WorkersOf("crashed"));
        var lostAt = left.UpdatedAt + (Heartbeat * JobWorkerRecord.LostAfterHeartbeats);
        Assert.Equal(JobWorkerStates.Running, left.StateAt(lostAt - TimeSpan.FromMilliseconds(50)));
        Assert.Equal(JobWorkerStates.Lost, left.StateAt(lostAt + TimeSpan.FromMilliseconds(50)));
        await Task.Delay(Heartbeat * (JobWorkerRecord.LostAfterHeartbeats + 1));
        var snapshot = await registry.ReadAsync();
        var lost = Assert.Single(snapshot.WorkersOf("crashed"));
        Assert.Equal(left.UpdatedAt, lost.UpdatedAt);
        Assert.True(lost.IsLostAt(snapshot.ReadAt));

        // A lost worker cannot delete its record: a tool does it for it.
        await registry.RemoveWorkerAsync("crashed", "k");
        Assert.Empty((await registry.ReadAsync()).WorkersOf("crashed"));
    }

    [Fact]
    public async Task A_clean_stop_deletes_the_record_with_a_tombstone_on_a_compacted_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var registry = new JobRegistry(broker.BootstrapServers);
        await using (var worker = Worker(broker, KafkaJobs.Stateless("clean"), state.Path, "c"))
        {
            await worker.StartAsync();
            await WaitForAsync(registry, "clean", ws => ws.Count == 1, "the worker's record");
        }

        Assert.Empty((await registry.ReadAsync()).Workers);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var configs = await admin.DescribeConfigsAsync([new Confluent.Kafka.Admin.ConfigResource { Type = Confluent.Kafka.Admin.ResourceType.Topic, Name = JobControlTopic.DefaultName }]);
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
        var metadata = admin.GetMetadata(JobControlTopic.DefaultName, TimeSpan.FromSeconds(10));
        Assert.Single(metadata.Topics[0].Partitions);
        using var consumer = new ConsumerBuilder<string, byte[]?>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "check" }).Build();
        consumer.Assign(new TopicPartitionOffset(JobControlTopic.DefaultName, 0, Offset.Beginning));
        ConsumeResult<string, byte[]?>? last = null;
        var end = consumer.QueryWatermarkOffsets(new TopicPartition(JobControlTopic.DefaultName, 0), TimeSpan.FromSeconds(10)).High.Value;
        while (last is null || last.Offset.Value < end - 1)
        {
            last = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("the control topic was not read to its end");
        }

        Assert.Equal(JobControlTopic.WorkerKey("clean", "c"), last.Message.Key);
        Assert.Null(last.Message.Value);
    }

    [Fact]
    public async Task A_worker_without_control_options_writes_nothing_to_the_control_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        KafkaJobs.Produce(broker.BootstrapServers, "in", KafkaJobs.Words(10));
        await using (var worker = new JobWorker(KafkaJobs.Stateless("quiet"),
            new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "q", Control = null }))
        {
            await worker.StartAsync();
            Assert.Equal(20, KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 20).Count);
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == JobControlTopic.DefaultName);
    }

    [Fact]
    public async Task A_hosted_worker_stopped_by_a_stop_request_stops_cleanly_and_leaves_the_application_running()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var registry = new JobRegistry(broker.BootstrapServers);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddEddyJob(KafkaJobs.Stateless("hosted-stop"), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers,
            StateDirectory = state.Path,
            WorkerId = "h",
            Control = new JobControlOptions { HeartbeatInterval = Heartbeat },
        });
        using var host = builder.Build();
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await host.StartAsync();
        await WaitForAsync(registry, "hosted-stop", ws => ws.Count == 1 && ws[0].State == JobWorkerStates.Running, "the hosted worker running");

        await registry.RequestStopAsync("hosted-stop", workerId: null);

        var worker = host.Services.GetServices<IHostedService>().OfType<JobWorkerService>().Single().Worker!;
        Assert.Equal(WorkerExit.Stopped, await worker.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(worker.StopRequested);
        Assert.Empty((await registry.ReadAsync()).WorkersOf("hosted-stop"));
        Assert.False(stopping.IsCancellationRequested);
        // The host's own stop afterwards finds the worker stopped cleanly: no error.
        await host.StopAsync();
    }
}
