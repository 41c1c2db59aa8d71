using System.Globalization;
using System.Text;
using Eddy.Protocol;

namespace Eddy.Storage;

/// <summary>One refused record of a batch: its index in the batch and why, as Produce v8+ reports it.</summary>
public readonly record struct RecordError(int BatchIndex, string Message)
{
    /// <summary>Kafka's own rendering (RecordError.toString), which its error messages quote.</summary>
    public override string ToString() => $"RecordError(batchIndex={BatchIndex}, message='{Message}')";
}

/// <summary>A batch's record-level verdict: no error, or Kafka's code and message with every refused record.</summary>
public sealed record RecordValidation(ErrorCode Error, string? Message, IReadOnlyList<RecordError> RecordErrors)
{
    public static readonly RecordValidation Ok = new(ErrorCode.None, null, []);

    public bool IsValid => Error == ErrorCode.None;
}

/// <summary>What a partition demands of each record it accepts (from its topic's configuration).</summary>
public readonly record struct RecordRules(
    string Topic,
    int Partition,
    bool RequireKeys,
    TimestampType TimestampType,
    long TimestampBeforeMaxMs,
    long TimestampAfterMaxMs)
{
    /// <summary>True when no record needs to be looked at: the batch-level checks decide alone.</summary>
    public bool AcceptsAnyRecord =>
        !RequireKeys && TimestampType == TimestampType.CreateTime && TimestampBeforeMaxMs == long.MaxValue && TimestampAfterMaxMs == long.MaxValue;
}

/// <summary>
/// The record-level checks Kafka's LogValidator makes on a produced batch (which already passed the batch-level
/// checks of <see cref="RecordBatchValidator"/>): a compacted topic refuses records without a key; a CreateTime topic
/// refuses timestamps outside [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]; a
/// producer may not mark its batch LogAppendTime. Every refused record is listed with its index, and the whole batch
/// is refused: INVALID_TIMESTAMP when any timestamp is wrong, else INVALID_RECORD, with Kafka's messages. A compressed
/// batch is decompressed only when the topic's rules need its records.
/// </summary>
public static class LogValidator
{
    public static RecordValidation Validate(ReadOnlySpan<byte> batch, in RecordRules rules, long now)
    {
        var logAppendTimeBatch = RecordBatch.TimestampType(batch) == TimestampType.LogAppendTime;
        if (rules.AcceptsAnyRecord && !logAppendTimeBatch)
        {
            return RecordValidation.Ok;
        }
        var codec = RecordBatch.Compression(batch);
        byte[] decompressed;
        ReadOnlySpan<byte> body;
        if (codec == CompressionType.None)
        {
            body = batch[RecordBatch.HeaderSize..RecordBatch.TotalSize(batch)];
        }
        else
        {
            try
            {
                decompressed = RecordCompression.Decompress(codec, batch[RecordBatch.HeaderSize..RecordBatch.TotalSize(batch)]);
            }
            catch (InvalidDataException e)
            {
                return new(ErrorCode.CorruptMessage, $"Record batch could not be decompressed ({codec}): {e.Message}", []);
            }
            body = decompressed;
        }

        List<RecordError>? errors = null;
        var anyTimestampError = false;
        var baseOffset = RecordBatch.BaseOffset(batch);
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var count = RecordBatch.RecordsCount(batch);
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadRecord(body, ref position, out var timestampDelta, out var offsetDelta, out var keyLength, out var valueLength))
            {
                return new(ErrorCode.CorruptMessage, $"Record {i} of the batch is truncated", []);
            }
            var timestamp = baseTimestamp + timestampDelta;
            var offset = baseOffset + offsetDelta;
            string? error = null;
            var isTimestampError = false;
            if (rules.RequireKeys && keyLength < 0)
            {
                error = $"Compacted topic cannot accept message without key in topic partition {rules.Topic}-{rules.Partition}";
            }
            else if (rules.TimestampType == TimestampType.CreateTime && timestamp != -1)
            {
                if (unchecked(now - timestamp) > rules.TimestampBeforeMaxMs || unchecked(timestamp - now) > rules.TimestampAfterMaxMs)
                {
                    error = string.Create(CultureInfo.InvariantCulture,
                        $"Timestamp {timestamp} of message with offset {offset} is out of range. The timestamp should be within [{unchecked(now - rules.TimestampBeforeMaxMs)}, {unchecked(now + rules.TimestampAfterMaxMs)}]");
                    isTimestampError = true;
                }
            }
            else if (logAppendTimeBatch)
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"Invalid timestamp type in message DefaultRecord(offset={offset}, timestamp={timestamp}, key={Math.Max(keyLength, 0)} bytes, value={Math.Max(valueLength, 0)} bytes). Producer should not set timestamp type to LogAppendTime.");
                isTimestampError = true;
            }
            if (error is not null)
            {
                (errors ??= []).Add(new RecordError(i, error));
                anyTimestampError |= isTimestampError;
            }
        }
        if (errors is null)
        {
            return RecordValidation.Ok;
        }
        return anyTimestampError
            ? new(ErrorCode.InvalidTimestamp, "One or more records have been rejected due to invalid timestamp", errors)
            : new(ErrorCode.InvalidRecord, FormatInvalidRecord(errors), errors);
    }

    private static string FormatInvalidRecord(List<RecordError> errors)
    {
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"One or more records have been rejected due to {errors.Count} record errors in total, and only showing the first three errors at most: [");
        for (var i = 0; i < Math.Min(errors.Count, 3); i++)
        {
            message.Append(i == 0 ? "" : ", ").Append(errors[i]);
        }
        return message.Append(']').ToString();
    }

    /// <summary>Reads one record (length, attributes, timestamp delta, offset delta, key, value, headers) and steps over it.</summary>
    private static bool TryReadRecord(ReadOnlySpan<byte> body, ref int position, out long timestampDelta, out int offsetDelta, out int keyLength, out int valueLength)
    {
        timestampDelta = 0;
        offsetDelta = 0;
        keyLength = -1;
        valueLength = -1;
        if (!VarInts.TryReadVarInt(body, ref position, out var length) || length <= 0 || length > body.Length - position)
        {
            return false;
        }
        var record = body.Slice(position, length);
        position += length;
        var at = 1; // attributes
        if (!VarInts.TryReadVarLong(record, ref at, out timestampDelta)
            || !VarInts.TryReadVarInt(record, ref at, out offsetDelta)
            || !VarInts.TryReadVarInt(record, ref at, out keyLength)
            || keyLength > record.Length - at)
        {
            return false;
        }
        at += Math.Max(keyLength, 0);
        return VarInts.TryReadVarInt(record, ref at, out valueLength) && valueLength <= record.Length - at;
    }
}
