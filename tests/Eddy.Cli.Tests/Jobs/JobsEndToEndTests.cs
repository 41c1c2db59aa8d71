using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine;
using Eddy.Engine.Kafka;
using Eddy.Engine.Kafka.Control;
using Eddy.Engine.Plan;
using Eddy.Testing;

namespace Eddy.Cli.Tests.Jobs;

/// <summary>eddy jobs against a real Eddy broker, with real workers of a job (JobWorker, as eddy run hosts them).</summary>
[Trait("Category", "Compat")]
public class JobsEndToEndTests
{
    private static readonly Dictionary<string, string> FastGroups = new() { ["group.initial.rebalance.delay.ms"] = "0" };

    private static JobPlan Upper()
    {
        var job = new JobBuilder("upper");
        job.Source("in", Serdes.String, Serdes.String).MapValues(v => v.ToUpperInvariant(), Serdes.String).To("out");
        return job.Build();
    }

    private static JobWorker Worker(string bootstrap, JobPlan plan, string stateDir, string id) => new(plan, new JobWorkerOptions
    {
        BootstrapServers = bootstrap,
        StateDirectory = stateDir,
        WorkerId = id,
        Control = new JobControlOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(300), Description = "upper-cases values" },
    });

    private static async Task ProduceAsync(string bootstrap, int perPartition)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "in", NumPartitions = 2, ReplicationFactor = 1 }]);
        }

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        for (var p = 0; p < 2; p++)
        {
            for (var i = 0; i < perPartition; i++)
            {
                producer.Produce(new TopicPartition("in", p), new Message<string, string> { Key = $"k{i}", Value = $"v{p}-{i}" });
            }
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static List<string> ReadCommitted(string bootstrap, int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "check-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign([new TopicPartitionOffset("out", 0, Offset.Beginning), new TopicPartitionOffset("out", 1, Offset.Beginning)]);
        var values = new List<string>();
        var clock = Stopwatch.StartNew();
        while (values.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                values.Add(record.Message.Value);
            }
        }

        return values;
    }

    /// <summary>Runs <c>eddy jobs describe --output json</c> until <paramref name="done"/> holds for it.</summary>
    private static async Task<JsonElement> DescribeUntilAsync(string bootstrap, string job, Func<JsonElement, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var result = await CliHarness.RunAsync(["jobs", "describe", job, "--output", "json", "-b", bootstrap]);
            last = result.Out + result.Error;
            if (result.ExitCode == 0 && JsonDocument.Parse(result.Out).RootElement is var root && done(root))
            {
                return root;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{what}: not within 60 s; last answer: {last}");
        return default;
    }

    private static List<string[]> Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    [Fact]
    public async Task Two_workers_appear_in_list_and_describe_with_their_partitions_and_stop_makes_both_stop_cleanly_with_their_output_committed()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        using var state = new TempDirectory("eddy-state");
        var b = broker.BootstrapServers;
        await ProduceAsync(b, 100);
        var plan = Upper();
        await using var workerA = Worker(b, plan, Path.Combine(state.Path, "a"), "a");
        await using var workerB = Worker(b, plan, Path.Combine(state.Path, "b"), "b");
        await workerA.StartAsync();
        await workerB.StartAsync();

        // Both running a partition each, and every input record committed (the group's lag is 0).
        var described = await DescribeUntilAsync(b, "upper", root =>
            root.GetProperty("workerRecords").EnumerateArray().Count(w => w.GetProperty("state").GetString() == "running" && w.GetProperty("partitions").GetArrayLength() == 1) == 2
            && root.GetProperty("offsets").GetArrayLength() == 2
            && root.GetProperty("offsets").EnumerateArray().All(o => o.GetProperty("lag").ValueKind == JsonValueKind.Number && o.GetProperty("lag").GetInt64() == 0),
            "two running workers with a partition each and no lag");
        Assert.Equal(["in-0", "in-1"], described.GetProperty("workerRecords").EnumerateArray()
            .Select(w => w.GetProperty("partitions")[0]).Select(p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}").Order());

        var list = await CliHarness.RunAsync(["jobs", "list", "-b", b]);
        Assert.Equal((0, ""), (list.ExitCode, list.Error));
        var row = Assert.Single(Rows(list.Out));
        Assert.Equal(["upper", "running", "2", "0", "0"], row[..5]);
        Assert.Equal("exactly-once", row[^1]);
        var listJson = await CliHarness.RunAsync(["jobs", "list", "--output", "json", "-b", b]);
        var job = Assert.Single(JsonDocument.Parse(listJson.Out).RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal("upper-cases values", job.GetProperty("description").GetString());
        Assert.Equal(["in"], job.GetProperty("inputTopics").EnumerateArray().Select(t => t.GetString()));

        var describe = await CliHarness.RunAsync(["jobs", "describe", "upper", "-b", b]);
        Assert.Equal((0, ""), (describe.ExitCode, describe.Error));
        Assert.StartsWith("Job upper: upper-cases values\nState running: 2 workers alive, 0 lost, 0 failed; exactly-once\nInput topics: in; output topics: out\n", describe.Out);
        var sections = describe.Out.Split("\n\n");
        var workers = Rows(sections[1]);
        Assert.Equal(["a", "b"], workers.Select(w => w[0]));
        Assert.Equal(["in(0)", "in(1)"], workers.Select(w => w[6]).Order());
        Assert.All(workers, w => Assert.Equal([Environment.MachineName, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "running"], w[1..4]));
        Assert.Contains("  stage 0 (a task per partition of in)\n", describe.Out);
        Assert.Contains("[Sink -> out]", describe.Out);
        var group = describe.Out[describe.Out.IndexOf("Consumer group upper:\n", StringComparison.Ordinal)..];
        Assert.Equal([["upper", "in", "0", "100", "100", "0"], ["upper", "in", "1", "100", "100", "0"]],
            Rows(group.Split("\n\n")[1]).Select(r => r[..6]).OrderBy(r => r[2], StringComparer.Ordinal));

        var stop = await CliHarness.RunAsync(["jobs", "stop", "upper", "-b", b]);

        Assert.Equal(0, stop.ExitCode);
        Assert.Equal("Stopped job upper (2 workers (a, b)).\n", stop.Out);
        Assert.StartsWith("Asked 2 workers (a, b) of job upper to stop (stop request at offset ", stop.Error);
        Assert.Contains("Worker a stopped.\n", stop.Error);
        Assert.Contains("Worker b stopped.\n", stop.Error);
        Assert.Equal(WorkerExit.Stopped, await workerA.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WorkerExit.Stopped, await workerB.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(workerA.StopRequested && workerB.StopRequested);
        Assert.Equal(
            Enumerable.Range(0, 2).SelectMany(p => Enumerable.Range(0, 100).Select(i => $"V{p}-{i}")).Order(StringComparer.Ordinal),
            ReadCommitted(b, 200).Order(StringComparer.Ordinal));
        Assert.Equal((0, "", "No jobs on the control topic _eddy_jobs.\n"), await CliHarness.RunAsync(["jobs", "list", "-b", b]));
        // The stop request was cleared once obeyed.
        Assert.Empty((await new JobRegistry(b).ReadAsync()).StopRequests);
    }

    [Fact]
    public async Task A_worker_record_left_by_a_killed_process_is_listed_as_lost_and_stop_removes_it()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        var b = broker.BootstrapServers;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = JobControlTopic.DefaultName, NumPartitions = 1, ReplicationFactor = 1, Configs = new(JobControlTopic.Configs),
            }]);
        }

        // What a worker killed with kill -9 leaves: its last heartbeat, a minute old (20 heartbeats of 3 s).
        var record = new JobWorkerRecord
        {
            Job = "ghost",
            WorkerId = "k",
            Host = "gone",
            Pid = 4242,
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            UpdatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            HeartbeatIntervalMs = 3000,
            State = JobWorkerStates.Running,
            InRate = 100,
            ExactlyOnce = true,
        };
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = b }).Build())
        {
            await producer.ProduceAsync(JobControlTopic.DefaultName, new Message<string, byte[]> { Key = JobControlTopic.WorkerKey("ghost", "k"), Value = record.ToJson() });
        }

        var list = await CliHarness.RunAsync(["jobs", "list", "-b", b]);
        Assert.Equal(0, list.ExitCode);
        // No live worker: no rate either.
        Assert.Equal(["ghost", "lost", "0", "1", "0"], Assert.Single(Rows(list.Out))[..5]);
        Assert.Equal(["0.0", "0.0"], Assert.Single(Rows(list.Out))[6..8]);

        var unknown = await CliHarness.RunAsync(["jobs", "describe", "nope", "-b", b]);
        Assert.Equal((ExitCodes.Failure, "", "error: job 'nope' is not known; known jobs: ghost\n"), unknown);
        var unknownWorker = await CliHarness.RunAsync(["jobs", "stop", "ghost", "--worker", "z", "-b", b]);
        Assert.Equal((ExitCodes.Failure, "", "error: job 'ghost' has no worker 'z'; its workers: k\n"), unknownWorker);

        var stop = await CliHarness.RunAsync(["jobs", "stop", "ghost", "-b", b]);

        Assert.Equal(0, stop.ExitCode);
        Assert.StartsWith("Worker k is lost (last seen ", stop.Error);
        Assert.EndsWith("): removing its record.\n", stop.Error);
        Assert.Equal("Stopped job ghost (worker k).\n", stop.Out);
        var none = await CliHarness.RunAsync(["jobs", "describe", "ghost", "-b", b]);
        Assert.Equal((ExitCodes.Failure, "", "error: job 'ghost' is not known: no job runs (the control topic _eddy_jobs has no workers)\n"), none);
    }

    [Fact]
    public async Task Eddy_run_stopped_by_jobs_stop_exits_0_as_after_ctrl_c_and_says_why()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        using var state = new TempDirectory("eddy-run-state");
        var b = broker.BootstrapServers;
        var run = Task.Run(() => CliHarness.RunAsync(["run", "checkouts", "-b", b, "--state-dir", state.Path, "--duration", "120s", "--output", "json"]));
        await DescribeUntilAsync(b, "checkouts", root => root.GetProperty("state").GetString() == "running", "eddy run's worker running");
        var described = await CliHarness.RunAsync(["jobs", "describe", "checkouts", "-b", b]);
        Assert.StartsWith("Job checkouts: ", described.Out);

        var stop = await CliHarness.RunAsync(["jobs", "stop", "checkouts", "-b", b]);

        Assert.Equal((0, "Stopped job checkouts (worker 0).\n"), (stop.ExitCode, stop.Out));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Stopped by a stop request on the control topic _eddy_jobs ('eddy jobs stop').\n", result.Error);
        Assert.Equal("stopped", JsonDocument.Parse(result.Out.TrimEnd('\n').Split('\n')[^1]).RootElement.GetProperty("state").GetString());
    }
}
