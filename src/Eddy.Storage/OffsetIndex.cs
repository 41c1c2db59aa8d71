using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>Entry of the .index file: a batch's base offset relative to the segment, and the batch's file position.</summary>
internal readonly record struct OffsetEntry(int RelativeOffset, int Position);

/// <summary>
/// Kafka's sparse offset index (8-byte entries: int32 relative offset, int32 position, big-endian), one entry per
/// index.interval.bytes of batches. Keyed by batch base offsets, so both columns increase and either can be searched.
/// </summary>
internal sealed class OffsetIndex(SafeFileHandle file) : SparseIndex<OffsetEntry>(file)
{
    protected override int EntrySize => 8;

    /// <summary>Position of the last indexed batch whose base offset is at most <paramref name="relativeOffset"/>, else 0.</summary>
    public int FloorPositionByOffset(int relativeOffset) =>
        Capture().TryFindLast(relativeOffset, static (e, key) => e.RelativeOffset <= key, out var entry) ? entry.Position : 0;

    /// <summary>The last indexed batch boundary at or before <paramref name="position"/>, else 0.</summary>
    public int FloorPositionByPosition(int position) =>
        Capture().TryFindLast(position, static (e, key) => e.Position <= key, out var entry) ? entry.Position : 0;

    protected override void Encode(in OffsetEntry entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, entry.RelativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], entry.Position);
    }

    protected override OffsetEntry Decode(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt32BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[4..]));
}
