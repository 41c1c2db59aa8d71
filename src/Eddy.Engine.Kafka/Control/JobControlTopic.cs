namespace Eddy.Engine.Kafka.Control;

/// <summary>
/// The job control topic: a compacted topic with one partition (one order for every record, as Kafka Connect's
/// config topic) where each worker of each job keeps one record, keyed <c>worker/{job}/{worker id}</c>, and where
/// <c>eddy jobs stop</c> writes stop requests keyed <c>stop/{job}</c> (every worker) or <c>stop/{job}/{worker id}</c>.
/// Values are JSON (<see cref="JobWorkerRecord"/>, <see cref="JobStopRequest"/>); a worker that stops cleanly
/// deletes its record with a tombstone, so compaction keeps only what runs (and what was lost).
/// </summary>
public static class JobControlTopic
{
    /// <summary>The default name of the control topic.</summary>
    public const string DefaultName = "_eddy_jobs";

    /// <summary>The topic's configuration when a worker creates it: compacted, so only each key's latest record stays.</summary>
    public static IReadOnlyDictionary<string, string> Configs { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cleanup.policy"] = "compact",
    };

    private const string WorkerPrefix = "worker/";
    private const string StopPrefix = "stop/";

    /// <summary>The key of a worker's record: <c>worker/{job}/{worker id}</c> (a job's name never holds '/').</summary>
    public static string WorkerKey(string job, string workerId) => $"{WorkerPrefix}{job}/{workerId}";

    /// <summary>The key of a stop request: <c>stop/{job}</c> for every worker, <c>stop/{job}/{worker id}</c> for one.</summary>
    public static string StopKey(string job, string? workerId) => workerId is null ? $"{StopPrefix}{job}" : $"{StopPrefix}{job}/{workerId}";

    /// <summary>Splits a worker key into its job and worker id; false for any other key.</summary>
    public static bool TryParseWorkerKey(string key, out string job, out string workerId)
    {
        ArgumentNullException.ThrowIfNull(key);
        job = workerId = "";
        if (!key.StartsWith(WorkerPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = key.IndexOf('/', WorkerPrefix.Length);
        if (slash < 0)
        {
            return false;
        }

        job = key[WorkerPrefix.Length..slash];
        workerId = key[(slash + 1)..];
        return true;
    }

    /// <summary>Whether the key is a stop request's.</summary>
    public static bool IsStopKey(string key) => key?.StartsWith(StopPrefix, StringComparison.Ordinal) ?? false;
}
