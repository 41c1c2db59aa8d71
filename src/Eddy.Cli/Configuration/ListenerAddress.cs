using System.Globalization;

namespace Eddy.Cli.Configuration;

/// <summary>
/// Reads and writes the host:port of a <c>PLAINTEXT://host:port</c> listener value, so that <c>--port</c> alone can keep
/// the host given by a lower layer (file or environment) and vice versa.
/// </summary>
public static class ListenerAddress
{
    /// <summary>The first listener of a comma-separated list, with or without its scheme; IPv6 hosts may be bracketed.</summary>
    public static bool TryParse(string? value, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        var first = value.Split(',')[0].Trim();
        var schemeEnd = first.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            first = first[(schemeEnd + 3)..];
        }
        var colon = first.LastIndexOf(':');
        if (colon < 0
            || !int.TryParse(first.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port > 65535)
        {
            return false;
        }
        host = first[..colon].Trim('[', ']');
        return true;
    }

    public static string Format(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var shown = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return string.Create(CultureInfo.InvariantCulture, $"PLAINTEXT://{shown}:{port}");
    }

    /// <summary>A wildcard bind address is not something a client can connect to; Kafka advertises the loopback then.</summary>
    public static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "";
}
