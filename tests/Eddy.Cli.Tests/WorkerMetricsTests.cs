using System.Diagnostics;
using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>
/// <c>eddy run --metrics-port</c> against a real broker: the running worker's endpoint exposes exactly the metrics
/// docs/metrics.md's Worker tables list, with their types, values that agree with the job's work, and an exposition
/// promtool accepts.
/// </summary>
[Trait("Category", "Compat")]
public class WorkerMetricsTests
{
    [Fact]
    public async Task A_running_worker_exposes_every_documented_worker_metric_and_nothing_undocumented()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-run-metrics");
        var port = FreePort.Next();
        var endpoint = new Uri($"http://127.0.0.1:{port}/metrics");

        // The pageviews sample: a source, a repartition, a 10 s tumbling window with a RocksDB store, a sink.
        var run = CliHarness.RunAsync(["run", "pageviews", "-b", broker.BootstrapServers, "--state-dir", state.Path, "--duration", "45s",
            "--rate", "300", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", "json"]);
        var scrape = await ScrapeUntilAsync(endpoint, run, s =>
            s.Sum("eddy_worker_end_to_end_latency_seconds_count") > 0 && s.Sum("eddy_worker_commit_duration_seconds_count") > 0
            && s.Families.ContainsKey("eddy_state_store_keys") && s.Families.ContainsKey("eddy_task_watermark_lag_seconds"));

        var documented = MetricsDocumentation.In(section => section.StartsWith("Worker", StringComparison.Ordinal));
        Assert.True(documented.Count >= 25, $"only {documented.Count} worker metrics found in docs/metrics.md");
        var missing = documented.Keys.Where(name => !scrape.Families.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "documented but not exposed: " + string.Join(", ", missing));
        var undocumented = scrape.Families.Keys.Where(name => !documented.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, "exposed but not documented: " + string.Join(", ", undocumented));
        foreach (var (name, type) in documented)
        {
            Assert.True(type == scrape.Families[name], $"{name} is documented as a {type} and exposed as a {scrape.Families[name]}");
        }

        // Every series names its job; the values agree with one another.
        Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("eddy_", StringComparison.Ordinal)), s => Assert.Equal("pageviews", s.Labels["job_name"]));
        var recordsIn = scrape.Sum("eddy_worker_records_in_total");
        Assert.True(recordsIn > 0);
        Assert.True(scrape.Sum("eddy_worker_records_out_total") > 0);
        Assert.True(scrape.Sum("eddy_worker_commits_total") > 0);
        Assert.True(scrape.Sum("eddy_worker_busy_seconds_total") > 0);
        // The stage-0 tasks read the source topic (what records in counts), the stage-1 tasks the repartition topic.
        Assert.True(scrape.Samples.Where(s => s.Name == "eddy_task_records_in_total" && s.Labels["task"].StartsWith("0_", StringComparison.Ordinal)).Sum(s => s.Value) >= recordsIn);
        Assert.Equal(4, scrape.Samples.Count(s => s.Name == "eddy_worker_consumer_lag_records" && s.Labels["topic"] == "clicks"));
        Assert.True(scrape.Sum("eddy_operator_records_in_total", ("operator", "per-10s")) > 0);
        Assert.All(scrape.Samples.Where(s => s.Name == "eddy_task_watermark_lag_seconds"), s => Assert.InRange(s.Value, 0, 60));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.All(scrape.Samples.Where(s => s.Name == "eddy_task_watermark_timestamp_seconds"), s => Assert.InRange(s.Value, now - 120, now + 1));
        Assert.True(scrape.Sum("eddy_state_store_keys") > 0);
        Assert.True(scrape.Value("eddy_state_memory_budget_bytes") > 0);

        var (exitCode, output) = await scrape.PromtoolCheckAsync();
        Assert.True(exitCode == 0, $"promtool check metrics: exit {exitCode}\n{output}");
        Assert.Equal("", output);

        var result = await run;
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Worker metrics on {endpoint}", result.Error);
    }

    [Fact]
    public async Task Without_metrics_port_the_worker_serves_no_endpoint_and_a_bad_port_is_a_usage_error()
    {
        var bad = await CliHarness.RunAsync(["run", "pageviews", "--metrics-port", "70000", "-b", "127.0.0.1:1"]);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("Invalid value 70000 for --metrics-port", bad.Error);
        var sql = await CliHarness.RunAsync(["sql", "--metrics-port", "0"]);
        Assert.Equal(ExitCodes.Usage, sql.ExitCode);
        Assert.Contains("--metrics-port serves the metrics of the -f/--file job's worker", sql.Error);
    }

    /// <summary>Scrapes every half second until <paramref name="ready"/> holds (the run must not end first), for up to 40 s.</summary>
    private static async Task<Scrape> ScrapeUntilAsync(Uri endpoint, Task<(int ExitCode, string Out, string Error)> run, Func<Scrape, bool> ready)
    {
        var clock = Stopwatch.StartNew();
        Scrape? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            if (run.IsCompleted)
            {
                var ended = await run;
                Assert.Fail($"eddy run ended before its metrics were ready: exit {ended.ExitCode}\n{ended.Error}");
            }
            try
            {
                last = await Scrape.FromAsync(endpoint);
                if (ready(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the worker is starting.
            }
            await Task.Delay(500);
        }
        Assert.Fail("the worker's metrics never had every figure:\n" + last?.Text);
        return last!;
    }
}
