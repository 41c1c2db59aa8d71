using System.Net;
using Eddy.Broker.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Broker;

/// <summary>
/// An Eddy broker: the Kafka listener plus the partition logs under its data directory.
/// <c>await using var broker = await KafkaBroker.StartAsync(options);</c> runs one in-process (tests and <c>eddy up</c> both do).
/// </summary>
public sealed class KafkaBroker : IAsyncDisposable
{
    private KafkaBroker(BrokerOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        _ = loggerFactory;
    }

    public BrokerOptions Options { get; }

    /// <summary>The endpoint the listener is bound to (the actual port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>host:port as clients should use it for bootstrap.servers.</summary>
    public string BootstrapServers => $"{Options.AdvertisedHost}:{Options.AdvertisedPort}";

    public static Task<KafkaBroker> StartAsync(BrokerOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        _ = cancellationToken;
        return Task.FromResult(new KafkaBroker(options, loggerFactory ?? NullLoggerFactory.Instance));
    }

    /// <summary>Stops accepting connections, closes those open, and closes every log cleanly.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
