using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Jobs;

/// <summary><c>eddy jobs list</c>.</summary>
public sealed record JobsListOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    /// <summary>--control-topic: the job control topic the workers write.</summary>
    public string ControlTopic { get; init; } = JobControlTopic.DefaultName;

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy jobs describe JOB</c>.</summary>
public sealed record JobsDescribeOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public string ControlTopic { get; init; } = JobControlTopic.DefaultName;

    public required string Job { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy jobs stop JOB [--worker ID] [--timeout DURATION]</c>.</summary>
public sealed record JobsStopOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public string ControlTopic { get; init; } = JobControlTopic.DefaultName;

    public required string Job { get; init; }

    /// <summary>--worker: stop only this worker; null stops every worker of the job.</summary>
    public string? Worker { get; init; }

    /// <summary>--timeout: how long to wait for the workers' records to go.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the control topic is read while waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
