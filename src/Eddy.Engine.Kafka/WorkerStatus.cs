namespace Eddy.Engine.Kafka;

/// <summary>
/// A worker's numbers as of its latest commit interval, for the live view of <c>eddy run</c> and for metrics. Counters
/// are totals since the worker started; a viewer derives rates from two snapshots.
/// </summary>
public sealed record WorkerStatus
{
    public static readonly WorkerStatus Starting = new();

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Records read from the job's source topics (repartition topics not counted).</summary>
    public long RecordsIn { get; init; }

    /// <summary>Records written to the job's sink topics.</summary>
    public long RecordsOut { get; init; }

    /// <summary>Records written to side-output topics (late records, process functions' side outputs).</summary>
    public long SideOutputRecords { get; init; }

    /// <summary>
    /// Records written to the dead-letter topic: input records that could not be read, and with
    /// <see cref="ProcessingErrorPolicy.DeadLetter"/> records a function threw on.
    /// </summary>
    public long DeadLetters { get; init; }

    /// <summary>Transactions (or, at least once, offset commits) that succeeded.</summary>
    public long Commits { get; init; }

    /// <summary>Transactions aborted and replayed after an abortable error.</summary>
    public long Aborts { get; init; }

    /// <summary>Duration of the latest commit (offsets + transaction commit, or flush + offset commit).</summary>
    public TimeSpan LastCommitLatency { get; init; }

    /// <summary>The longest commit since the previous snapshot.</summary>
    public TimeSpan MaxCommitLatency { get; init; }

    /// <summary>Changelog records replayed into local state while restoring tasks.</summary>
    public long RestoredRecords { get; init; }

    /// <summary>Records in the worker's assigned input partitions not yet read (from the consumer's latest fetches).</summary>
    public long Lag { get; init; }

    /// <summary>The lowest watermark of the worker's tasks that have one (null: none yet).</summary>
    public long? Watermark { get; init; }

    public IReadOnlyList<TaskStatus> Tasks { get; init; } = [];

    /// <summary>The lag of each assigned input partition (for the per-partition consumer lag metric).</summary>
    internal IReadOnlyList<InputPartitionLag> InputLag { get; init; } = [];

    /// <summary>The latest error the worker recovered from (aborting and replaying the interval), if any.</summary>
    public string? LastError { get; init; }

    /// <summary>A worker's status from its threads': counters summed, the lowest watermark, every task.</summary>
    public static WorkerStatus Combine(IReadOnlyList<WorkerStatus> threads)
    {
        if (threads.Count == 1)
        {
            return threads[0];
        }

        return new WorkerStatus
        {
            At = threads.Count == 0 ? DateTimeOffset.UtcNow : threads.Max(t => t.At),
            RecordsIn = threads.Sum(t => t.RecordsIn),
            RecordsOut = threads.Sum(t => t.RecordsOut),
            SideOutputRecords = threads.Sum(t => t.SideOutputRecords),
            DeadLetters = threads.Sum(t => t.DeadLetters),
            Commits = threads.Sum(t => t.Commits),
            Aborts = threads.Sum(t => t.Aborts),
            LastCommitLatency = threads.Count == 0 ? TimeSpan.Zero : threads.Max(t => t.LastCommitLatency),
            MaxCommitLatency = threads.Count == 0 ? TimeSpan.Zero : threads.Max(t => t.MaxCommitLatency),
            RestoredRecords = threads.Sum(t => t.RestoredRecords),
            Lag = threads.Sum(t => t.Lag),
            Watermark = threads.Where(t => t.Watermark is not null).Select(t => t.Watermark).Min(),
            Tasks = [.. threads.SelectMany(t => t.Tasks).OrderBy(t => t.Stage).ThenBy(t => t.Partition)],
            InputLag = [.. threads.SelectMany(t => t.InputLag)],
            LastError = threads.Select(t => t.LastError).LastOrDefault(e => e is not null),
        };
    }
}

/// <summary>One task (stage, partition) of a worker.</summary>
/// <param name="Watermark">long.MinValue until the task's inputs have one.</param>
public sealed record TaskStatus(int Stage, int Partition, long Watermark, long RecordsIn, long LateRecords, long BadRecords)
{
    /// <summary>Records a function threw on (skipped, dead-lettered, or the one the task failed on).</summary>
    public long ProcessingErrors { get; init; }

    /// <summary>Each operator's records in and out, in the chain's order (for the per-operator metrics).</summary>
    internal IReadOnlyList<Runtime.OperatorRecordCounts> Operators { get; init; } = [];
}

/// <summary>Records of an assigned input partition not read yet: its high watermark minus the consumer's position.</summary>
internal readonly record struct InputPartitionLag(string Topic, int Partition, long Records);
