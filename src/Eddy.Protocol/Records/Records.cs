namespace Eddy.Protocol;

/// <summary>
/// The opaque RECORDS field of Produce and Fetch: zero or more record batches. Storage hands the broker
/// records that still live in segment files; the codec only needs their size and a way to copy them out.
/// </summary>
public abstract class Records
{
    public abstract int SizeInBytes { get; }

    public abstract void CopyTo(Span<byte> destination);

    /// <summary>Copies <c>destination.Length</c> bytes starting at <paramref name="offset"/>: lets a sender stream large records in chunks.</summary>
    public abstract void CopyRange(int offset, Span<byte> destination);
}

/// <summary>Records held in memory, usually a slice of the request frame they arrived in.</summary>
public sealed class MemoryRecords(ReadOnlyMemory<byte> buffer) : Records
{
    public static readonly MemoryRecords Empty = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Buffer { get; } = buffer;

    public override int SizeInBytes => Buffer.Length;

    public override void CopyTo(Span<byte> destination) => Buffer.Span.CopyTo(destination);

    public override void CopyRange(int offset, Span<byte> destination) => Buffer.Span.Slice(offset, destination.Length).CopyTo(destination);
}
