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

    /// <summary>Input records that could not be read, written to the dead-letter topic.</summary>
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

    /// <summary>The latest error the worker recovered from (aborting and replaying the interval), if any.</summary>
    public string? LastError { get; init; }
}

/// <summary>One task (stage, partition) of a worker.</summary>
/// <param name="Watermark">long.MinValue until the task's inputs have one.</param>
public sealed record TaskStatus(int Stage, int Partition, long Watermark, long RecordsIn, long LateRecords, long BadRecords);
