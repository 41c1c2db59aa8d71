using System.Buffers.Binary;

namespace Eddy.Protocol;

public enum CompressionType : byte
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

public enum TimestampType : byte
{
    CreateTime = 0,
    LogAppendTime = 1,
}

/// <summary>
/// Offsets and accessors for the fixed 61-byte header of a record batch (magic 2), read and patched in place.
/// Layout: Kafka's docs/implementation ("Record Batch"). The CRC covers everything from Attributes to the end,
/// so BaseOffset, BatchLength and PartitionLeaderEpoch can be rewritten by the broker without recomputing it.
/// </summary>
public static class RecordBatch
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;
    public const int HeaderSize = 61;

    /// <summary>BaseOffset + BatchLength: the bytes not counted by BatchLength.</summary>
    public const int LogOverhead = 12;

    public const byte CurrentMagic = 2;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeMask = 0x08;
    public const short TransactionalMask = 0x10;
    public const short ControlMask = 0x20;

    public static long BaseOffset(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch);

    public static int BatchLength(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]);

    /// <summary>Whole size of the batch on disk or on the wire.</summary>
    public static int TotalSize(ReadOnlySpan<byte> batch) => BatchLength(batch) + LogOverhead;

    public static int PartitionLeaderEpoch(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]);

    public static byte Magic(ReadOnlySpan<byte> batch) => batch[MagicOffset];

    public static uint StoredCrc(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]);

    public static short Attributes(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);

    public static CompressionType Compression(ReadOnlySpan<byte> batch) => (CompressionType)(Attributes(batch) & CompressionMask);

    public static TimestampType TimestampType(ReadOnlySpan<byte> batch) =>
        (Attributes(batch) & TimestampTypeMask) != 0 ? Protocol.TimestampType.LogAppendTime : Protocol.TimestampType.CreateTime;

    public static bool IsTransactional(ReadOnlySpan<byte> batch) => (Attributes(batch) & TransactionalMask) != 0;

    public static bool IsControl(ReadOnlySpan<byte> batch) => (Attributes(batch) & ControlMask) != 0;

    public static int LastOffsetDelta(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]);

    public static long LastOffset(ReadOnlySpan<byte> batch) => BaseOffset(batch) + LastOffsetDelta(batch);

    public static long BaseTimestamp(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[BaseTimestampOffset..]);

    public static long MaxTimestamp(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]);

    public static long ProducerId(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]);

    public static short ProducerEpoch(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]);

    public static int BaseSequence(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]);

    public static int RecordsCount(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordsCountOffset..]);

    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[AttributesOffset..TotalSize(batch)]);

    public static bool IsCrcValid(ReadOnlySpan<byte> batch) => ComputeCrc(batch) == StoredCrc(batch);

    public static void SetBaseOffset(Span<byte> batch, long baseOffset) => BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    /// <summary>Stamps the broker's time as the batch's timestamp (topic config message.timestamp.type=LogAppendTime).</summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestamp)
    {
        var attributes = (short)(Attributes(batch) | TimestampTypeMask);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], timestamp);
        RewriteCrc(batch);
    }

    public static void RewriteCrc(Span<byte> batch) => BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], ComputeCrc(batch));
}
