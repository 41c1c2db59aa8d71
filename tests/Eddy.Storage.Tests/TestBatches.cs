using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Eddy.Protocol;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace Eddy.Storage.Tests;

/// <summary>A record to put in a test batch; a null key or value is written as length -1.</summary>
public sealed record TestRecord(string? Key, string? Value, long Timestamp, IReadOnlyList<KeyValuePair<string, string?>>? Headers = null);

/// <summary>A record read back from the log, with the offset the log gave it.</summary>
public sealed record StoredRecord(long Offset, long Timestamp, string? Key, string? Value, IReadOnlyList<KeyValuePair<string, string?>> Headers);

/// <summary>Header fields of a batch read back from the log.</summary>
public sealed record StoredBatch(long BaseOffset, long LastOffset, int Size, long MaxTimestamp, TimestampType TimestampType, int Position, short Attributes = 0, int RecordCount = 0)
{
    public CompressionType Compression => (CompressionType)(Attributes & RecordBatch.CompressionMask);
}

/// <summary>
/// Writes valid record batches (magic 2, correct CRC-32C) with uncompressed records carrying keys, values and
/// headers, and reads them back record by record. The layout follows Kafka's docs/implementation.
/// </summary>
public static class TestBatches
{
    /// <summary>
    /// A batch of the given records. <paramref name="compression"/> only sets the attribute bits: the records stay
    /// plain, which is enough for storage (it never decompresses) and keeps the helper free of codecs.
    /// </summary>
    public static byte[] Create(IReadOnlyList<TestRecord> records, CompressionType compression = CompressionType.None)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        var baseTimestamp = records[0].Timestamp;
        var maxTimestamp = long.MinValue;
        var body = new List<byte>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            var encoded = new List<byte> { 0 }; // attributes
            WriteVarLong(encoded, record.Timestamp - baseTimestamp);
            WriteVarLong(encoded, i);
            WriteBytes(encoded, record.Key);
            WriteBytes(encoded, record.Value);
            var headers = record.Headers ?? [];
            WriteVarLong(encoded, headers.Count);
            foreach (var header in headers)
            {
                WriteBytes(encoded, header.Key);
                WriteBytes(encoded, header.Value);
            }
            WriteVarLong(body, encoded.Count);
            body.AddRange(encoded);
        }

        var batch = new byte[RecordBatch.HeaderSize + body.Count];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BatchLengthOffset..], batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.PartitionLeaderEpochOffset..], 0);
        span[RecordBatch.MagicOffset] = RecordBatch.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.AttributesOffset..], (short)compression);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.LastOffsetDeltaOffset..], records.Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.ProducerIdOffset..], -1);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.ProducerEpochOffset..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BaseSequenceOffset..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.RecordsCountOffset..], records.Count);
        body.CopyTo(batch, RecordBatch.HeaderSize);
        RecordBatch.RewriteCrc(span);
        return batch;
    }

    /// <summary>
    /// A batch of the given records really compressed with <paramref name="codec"/>, encoded here independently of
    /// the storage's codecs: snappy in xerial framing (the Java client) or raw (librdkafka), LZ4 frames, zstd, gzip.
    /// </summary>
    public static byte[] CreateCompressed(IReadOnlyList<TestRecord> records, CompressionType codec, bool xerial = true)
    {
        var plain = Create(records);
        var body = plain.AsSpan(RecordBatch.HeaderSize);
        byte[] payload;
        switch (codec)
        {
            case CompressionType.Gzip:
                using (var output = new MemoryStream())
                {
                    using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                    {
                        gzip.Write(body);
                    }
                    payload = output.ToArray();
                }
                break;
            case CompressionType.Snappy when xerial:
                {
                    var output = new List<byte> { 0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1 };
                    // Small blocks, so that a batch spans several of them.
                    for (var position = 0; position < body.Length; position += 100)
                    {
                        var block = Snappy.CompressToArray(body.Slice(position, Math.Min(100, body.Length - position)));
                        var length = new byte[4];
                        BinaryPrimitives.WriteInt32BigEndian(length, block.Length);
                        output.AddRange(length);
                        output.AddRange(block);
                    }
                    payload = [.. output];
                    break;
                }
            case CompressionType.Snappy:
                payload = Snappy.CompressToArray(body);
                break;
            case CompressionType.Lz4:
                {
                    var writer = new ArrayBufferWriter<byte>();
                    LZ4Frame.Encode(body, writer, new LZ4EncoderSettings { ChainBlocks = false, BlockSize = 64 * 1024 });
                    payload = writer.WrittenSpan.ToArray();
                    break;
                }
            case CompressionType.Zstd:
                using (var compressor = new Compressor(3))
                {
                    payload = compressor.Wrap(body).ToArray();
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec));
        }
        var batch = new byte[RecordBatch.HeaderSize + payload.Length];
        plain.AsSpan(0, RecordBatch.HeaderSize).CopyTo(batch);
        payload.CopyTo(batch, RecordBatch.HeaderSize);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.BatchLengthOffset), batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatch.AttributesOffset), (short)codec);
        RecordBatch.RewriteCrc(batch);
        return batch;
    }

    /// <summary>The records of a batch, decompressed (again independently of the storage's codecs).</summary>
    public static byte[] RecordsOf(ReadOnlySpan<byte> batch)
    {
        var payload = batch[RecordBatch.HeaderSize..];
        switch (RecordBatch.Compression(batch))
        {
            case CompressionType.None:
                return payload.ToArray();
            case CompressionType.Gzip:
                {
                    using var input = new GZipStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress);
                    using var output = new MemoryStream();
                    input.CopyTo(output);
                    return output.ToArray();
                }
            case CompressionType.Snappy when payload.Length >= 16 && payload[0] == 0x82 && payload[1] == (byte)'S':
                {
                    var output = new List<byte>();
                    for (var position = 16; position < payload.Length;)
                    {
                        var length = BinaryPrimitives.ReadInt32BigEndian(payload[position..]);
                        output.AddRange(Snappy.DecompressToArray(payload.Slice(position + 4, length)));
                        position += 4 + length;
                    }
                    return [.. output];
                }
            case CompressionType.Snappy:
                return Snappy.DecompressToArray(payload);
            case CompressionType.Lz4:
                {
                    var writer = new ArrayBufferWriter<byte>();
                    LZ4Frame.Decode(payload, writer);
                    return writer.WrittenSpan.ToArray();
                }
            case CompressionType.Zstd:
                {
                    using var input = new DecompressionStream(new MemoryStream(payload.ToArray()));
                    using var output = new MemoryStream();
                    input.CopyTo(output);
                    return output.ToArray();
                }
            default:
                throw new InvalidDataException("unknown codec");
        }
    }

    /// <summary>
    /// <paramref name="count"/> records keyed "{name}-{i}", with timestamps <paramref name="firstTimestamp"/> + i *
    /// <paramref name="timestampStep"/>, a value of <paramref name="valueSize"/> characters and one header.
    /// </summary>
    public static byte[] Create(int count, string name = "r", long firstTimestamp = 1_000, long timestampStep = 1, int valueSize = 16)
    {
        var records = new TestRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = new TestRecord(
                $"{name}-{i}",
                ValueFor(name, i, valueSize),
                firstTimestamp + (i * timestampStep),
                [new("h", $"{name}/{i}")]);
        }
        return Create(records);
    }

    /// <summary>The value <see cref="Create(int, string, long, long, int)"/> gives record <paramref name="index"/>.</summary>
    public static string ValueFor(string name, int index, int valueSize = 16) =>
        $"{name}:{index}:".PadRight(Math.Max(valueSize, name.Length + 4), 'v');

    public static byte[] Concat(params byte[][] batches)
    {
        var result = new byte[batches.Sum(b => b.Length)];
        var position = 0;
        foreach (var batch in batches)
        {
            batch.CopyTo(result, position);
            position += batch.Length;
        }
        return result;
    }

    public static byte[] CopyOut(Records records)
    {
        var bytes = new byte[records.SizeInBytes];
        records.CopyTo(bytes);
        return bytes;
    }

    /// <summary>The batches in <paramref name="bytes"/>, checking that each is whole, magic 2 and CRC-valid.</summary>
    public static List<StoredBatch> ReadBatches(ReadOnlySpan<byte> bytes)
    {
        var batches = new List<StoredBatch>();
        for (var position = 0; position < bytes.Length;)
        {
            var batch = bytes[position..];
            Assert.True(batch.Length >= RecordBatch.HeaderSize, $"torn batch header at {position}");
            var size = RecordBatch.TotalSize(batch);
            Assert.True(size <= batch.Length, $"torn batch at {position}");
            Assert.Equal(RecordBatch.CurrentMagic, RecordBatch.Magic(batch));
            Assert.True(RecordBatch.IsCrcValid(batch), $"CRC mismatch in the batch at {position}");
            batches.Add(new StoredBatch(
                RecordBatch.BaseOffset(batch), RecordBatch.LastOffset(batch), size, RecordBatch.MaxTimestamp(batch), RecordBatch.TimestampType(batch), position,
                RecordBatch.Attributes(batch), RecordBatch.RecordsCount(batch)));
            position += size;
        }
        return batches;
    }

    /// <summary>Every record of every batch in <paramref name="bytes"/> (decompressed), with its offset and timestamp.</summary>
    public static List<StoredRecord> ReadRecords(ReadOnlySpan<byte> bytes)
    {
        var records = new List<StoredRecord>();
        foreach (var info in ReadBatches(bytes))
        {
            var stored = bytes.Slice(info.Position, info.Size);
            ReadOnlySpan<byte> batch = info.Compression == CompressionType.None ? stored : [.. stored[..RecordBatch.HeaderSize], .. RecordsOf(stored)];
            var baseOffset = RecordBatch.BaseOffset(batch);
            var baseTimestamp = RecordBatch.BaseTimestamp(batch);
            var logAppendTime = RecordBatch.TimestampType(batch) == TimestampType.LogAppendTime;
            var count = RecordBatch.RecordsCount(batch);
            var position = RecordBatch.HeaderSize;
            for (var i = 0; i < count; i++)
            {
                var length = (int)ReadVarLong(batch, ref position);
                var end = position + length;
                position++; // attributes
                var timestampDelta = ReadVarLong(batch, ref position);
                var offsetDelta = ReadVarLong(batch, ref position);
                var key = ReadString(batch, ref position);
                var value = ReadString(batch, ref position);
                var headerCount = (int)ReadVarLong(batch, ref position);
                var headers = new List<KeyValuePair<string, string?>>();
                for (var h = 0; h < headerCount; h++)
                {
                    var headerKey = ReadString(batch, ref position)!;
                    headers.Add(new(headerKey, ReadString(batch, ref position)));
                }
                Assert.Equal(end, position);
                var timestamp = logAppendTime ? RecordBatch.MaxTimestamp(batch) : baseTimestamp + timestampDelta;
                records.Add(new StoredRecord(baseOffset + offsetDelta, timestamp, key, value, headers));
            }
            Assert.Equal(batch.Length, position);
        }
        return records;
    }

    private static void WriteBytes(List<byte> destination, string? value)
    {
        if (value is null)
        {
            WriteVarLong(destination, -1);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteVarLong(destination, bytes.Length);
        destination.AddRange(bytes);
    }

    private static void WriteVarLong(List<byte> destination, long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        while (zigzag >= 0x80)
        {
            destination.Add((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }
        destination.Add((byte)zigzag);
    }

    private static long ReadVarLong(ReadOnlySpan<byte> source, ref int position)
    {
        ulong raw = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = source[position++];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }
    }

    private static string? ReadString(ReadOnlySpan<byte> source, ref int position)
    {
        var length = (int)ReadVarLong(source, ref position);
        if (length < 0)
        {
            return null;
        }
        var value = Encoding.UTF8.GetString(source.Slice(position, length));
        position += length;
        return value;
    }
}
