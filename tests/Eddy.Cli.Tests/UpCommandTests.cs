using Eddy.Cli.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class UpCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("eddy-cli-up-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Up_starts_the_broker_prints_where_it_listens_and_stops_on_cancellation()
    {
        var dataDir = Path.Combine(_directory, "data");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var options = new UpOptions { DataDir = dataDir, Port = 0, Sets = ["num.partitions=2"] };

        var run = UpCommand.RunAsync(options, TextWriter.Synchronized(stdout), stderr, [], stop.Token, NullLoggerFactory.Instance);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!stdout.ToString().Contains('\n', StringComparison.Ordinal) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("", stderr.ToString());
        Assert.Equal(0, exitCode);
        Assert.StartsWith("Eddy broker listening on 127.0.0.1:", stdout.ToString());
        Assert.Contains("(bootstrap.servers=127.0.0.1:", stdout.ToString());
        Assert.EndsWith($"), data in {dataDir}\n", stdout.ToString());
    }

    [Fact]
    public async Task Up_with_a_metrics_port_serves_the_broker_metrics_to_Prometheus_and_prints_where()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var options = new UpOptions { DataDir = Path.Combine(_directory, "data"), Port = 0, MetricsPort = 0 };

        var run = UpCommand.RunAsync(options, TextWriter.Synchronized(stdout), stderr, [], stop.Token, NullLoggerFactory.Instance);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!stdout.ToString().Contains("Eddy metrics on ", StringComparison.Ordinal) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        var line = stdout.ToString().Split('\n').Single(l => l.StartsWith("Eddy metrics on ", StringComparison.Ordinal));
        var url = new Uri(line["Eddy metrics on ".Length..]);
        using var http = new HttpClient();
        var exposition = await http.GetStringAsync(url);
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr.ToString());
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Equal("/metrics", url.AbsolutePath);
        Assert.Contains("# TYPE eddy_partition_log_end_offset gauge", exposition, StringComparison.Ordinal);
        Assert.Contains("eddy_broker_disk_free_bytes", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_without_a_metrics_port_in_its_options_serves_no_metrics()
    {
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource();
        var options = new UpOptions { DataDir = Path.Combine(_directory, "data"), Port = 0 };

        var run = UpCommand.RunAsync(options, TextWriter.Synchronized(stdout), TextWriter.Null, [], stop.Token, NullLoggerFactory.Instance);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!stdout.ToString().Contains('\n', StringComparison.Ordinal) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(200);
        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.DoesNotContain("metrics", stdout.ToString(), StringComparison.Ordinal);
    }
}
