namespace Eddy.Protocol;

/// <summary>The verdict on a produced batch: <see cref="ErrorCode.None"/>, or Kafka's code with a message.</summary>
public readonly record struct BatchValidation(ErrorCode Error, string? Message)
{
    public static readonly BatchValidation Ok = new(ErrorCode.None, null);

    public bool IsValid => Error == ErrorCode.None;
}

/// <summary>
/// Checks a partition's RECORDS in a Produce request as Kafka's broker does before appending
/// (ProduceRequest.validateRecords and LogValidator): exactly one batch of magic 2, sizes that add up,
/// a matching CRC-32C, no control batch from a client, and record offset deltas 0..n-1. Compressed batches
/// are checked at batch level only: Eddy stores them as the producer compressed them and never decompresses.
/// </summary>
public static class RecordBatchValidator
{
    public static BatchValidation Validate(ReadOnlySpan<byte> records, short produceVersion, int maxBatchBytes)
    {
        if (records.Length == 0)
        {
            return new(ErrorCode.InvalidRecord, $"Produce requests with version {produceVersion} must have at least one record batch per partition");
        }
        if (records.Length < RecordBatch.HeaderSize)
        {
            return new(ErrorCode.CorruptMessage, $"Record batch of {records.Length} bytes is smaller than the {RecordBatch.HeaderSize}-byte batch header");
        }
        if (RecordBatch.Magic(records) != RecordBatch.CurrentMagic)
        {
            return new(ErrorCode.InvalidRecord, $"Produce requests with version {produceVersion} are only allowed to contain record batches with magic version 2");
        }
        var batchLength = RecordBatch.BatchLength(records);
        if (batchLength < RecordBatch.HeaderSize - RecordBatch.LogOverhead)
        {
            return new(ErrorCode.CorruptMessage, $"Record batch length {batchLength} is less than the minimum batch header size");
        }
        var total = (long)batchLength + RecordBatch.LogOverhead;
        if (total > records.Length)
        {
            return new(ErrorCode.CorruptMessage, $"Record batch claims {total} bytes but only {records.Length} were sent");
        }
        if (total < records.Length)
        {
            return new(ErrorCode.InvalidRecord, $"Produce requests with version {produceVersion} are only allowed to contain exactly one record batch per partition");
        }
        if (total > maxBatchBytes)
        {
            return new(ErrorCode.MessageTooLarge, $"The record batch of {total} bytes exceeds max.message.bytes ({maxBatchBytes})");
        }
        if (!RecordBatch.IsCrcValid(records))
        {
            return new(ErrorCode.CorruptMessage, $"Record batch is corrupt (stored crc = {RecordBatch.StoredCrc(records)}, computed crc = {RecordBatch.ComputeCrc(records)})");
        }
        if (RecordBatch.IsControl(records))
        {
            return new(ErrorCode.InvalidRecord, "Clients may not produce control batches");
        }
        var compression = RecordBatch.Compression(records);
        if (compression > CompressionType.Zstd)
        {
            return new(ErrorCode.CorruptMessage, $"Unknown compression codec {(int)compression}");
        }
        if (compression == CompressionType.Zstd && produceVersion < 7)
        {
            return new(ErrorCode.UnsupportedCompressionType, $"Produce requests with version {produceVersion} are not allowed to use ZStandard compression");
        }
        var count = RecordBatch.RecordsCount(records);
        if (count <= 0)
        {
            return new(ErrorCode.InvalidRecord, "Record batch has no records");
        }
        if (RecordBatch.LastOffsetDelta(records) != count - 1)
        {
            return new(ErrorCode.InvalidRecord, $"Record batch has {count} records but last offset delta {RecordBatch.LastOffsetDelta(records)}");
        }
        return compression == CompressionType.None ? ValidateRecords(records[..(int)total], count) : BatchValidation.Ok;
    }

    /// <summary>Walks the records of an uncompressed batch: each must fit, and carry offset delta = its index.</summary>
    private static BatchValidation ValidateRecords(ReadOnlySpan<byte> batch, int count)
    {
        var body = batch[RecordBatch.HeaderSize..];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            if (!VarInts.TryReadVarInt(body, ref position, out var length) || length <= 0 || length > body.Length - position)
            {
                return new(ErrorCode.CorruptMessage, $"Record {i} of the batch has an invalid length");
            }
            var record = body.Slice(position, length);
            position += length;
            var at = 1; // attributes
            if (!VarInts.TryReadVarLong(record, ref at, out _) || !VarInts.TryReadVarInt(record, ref at, out var offsetDelta))
            {
                return new(ErrorCode.CorruptMessage, $"Record {i} of the batch is truncated");
            }
            if (offsetDelta != i)
            {
                return new(ErrorCode.InvalidRecord, $"Record {i} of the batch has offset delta {offsetDelta}; expected {i}");
            }
        }
        return position == body.Length
            ? BatchValidation.Ok
            : new(ErrorCode.CorruptMessage, $"Record batch has {body.Length - position} bytes after its {count} records");
    }
}
