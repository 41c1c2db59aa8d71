using System.Buffers.Binary;
using Eddy.Protocol;

namespace Eddy.Storage.Producers;

/// <summary>
/// The one record of an end transaction marker (Kafka's EndTransactionMarker): key {int16 version 0, int16 type
/// (0 ABORT, 1 COMMIT)}, value {int16 version 0, int32 coordinator epoch}. Control batches are never compressed.
/// </summary>
internal static class ControlRecord
{
    private const short AbortType = 0;
    private const short CommitType = 1;

    /// <summary>The control batch of a COMMIT or ABORT marker, with the transactional and control attributes and no sequence.</summary>
    public static byte[] BuildMarker(long producerId, short producerEpoch, bool commit, int coordinatorEpoch, long timestamp)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), commit ? CommitType : AbortType);
        var value = new byte[6];
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(2), coordinatorEpoch);
        return RecordBatchBuilder.Build(
            [Record.Create(timestamp, key, value)], 0, producerId, producerEpoch, baseSequence: -1, transactional: true, control: true);
    }

    /// <summary>
    /// Reads a control batch's marker; false for one that holds no COMMIT or ABORT marker (emptied, or of another
    /// control type), which changes no producer's state.
    /// </summary>
    public static bool TryReadMarker(ReadOnlySpan<byte> batch, out bool commit, out int coordinatorEpoch)
    {
        commit = false;
        coordinatorEpoch = -1;
        if (batch.Length <= RecordBatch.HeaderSize || RecordBatch.RecordsCount(batch) < 1 || RecordBatch.Compression(batch) != CompressionType.None)
        {
            return false;
        }
        var records = batch[RecordBatch.HeaderSize..];
        var position = 0;
        if (!VarInts.TryReadVarInt(records, ref position, out var length) || length <= 0 || length > records.Length - position)
        {
            return false;
        }
        var record = records.Slice(position, length);
        var cursor = 1; // attributes
        if (!VarInts.TryReadVarLong(record, ref cursor, out _) || !VarInts.TryReadVarInt(record, ref cursor, out _)
            || !VarInts.TryReadVarInt(record, ref cursor, out var keyLength) || keyLength < 4 || keyLength > record.Length - cursor)
        {
            return false;
        }
        var type = BinaryPrimitives.ReadInt16BigEndian(record[(cursor + 2)..]);
        cursor += keyLength;
        if (type is not (AbortType or CommitType)
            || !VarInts.TryReadVarInt(record, ref cursor, out var valueLength) || valueLength < 6 || valueLength > record.Length - cursor)
        {
            return false;
        }
        commit = type == CommitType;
        coordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(record[(cursor + 2)..]);
        return true;
    }
}
