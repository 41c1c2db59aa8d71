using System.Globalization;
using Eddy.Protocol.Client;

namespace Eddy.Cli.Kafka;

/// <summary>
/// The raw protocol client (<see cref="KafkaProtocolClient"/>) for a verb's connection settings: bootstrap.servers,
/// client.id and socket.timeout.ms are read from the same layers as librdkafka's (-b, EDDY_BOOTSTRAP,
/// --command-config, -X); a security.protocol other than PLAINTEXT, a bad bootstrap entry or timeout are usage errors.
/// </summary>
internal static class ProtocolClientFactory
{
    public static KafkaProtocolClient Create(ClientSettings settings, TimeSpan defaultTimeout)
    {
        var config = KafkaClientFactory.BuildConfig(settings);
        if (config.TryGetValue("security.protocol", out var security) && !string.Equals(security.Trim(), "plaintext", StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.Usage($"this verb speaks to plaintext listeners only; security.protocol={security} is not supported yet");
        }
        var timeout = defaultTimeout;
        if (config.TryGetValue("socket.timeout.ms", out var ms))
        {
            if (!int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 10)
            {
                throw CliException.Usage($"invalid client configuration: socket.timeout.ms={ms} is not a number of milliseconds (10 or more)");
            }
            timeout = TimeSpan.FromMilliseconds(value);
        }
        var bootstrap = config["bootstrap.servers"]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ParseBootstrap)
            .ToList();
        if (bootstrap.Count == 0)
        {
            throw CliException.Usage("no bootstrap server given");
        }
        return new KafkaProtocolClient(bootstrap, new KafkaClientOptions
        {
            ClientId = config.GetValueOrDefault("client.id", KafkaClientFactory.ClientId),
            RequestTimeout = timeout,
            SoftwareName = KafkaClientFactory.ClientId,
        });
    }

    /// <summary>One bootstrap entry (host:port, [ipv6]:port, host); a bad one is a usage error.</summary>
    public static BrokerAddress ParseBootstrap(string entry)
    {
        try
        {
            return BrokerAddress.Parse(entry);
        }
        catch (FormatException e)
        {
            throw CliException.Usage(e.Message);
        }
    }

    /// <summary>A failed protocol request as the command's error: its one-line message, exit code 1.</summary>
    public static CliException ToCliException(KafkaClientException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new CliException(exception.Message, exception);
    }
}
