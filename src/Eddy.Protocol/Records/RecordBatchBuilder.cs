using System.Buffers.Binary;
using System.Text;

namespace Eddy.Protocol;

/// <summary>
/// Builds one uncompressed record batch (magic 2) with a correct CRC: used for control batches the broker
/// writes itself and by tests that send raw produce requests.
/// </summary>
public static class RecordBatchBuilder
{
    public static byte[] Build(
        IReadOnlyList<Record> records,
        long baseOffset = 0,
        long producerId = -1,
        short producerEpoch = -1,
        int baseSequence = -1,
        bool transactional = false,
        bool control = false)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        var baseTimestamp = records[0].Timestamp;
        var maxTimestamp = baseTimestamp;
        var body = new List<byte[]>(records.Count);
        var bodySize = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var encoded = EncodeRecord(records[i], i, baseTimestamp);
            body.Add(encoded);
            bodySize += encoded.Length;
            maxTimestamp = Math.Max(maxTimestamp, records[i].Timestamp);
        }

        var batch = new byte[RecordBatch.HeaderSize + bodySize];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BatchLengthOffset..], batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.PartitionLeaderEpochOffset..], -1);
        span[RecordBatch.MagicOffset] = RecordBatch.CurrentMagic;
        short attributes = 0;
        if (transactional)
        {
            attributes |= RecordBatch.TransactionalMask;
        }
        if (control)
        {
            attributes |= RecordBatch.ControlMask;
        }
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.LastOffsetDeltaOffset..], records.Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BaseSequenceOffset..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.RecordsCountOffset..], records.Count);
        var position = RecordBatch.HeaderSize;
        foreach (var encoded in body)
        {
            encoded.CopyTo(span[position..]);
            position += encoded.Length;
        }
        RecordBatch.RewriteCrc(span);
        return batch;
    }

    private static byte[] EncodeRecord(Record record, int offsetDelta, long baseTimestamp)
    {
        using var w = new KafkaWriter(256);
        w.WriteInt8(0); // attributes
        w.WriteVarLong(record.Timestamp - baseTimestamp);
        w.WriteVarInt(offsetDelta);
        WriteVarBytes(w, record.Key);
        WriteVarBytes(w, record.Value);
        w.WriteVarInt(record.Headers.Count);
        foreach (var header in record.Headers)
        {
            var key = Encoding.UTF8.GetBytes(header.Key);
            w.WriteVarInt(key.Length);
            w.WriteRaw(key);
            WriteVarBytes(w, header.Value);
        }
        var size = w.Position;
        var encoded = new byte[VarInts.SizeOfVarLong(size) + size];
        var n = VarInts.WriteVarInt(encoded, size);
        w.WrittenSpan.CopyTo(encoded.AsSpan(n));
        return encoded;
    }

    private static void WriteVarBytes(KafkaWriter w, ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            w.WriteVarInt(-1);
            return;
        }
        w.WriteVarInt(value.Value.Length);
        w.WriteRaw(value.Value.Span);
    }
}
