using System.Buffers;
using Eddy.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>Outcome of validating a segment file: how many leading bytes hold good batches, and why the rest does not.</summary>
internal readonly record struct RecoveryResult(int ValidBytes, long NextOffset, string? Reason);

/// <summary>
/// Validates a segment file batch by batch, reading it sequentially in large chunks: length, magic 2, CRC-32C and
/// increasing offsets. Stops at the first batch that fails (a torn or corrupt tail), which is never served.
/// </summary>
internal static class SegmentRecovery
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Calls <paramref name="onBatch"/> for every valid batch with its position, in file order.</summary>
    public static RecoveryResult Scan(SafeFileHandle file, long baseOffset, Action<BatchHeader, int> onBatch)
    {
        var fileLength = RandomAccess.GetLength(file);
        var limit = (int)Math.Min(fileLength, int.MaxValue);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkSize, Math.Max(limit, RecordBatch.HeaderSize)));
        long windowStart = 0;
        var windowLength = 0;
        var position = 0;
        var nextOffset = baseOffset;
        string? reason = null;
        try
        {
            while (position < limit)
            {
                if (limit - position < RecordBatch.HeaderSize)
                {
                    reason = $"{limit - position} bytes at position {position} are too short for a batch header";
                    break;
                }
                var window = Window(RecordBatch.HeaderSize);
                if (!BatchHeader.IsLengthPlausible(window, limit - position))
                {
                    reason = $"batch length {RecordBatch.BatchLength(window)} at position {position} does not fit the {limit - position} bytes left";
                    break;
                }
                var batch = Window(RecordBatch.TotalSize(window));
                var header = new BatchHeader(batch);
                if (header.Magic != RecordBatch.CurrentMagic)
                {
                    reason = $"magic {header.Magic} at position {position}";
                    break;
                }
                if (!RecordBatch.IsCrcValid(batch))
                {
                    reason = $"CRC mismatch in the batch at position {position}";
                    break;
                }
                if (header.BaseOffset < nextOffset || header.LastOffsetDelta < 0 || header.LastOffset - baseOffset >= int.MaxValue)
                {
                    reason = $"offsets {header.BaseOffset}..{header.LastOffset} at position {position} do not follow {nextOffset - 1}";
                    break;
                }
                onBatch(header, position);
                nextOffset = header.LastOffset + 1;
                position += header.TotalSize;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (reason is null && fileLength > limit)
        {
            reason = "the segment is larger than 2 GiB";
        }
        return new RecoveryResult(position, nextOffset, reason);

        // The bytes [position, position + size), re-reading a chunk from position when they are not all in the buffer.
        Span<byte> Window(int size)
        {
            if (position < windowStart || position + size > windowStart + windowLength)
            {
                if (size > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                }
                windowLength = Math.Min(buffer.Length, limit - position);
                FileReads.ReadExactly(file, buffer.AsSpan(0, windowLength), position);
                windowStart = position;
            }
            return buffer.AsSpan((int)(position - windowStart), size);
        }
    }
}
