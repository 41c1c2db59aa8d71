using System.Net.Sockets;
using Eddy.Broker;
using Eddy.Broker.Configuration;
using Eddy.Cli.Commands;
using Eddy.Cli.Configuration;
using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Run;

/// <summary>Starts the broker <c>eddy up</c> would start (same settings layering, same defaults), inside <c>eddy run</c>.</summary>
internal static class EmbeddedBroker
{
    public static async Task<KafkaBroker> StartAsync(RunOptions options, IEnumerable<KeyValuePair<string, string>> environment,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(EmbeddedBroker));
        var properties = BrokerPropertyLayering.Resolve(new UpOptions { DataDir = options.DataDir, Port = options.Port }, environment,
            warning => logger.LogWarning("{Warning}", warning));
        var brokerOptions = BrokerOptions.Parse(properties);
        try
        {
            return await KafkaBroker.StartAsync(brokerOptions, loggerFactory, cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new CliException($"cannot start the embedded broker on {brokerOptions.ListenHost}:{brokerOptions.ListenPort}: {e.Message}. "
                + $"If 'eddy up' is running there, run against it with --bootstrap {brokerOptions.ListenHost}:{brokerOptions.ListenPort}; or pick another --port (0: any free one).");
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot start the embedded broker: {e.Message}");
        }
    }
}
