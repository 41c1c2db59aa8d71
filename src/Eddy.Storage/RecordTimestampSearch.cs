using Eddy.Protocol;

namespace Eddy.Storage;

internal enum RecordSearchResult
{
    Found,
    NotFound,
    Malformed,
}

/// <summary>
/// Walks the records of an uncompressed batch for ListOffsets: each record is varint length, int8 attributes,
/// varlong timestampDelta, varint offsetDelta, then key, value and headers that are skipped by the length.
/// </summary>
internal static class RecordTimestampSearch
{
    /// <summary>The first record at or after <paramref name="minOffset"/> whose timestamp is at least <paramref name="timestamp"/>.</summary>
    public static RecordSearchResult FindFirst(ReadOnlySpan<byte> batch, long timestamp, long minOffset, out long recordOffset, out long recordTimestamp)
    {
        recordOffset = -1;
        recordTimestamp = -1;
        var baseOffset = RecordBatch.BaseOffset(batch);
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var count = RecordBatch.RecordsCount(batch);
        var position = RecordBatch.HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadRecordStart(batch, ref position, out var timestampDelta, out var offsetDelta, out var next))
            {
                return RecordSearchResult.Malformed;
            }
            var offset = baseOffset + offsetDelta;
            var recordTime = baseTimestamp + timestampDelta;
            if (offset >= minOffset && recordTime >= timestamp)
            {
                recordOffset = offset;
                recordTimestamp = recordTime;
                return RecordSearchResult.Found;
            }
            position = next;
        }
        return RecordSearchResult.NotFound;
    }

    /// <summary>The largest timestamp among the records at or after <paramref name="minOffset"/> (long.MinValue if none).</summary>
    public static RecordSearchResult FindMax(ReadOnlySpan<byte> batch, long minOffset, out long maxTimestamp)
    {
        maxTimestamp = long.MinValue;
        var baseOffset = RecordBatch.BaseOffset(batch);
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var count = RecordBatch.RecordsCount(batch);
        var position = RecordBatch.HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadRecordStart(batch, ref position, out var timestampDelta, out var offsetDelta, out var next))
            {
                return RecordSearchResult.Malformed;
            }
            if (baseOffset + offsetDelta >= minOffset)
            {
                maxTimestamp = Math.Max(maxTimestamp, baseTimestamp + timestampDelta);
            }
            position = next;
        }
        return maxTimestamp == long.MinValue ? RecordSearchResult.NotFound : RecordSearchResult.Found;
    }

    /// <summary>Reads a record's length, timestamp delta and offset delta; <paramref name="next"/> is where the next record starts.</summary>
    private static bool TryReadRecordStart(ReadOnlySpan<byte> batch, ref int position, out long timestampDelta, out long offsetDelta, out int next)
    {
        timestampDelta = 0;
        offsetDelta = 0;
        next = 0;
        if (!VarInts.TryReadVarLong(batch, ref position, out var length) || length < 1 || length > batch.Length - position)
        {
            return false;
        }
        var body = batch.Slice(position, (int)length);
        var cursor = 1; // attributes
        next = position + (int)length;
        return VarInts.TryReadVarLong(body, ref cursor, out timestampDelta) && VarInts.TryReadVarLong(body, ref cursor, out offsetDelta);
    }
}
