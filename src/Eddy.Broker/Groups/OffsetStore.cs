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
/// <para>
/// Concurrency contract. Every key of the log belongs to one group, so memory ends as the replay of the log ends as
/// long as each group's writes are applied in their log order; writes of different groups need no mutual order (the
/// log's own lock orders their appends). So:
/// <list type="bullet">
/// <item>A group's writes (commits, deletes, its metadata record) hold that group's lock from the log append through
/// the in-memory apply: two racing commits of the same partition end the same way in memory now and in the replay
/// after a restart. Groups do not share a lock.</item>
/// <item>A transactional commit holds its producer's lock (one of <see cref="ProducerLockStripes"/> stripes by
/// producer id) from its append until its commits are recorded as pending; it takes no group lock, since pending
/// commits are invisible.</item>
/// <item>CompleteTransaction holds the producer's lock, so that no commit of the transaction slips in between, then
/// the locks of every group with a pending commit in the transaction (in ordinal order of their names: the only
/// place that holds more than one group lock) from the marker's append through applying or dropping those commits.
/// A group's plain commit thus lands wholly before or after the marker, in memory as in the log.</item>
/// <item>Lock order: producer stripe, then group locks in ordinal order, then the short-lived lock of the pending
/// table. Reads (Get, Offsets, Groups, StoredGroups) take no lock.</item>
/// </list>
/// </para>
/// </summary>
public sealed class OffsetStore
{
    private const short OffsetKeyVersion = 1;
    private const short OffsetValueVersion = 3;
    private const int ProducerLockStripes = 16;

    private readonly PartitionLog _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, GroupOffsets> _groups = new(StringComparer.Ordinal);
    private readonly Lock[] _producerLocks = [.. Enumerable.Range(0, ProducerLockStripes).Select(_ => new Lock())];

    // Group metadata records (key version 2) as last written: what a restarted coordinator reloads its groups from.
    private readonly ConcurrentDictionary<string, StoredGroup> _storedGroups = new(StringComparer.Ordinal);

    // Transactional commits (TxnOffsetCommit) by producer id, invisible until their transaction's COMMIT marker.
    private readonly Dictionary<long, List<(string Group, string Topic, int Partition, CommittedOffset Offset)>> _pending = [];
    private readonly Lock _pendingLock = new();

    /// <param name="log">The log of <c>__consumer_offsets</c>' partition: replayed now, then written by this store alone.</param>
    public OffsetStore(PartitionLog log, TimeProvider time)
    {
        _time = time;
        _log = log;
        Replay();
    }

    /// <summary>Groups that have at least one committed offset.</summary>
    public IEnumerable<string> Groups => _groups.Where(g => !g.Value.Offsets.IsEmpty).Select(g => g.Key);

    public IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> Offsets(string group) =>
        _groups.TryGetValue(group, out var state) ? state.Offsets : new Dictionary<(string, int), CommittedOffset>();

    public CommittedOffset? Get(string group, string topic, int partition) =>
        _groups.TryGetValue(group, out var state) && state.Offsets.TryGetValue((topic, partition), out var committed) ? committed : null;

    /// <summary>Groups as their metadata records left them (read at start-up to reload the coordinator's groups).</summary>
    public IReadOnlyDictionary<string, StoredGroup> StoredGroups => _storedGroups;

    /// <summary>Writes a group's metadata record; returns once it is in the log.</summary>
    public void StoreGroup(string group, StoredGroup metadata)
    {
        var record = Record.Create(_time.GetUtcNow().ToUnixTimeMilliseconds(), GroupMetadataRecord.EncodeKey(group), GroupMetadataRecord.EncodeValue(metadata));
        var state = Group(group);
        lock (state.Lock)
        {
            Append([record]);
            _storedGroups[group] = metadata;
        }
    }

