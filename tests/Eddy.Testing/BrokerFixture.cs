using Eddy.Broker;
using Eddy.Broker.Configuration;

namespace Eddy.Testing;

/// <summary>An in-process Eddy broker on a free loopback port with its own data directory.</summary>
public sealed class BrokerFixture : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private BrokerFixture(KafkaBroker broker, string dataDirectory, TempDirectory? owned, IReadOnlyDictionary<string, string> properties)
    {
        Broker = broker;
        DataDirectory = dataDirectory;
        _ownedDirectory = owned;
        Properties = properties;
    }

    public KafkaBroker Broker { get; private set; }

    public string DataDirectory { get; }

    public IReadOnlyDictionary<string, string> Properties { get; }

    public string BootstrapServers => Broker.BootstrapServers;

    public static async Task<BrokerFixture> StartAsync(IReadOnlyDictionary<string, string>? properties = null, string? dataDirectory = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("eddy-broker") : null;
        var dir = dataDirectory ?? owned!.Path;
        var props = new Dictionary<string, string>(properties ?? new Dictionary<string, string>())
        {
            [BrokerConfigs.LogDirs] = dir,
        };
        props.TryAdd(BrokerConfigs.Listeners, "PLAINTEXT://127.0.0.1:0");
        var broker = await KafkaBroker.StartAsync(BrokerOptions.Parse(props));
        return new BrokerFixture(broker, dir, owned, props);
    }

    /// <summary>Stops the broker cleanly and starts a new one on the same data directory (and a new port).</summary>
    public async Task RestartAsync()
    {
        await Broker.DisposeAsync();
        Broker = await KafkaBroker.StartAsync(BrokerOptions.Parse(Properties));
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
