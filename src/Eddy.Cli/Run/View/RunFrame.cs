using Eddy.Engine.Kafka;

namespace Eddy.Cli.Run.View;

/// <summary>What the live view shows at one instant: the worker's latest status, and the rates derived from the previous one.</summary>
internal sealed record RunFrame
{
    public required string Job { get; init; }

    public required string WorkerId { get; init; }

    /// <summary>"exactly-once" or "at-least-once".</summary>
    public required string Guarantee { get; init; }

    /// <summary>Where the job runs: "embedded broker host:port" or "cluster host:port".</summary>
    public required string Cluster { get; init; }

    /// <summary>"running", or "stopped" for the final summary.</summary>
    public string State { get; init; } = "running";

    public required DateTimeOffset Now { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required WorkerStatus Status { get; init; }

    public double InPerSecond { get; init; }

    public double OutPerSecond { get; init; }

    /// <summary>The longest commit since the run started (the status has only the longest of its own interval).</summary>
    public TimeSpan MaxCommitLatencyEver { get; init; }

    /// <summary>Records the generator has produced; null when no generator runs.</summary>
    public long? Generated { get; init; }

    public double GeneratedPerSecond { get; init; }

    /// <summary>Late records of the worker's current tasks (gone to the windows' late side outputs).</summary>
    public long LateRecords => Status.Tasks.Sum(t => t.LateRecords);

    /// <summary>
    /// Records a function threw on, over the worker's current tasks: skipped or dead-lettered, as the job's
    /// <c>ProcessingErrors</c> policy says (with <c>Fail</c>, the one the job stopped on).
    /// </summary>
    public long ProcessingErrors => Status.Tasks.Sum(t => t.ProcessingErrors);

    /// <summary>How far event time trails the wall clock; null before the first watermark.</summary>
    public TimeSpan? WatermarkDelay =>
        Status.Watermark is { } w ? Now - DateTimeOffset.FromUnixTimeMilliseconds(w) : null;

    public DateTimeOffset? WatermarkTime =>
        Status.Watermark is { } w ? DateTimeOffset.FromUnixTimeMilliseconds(w) : null;
}
