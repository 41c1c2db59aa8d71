using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Jobs;

/// <summary>
/// A job as <c>eddy jobs list</c> shows it, from its workers' records at one moment: how many are alive (refreshed
/// in time and not failed), lost or failed; the job's state (the most telling of its live workers': stopping,
/// restoring, starting, then running; with none alive, failed or lost); when its earliest worker started; and the
/// sum of its live workers' rates.
/// </summary>
public sealed record JobSummary(
    string Job,
    string Description,
    string State,
    int Workers,
    int Lost,
    int Failed,
    DateTimeOffset StartedAt,
    double InRate,
    double OutRate,
    bool ExactlyOnce,
    IReadOnlyList<string> InputTopics,
    IReadOnlyList<string> OutputTopics)
{
    private static readonly string[] StatePriority = [JobWorkerStates.Stopping, JobWorkerStates.Restoring, JobWorkerStates.Starting, JobWorkerStates.Running];

    /// <summary>One summary per job of <paramref name="snapshot"/>, by name; lost is judged at the snapshot's reading time.</summary>
    public static List<JobSummary> Of(JobRegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return [.. snapshot.Jobs.Select(job => Of(job, snapshot.WorkersOf(job), snapshot.ReadAt))];
    }

    public static JobSummary Of(string job, IReadOnlyList<JobWorkerRecord> workers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var states = workers.Select(w => w.StateAt(now)).ToList();
        var alive = workers.Where((_, i) => states[i] is not (JobWorkerStates.Lost or JobWorkerStates.Failed)).ToList();
        var failed = states.Count(s => s == JobWorkerStates.Failed);
        var lost = states.Count(s => s == JobWorkerStates.Lost);
        var aliveStates = alive.Select(w => w.State).ToHashSet(StringComparer.Ordinal);
        var state = alive.Count == 0
            ? (failed > 0 ? JobWorkerStates.Failed : JobWorkerStates.Lost)
            : StatePriority.FirstOrDefault(aliveStates.Contains) ?? alive[0].State;
        var shown = alive.Count > 0 ? alive : workers;
        var newest = workers.MaxBy(w => w.UpdatedAt)!;
        return new JobSummary(
            job,
            newest.Description,
            state,
            alive.Count,
            lost,
            failed,
            shown.Min(w => w.StartedAt),
            alive.Sum(w => w.InRate),
            alive.Sum(w => w.OutRate),
            newest.ExactlyOnce,
            newest.InputTopics,
            newest.OutputTopics);
    }
}
