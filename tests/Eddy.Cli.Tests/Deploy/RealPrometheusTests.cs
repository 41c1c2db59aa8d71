using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Cli.Commands;
using Eddy.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Cli.Tests.Deploy;

/// <summary>
/// A real Prometheus (Debian's prometheus binary, which .ci/run installs) with deploy/prometheus's configuration and
/// rules, scraping a running <c>eddy up</c> (broker, registry) and an <c>eddy run</c> worker: it finds the lag of a
/// group that lags, in records and seconds, the worker's series, loads every alert rule, and answers every query of
/// deploy/grafana's dashboard with data.
/// </summary>
[Trait("Category", "Compat")]
public sealed partial class RealPrometheusTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TempDirectory _directory = new("eddy-prometheus");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Prometheus_scrapes_eddy_up_and_a_worker_and_answers_the_lag_the_alerts_and_every_dashboard_query()
    {
        var upOutput = new StringWriter();
        using var stopUp = new CancellationTokenSource();
        var up = UpCommand.RunAsync(new UpOptions { DataDir = Path.Combine(_directory.Path, "data"), Port = 0, RegistryPort = 0, MetricsPort = 0 },
            TextWriter.Synchronized(upOutput), TextWriter.Null, [], stopUp.Token, NullLoggerFactory.Instance);
        using var stopWorker = new CancellationTokenSource();
        Task<(int ExitCode, string Out, string Error)>? worker = null;
        Process? prometheus = null;
        try
        {
            var upLines = await WaitForLineAsync(upOutput, up, "Eddy metrics on ");
            var bootstrap = Bootstrap().Match(upLines).Groups["bootstrap"].Value;
            var registry = RegistryUrl().Match(upLines).Groups["url"].Value;
            var brokerMetrics = new Uri(MetricsUrl().Match(upLines).Groups["url"].Value);

            // A group 45 records and ten minutes behind on 'orders'; an error for the request-errors panel; a registry request.
            await CreateLaggingGroupAsync(bootstrap);
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            {
                await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync(["no-such-topic"]));
            }
            (await Http.GetAsync(new Uri(new Uri(registry), "/subjects"))).EnsureSuccessStatusCode();

            var workerPort = FreePort.Next();
            worker = CliHarness.RunAsync(["run", "pageviews", "-b", bootstrap, "--state-dir", Path.Combine(_directory.Path, "state"), "--rate", "200",
                "--duration", "5m", "--metrics-port", workerPort.ToString(CultureInfo.InvariantCulture), "--output", "json"], cancellationToken: stopWorker.Token);

            var prometheusPort = FreePort.Next();
            prometheus = StartPrometheus(prometheusPort, $"127.0.0.1:{brokerMetrics.Port}", $"127.0.0.1:{workerPort}");
            var api = new Uri($"http://127.0.0.1:{prometheusPort}/api/v1/");

            // The lag of the lagging group, as the broker computes it and Prometheus stores it: the record at the
            // committed offset 5 was stamped 595 s before the records were produced.
            await EventuallyAsync(prometheus, async () =>
                Single(await QueryAsync(api, """eddy_group_lag_records{group="lagging",topic="orders"}""")) == 45
                && Single(await QueryAsync(api, """eddy_group_lag_seconds{group="lagging",topic="orders"}""")) >= 595
                && (await QueryAsync(api, "up")).Count == 2 && (await QueryAsync(api, "up == 1")).Count == 2
                && Single(await QueryAsync(api, """sum(eddy_worker_records_in_total{job="eddy-workers",job_name="pageviews"})""")) > 0,
                "the lagging group's lag and the worker's records in");

            // Every alert rule of deploy/prometheus/alerts.yml is loaded and evaluated.
            using (var rules = JsonDocument.Parse(await Http.GetStringAsync(new Uri(api, "rules"))))
            {
                var loaded = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                    .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString()).ToList();
                Assert.Equal(13, loaded.Count);
                Assert.Contains("EddyConsumerLagSecondsHigh", loaded);
            }

            // Every panel's query answers with data (Grafana's variables as "All" and a short rate window).
            var queries = DeployConfigurationTests.DashboardQueries()
                .Select(q => q.Replace("$__rate_interval", "30s", StringComparison.Ordinal).Replace("$group", ".*", StringComparison.Ordinal)
                    .Replace("$job_name", ".*", StringComparison.Ordinal))
                .ToList();
            List<string> empty = [];
            await EventuallyAsync(prometheus, async () =>
            {
                empty = [];
                foreach (var query in queries)
                {
                    if ((await QueryAsync(api, query)).Count == 0)
                    {
                        empty.Add(query);
                    }
                }
                return empty.Count == 0;
            }, "data for every dashboard query", () => "no data: " + string.Join("\n", empty));
        }
        finally
        {
            if (prometheus is not null)
            {
                prometheus.Kill();
                await prometheus.WaitForExitAsync();
                prometheus.Dispose();
            }
            await stopWorker.CancelAsync();
            if (worker is not null)
            {
                var run = await worker;
                Assert.True(run.ExitCode == 0, run.Error);
            }
            await stopUp.CancelAsync();
            Assert.Equal(0, await up.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    private static async Task CreateLaggingGroupAsync(string bootstrap)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 1, ReplicationFactor = 1 }]);
        }
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
        {
            for (var i = 0; i < 50; i++)
            {
                producer.Produce(new TopicPartition("orders", 0), new Message<string, string> { Key = "k", Value = "v", Timestamp = new Timestamp(tenMinutesAgo.AddSeconds(i)) });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "lagging" }).Build();
        consumer.Commit([new TopicPartitionOffset("orders", 0, 5)]);
    }

    /// <summary>
    /// Prometheus on deploy/prometheus/prometheus.yml and alerts.yml, the targets replaced by the running ones and
    /// the intervals shortened to a second.
    /// </summary>
    private Process StartPrometheus(int port, string broker, string worker)
    {
        var source = Path.Combine(RepositoryFiles.Root, "deploy", "prometheus");
        var shipped = File.ReadAllText(Path.Combine(source, "prometheus.yml"));
        var config = shipped
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("evaluation_interval: 15s", "evaluation_interval: 1s", StringComparison.Ordinal)
            .Replace("\"127.0.0.1:9404\"", $"\"{broker}\"", StringComparison.Ordinal)
            .Replace("\"127.0.0.1:9405\", \"127.0.0.1:9406\"", $"\"{worker}\"", StringComparison.Ordinal);
        Assert.Contains(broker, config);
        Assert.Contains(worker, config);
        Assert.Contains("scrape_interval: 1s", config);
        var directory = Path.Combine(_directory.Path, "prometheus");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "prometheus.yml"), config);
        File.Copy(Path.Combine(source, "alerts.yml"), Path.Combine(directory, "alerts.yml"));
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                $"--config.file={Path.Combine(directory, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
        };
        try
        {
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("this test needs Debian's prometheus binary on the PATH (.ci/run installs the prometheus package): " + e.Message, e);
        }
    }

    private static async Task<List<JsonElement>> QueryAsync(Uri api, string query)
    {
        try
        {
            using var response = JsonDocument.Parse(await Http.GetStringAsync(new Uri(api, "query?query=" + Uri.EscapeDataString(query))));
            Assert.Equal("success", response.RootElement.GetProperty("status").GetString());
            return [.. response.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => r.Clone())];
        }
        catch (HttpRequestException)
        {
            // Prometheus is still starting.
            return [];
        }
    }

    /// <summary>The value of a query's one series, or NaN when it has none (or several).</summary>
    private static double Single(List<JsonElement> result) =>
        result.Count == 1 ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) : double.NaN;

    private static async Task EventuallyAsync(Process prometheus, Func<Task<bool>> condition, string what, Func<string>? detail = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(prometheus.HasExited, $"prometheus exited with {(prometheus.HasExited ? prometheus.ExitCode : 0)}");
            if (await condition())
            {
                return;
            }
            await Task.Delay(1000);
        }
        Assert.Fail($"Prometheus never had {what}. {detail?.Invoke()}");
    }

    private static async Task<string> WaitForLineAsync(StringWriter output, Task<int> up, string prefix)
    {
        var clock = Stopwatch.StartNew();
        while (!output.ToString().Contains(prefix, StringComparison.Ordinal))
        {
            Assert.False(up.IsCompleted, "eddy up ended: " + output);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "eddy up did not start: " + output);
            await Task.Delay(20);
        }
        return output.ToString();
    }

    [GeneratedRegex(@"bootstrap\.servers=(?<bootstrap>[^)]+)\)")]
    private static partial Regex Bootstrap();

    [GeneratedRegex(@"Eddy schema registry listening on (?<url>\S+)")]
    private static partial Regex RegistryUrl();

    [GeneratedRegex(@"Eddy metrics on (?<url>\S+)")]
    private static partial Regex MetricsUrl();
}
