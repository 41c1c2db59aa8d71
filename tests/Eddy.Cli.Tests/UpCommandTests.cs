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
}
