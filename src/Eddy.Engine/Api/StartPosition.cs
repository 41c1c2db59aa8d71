using System.Collections.ObjectModel;
using System.Globalization;

namespace Eddy.Engine;

/// <summary>How a <see cref="StartPosition"/> picks the first offset of a partition.</summary>
public enum StartPositionKind
{
    /// <summary>The partition's first offset.</summary>
    Earliest = 0,

    /// <summary>The partition's end: only records written after the job started reading.</summary>
    Latest = 1,

    /// <summary>The first record whose timestamp is at or after <see cref="StartPosition.TimestampMs"/> (the end when none is).</summary>
    Timestamp = 2,

    /// <summary>The offsets given per partition in <see cref="StartPosition.Offsets"/>; the earliest offset for the others.</summary>
    Offsets = 3,
}

/// <summary>
/// Where a source starts reading a partition for which its job's consumer group has no committed offset (a new job,
/// or a partition it never committed): as Flink's Kafka source over committed offsets and Kafka Streams, a committed
/// offset always wins, so a restarted job resumes where it stopped, never at its start position again.
/// </summary>
public sealed class StartPosition
{
    private StartPosition(StartPositionKind kind, long timestampMs, IReadOnlyDictionary<int, long> offsets)
    {
        Kind = kind;
        TimestampMs = timestampMs;
        Offsets = offsets;
    }

    /// <summary>The first offset of each partition (what a source does without a start position).</summary>
    public static StartPosition Earliest { get; } = new(StartPositionKind.Earliest, 0, ReadOnlyDictionary<int, long>.Empty);

    /// <summary>The end of each partition when the job first reads it.</summary>
    public static StartPosition Latest { get; } = new(StartPositionKind.Latest, 0, ReadOnlyDictionary<int, long>.Empty);

    /// <summary>How the first offset is picked.</summary>
    public StartPositionKind Kind { get; }

    /// <summary>For <see cref="StartPositionKind.Timestamp"/>: milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>For <see cref="StartPositionKind.Offsets"/>: the first offset per partition number.</summary>
    public IReadOnlyDictionary<int, long> Offsets { get; }

    /// <summary>The first record at or after a timestamp (milliseconds since the Unix epoch).</summary>
    public static StartPosition AtTimestamp(long timestampMs) => new(StartPositionKind.Timestamp, timestampMs, ReadOnlyDictionary<int, long>.Empty);

    /// <summary>Given offsets per partition number; a partition not listed starts at its earliest offset.</summary>
    public static StartPosition AtOffsets(IReadOnlyDictionary<int, long> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var (partition, offset) in offsets)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(partition, nameof(offsets));
            ArgumentOutOfRangeException.ThrowIfNegative(offset, nameof(offsets));
        }

        return new(StartPositionKind.Offsets, 0, new Dictionary<int, long>(offsets).AsReadOnly());
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        StartPositionKind.Timestamp => $"from timestamp {TimestampMs.ToString(CultureInfo.InvariantCulture)}",
        StartPositionKind.Offsets => "from offsets " + string.Join(";", Offsets.OrderBy(o => o.Key).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key}:{o.Value}"))),
        StartPositionKind.Latest => "from latest",
        _ => "from earliest",
    };
}
