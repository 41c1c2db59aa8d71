namespace Eddy.Engine.Kafka.Control;

/// <summary>
/// How a worker announces itself on the job control topic (see <see cref="JobControlTopic"/>): the record it
/// publishes when it starts, refreshes every <see cref="HeartbeatInterval"/> and deletes (a tombstone) when it stops
/// cleanly, and the stop requests it obeys. <c>eddy jobs list|describe|stop</c> read and write the same topic.
/// </summary>
public sealed class JobControlOptions
{
    /// <summary>The compacted control topic, created (one partition) when missing. Default: <c>_eddy_jobs</c>.</summary>
    public string Topic { get; init; } = JobControlTopic.DefaultName;

    /// <summary>
    /// How often the worker refreshes its record with its live status. A record older than
    /// <see cref="JobWorkerRecord.LostAfterHeartbeats"/> of these is shown as lost (what a <c>kill -9</c> leaves).
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>One line describing the job, for listings (an <see cref="IJob"/>'s description).</summary>
    public string Description { get; init; } = "";
}
