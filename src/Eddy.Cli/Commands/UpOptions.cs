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

    /// <summary>
    /// The Prometheus endpoint's port (--metrics-port, 9404 on the command line; 0 picks a free one), on the listener
    /// host, or null for none (--no-metrics, and the default for callers that build options in code).
    /// </summary>
    public int? MetricsPort { get; init; }

    /// <summary>
    /// Whether <see cref="MetricsPort"/> is only the default: if that port is taken, <c>eddy up</c> warns and runs
    /// without metrics rather than failing (a port asked for explicitly must be served).
    /// </summary>
    public bool MetricsPortIsDefault { get; init; }

    /// <summary>--log-level: the broker's log verbosity on stderr.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
