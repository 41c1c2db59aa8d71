using System.Globalization;

namespace Eddy.Protocol.Client;

/// <summary>A broker's host and port, and its node id once known.</summary>
/// <param name="Host">Host name or IP address (an IPv6 address without brackets).</param>
/// <param name="Port">TCP port.</param>
/// <param name="NodeId">The broker's node id, when Metadata or FindCoordinator named it.</param>
public sealed record BrokerAddress(string Host, int Port, int? NodeId = null)
{
    /// <summary>The port librdkafka assumes when a bootstrap entry names none.</summary>
    public const int DefaultPort = 9092;

    /// <summary>host:port, or [ipv6]:port.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// A bootstrap entry as librdkafka reads it: host:port, [ipv6]:port, host alone (port 9092), with an optional
    /// PLAINTEXT:// style prefix. A bad entry is a <see cref="FormatException"/>.
    /// </summary>
    public static BrokerAddress Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = entry.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }
        if (!text.Contains(':', StringComparison.Ordinal) && text.Length > 0)
        {
            return new BrokerAddress(text, DefaultPort);
        }
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new FormatException($"invalid bootstrap server '{entry}': expected host:port");
        }
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return new BrokerAddress(host, port);
    }
}
