using System.Text;

namespace Eddy.Protocol;

/// <summary>Decodes the batches of a RECORDS field into records; uncompressed batches only (tests and tools).</summary>
public static class RecordBatchReader
{
    /// <summary>Every batch in <paramref name="records"/>, as (header bytes, records); a partial trailing batch is ignored, as clients do.</summary>
    public static IEnumerable<(ReadOnlyMemory<byte> Batch, IReadOnlyList<Record> Records)> ReadBatches(ReadOnlyMemory<byte> records)
    {
        var position = 0;
        while (records.Length - position >= RecordBatch.HeaderSize)
        {
            var size = RecordBatch.TotalSize(records.Span[position..]);
            if (size > records.Length - position)
            {
                yield break;
            }
            var batch = records.Slice(position, size);
            position += size;
            yield return (batch, Decode(batch));
        }
    }

    public static IReadOnlyList<Record> Decode(ReadOnlyMemory<byte> batchMemory)
    {
        var batch = batchMemory.Span;
        if (RecordBatch.Compression(batch) != CompressionType.None)
        {
            throw new NotSupportedException($"Batch is {RecordBatch.Compression(batch)}-compressed; only uncompressed batches can be decoded here.");
        }
        var baseOffset = RecordBatch.BaseOffset(batch);
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var count = RecordBatch.RecordsCount(batch);
        var reader = new KafkaReader(batchMemory[RecordBatch.HeaderSize..]);
        var result = new List<Record>(count);
        for (var i = 0; i < count; i++)
        {
            reader.ReadVarInt(); // length
            reader.ReadInt8(); // attributes
            var timestampDelta = reader.ReadVarLong();
            var offsetDelta = reader.ReadVarInt();
            var key = ReadVarBytes(ref reader);
            var value = ReadVarBytes(ref reader);
            var headerCount = reader.ReadVarInt();
            var headers = new RecordHeader[Math.Max(0, headerCount)];
            for (var h = 0; h < headers.Length; h++)
            {
                var keyBytes = ReadVarBytes(ref reader) ?? ReadOnlyMemory<byte>.Empty;
                headers[h] = new RecordHeader(Encoding.UTF8.GetString(keyBytes.Span), ReadVarBytes(ref reader));
            }
            result.Add(new Record(baseOffset + offsetDelta, baseTimestamp + timestampDelta, key, value, headers));
        }
        return result;
    }

    private static ReadOnlyMemory<byte>? ReadVarBytes(ref KafkaReader reader)
    {
        var length = reader.ReadVarInt();
        if (length < 0)
        {
            return null;
        }
        return reader.ReadRawSlice(length);
    }
}
