using System.Globalization;
using System.Text;
using Eddy.Cli.Output;
using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Jobs;

/// <summary>
/// The text of <c>eddy jobs list</c> and <c>eddy jobs describe</c>: tables in the layout of Kafka's tools (see
/// <see cref="GroupDescriptionText"/>: left-aligned columns one space apart, '-' for a missing value), times in UTC
/// ISO 8601, rates in records per second with one decimal, and how long ago a worker was last seen in seconds.
/// </summary>
public static class JobsText
{
    private const string Missing = GroupDescriptionText.Missing;

    /// <summary>JOB STATE WORKERS LOST FAILED STARTED IN/S OUT/S GUARANTEE, one row per job.</summary>
    public static void WriteList(IReadOnlyList<JobSummary> jobs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(GroupDescriptionText.Table(
            ["JOB", "STATE", "WORKERS", "LOST", "FAILED", "STARTED", "IN/S", "OUT/S", "GUARANTEE"],
            [15, 10, 7, 4, 6, 20, 10, 10, 0],
            jobs.Select(j => new[]
            {
                j.Job, j.State, Number(j.Workers), Number(j.Lost), Number(j.Failed), Time(j.StartedAt), Rate(j.InRate), Rate(j.OutRate), Guarantee(j.ExactlyOnce),
            }),
            leadingBlankLine: false));
    }

    /// <summary>
    /// The job's header (name, description, state, counts, guarantee, topics), its workers' table, the errors
    /// workers reported and the plan as the newest worker published it.
    /// </summary>
    public static void WriteDescription(JobSummary job, IReadOnlyList<JobWorkerRecord> workers, DateTimeOffset now, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(output);
        var text = new StringBuilder();
        text.Append("Job ").Append(job.Job);
        if (job.Description.Length > 0)
        {
            text.Append(": ").Append(job.Description);
        }

        text.Append('\n')
            .Append(CultureInfo.InvariantCulture, $"State {job.State}: {Count(job.Workers, "worker")} alive, {job.Lost} lost, {job.Failed} failed; {Guarantee(job.ExactlyOnce)}\n")
            .Append("Input topics: ").Append(List(job.InputTopics)).Append("; output topics: ").Append(List(job.OutputTopics)).Append('\n');
        text.Append(GroupDescriptionText.Table(
            ["WORKER", "HOST", "PID", "STATE", "STARTED", "LAST-SEEN", "PARTITIONS", "IN/S", "OUT/S", "LAG", "LAST-COMMIT", "VERSION"],
            [10, 15, 7, 10, 20, 9, 15, 10, 10, 8, 20, 0],
            workers.Select(w => new[]
            {
                w.WorkerId, w.Host, Number(w.Pid), w.StateAt(now), Time(w.StartedAt), Ago(now - w.UpdatedAt), Partitions(w.Partitions),
                Rate(w.InRate), Rate(w.OutRate), Number(w.Lag), w.LastCommitAt is { } commit ? Time(commit) : Missing,
                w.EddyVersion.Length > 0 ? w.EddyVersion : Missing,
            }),
            leadingBlankLine: true));
        foreach (var worker in workers.Where(w => w.Error is not null))
        {
            text.Append("Worker ").Append(worker.WorkerId).Append(worker.State == JobWorkerStates.Failed ? " failed: " : " recovered from: ").Append(worker.Error).Append('\n');
        }

        if (workers.MaxBy(w => w.UpdatedAt) is { Stages.Count: > 0 } newest)
        {
            text.Append('\n').Append("Plan (as worker ").Append(newest.WorkerId).Append(" runs it):\n");
            AppendPlan(text, newest.Stages);
        }

        output.Write(text.ToString());
    }

    /// <summary>
    /// Kafka's assignment notation, <c>topic(0,1)</c> per topic, comma-separated; '-' for none.
    /// </summary>
    public static string Partitions(IReadOnlyList<JobTopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return partitions.Count == 0
            ? Missing
            : string.Join(',', partitions
                .GroupBy(p => p.Topic, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}({string.Join(',', g.Select(p => p.Partition).Distinct().Order().Select(p => Number(p)))})"));
    }

    private static void AppendPlan(StringBuilder text, IReadOnlyList<JobStageSummary> stages)
    {
        foreach (var stage in stages)
        {
            text.Append(CultureInfo.InvariantCulture, $"  stage {stage.Id} (a task per partition of {string.Join(", ", stage.Inputs)})\n");
            foreach (var op in stage.Operators)
            {
                text.Append("    ").Append(op.Name).Append(" [").Append(op.Kind);
                if (op.Topic is { } topic)
                {
                    text.Append(op.Kind is "Source" or "TableSource" or "RepartitionSource" ? " <- " : " -> ").Append(topic);
                }

                text.Append("]\n");
            }
        }
    }

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string Rate(double rate) => rate.ToString("0.0", CultureInfo.InvariantCulture);

    internal static string Guarantee(bool exactlyOnce) => exactlyOnce ? "exactly-once" : "at-least-once";

    /// <summary>How long ago, in seconds with one decimal (a clock behind the worker's reads as 0.0s).</summary>
    private static string Ago(TimeSpan elapsed) => Math.Max(0, elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{Number(n)} {noun}s";

    private static string List(IReadOnlyList<string> topics) => topics.Count == 0 ? Missing : string.Join(", ", topics);
}
