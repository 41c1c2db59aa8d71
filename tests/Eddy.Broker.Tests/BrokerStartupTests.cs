using System.Net;
using System.Net.Sockets;
using Eddy.Broker.Configuration;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>Starting a broker: the logs are opened inside StartAsync, and a start that does not finish leaves nothing open.</summary>
public class BrokerStartupTests
{
    private static BrokerOptions Options(string dataDirectory, int port) => BrokerOptions.Parse(new Dictionary<string, string>
    {
        [BrokerConfigs.LogDirs] = dataDirectory,
        [BrokerConfigs.Listeners] = $"PLAINTEXT://127.0.0.1:{port}",
    });

    [Fact]
    public async Task A_start_cancelled_before_it_begins_creates_no_data_directory()
    {
        using var parent = new TempDirectory();
        var dataDirectory = Path.Combine(parent.Path, "data");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => KafkaBroker.StartAsync(Options(dataDirectory, 0), cancellationToken: cancelled.Token));
        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task A_start_that_fails_after_opening_the_logs_closes_them_and_frees_the_data_directory()
    {
        using var data = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // The logs and the directory lock are taken before the listener fails to bind.
        await Assert.ThrowsAnyAsync<SocketException>(() => KafkaBroker.StartAsync(Options(data.Path, port)));
        taken.Stop();

        await using var broker = await KafkaBroker.StartAsync(Options(data.Path, 0));
        Assert.NotNull(broker.Topics.Find("__consumer_offsets"));
    }
}
