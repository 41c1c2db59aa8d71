using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>
/// Entry of the .timeindex file: the largest timestamp seen so far in the segment, and the relative base offset of
/// the batch that holds it. Every record up to the end of that batch is no newer than the timestamp.
/// </summary>
internal readonly record struct TimeEntry(long Timestamp, int RelativeOffset);

/// <summary>
/// Kafka's time index (12-byte entries: int64 timestamp, int32 relative offset, big-endian), written alongside the
/// offset index and only when the segment's largest timestamp grows, so timestamps are strictly increasing.
/// </summary>
internal sealed class TimeIndex(SafeFileHandle file) : SparseIndex<TimeEntry>(file)
{
    protected override int EntrySize => 12;

    public void MaybeAppend(long timestamp, int relativeOffset)
    {
        if (!TryGetLast(out var last) || timestamp > last.Timestamp)
        {
            Append(new TimeEntry(timestamp, relativeOffset));
        }
    }

    /// <summary>The last entry older than <paramref name="timestamp"/>: no record up to its batch can match, so a search may skip them.</summary>
    public bool TryFindLastBefore(long timestamp, out TimeEntry entry) =>
        Capture().TryFindLast(timestamp, static (e, key) => e.Timestamp < key, out entry);

    protected override void Encode(in TimeEntry entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, entry.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], entry.RelativeOffset);
    }

    protected override TimeEntry Decode(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt64BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[8..]));
}
