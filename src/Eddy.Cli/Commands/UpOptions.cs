using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Commands;

/// <summary>What <c>eddy up</c> was asked for. Null means "not given on the command line" so lower layers can supply it.</summary>
public sealed record UpOptions
{
    /// <summary>--data-dir: log.dirs.</summary>
    public string? DataDir { get; init; }

    /// <summary>--host: the host part of listeners.</summary>
    public string? Host { get; init; }

    /// <summary>--port: the port part of listeners (0 picks a free port).</summary>
    public int? Port { get; init; }

    /// <summary>--advertised-host: the host part of advertised.listeners.</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>--advertised-port: the port part of advertised.listeners.</summary>
    public int? AdvertisedPort { get; init; }

    /// <summary>--config: a server.properties-style file, or a JSON object when the name ends in .json.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>--set key=value, in command-line order.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>--list-configs: print the accepted keys and exit.</summary>
    public bool ListConfigs { get; init; }

    /// <summary>
    /// The schema registry's HTTP port (--registry-port, 8081 on the command line; 0 picks a free one), or null for no
    /// registry (--no-registry, and the default for callers that build options in code).
    /// </summary>
    public int? RegistryPort { get; init; }

    /// <summary>--log-level: the broker's log verbosity on stderr.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
