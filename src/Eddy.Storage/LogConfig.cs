namespace Eddy.Storage;

/// <summary>
/// Topic-level settings of a partition log, with Kafka's names and semantics (the property comments give the Kafka key).
/// Immutable: the broker swaps in a new instance when AlterConfigs changes a topic.
/// </summary>
public sealed record LogConfig
{
    /// <summary>segment.bytes: roll to a new segment before one grows past this (capped at 2 GiB, positions are int32).</summary>
    public long SegmentBytes { get; init; } = 1L << 30;

    /// <summary>segment.ms: roll when the active segment's first append is older than this.</summary>
    public long SegmentMs { get; init; } = 7 * 24 * 3600_000L;

    /// <summary>retention.ms: delete segments whose newest record is older than this; -1 keeps them forever.</summary>
    public long RetentionMs { get; init; } = 7 * 24 * 3600_000L;

    /// <summary>retention.bytes: delete the oldest segments while the log stays at least this large; -1 is no limit.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>index.interval.bytes: bytes of batches between two entries of the offset and time indexes.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>flush.messages: fsync after this many records (1 = every append).</summary>
    public long FlushMessages { get; init; } = long.MaxValue;

    /// <summary>flush.ms: fsync when unflushed data is older than this.</summary>
    public long FlushMs { get; init; } = long.MaxValue;

    /// <summary>
    /// file.delete.delay.ms: how long the file handle of a deleted segment stays open, so that records read just
    /// before the deletion can still be copied out. The file is unlinked at once; its space is freed when the handle closes.
    /// </summary>
    public long FileDeleteDelayMs { get; init; } = 60_000;

    /// <summary>cleanup.policy contains "compact": <see cref="PartitionLog.Compact"/> keeps only the latest record per key.</summary>
    public bool Compact { get; init; }

    /// <summary>cleanup.policy contains "delete": retention.ms and retention.bytes apply only when this is set.</summary>
    public bool Delete { get; init; } = true;

    /// <summary>delete.retention.ms: how long a tombstone (null value) survives after the cleaner first kept it.</summary>
    public long DeleteRetentionMs { get; init; } = 86_400_000;

    /// <summary>min.compaction.lag.ms: a segment holding a record younger than this (by timestamp) is not compacted.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary>min.cleanable.dirty.ratio: a cleaner picks a log once <see cref="PartitionLog.DirtyRatio"/> reaches this.</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;
}