    /// <summary>Writes a tombstone for a deleted group's metadata record.</summary>
    public void DeleteGroup(string group)
    {
        if (!_storedGroups.ContainsKey(group))
        {
            return;
        }
        var state = Group(group);
        lock (state.Lock)
        {
            if (_storedGroups.ContainsKey(group))
            {
                Append([Record.Create(_time.GetUtcNow().ToUnixTimeMilliseconds(), GroupMetadataRecord.EncodeKey(group), null)]);
                _storedGroups.TryRemove(group, out _);
            }
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
        var state = Group(group);
        lock (state.Lock)
        {
            Append(records);
            foreach (var (topic, partition, offset) in commits)
            {
                state.Offsets[(topic, partition)] = offset;
            }
        }
    }

    /// <summary>Deletes offsets (tombstones); all of the group's when <paramref name="partitions"/> is null.</summary>
    public void Delete(string group, IEnumerable<(string Topic, int Partition)>? partitions = null)
    {
        if (!_groups.TryGetValue(group, out var state))
        {
            return;
        }
        lock (state.Lock)
        {
            // Chosen under the lock: a tombstone for exactly the keys there are now, in memory as in the log.
            var offsets = state.Offsets;
            var keys = (partitions ?? offsets.Keys).Where(offsets.ContainsKey).ToList();
            if (keys.Count == 0)
            {
                return;
            }
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            Append([.. keys.Select(k => Record.Create(now, EncodeKey(group, k.Topic, k.Partition), null))]);
            foreach (var key in keys)
            {
                offsets.TryRemove(key, out _);
            }
        }
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
        lock (ProducerLock(producerId))
        {
            // Written as the coordinator writes it: the producer's epoch is checked, its sequence numbers are not.
            _log.Append(batch, TimestampType.CreateTime, now, AppendOrigin.Coordinator);
            lock (_pendingLock)
            {
                AddPending(producerId, group, commits);
            }
        }
    }

    /// <summary>
    /// Writes the transaction's marker to the offsets log, then applies (COMMIT) or drops (ABORT) its pending
    /// commits, holding the locks of their groups throughout (see the class's concurrency contract).
    /// </summary>
    public void CompleteTransaction(long producerId, short producerEpoch, bool commit, int coordinatorEpoch)
    {
        lock (ProducerLock(producerId))
        {
            GroupOffsets[] groups;
            lock (_pendingLock)
            {
                groups = _pending.TryGetValue(producerId, out var pending)
                    ? [.. pending.Select(p => p.Group).Distinct().Order(StringComparer.Ordinal).Select(Group)]
                    : [];
            }
            var held = 0;
            try
            {
                for (; held < groups.Length; held++)
                {
                    groups[held].Lock.Enter();
                }
                _log.AppendEndTransactionMarker(producerId, producerEpoch, commit, coordinatorEpoch, _time.GetUtcNow().ToUnixTimeMilliseconds());
                List<(string Group, string Topic, int Partition, CommittedOffset Offset)>? commits;
                lock (_pendingLock)
                {
                    _pending.Remove(producerId, out commits);
                }
                if (commit && commits is not null)
                {
                    foreach (var (group, topic, partition, offset) in commits)
                    {
                        _groups[group].Offsets[(topic, partition)] = offset;
                    }
                }
            }
            finally
            {
                while (held > 0)
                {
                    groups[--held].Lock.Exit();
                }
            }
        }
    }

    /// <summary>True while a transaction that has not ended holds a commit for this partition (OffsetFetch RequireStable).</summary>
    public bool HasPendingTransactionalOffset(string group, string topic, int partition)
    {
        lock (_pendingLock)
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

    /// <summary>A marker met by the replay (single-threaded, at start-up).</summary>
    private void ReplayMarker(long producerId, bool commit)
    {
        if (!_pending.Remove(producerId, out var commits) || !commit)
        {
            return;
        }
        foreach (var (group, topic, partition, offset) in commits)
        {
            Group(group).Offsets[(topic, partition)] = offset;
        }
    }

    private GroupOffsets Group(string group) => _groups.GetOrAdd(group, static _ => new GroupOffsets());

    private Lock ProducerLock(long producerId) => _producerLocks[(int)((ulong)producerId % ProducerLockStripes)];

    /// <summary>Writes a plain batch (under the lock of the group the records belong to).</summary>
    private void Append(List<Record> records) =>
        _log.Append(RecordBatchBuilder.Build(records), TimestampType.CreateTime, _time.GetUtcNow().ToUnixTimeMilliseconds());

    private void Replay() => InternalLog.Replay(_log, (batch, records) =>
    {
        var header = batch.Span;
        if (RecordBatch.IsControl(header))
        {
            ReplayMarker(RecordBatch.ProducerId(header), IsCommitMarker(records));
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
            Group(commit.Group).Offsets[(commit.Topic, commit.Partition)] = committed;
        }
        else if (_groups.TryGetValue(commit.Group, out var existing))
        {
            existing.Offsets.TryRemove((commit.Topic, commit.Partition), out _);
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

    /// <summary>A group's committed offsets and the lock that orders its writes.</summary>
    private sealed class GroupOffsets
    {
        public Lock Lock { get; } = new();

        public ConcurrentDictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = new();
    }
}
