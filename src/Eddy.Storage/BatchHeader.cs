using Eddy.Protocol;

namespace Eddy.Storage;

/// <summary>The fields of a record batch header the log works with, parsed once from its first 61 bytes.</summary>
internal readonly struct BatchHeader
{
    public BatchHeader(ReadOnlySpan<byte> header)
    {
        BaseOffset = RecordBatch.BaseOffset(header);
        TotalSize = RecordBatch.TotalSize(header);
        Magic = RecordBatch.Magic(header);
        Attributes = RecordBatch.Attributes(header);
        LastOffsetDelta = RecordBatch.LastOffsetDelta(header);
        BaseTimestamp = RecordBatch.BaseTimestamp(header);
        MaxTimestamp = RecordBatch.MaxTimestamp(header);
        RecordsCount = RecordBatch.RecordsCount(header);
        ProducerId = RecordBatch.ProducerId(header);
        ProducerEpoch = RecordBatch.ProducerEpoch(header);
        BaseSequence = RecordBatch.BaseSequence(header);
    }

    public long BaseOffset { get; }

    public int TotalSize { get; }

    public byte Magic { get; }

    public short Attributes { get; }

    public int LastOffsetDelta { get; }

    public long BaseTimestamp { get; }

    public long MaxTimestamp { get; }

    public int RecordsCount { get; }

    public long ProducerId { get; }

    public short ProducerEpoch { get; }

    public int BaseSequence { get; }

    public bool IsTransactional => (Attributes & RecordBatch.TransactionalMask) != 0;

    public bool IsControl => (Attributes & RecordBatch.ControlMask) != 0;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public bool IsCompressed => (Attributes & RecordBatch.CompressionMask) != 0;

    /// <summary>With LogAppendTime every record's timestamp is the batch's MaxTimestamp.</summary>
    public bool HasLogAppendTime => (Attributes & RecordBatch.TimestampTypeMask) != 0;

    /// <summary>True when the batch length field describes a batch that fits in <paramref name="available"/> bytes.</summary>
    public static bool IsLengthPlausible(ReadOnlySpan<byte> header, long available)
    {
        long batchLength = RecordBatch.BatchLength(header);
        return batchLength >= RecordBatch.HeaderSize - RecordBatch.LogOverhead && batchLength + RecordBatch.LogOverhead <= available;
    }
}
