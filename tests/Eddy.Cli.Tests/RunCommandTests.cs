using System.Reflection;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary><c>eddy run</c>: listing, plans, argument errors, and jobs run for a few seconds against a real broker.</summary>
[Trait("Category", "Compat")]
public class RunCommandTests
{
    private static readonly string TestJobs = typeof(RunCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TestJobsAssembly").Value!;

    [Fact]
    public async Task List_names_every_sample_with_a_description_and_marks_the_default()
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(["run", "--list"]);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("pageviews ", lines[0]);
        Assert.Contains("10 s tumbling", lines[0]);
        Assert.EndsWith("[default]", lines[0]);
        Assert.StartsWith("checkouts ", lines[1]);
        Assert.StartsWith("clicks-per-user ", lines[2]);
        Assert.StartsWith("top-pages ", lines[3]);
    }

    [Fact]
    public async Task Plan_prints_the_main_jobs_stages_and_exits_without_a_broker()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["run", "--plan"]);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("job pageviews (bad input: DeadLetter, dead letters -> pageviews-dead-letters)\n", output);
        Assert.Contains("clicks [Source <- clicks bounded(00:00:02, idle 00:00:05)]", output);
        Assert.Contains("per-10s [WindowAggregate tumbling(10000 ms), lateness 0 ms, late -> pageviews-per-10s-late]", output);
        Assert.Contains("[Sink -> pageviews-per-page]", output);

        var explain = await CliHarness.RunAsync(["run", "clicks-per-user", "--explain"]);
        Assert.Equal(0, explain.ExitCode);
        Assert.Contains("store clicks-per-user-running-count-count", explain.Out);
    }

    [Fact]
    public async Task Help_documents_the_options_and_how_several_workers_share_a_job()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["run", "--help"]);

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--bootstrap", "--assembly", "--project", "--list", "--plan", "--worker-id", "--state-dir", "--at-least-once",
                     "--commit-interval", "--rate", "--no-generator", "--duration", "--output", "--command-config", "-X" })
        {
            Assert.Contains(option, output);
        }
        Assert.Contains("--worker-id 1 --no-generator", output);
    }

    [Theory]
    [InlineData("run nope", "unknown job 'nope'; known jobs: pageviews, checkouts, clicks-per-user, top-pages")]
    [InlineData("run --assembly /no/such/jobs.dll", "no such assembly: /no/such/jobs.dll")]
    [InlineData("run --assembly a.dll --project b", "--assembly and --project are alternatives")]
    [InlineData("run --bootstrap 127.0.0.1:1 --port 9093", "--data-dir and --port configure the embedded broker")]
    [InlineData("run --rate 0", "--rate must be a positive number")]
    [InlineData("run --duration soon", "Invalid duration 'soon' for --duration")]
    [InlineData("run --project /no/such/project", "no such project file or directory: /no/such/project")]
    [InlineData("run --command-config /no/such/client.properties", "cannot read /no/such/client.properties")]
    [InlineData("run -X linger.ms", "-X")]
    public async Task Bad_arguments_are_one_precise_error_line_and_exit_code_2(string commandLine, string message)
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task An_assembly_without_jobs_says_what_a_job_is()
    {
        var path = typeof(BrokerFixture).Assembly.Location;

        var (exitCode, _, error) = await CliHarness.RunAsync(["run", "--assembly", path, "--list"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal($"error: no jobs in {path}: a job is a public class implementing Eddy.Engine.IJob with a public parameterless constructor\n", error);
    }

    [Fact]
    public async Task A_user_assembly_lists_its_jobs_and_asks_which_one_to_run()
    {
        var list = await CliHarness.RunAsync(["run", "--assembly", TestJobs, "--list"]);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal("order-totals  revenue per customer per minute\nuppercase     upper-cases words-in into words-out\nword-lengths  (no description)\n", list.Out);

        var plan = await CliHarness.RunAsync(["run", "--assembly", TestJobs, "uppercase", "--plan"]);
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("[Sink -> words-out]", plan.Out);

        var unnamed = await CliHarness.RunAsync(["run", "--assembly", TestJobs, "--plan"]);
        Assert.Equal(ExitCodes.Usage, unnamed.ExitCode);
        Assert.Contains("has 3 jobs; name one: order-totals, uppercase, word-lengths", unnamed.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_job_from_an_assembly_runs_against_the_cluster_and_writes_exactly_its_output(bool atLeastOnce)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-run-state");
        var b = broker.BootstrapServers;
        await CreateTopicAsync(b, "words-in", 2);
        var words = Enumerable.Range(0, 300).Select(i => (Key: $"k{i}", Value: i % 10 == 0 ? "" : $"word{i}")).ToList();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = b }).Build())
        {
            foreach (var (key, value) in words)
            {
                producer.Produce("words-in", new Message<string, string> { Key = key, Value = value });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        string[] guarantee = atLeastOnce ? ["--at-least-once"] : [];
        var run = await CliHarness.RunAsync(["run", "uppercase", "--assembly", TestJobs, "--bootstrap", b, "--state-dir", state.Path,
            "--duration", "12s", "--output", "json", .. guarantee]);

        Assert.True(run.ExitCode == 0, run.Error);
        var expected = words.Where(w => w.Value.Length > 0).Select(w => $"{w.Key}={w.Value.ToUpperInvariant()}").Order(StringComparer.Ordinal);
        var actual = ReadCommitted(b, "words-out").Select(r => $"{r.Key}={r.Value}").Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        var last = JsonDocument.Parse(run.Out.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.Equal("stopped", last.GetProperty("state").GetString());
        Assert.Equal(300, last.GetProperty("recordsIn").GetInt64());
        Assert.Equal(270, last.GetProperty("recordsOut").GetInt64());
    }

    [Fact]
    public async Task The_main_sample_runs_with_its_generator_and_reports_live_numbers_as_json()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-run-state");
        var b = broker.BootstrapServers;

        var run = await CliHarness.RunAsync(["run", "--bootstrap", b, "--state-dir", state.Path, "--duration", "14s", "--rate", "500", "--output", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Created input topic clicks with 4 partitions.", run.Error);
        var lines = run.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count >= 10, run.Out);
        Assert.All(lines[..^1], l => Assert.Equal("running", l.GetProperty("state").GetString()));
        Assert.Contains(lines, l => l.GetProperty("recordsInPerSec").GetDouble() > 0);
        Assert.Contains(lines, l => l.GetProperty("watermark").ValueKind == JsonValueKind.String);
        var last = lines[^1];
        Assert.Equal("stopped", last.GetProperty("state").GetString());
        Assert.Equal("pageviews", last.GetProperty("job").GetString());
        Assert.True(last.GetProperty("recordsIn").GetInt64() > 1000, run.Out);
        Assert.True(last.GetProperty("recordsOut").GetInt64() > 0, run.Out);
        Assert.True(last.GetProperty("commits").GetInt64() > 0, run.Out);
        Assert.True(last.GetProperty("generated").GetInt64() >= last.GetProperty("recordsIn").GetInt64());

        var results = ReadCommitted(b, "pageviews-per-page");
        Assert.NotEmpty(results);
        var pageViews = JsonDocument.Parse(results[0].Value).RootElement;
        Assert.Equal(results[0].Key, pageViews.GetProperty("page").GetString());
        Assert.True(pageViews.GetProperty("views").GetInt64() > 0);
        var start = pageViews.GetProperty("windowStart").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(10), pageViews.GetProperty("windowEnd").GetDateTimeOffset() - start);
    }

    [Fact]
    public async Task Without_bootstrap_the_embedded_broker_starts_and_stops_with_the_job()
    {
        using var data = new TempDirectory("eddy-run-data");
        using var state = new TempDirectory("eddy-run-state");

        var run = await CliHarness.RunAsync(["run", "checkouts", "--port", "0", "--data-dir", data.Path, "--state-dir", state.Path,
            "--duration", "8s", "--output", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("Embedded Eddy broker listening on 127.0.0.1:", run.Error);
        var last = JsonDocument.Parse(run.Out.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.Equal("checkouts", last.GetProperty("job").GetString());
        Assert.True(last.GetProperty("recordsIn").GetInt64() > 0, run.Out);
        Assert.True(Directory.Exists(Path.Combine(data.Path, "clicks-0")));
    }

    /// <summary>-X and --command-config reach the worker's clients (what a secured cluster needs), while the settings exactly-once depends on stay the worker's.</summary>
    [Fact]
    public async Task Client_properties_reach_the_workers_clients_but_not_its_exactly_once_settings()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-run-state");
        var properties = Path.Combine(state.Path, "client.properties");
        await File.WriteAllTextAsync(properties, "# as kafka-console-consumer.sh --consumer.config takes\nclient.id=from-the-file\nisolation.level=read_uncommitted\n");
        var b = broker.BootstrapServers;
        var run = CliHarness.RunAsync(["run", "pageviews", "-b", b, "--state-dir", Path.Combine(state.Path, "rocksdb"), "--duration", "12s",
            "--output", "json", "--command-config", properties, "-X", "client.id=eddy-run-client", "-X", "group.id=not-the-jobs"]);

        // The job's consumer group (its name, not -X group.id) with the member -X named (over the file).
        List<string> clientIds = [];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (clientIds.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            clientIds = broker.Broker.Groups.Describe("pageviews")?.Members.Select(m => m.ClientId).ToList() ?? [];
        }
        var result = await run;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["eddy-run-client"], clientIds);
        Assert.Null(broker.Broker.Groups.Describe("not-the-jobs"));
        var last = JsonDocument.Parse(result.Out.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.True(last.GetProperty("commits").GetInt64() > 0, result.Out);
    }

    [Fact]
    public async Task Two_workers_of_the_same_job_share_its_partitions()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-run-state");
        using var stateB = new TempDirectory("eddy-run-state");
        var b = broker.BootstrapServers;
        var first = CliHarness.RunAsync(["run", "pageviews", "-b", b, "--state-dir", stateA.Path, "--duration", "28s", "--output", "json"]);
        await Task.Delay(6000);

        var second = await CliHarness.RunAsync(["run", "pageviews", "-b", b, "--worker-id", "1", "--state-dir", stateB.Path, "--no-generator",
            "--duration", "14s", "--output", "json"]);
        var firstResult = await first;

        Assert.True(firstResult.ExitCode == 0, firstResult.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        var a = firstResult.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var w1 = second.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(a, l => l.GetProperty("tasks").GetInt32() == 8);
        // While both ran, each had part of the job's 8 tasks (2 stages of 4 partitions) and read records.
        Assert.Contains(a, l => l.GetProperty("tasks").GetInt32() is > 0 and < 8);
        Assert.Contains(w1, l => l.GetProperty("tasks").GetInt32() is > 0 and < 8);
        Assert.True(w1[^1].GetProperty("recordsIn").GetInt64() > 0, second.Out);
        Assert.Equal("1", w1[^1].GetProperty("worker").GetString());
    }

    [Fact]
    public async Task A_worker_fenced_by_another_with_the_same_id_exits_with_the_reason()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-run-state");
        using var stateB = new TempDirectory("eddy-run-state");
        var b = broker.BootstrapServers;
        var first = CliHarness.RunAsync(["run", "checkouts", "-b", b, "--state-dir", stateA.Path, "--duration", "60s", "--output", "json"]);
        // Let the first worker commit before its twin starts.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (broker.Broker.Topics.Find("checkouts") is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        await Task.Delay(3000);

        var twin = CliHarness.RunAsync(["run", "checkouts", "-b", b, "--state-dir", stateB.Path, "--no-generator", "--duration", "5s", "--output", "json"]);
        var fenced = await first.WaitAsync(TimeSpan.FromSeconds(60));
        await twin;

        Assert.Equal(ExitCodes.Failure, fenced.ExitCode);
        Assert.Contains("error: worker 0 of checkouts was fenced: another worker with the same --worker-id (transactional id checkouts-0-0) took over", fenced.Error);
        Assert.Contains("\"state\":\"stopped\"", fenced.Out);
    }

    private static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Every committed record of the topic, read until it has been quiet for a second.</summary>
    private static List<(string Key, string Value)> ReadCommitted(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<(string, string)>();
        var quietSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (records.Count == 0 || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1.5)))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null)
            {
                records.Add((record.Message.Key, record.Message.Value));
                quietSince = DateTime.UtcNow;
            }
        }
        return records;
    }
}
