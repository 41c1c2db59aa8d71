using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Cli.Sql;
using Eddy.Engine.Records;
using Eddy.Testing;

namespace Eddy.Cli.Tests.Sql;

/// <summary>
/// <c>eddy sql</c> on a real broker: a script's INSERT runs as a job until <c>--duration</c> and its upsert topic
/// holds the totals computed here from the produced orders; an interactive session creates a table, shows a
/// SELECT's changes until an interrupt (Ctrl-C) returns it to the prompt, and the result topic is gone afterwards.
/// </summary>
[Trait("Category", "Compat")]
public class SqlSessionEndToEndTests
{
    private static readonly (string Customer, int Amount)[] Orders =
        [("ann", 30), ("bob", 5), ("ann", 12), ("cy", 40), ("bob", 25), ("ann", 8), ("dee", 11), ("cy", 2), ("bob", 60)];

    internal static string OrdersTable(string bootstrap) =>
        $"""
        CREATE TABLE orders (
          id BIGINT,
          customer STRING,
          amount INT
        ) WITH ('connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '{bootstrap}',
                'scan.startup.mode' = 'earliest-offset', 'format' = 'json')
        """;

    /// <summary>The totals of the orders above 10 per customer, computed here from the list.</summary>
    internal static SortedDictionary<string, long> ExpectedTotals()
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (customer, amount) in Orders)
        {
            if (amount > 10)
                totals[customer] = totals.GetValueOrDefault(customer) + amount;
        }
        return totals;
    }

    internal static async Task ProduceOrdersAsync(string bootstrap)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 2, ReplicationFactor = 1 }]);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        for (var i = 0; i < Orders.Length; i++)
        {
            var (customer, amount) = Orders[i];
            await producer.ProduceAsync("orders", new Message<string, string>
            {
                Key = customer,
                Value = $$"""{"id":{{i}},"customer":"{{customer}}","amount":{{amount}}}""",
            });
        }
    }

    [Fact]
    public async Task A_script_runs_its_INSERT_as_a_job_until_the_duration_and_its_upsert_topic_holds_the_totals()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        await ProduceOrdersAsync(b);
        using var directory = new TempDirectory();
        var script = directory.Combine("job.sql");
        await File.WriteAllTextAsync(script,
            $"""
            SET 'pipeline.name' = 'customer-totals';
            {OrdersTable(b)};
            CREATE TABLE totals (customer STRING, total BIGINT, PRIMARY KEY (customer) NOT ENFORCED)
              WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json');
            INSERT INTO totals
            SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer;
            """);

        var cwd = Directory.GetCurrentDirectory();
        var run = await CliHarness.RunAsync(["sql", "-f", script, "--bootstrap", b, "--duration", "15s"]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("[INFO] Job: customer-totals", run.Out, StringComparison.Ordinal);
        Assert.Contains("Stopped customer-totals (worker 0)", run.Out, StringComparison.Ordinal);
        Assert.Contains($"{Orders.Length} records in", run.Out, StringComparison.Ordinal);
        Assert.Equal(ExpectedTotals(), LatestTotals(b));
        TryDelete(Path.Combine(cwd, "eddy-state", "customer-totals"));
    }

    internal static SortedDictionary<string, long> LatestTotals(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<string, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "check-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Subscribe("totals");
        var latest = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var idle = 0;
        while (idle < 10)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (record is null)
            {
                idle++;
                continue;
            }
            idle = 0;
            var customer = JsonDocument.Parse(record.Message.Key).RootElement.GetProperty("customer").GetString()!;
            if (record.Message.Value is null)
                latest.Remove(customer);
            else
                latest[customer] = JsonDocument.Parse(record.Message.Value).RootElement.GetProperty("total").GetInt64();
        }
        return latest;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Shows changes through the real tableau view and materializes them, to interrupt the query once the result is complete.</summary>
    private sealed class WatchingView(ISqlChangeView inner, Func<SortedDictionary<string, long>, bool> complete, TaskCompletionSource done) : ISqlChangeView
    {
        private readonly SortedDictionary<string, long> _rows = new(StringComparer.Ordinal);

        public Task BeginAsync(IReadOnlyList<SqlResultColumn> columns) => inner.BeginAsync(columns);

        public async Task ChangeAsync(SqlChange change)
        {
            await inner.ChangeAsync(change);
            if (change.Kind is RowKind.Insert or RowKind.UpdateAfter)
                _rows[change.Values[0]!] = long.Parse(change.Values[1]!, CultureInfo.InvariantCulture);
            else
                _rows.Remove(change.Values[0]!);
            if (complete(_rows))
                done.TrySetResult();
        }

        public Task TickAsync() => inner.TickAsync();

        public Task EndAsync(bool cancelled) => inner.EndAsync(cancelled);
    }

    /// <summary>Ctrl-C, pressed once the result is complete (or after a minute, which fails the test).</summary>
    private sealed class InterruptWhen(Task done) : IQueryInterrupts
    {
        public IAsyncDisposable Watch(CancellationTokenSource query)
        {
            _ = Task.WhenAny(done, Task.Delay(TimeSpan.FromMinutes(1))).ContinueWith(_ => query.Cancel(), TaskScheduler.Default);
            return new Nothing();
        }

        private sealed class Nothing : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task An_interactive_SELECT_shows_the_changes_until_Ctrl_C_returns_to_the_prompt_and_its_result_topic_is_deleted()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        await ProduceOrdersAsync(b);
        var expected = ExpectedTotals();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringWriter();
        var error = new StringWriter();
        var session = new SqlSessionProperties();
        var settings = new SqlShellSettings
        {
            DefaultMode = SqlResultMode.Tableau,
            Interrupts = new InterruptWhen(done.Task),
            TickInterval = TimeSpan.FromMilliseconds(50),
            CreateView = mode => new WatchingView(SqlShellSettings.Views(output, terminal: false, 30, TimeSpan.FromMilliseconds(50), () => (80, 24))(mode),
                rows => rows.SequenceEqual(expected), done),
        };
        var console = new CliConsole(new StringReader(""), output, error);
        string sessionId;
        await using (var executor = new SqlSessionExecutor(new SqlExecutorContext(new SqlOptions { Bootstrap = b }, session, new Dictionary<string, string>(), console)))
        {
            sessionId = executor.Session.Id;
            var shell = new SqlShell(executor, session, output, error, settings);
            var lines = new TextLineSource(new StringReader(
                OrdersTable(b) + ";\n"
                + "SELECT customer, SUM(CAST(amount AS BIGINT)) AS total FROM orders WHERE amount > 10 GROUP BY customer;\n"
                + "SHOW TABLES;\n"));
            var outcome = await shell.RunInteractiveAsync(lines, CancellationToken.None);
            Assert.True(outcome == SqlShell.Outcome.Done, error.ToString());
        }

        Assert.True(done.Task.IsCompleted, output + "\n" + error);
        var text = output.ToString();
        Assert.Contains("| op |", text, StringComparison.Ordinal);
        foreach (var (customer, total) in expected)
            Assert.Matches($@"\| (\+I|\+U) \|\s+{customer} \|\s+{total} \|", text);
        // After Ctrl-C the client was back at the prompt: the next statement ran.
        Assert.Matches(@"\| table name \|\n\+-+\+\n\|\s+orders \|", text);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b }).Build();
        var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
        Assert.DoesNotContain(topics, t => t.StartsWith($"_eddy_sql_result_{sessionId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interactive_INSERT_is_submitted_in_the_background_and_runs_until_the_client_exits()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        await ProduceOrdersAsync(b);
        var output = new StringWriter();
        var error = new StringWriter();
        var session = new SqlSessionProperties();
        var settings = new SqlShellSettings
        {
            CreateView = SqlShellSettings.Views(output, terminal: false, 30, TimeSpan.FromMilliseconds(50), () => (80, 24)),
        };
        var console = new CliConsole(new StringReader(""), output, error);
        await using (var executor = new SqlSessionExecutor(new SqlExecutorContext(new SqlOptions { Bootstrap = b }, session, new Dictionary<string, string>(), console)))
        {
            var shell = new SqlShell(executor, session, output, error, settings);
            var lines = new TextLineSource(new StringReader(
                OrdersTable(b) + ";\n"
                + "CREATE TABLE totals (customer STRING, total BIGINT, PRIMARY KEY (customer) NOT ENFORCED)\n"
                + "  WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json');\n"
                + "INSERT INTO totals SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer;\n"));
            var outcome = await shell.RunInteractiveAsync(lines, CancellationToken.None);
            Assert.True(outcome == SqlShell.Outcome.Done, error.ToString());
            Assert.Contains(
                "[INFO] Submitting SQL update statement to the cluster...\n[INFO] SQL update statement has been successfully submitted to the cluster:\n"
                + "Job ID: insert-into_default_catalog.default_database.totals\n", output.ToString(), StringComparison.Ordinal);

            // The job runs in the background while the session goes on.
            var expected = ExpectedTotals();
            var totals = LatestTotals(b);
            for (var attempt = 0; attempt < 5 && !totals.SequenceEqual(expected); attempt++)
                totals = LatestTotals(b);
            Assert.Equal(expected, totals);
        }
    }
}
