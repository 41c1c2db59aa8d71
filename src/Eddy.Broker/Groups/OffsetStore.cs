using System.Collections.Concurrent;
using Eddy.Protocol;
using Eddy.Storage;
using Eddy.Storage.Producers;

namespace Eddy.Broker.Groups;

/// <summary>A committed offset, as OffsetCommit stores it and OffsetFetch returns it.</summary>
public readonly record struct CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp);

/// <summary>
/// Committed offsets of every group, kept in memory and made durable in the internal topic <c>__consumer_offsets</c>
/// (its one partition's log, owned by the topic manager) in Kafka's own record format: key
/// {version 1, group, topic, partition}, value {version 3, offset, leader epoch, metadata, commit timestamp}, a null
/// value deleting the key. The log is replayed at start-up; a commit is answered only after its batch is written.
/// Transactional commits are written as transactional batches of their producer and stay pending — invisible to
/// OffsetFetch — until the transaction's COMMIT marker (then applied) or ABORT marker (then dropped), in the log as
/// in memory, so a replay after a crash ends in the same state.
/// </summary>
public sealed class OffsetStore
{
    private const short OffsetKeyVersion = 1;
    private const short OffsetValueVersion = 3;

    private readonly PartitionLog _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Topic, int Partition), CommittedOffset>> _groups = new(StringComparer.Ordinal);
    private readonly Lock _appendLock = new();

    // Group metadata records (key version 2) as last written: what a restarted coordinator reloads its groups from.
    private readonly ConcurrentDictionary<string, StoredGroup> _storedGroups = new(StringComparer.Ordinal);

    // Transactional commits (TxnOffsetCommit) by producer id, invisible until their transaction's COMMIT marker.
    private readonly Dictionary<long, List<(string Group, string Topic, int Partition, CommittedOffset Offset)>> _pending = [];

    /// <param name="log">The log of <c>__consumer_offsets</c>' partition: replayed now, then written by this store alone.</param>
    public OffsetStore(PartitionLog log, TimeProvider time)
    {
        _time = time;
        _log = log;
        Replay();
    }

    /// <summary>Groups that have at least one committed offset.</summary>
    public IEnumerable<string> Groups => _groups.Where(g => !g.Value.IsEmpty).Select(g => g.Key);

    public IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> Offsets(string group) =>
        _groups.TryGetValue(group, out var offsets) ? offsets : new Dictionary<(string, int), CommittedOffset>();

    public CommittedOffset? Get(string group, string topic, int partition) =>
        _groups.TryGetValue(group, out var offsets) && offsets.TryGetValue((topic, partition), out var committed) ? committed : null;

    /// <summary>Groups as their metadata records left them (read at start-up to reload the coordinator's groups).</summary>
    public IReadOnlyDictionary<string, StoredGroup> StoredGroups => _storedGroups;

    /// <summary>Writes a group's metadata record; returns once it is in the log.</summary>
    public void StoreGroup(string group, StoredGroup metadata) =>
        Append([Record.Create(_time.GetUtcNow().ToUnixTimeMilliseconds(), GroupMetadataRecord.EncodeKey(group), GroupMetadataRecord.EncodeValue(metadata))],
            () => _storedGroups[group] = metadata);

    /// <summary>Writes a tombstone for a deleted group's metadata record.</summary>
    public void DeleteGroup(string group)
    {
        if (_storedGroups.ContainsKey(group))
        {
            Append([Record.Create(_time.GetUtcNow().ToUnixTimeMilliseconds(), GroupMetadataRecord.EncodeKey(group), null)],
                () => _storedGroups.TryRemove(group, out _));
        }
    }

    /// <summary>Writes the commits as one batch, then applies them. Returns only once they are in the log.</summary>
    public void Commit(string group, IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> commits)
    {
        if (commits.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var records = commits.Select(c => Record.Create(now, EncodeKey(group, c.Topic, c.Partition), EncodeValue(c.Offset))).ToList();
        var offsets = _groups.GetOrAdd(group, _ => new());
        Append(records, () =>
        {
            foreach (var (topic, partition, offset) in commits)
            {
                offsets[(topic, partition)] = offset;
            }
        });
    }

    /// <summary>Deletes offsets (tombstones); all of the group's when <paramref name="partitions"/> is null.</summary>
    public void Delete(string group, IEnumerable<(string Topic, int Partition)>? partitions = null)
    {
        if (!_groups.TryGetValue(group, out var offsets))
        {
            return;
        }
        var keys = (partitions ?? offsets.Keys).Where(offsets.ContainsKey).ToList();
        if (keys.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Append([.. keys.Select(k => Record.Create(now, EncodeKey(group, k.Topic, k.Partition), null))], () =>
        {
            foreach (var key in keys)
            {
                offsets.TryRemove(key, out _);
            }
        });
    }

    /// <summary>
    /// TxnOffsetCommit: writes the commits as a transactional batch of the producer; they take effect when its
    /// transaction commits (<see cref="CompleteTransaction"/>).
    /// </summary>
    public void CommitTransactional(string group, long producerId, short producerEpoch, IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> commits)
    {
        if (commits.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var records = commits.Select(c => Record.Create(now, EncodeKey(group, c.Topic, c.Partition), EncodeValue(c.Offset))).ToList();
        var batch = RecordBatchBuilder.Build(records, producerId: producerId, producerEpoch: producerEpoch, transactional: true);
        lock (_appendLock)
        {
            // Written as the coordinator writes it: the producer's epoch is checked, its sequence numbers are not.
            _log.Append(batch, TimestampType.CreateTime, now, AppendOrigin.Coordinator);
            AddPending(producerId, group, commits);
        }
    }

    /// <summary>Writes the transaction's marker to the offsets log, then applies (COMMIT) or drops (ABORT) its pending commits.</summary>
    public void CompleteTransaction(long producerId, short producerEpoch, bool commit, int coordinatorEpoch)
    {
        lock (_appendLock)
        {
            _log.AppendEndTransactionMarker(producerId, producerEpoch, commit, coordinatorEpoch, _time.GetUtcNow().ToUnixTimeMilliseconds());
            ApplyMarker(producerId, commit);
        }
    }

    /// <summary>True while a transaction that has not ended holds a commit for this partition (OffsetFetch RequireStable).</summary>
    public bool HasPendingTransactionalOffset(string group, string topic, int partition)
    {
        lock (_appendLock)
        {
            foreach (var commits in _pending.Values)
            {
                foreach (var pending in commits)
                {
                    if (pending.Partition == partition && pending.Group == group && pending.Topic == topic)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private void AddPending(long producerId, string group, IEnumerable<(string Topic, int Partition, CommittedOffset Offset)> commits)
    {
        if (!_pending.TryGetValue(producerId, out var list))
        {
            _pending[producerId] = list = [];
        }
        list.AddRange(commits.Select(c => (group, c.Topic, c.Partition, c.Offset)));
    }

    private void ApplyMarker(long producerId, bool commit)
    {
        if (!_pending.Remove(producerId, out var commits) || !commit)
        {
            return;
        }
        foreach (var (group, topic, partition, offset) in commits)
        {
            _groups.GetOrAdd(group, _ => new())[(topic, partition)] = offset;
        }
    }

    // Writing and applying under one lock keeps the in-memory map in log order: two racing commits of the same
    // partition end the same way in memory now and in the replay after a restart.
    private void Append(List<Record> records, Action apply)
    {
        var batch = RecordBatchBuilder.Build(records);
        lock (_appendLock)
        {
            _log.Append(batch, TimestampType.CreateTime, _time.GetUtcNow().ToUnixTimeMilliseconds());
            apply();
        }
    }

    private void Replay() => InternalLog.Replay(_log, (batch, records) =>
    {
        var header = batch.Span;
        if (RecordBatch.IsControl(header))
        {
            ApplyMarker(RecordBatch.ProducerId(header), IsCommitMarker(records));
        }
        else if (RecordBatch.IsTransactional(header))
        {
            foreach (var record in records)
            {
                if (Decode(record) is { } commit && commit.Offset is { } committed)
                {
                    AddPending(RecordBatch.ProducerId(header), commit.Group, [(commit.Topic, commit.Partition, committed)]);
                }
            }
        }
        else
        {
            foreach (var record in records)
            {
                Apply(record);
            }
        }
    });

    private void Apply(Record record)
    {
        if (record.Key is { } key && GroupMetadataRecord.DecodeKey(key) is { } group)
        {
            if (record.Value is { } value)
            {
                _storedGroups[group] = GroupMetadataRecord.DecodeValue(value);
            }
            else
            {
                _storedGroups.TryRemove(group, out _);
            }
            return;
        }
        if (Decode(record) is not { } commit)
        {
            return;
        }
        if (commit.Offset is { } committed)
        {
            _groups.GetOrAdd(commit.Group, _ => new())[(commit.Topic, commit.Partition)] = committed;
        }
        else if (_groups.TryGetValue(commit.Group, out var existing))
        {
            existing.TryRemove((commit.Topic, commit.Partition), out _);
        }
    }

    /// <summary>An offset record (key version 0 or 1); null for other records (group metadata, version 2).</summary>
    private static (string Group, string Topic, int Partition, CommittedOffset? Offset)? Decode(Record record)
    {
        if (record.Key is not { } key)
        {
            return null;
        }
        var reader = new KafkaReader(key);
        if (reader.ReadInt16() > OffsetKeyVersion)
        {
            return null;
        }
        var group = reader.ReadString();
        var topic = reader.ReadString();
        var partition = reader.ReadInt32();
        if (record.Value is not { } value)
        {
            return (group, topic, partition, null);
        }
        var v = new KafkaReader(value);
        v.ReadInt16();
        return (group, topic, partition, new CommittedOffset(v.ReadInt64(), v.ReadInt32(), v.ReadNullableString(), v.ReadInt64()));
    }

    /// <summary>A control record's key is {version, type}: type 1 is COMMIT, 0 ABORT.</summary>
    private static bool IsCommitMarker(IReadOnlyList<Record> records) =>
        records.Count > 0 && records[0].Key is { Length: >= 4 } key && key.Span[3] == 1 && key.Span[2] == 0;

    private static byte[] EncodeKey(string group, string topic, int partition)
    {
        using var w = new KafkaWriter(128);
        w.WriteInt16(OffsetKeyVersion);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteInt32(partition);
        return w.WrittenMemory.ToArray();
    }

    private static byte[] EncodeValue(CommittedOffset offset)
    {
        using var w = new KafkaWriter(128);
        w.WriteInt16(OffsetValueVersion);
        w.WriteInt64(offset.Offset);
        w.WriteInt32(offset.LeaderEpoch);
        w.WriteNullableString(offset.Metadata);
        w.WriteInt64(offset.CommitTimestamp);
        return w.WrittenMemory.ToArray();
    }

}
