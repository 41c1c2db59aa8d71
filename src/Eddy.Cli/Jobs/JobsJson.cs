using System.Text.Encodings.Web;
using System.Text.Json;
using Eddy.Cli.Output;
using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Jobs;

/// <summary>
/// <c>--output json</c> of <c>eddy jobs</c>. list: <c>{"jobs":[{"job","description","state","workers","lost","failed",
/// "startedAt","inRate","outRate","exactlyOnce","inputTopics","outputTopics"}]}</c>. describe: the same fields for the
/// job, then <c>"workerRecords"</c> (each worker's control record as published, its <c>state</c> replaced by
/// <c>lost</c> when lost, without the plan), <c>"plan"</c> (the stages: <c>id</c>, <c>inputs</c>, <c>operators</c>
/// with <c>name</c>, <c>kind</c>, <c>topic</c>) and <c>"offsets"</c> (the consumer group's rows as
/// <c>eddy groups describe --output json</c> has them).
/// </summary>
public static class JobsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteList(IReadOnlyList<JobSummary> jobs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(JsonSerializer.Serialize(new { jobs }, Options));
        output.Write('\n');
    }

    public static void WriteDescription(JobSummary job, IReadOnlyList<JobWorkerRecord> workers, DateTimeOffset now, IReadOnlyList<GroupOffsetRow> offsets,
        TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(output);
        var description = new
        {
            job.Job,
            job.Description,
            job.State,
            job.Workers,
            job.Lost,
            job.Failed,
            job.StartedAt,
            job.InRate,
            job.OutRate,
            job.ExactlyOnce,
            job.InputTopics,
            job.OutputTopics,
            WorkerRecords = workers.Select(w => new
            {
                w.WorkerId,
                w.Host,
                w.Pid,
                State = w.StateAt(now),
                w.StartedAt,
                w.UpdatedAt,
                w.HeartbeatIntervalMs,
                w.Partitions,
                w.RecordsIn,
                w.RecordsOut,
                w.InRate,
                w.OutRate,
                w.Commits,
                w.LastCommitAt,
                w.Lag,
                w.Threads,
                w.EddyVersion,
                w.Error,
            }),
            Plan = workers.MaxBy(w => w.UpdatedAt)?.Stages ?? [],
            Offsets = offsets.Select(o => new { o.Topic, o.Partition, o.CurrentOffset, o.LogEndOffset, o.Lag, o.ConsumerId, o.Host, o.ClientId }),
        };
        output.Write(JsonSerializer.Serialize(description, Options));
        output.Write('\n');
    }
}
