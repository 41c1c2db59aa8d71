using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Broker.Transactions;

/// <summary>One transactional id's state as the transaction log stores it.</summary>
internal sealed record TransactionRecord(
    long ProducerId,
    short ProducerEpoch,
    int TimeoutMs,
    TransactionState State,
    IReadOnlyList<(string Topic, int Partition)> Partitions,
    long LastUpdateTimestamp,
    long StartTimestamp);

/// <summary>
/// The coordinator's durable memory: the internal compacted topic <c>__transaction_state</c> (its one partition's log,
/// owned by the topic manager) in Kafka's own format — key {version 0, transactional id}, value {version 0, producer id, epoch, timeout, state,
/// partitions, last update, start}; a null value forgets the id. A state change is answered only after its record is
/// in the log, so a decision (PrepareCommit/PrepareAbort) survives a crash and is completed at start-up.
/// </summary>
internal sealed class TransactionLog
{
    private const short KeyVersion = 0;
    private const short ValueVersion = 0;

    private readonly PartitionLog _log;
    private readonly TimeProvider _time;

    /// <param name="log">The log of <c>__transaction_state</c>'s partition, written by this coordinator alone.</param>
    public TransactionLog(PartitionLog log, TimeProvider time)
    {
        _time = time;
        _log = log;
    }

    /// <summary>The latest record of every transactional id still remembered.</summary>
    public Dictionary<string, TransactionRecord> Replay()
    {
        var states = new Dictionary<string, TransactionRecord>(StringComparer.Ordinal);
        InternalLog.Replay(_log, (_, records) =>
        {
            foreach (var record in records)
            {
                if (record.Key is not { } key)
                {
                    continue;
                }
                var id = DecodeKey(key);
                if (record.Value is { } value)
                {
                    states[id] = DecodeValue(value);
                }
                else
                {
                    states.Remove(id);
                }
            }
        });
        return states;
    }

    public void Write(string transactionalId, TransactionRecord state) => Append(transactionalId, EncodeValue(state));

    /// <summary>Forgets an expired transactional id.</summary>
    public void Delete(string transactionalId) => Append(transactionalId, null);

    private void Append(string transactionalId, byte[]? value)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // Spelled out: a null array (even a null literal, through the array conversion) becomes an empty value, not
        // the null value that makes a tombstone.
        ReadOnlyMemory<byte>? recordValue = null;
        if (value is not null)
        {
            recordValue = value;
        }
        var batch = RecordBatchBuilder.Build([Record.Create(now, EncodeKey(transactionalId), recordValue)]);
        _log.Append(batch, TimestampType.CreateTime, now);
    }

    private static byte[] EncodeKey(string transactionalId)
    {
        using var w = new KafkaWriter(64);
        w.WriteInt16(KeyVersion);
        w.WriteString(transactionalId);
        return w.WrittenMemory.ToArray();
    }

    private static string DecodeKey(ReadOnlyMemory<byte> key)
    {
        var r = new KafkaReader(key);
        r.ReadInt16();
        return r.ReadString();
    }

    private static byte[] EncodeValue(TransactionRecord state)
    {
        using var w = new KafkaWriter(128);
        w.WriteInt16(ValueVersion);
        w.WriteInt64(state.ProducerId);
        w.WriteInt16(state.ProducerEpoch);
        w.WriteInt32(state.TimeoutMs);
        w.WriteInt8((sbyte)state.State);
        var byTopic = state.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).ToList();
        w.WriteInt32(byTopic.Count);
        foreach (var topic in byTopic)
        {
            w.WriteString(topic.Key);
            w.WriteInt32(topic.Count());
            foreach (var (_, partition) in topic)
            {
                w.WriteInt32(partition);
            }
        }
        w.WriteInt64(state.LastUpdateTimestamp);
        w.WriteInt64(state.StartTimestamp);
        return w.WrittenMemory.ToArray();
    }

    private static TransactionRecord DecodeValue(ReadOnlyMemory<byte> value)
    {
        var r = new KafkaReader(value);
        r.ReadInt16();
        var producerId = r.ReadInt64();
        var epoch = r.ReadInt16();
        var timeout = r.ReadInt32();
        var state = (TransactionState)r.ReadInt8();
        var partitions = new List<(string, int)>();
        var topics = r.ReadInt32();
        for (var t = 0; t < topics; t++)
        {
            var topic = r.ReadString();
            var count = r.ReadInt32();
            for (var p = 0; p < count; p++)
            {
                partitions.Add((topic, r.ReadInt32()));
            }
        }
        return new TransactionRecord(producerId, epoch, timeout, state, partitions, r.ReadInt64(), r.ReadInt64());
    }
}
