using Eddy.Engine.Runtime;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

public class JobWorkerTests
{
    private static JobWorker Worker(BrokerFixture broker, Plan.JobPlan plan, string stateDir, string workerId = "w0",
        ProcessingGuarantee guarantee = ProcessingGuarantee.ExactlyOnce) =>
        new(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = workerId, Guarantee = guarantee });

    [Fact]
    public async Task A_stateless_job_copies_its_input_to_its_output_exactly_once()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "out", 3);
        var input = KafkaJobs.Words(1000);
        input.AddRange(Enumerable.Range(0, 50).Select(i => ($"bad{i}", $"x{i}", 5L, i % 2)));
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);

        using (var worker = Worker(broker, KafkaJobs.Stateless("copy"), state.Path))
        {
            await worker.StartAsync();
            var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 3, 2000);
            var expected = input.Where(r => !r.Value.StartsWith('x'))
                .Select(r => (Key: r.Key, Value: r.Value.ToUpperInvariant()))
                .Select(r => $"{r.Key}={r.Value}@{Murmur2Partitioner.Partition(Serdes.String.Serialize(r.Key), 3)}")
                .Order(StringComparer.Ordinal);
            var actual = output.Select(r => $"{Serdes.String.Deserialize(r.Key)}={Serdes.String.Deserialize(r.Value)}@{r.Partition}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
            Assert.False(worker.Completion.IsCompleted);
        }
    }

    [Fact]
    public async Task A_repartitioned_window_count_matches_the_test_kit()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("wc");
        var input = KafkaJobs.Words(600);
        var expected = KafkaJobs.Reference(plan, input);
        Assert.NotEmpty(expected);
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);

        using var worker = Worker(broker, plan, state.Path);
        await worker.StartAsync();
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
        Assert.Equal(expected, KafkaJobs.Shown(output));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_restarted_worker_continues_exactly_once_with_its_state(bool deleteStateDirectory)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("wc");
        var first = KafkaJobs.Words(500);
        var second = KafkaJobs.Words(500, from: 500);
        var expected = KafkaJobs.Reference(plan, first.Concat(second));
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);

        using (var worker = Worker(broker, plan, state.Path))
        {
            await worker.StartAsync();
            // Some windows fired: the worker is mid-way through the input when it stops.
            Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 1));
        }

        if (deleteStateDirectory)
        {
            Directory.Delete(state.Path, recursive: true);
        }

        KafkaJobs.Produce(broker.BootstrapServers, "in", second);
        using (var worker = Worker(broker, plan, state.Path))
        {
            await worker.StartAsync();
            var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
            Assert.Equal(expected, KafkaJobs.Shown(output));
            if (deleteStateDirectory)
            {
                // The state came back from the changelog topics alone.
                Assert.True(worker.RestoredRecords > 0);
            }
            else
            {
                // The local checkpoint was current: nothing to replay.
                Assert.Equal(0, worker.RestoredRecords);
            }
        }
    }

    [Fact]
    public async Task At_least_once_mode_commits_offsets_after_the_outputs()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("alo");
        var input = KafkaJobs.Words(400);
        var expected = KafkaJobs.Reference(plan, input);
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);

        using var worker = Worker(broker, plan, state.Path, guarantee: ProcessingGuarantee.AtLeastOnce);
        await worker.StartAsync();
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
        Assert.Equal(expected, KafkaJobs.Shown(output));
        Assert.True(worker.Commits > 0);
    }

    [Fact]
    public async Task A_zombie_worker_is_fenced_and_stops_without_writing()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-state");
        using var stateB = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("wc");
        var first = KafkaJobs.Words(500);
        var second = KafkaJobs.Words(500, from: 500);
        var expected = KafkaJobs.Reference(plan, first.Concat(second));
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);

        using var zombie = Worker(broker, plan, stateA.Path, "same");
        await zombie.StartAsync();
        Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 1));

        using var successor = Worker(broker, plan, stateB.Path, "same");
        await successor.StartAsync();
        KafkaJobs.Produce(broker.BootstrapServers, "in", second);
        var exit = await zombie.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(WorkerExit.Fenced, exit);

        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
        Assert.Equal(expected, KafkaJobs.Shown(output));
        Assert.False(successor.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_crashed_worker_leaves_no_trace_its_successor_resumes_from_the_committed_point()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("wc");
        var first = KafkaJobs.Words(3000);
        var second = KafkaJobs.Words(500, from: 3000);
        var expected = KafkaJobs.Reference(plan, first.Concat(second));
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);

        var crashed = Worker(broker, plan, state.Path, "w");
        await crashed.StartAsync();
        Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 1));
        crashed.Crash();

        KafkaJobs.Produce(broker.BootstrapServers, "in", second);
        using var successor = Worker(broker, plan, state.Path, "w");
        await successor.StartAsync();
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
        Assert.Equal(expected, KafkaJobs.Shown(output));
    }

    [Fact]
    public async Task Two_workers_share_the_partitions_and_move_state_between_them()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-state");
        using var stateB = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("wc");
        var first = KafkaJobs.Words(500);
        var second = KafkaJobs.Words(500, from: 500);
        var third = KafkaJobs.Words(500, from: 1000);
        var expected = KafkaJobs.Reference(plan, first.Concat(second).Concat(third));
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);

        using var a = Worker(broker, plan, stateA.Path, "a");
        await a.StartAsync();
        Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, 1));
        using (var b = Worker(broker, plan, stateB.Path, "b"))
        {
            await b.StartAsync();
            KafkaJobs.Produce(broker.BootstrapServers, "in", second);
            await Task.Delay(TimeSpan.FromSeconds(8));
            Assert.False(b.Completion.IsCompleted);
            b.Dispose();
            Assert.Equal(WorkerExit.Stopped, await b.Completion);
        }

        KafkaJobs.Produce(broker.BootstrapServers, "in", third);
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count);
        Assert.False(a.Completion.IsCompleted, a.Error?.ToString());
        Assert.True(expected.SequenceEqual(KafkaJobs.Shown(output)), $"tasks {a.Tasks}, commits {a.Commits}, restored {a.RestoredRecords}, {output.Count}/{expected.Count}");
    }

    [Fact]
    public async Task Late_records_go_to_the_late_topic_and_the_status_counts_them()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 1);
        var plan = KafkaJobs.WindowCount("late");
        using var worker = Worker(broker, plan, state.Path);
        await worker.StartAsync();
        KafkaJobs.Produce(broker.BootstrapServers, "in", [("a", "w1", 1_000L, 0), ("b", "w1", 1_500L, 0), ("c", "w2", 5_000L, 0)]);
        // w1[1000,2000) fires once the watermark (4999) has gone through the repartition topic.
        Assert.Single(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 1, 1));

        KafkaJobs.Produce(broker.BootstrapServers, "in", [("d", "w1", 1_200L, 0), ("e", "w3", 900L, 0), ("f", "w2", 5_100L, 0)]);
        var late = KafkaJobs.ReadCommitted(broker.BootstrapServers, "late-count-late", 1, 2);
        Assert.Equal(["w1=w1@1200", "w3=w3@900"],
            late.Select(r => $"{Serdes.String.Deserialize(r.Key)}={Serdes.String.Deserialize(r.Value)}@{r.Timestamp}").Order(StringComparer.Ordinal));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (worker.Status.RecordsIn < 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var status = worker.Status;
        Assert.Equal(6, status.RecordsIn);
        Assert.Equal(2, status.SideOutputRecords);
        Assert.Equal(2, status.Tasks.Sum(t => t.LateRecords));
        Assert.Equal(1, status.RecordsOut); // w1[1000,2000) = 2; w2's window waits for the watermark
        Assert.Equal(0, status.Lag);
        Assert.Equal(5_100 - 1, status.Watermark);
    }

    [Fact]
    public async Task Two_threads_of_one_worker_share_the_partitions_each_with_its_own_transactional_producer()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 4);
        var plan = KafkaJobs.WindowCount("threads");
        var input = KafkaJobs.Words(300, partitions: 4);
        var expected = KafkaJobs.Reference(plan, input, partitions: 4);
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);

        using var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w", Threads = 2,
        });
        await worker.StartAsync();
        Assert.Equal(["threads-w-0", "threads-w-1"], worker.TransactionalIds);
        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 4, expected.Count);
        Assert.Equal(expected, KafkaJobs.Shown(output));

        // Both threads run tasks: 4 partitions of each of the two stages, split between them.
        var status = worker.Status;
        Assert.Equal(8, status.Tasks.Count);
        Assert.Equal(4 * 300, status.RecordsIn);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Fact]
    public async Task A_thread_stuck_in_one_step_past_the_stall_timeout_fails_the_worker_for_its_host_to_restart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 1);
        var job = new JobBuilder("stuck");
        // Stands in for a call that does not come back (librdkafka can wait past its own timeouts).
        job.Source("in", Serdes.String, Serdes.String).MapValues(v => { Thread.Sleep(TimeSpan.FromSeconds(20)); return v; }, Serdes.String).To("out");
        KafkaJobs.Produce(broker.BootstrapServers, "in", [("k", "v", 1L, 0)]);

        var worker = new JobWorker(job.Build(), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "s", StallTimeout = TimeSpan.FromSeconds(2),
        });
        await worker.StartAsync();
        Assert.Equal(WorkerExit.Failed, await worker.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.IsType<TimeoutException>(worker.Error);
        Assert.Contains("stuck-s-0", error.Message, StringComparison.Ordinal);
        Assert.Contains("without coming back", error.Message, StringComparison.Ordinal);
        worker.Dispose(); // does not wait for the stuck thread
    }
}
