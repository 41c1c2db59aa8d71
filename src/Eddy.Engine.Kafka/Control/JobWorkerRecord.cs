using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eddy.Engine.Kafka.Control;

/// <summary>
/// A worker's record on the control topic (<see cref="JobControlTopic"/>), as JSON: who it is and what it runs
/// (written when it starts) and its live status (refreshed every heartbeat). Counters are totals since the worker
/// started; rates are per second over the latest heartbeat interval.
/// </summary>
public sealed record JobWorkerRecord
{
    /// <summary>A record not refreshed for this many of its heartbeat intervals belongs to a lost worker.</summary>
    public const int LostAfterHeartbeats = 3;

    /// <summary>The job's name: its consumer group.</summary>
    public required string Job { get; init; }

    public required string WorkerId { get; init; }

    /// <summary>One line about the job (empty when its host gave none).</summary>
    public string Description { get; init; } = "";

    /// <summary>The machine the worker runs on.</summary>
    public string Host { get; init; } = "";

    /// <summary>The worker's process id on <see cref="Host"/>.</summary>
    public int Pid { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The version of Eddy the worker runs (its informational version).</summary>
    public string EddyVersion { get; init; } = "";

    /// <summary>Whether results are committed in transactions (exactly once) or after flushing (at least once).</summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>The worker's stream threads.</summary>
    public int Threads { get; init; }

    /// <summary>The job's source topics (repartition topics not counted).</summary>
    public IReadOnlyList<string> InputTopics { get; init; } = [];

    /// <summary>The topics the job's sinks write.</summary>
    public IReadOnlyList<string> OutputTopics { get; init; } = [];

    /// <summary>The plan: its stages, each with the topics it reads and its operators.</summary>
    public IReadOnlyList<JobStageSummary> Stages { get; init; } = [];

    /// <summary>One of <see cref="JobWorkerStates"/>'s values.</summary>
    public string State { get; init; } = JobWorkerStates.Starting;

    /// <summary>When the record was last refreshed (the worker's clock).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How often the worker refreshes its record, in milliseconds.</summary>
    public long HeartbeatIntervalMs { get; init; }

    /// <summary>The partitions the worker's tasks read (source and repartition topics).</summary>
    public IReadOnlyList<JobTopicPartition> Partitions { get; init; } = [];

    public long RecordsIn { get; init; }

    public long RecordsOut { get; init; }

    /// <summary>Records read per second over the latest heartbeat interval.</summary>
    public double InRate { get; init; }

    /// <summary>Records written to the sinks per second over the latest heartbeat interval.</summary>
    public double OutRate { get; init; }

    /// <summary>Transactions (or offset commits, at least once) that succeeded.</summary>
    public long Commits { get; init; }

    /// <summary>When the latest of <see cref="Commits"/> was seen (null: none yet).</summary>
    public DateTimeOffset? LastCommitAt { get; init; }

    /// <summary>Records in the worker's assigned partitions not yet read, as its consumers last saw them.</summary>
    public long Lag { get; init; }

    /// <summary>The error a failed worker stopped on, or the latest one it recovered from.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Whether the worker is lost at <paramref name="now"/>: its record says it runs, but it was not refreshed for
    /// <see cref="LostAfterHeartbeats"/> heartbeat intervals (the process died without deleting it, as after
    /// <c>kill -9</c>, or it cannot reach the cluster). A failed worker's record is final, never lost.
    /// </summary>
    public bool IsLostAt(DateTimeOffset now) =>
        State != JobWorkerStates.Failed && now - UpdatedAt > TimeSpan.FromMilliseconds(Math.Max(1, HeartbeatIntervalMs) * LostAfterHeartbeats);

    /// <summary>The state to show at <paramref name="now"/>: <see cref="JobWorkerStates.Lost"/> for a lost worker, else <see cref="State"/>.</summary>
    public string StateAt(DateTimeOffset now) => IsLostAt(now) ? JobWorkerStates.Lost : State;

    /// <summary>The record as the control topic's value (UTF-8 JSON).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JobControlJson.Options);

    /// <summary>Reads a control topic value written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The value is not a worker record.</exception>
    public static JobWorkerRecord FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<JobWorkerRecord>(json, JobControlJson.Options) ?? throw new JsonException("The worker record is null.");
}

/// <summary>The states a worker's record shows.</summary>
public static class JobWorkerStates
{
    /// <summary>Started; its threads are joining the job's group.</summary>
    public const string Starting = "starting";

    /// <summary>Reading and committing.</summary>
    public const string Running = "running";

    /// <summary>After a rebalance: restoring the state of the tasks it was given from their changelogs.</summary>
    public const string Restoring = "restoring";

    /// <summary>Committing its last interval and leaving the group (asked to stop).</summary>
    public const string Stopping = "stopping";

    /// <summary>Stopped on an error (the record stays, with <see cref="JobWorkerRecord.Error"/>, until the worker restarts).</summary>
    public const string Failed = "failed";

    /// <summary>Not written by workers: a reader's name for a record not refreshed in time (see <see cref="JobWorkerRecord.IsLostAt"/>).</summary>
    public const string Lost = "lost";
}

/// <summary>One partition of a topic.</summary>
public sealed record JobTopicPartition(string Topic, int Partition);

/// <summary>A stage of a job's plan: the topics its tasks read and its operators.</summary>
public sealed record JobStageSummary(int Id, IReadOnlyList<string> Inputs, IReadOnlyList<JobOperatorSummary> Operators);

/// <summary>An operator of a stage: its name, kind and the topic it reads or writes, if any.</summary>
public sealed record JobOperatorSummary(string Name, string Kind, string? Topic);

/// <summary>
/// A request, on the control topic, that the workers of <see cref="Job"/> (or only <see cref="WorkerId"/>) stop
/// cleanly. A worker obeys the requests written after its own record (a higher offset of the topic's one partition),
/// so an old request never stops a worker started later.
/// </summary>
public sealed record JobStopRequest
{
    public required string Job { get; init; }

    /// <summary>The one worker to stop; null: every worker of the job.</summary>
    public string? WorkerId { get; init; }

    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>Who asked: <c>host/pid</c> of the requesting process.</summary>
    public string RequestedBy { get; init; } = "";

    /// <summary>The request as the control topic's value (UTF-8 JSON).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JobControlJson.Options);

    /// <summary>Reads a control topic value written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The value is not a stop request.</exception>
    public static JobStopRequest FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<JobStopRequest>(json, JobControlJson.Options) ?? throw new JsonException("The stop request is null.");

    /// <summary>Whether a worker of <paramref name="job"/> with id <paramref name="workerId"/> must obey this request.</summary>
    public bool Applies(string job, string workerId) =>
        string.Equals(Job, job, StringComparison.Ordinal) && (WorkerId is null || string.Equals(WorkerId, workerId, StringComparison.Ordinal));
}

/// <summary>The JSON form of the control topic's values: camelCase names, nulls left out.</summary>
internal static class JobControlJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
