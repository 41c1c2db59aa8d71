using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Commands;

/// <summary>What <c>eddy run</c> was asked for.</summary>
public sealed record RunOptions
{
    /// <summary>The job to run; null: the main sample, or the only job of the assembly.</summary>
    public string? Job { get; init; }

    /// <summary>--list: print the jobs available and exit.</summary>
    public bool List { get; init; }

    /// <summary>--plan/--explain: print the job's plan and exit.</summary>
    public bool Plan { get; init; }

    /// <summary>--bootstrap: an existing cluster; null starts the embedded broker.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>--command-config: a client properties file for every client of the run (worker, generator, admin).</summary>
    public string? CommandConfigFile { get; init; }

    /// <summary>-X key=value client properties, over the --command-config file's.</summary>
    public IReadOnlyList<string> ClientProperties { get; init; } = [];

    /// <summary>--data-dir of the embedded broker (log.dirs).</summary>
    public string? DataDir { get; init; }

    /// <summary>--port of the embedded broker.</summary>
    public int? Port { get; init; }

    /// <summary>--assembly: a built job assembly.</summary>
    public string? Assembly { get; init; }

    /// <summary>--project: a job project (file or directory) to build first.</summary>
    public string? Project { get; init; }

    public string WorkerId { get; init; } = "0";

    /// <summary>--state-dir; default ./eddy-state/{job}/{worker id}.</summary>
    public string? StateDir { get; init; }

    public bool AtLeastOnce { get; init; }

    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>--rate: the sample generator's records per second.</summary>
    public double Rate { get; init; } = 1000;

    public bool NoGenerator { get; init; }

    /// <summary>--duration: stop after this long; null runs until Ctrl-C.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Partitions of the input topics created when missing.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>How often the live view refreshes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public OutputFormat Output { get; init; } = OutputFormat.Text;

    /// <summary>--metrics-port: serve the worker's metrics to Prometheus on this port (0 picks a free one); null: no endpoint.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>--metrics-host: the address the metrics endpoint listens on (loopback unless asked).</summary>
    public string MetricsHost { get; init; } = "127.0.0.1";

    /// <summary>The embedded broker's log verbosity on stderr (warnings only by default, to keep the view readable).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;
}
