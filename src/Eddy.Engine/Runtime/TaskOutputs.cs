using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>A record as read from a topic: bytes and the Kafka timestamp.</summary>
/// <param name="Offset">The record's offset in its partition (-1 when unknown), reported with bad input.</param>
/// <param name="Kind">The row kind written upstream (repartition topics carry updates and retractions).</param>
public readonly record struct InputRecord(byte[]? Key, byte[]? Value, long Timestamp, long Offset = -1, RowKind Kind = RowKind.Insert);

/// <summary>
/// An input record the job could not read, or on which one of its functions threw (<see cref="Operator"/>), with
/// where it came from and why: for the dead-letter topic.
/// </summary>
public readonly record struct DeadLetterRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, long Timestamp, string Error)
{
    /// <summary>The operator whose function threw on the record (a processing error); null for a record that could not be read.</summary>
    public string? Operator { get; init; }
}

/// <summary>A record a task writes: to a sink topic, or to a repartition topic for the next stage.</summary>
public readonly record struct OutputRecord(string Topic, byte[]? Key, byte[]? Value, long Timestamp, RowKind Kind, bool IsRepartition);

/// <summary>
/// A record sent to a side output (late records, or a process function's side output): the objects for the test kit,
/// their bytes for the side output's topic.
/// </summary>
public readonly record struct SideOutputRecord(string Tag, object? Key, object? Value, long Timestamp, byte[]? KeyBytes, byte[]? ValueBytes);

/// <summary>What a task produced since the runtime last drained it; the runtime writes it out (a transaction in EOS).</summary>
public sealed class TaskOutputs
{
    public List<OutputRecord> Records { get; } = [];

    public List<SideOutputRecord> SideOutputs { get; } = [];

    public List<DeadLetterRecord> DeadLetters { get; } = [];

    /// <summary>
    /// Set when the task's watermark or idleness changed and the stage writes repartition topics: to be written to
    /// every partition of each of them, after <see cref="Records"/>.
    /// </summary>
    public WatermarkControl? Watermark { get; set; }

    public void Clear()
    {
        Watermark = null;
        DeadLetters.Clear();
        Records.Clear();
        SideOutputs.Clear();
    }
}

/// <summary>Counters of one task, for the live view and the test kit.</summary>
public sealed class TaskMetrics
{
    public long RecordsIn { get; internal set; }

    /// <summary>Records that arrived after their windows' allowed lateness: sent to the late side output, or dropped.</summary>
    public long LateRecords { get; internal set; }

    /// <summary>Input records that could not be deserialized.</summary>
    public long BadRecords { get; internal set; }

    /// <summary>Input records on which a function threw (skipped or dead-lettered, or the one the task failed on).</summary>
    public long ProcessingErrors { get; internal set; }
}

/// <summary>One operator's record counts in one task: elements handed to it, and elements it passed on in its chain.</summary>
internal readonly record struct OperatorRecordCounts(string Operator, long RecordsIn, long RecordsOut);
