using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>A state write to send to a store's changelog topic: a null value deletes the key.</summary>
internal readonly record struct ChangelogRecord(string Store, int Partition, byte[] Key, byte[]? Value);

/// <summary>
/// Wraps a worker's state backend so every Put and Delete of a task's stores is also recorded, to be written to the
/// store's changelog topic in the same transaction as the outputs and offsets it goes with. Only the last write of a
/// key since the previous drain is kept: the changelog is compacted, so the ones before it would only cost bytes.
/// </summary>
internal sealed class ChangeLoggingBackend(IStateBackend inner) : IStateBackend
{
    private readonly Dictionary<(string, int), LoggingStore> _stores = [];
    private readonly Dictionary<(string Store, int Partition), Dictionary<byte[], byte[]?>> _pending = [];

    /// <summary>Writes not yet drained.</summary>
    public int PendingCount { get; private set; }

    private readonly List<ChangelogRecord> _drained = [];

    /// <summary>
    /// The writes since the last call, the last per key; forgets them. The list is reused: it is valid until the next
    /// call.
    /// </summary>
    public List<ChangelogRecord> Drain()
    {
        _drained.Clear();
        foreach (var ((store, partition), writes) in _pending)
        {
            foreach (var (key, value) in writes)
            {
                _drained.Add(new ChangelogRecord(store, partition, key, value));
            }
        }

        Clear();
        return _drained;
    }

    /// <summary>
    /// Forgets the writes not yet drained (their transaction was aborted). The per-partition dictionaries are emptied,
    /// not dropped: sized for an interval's keys, they would otherwise be grown again (and, past 85 KB, allocated on
    /// the large object heap) every commit interval.
    /// </summary>
    public void Clear()
    {
        foreach (var writes in _pending.Values)
        {
            writes.Clear();
        }

        PendingCount = 0;
    }

    private void Record(string store, int partition, ReadOnlySpan<byte> key, byte[]? value)
    {
        if (!_pending.TryGetValue((store, partition), out var writes))
        {
            _pending[(store, partition)] = writes = new Dictionary<byte[], byte[]?>(ByteArrayComparer.Instance);
        }

        var lookup = writes.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.ContainsKey(key))
        {
            PendingCount++;
        }

        lookup[key] = value;
    }

    public IKeyValueStore Store(string storeName, int partition)
    {
        if (!_stores.TryGetValue((storeName, partition), out var store))
        {
            _stores[(storeName, partition)] = store = new LoggingStore(this, inner.Store(storeName, partition), partition);
        }

        return store;
    }

    public void DropPartition(string storeName, int partition)
    {
        _stores.Remove((storeName, partition));
        inner.DropPartition(storeName, partition);
    }

    /// <summary>The backend belongs to the worker: disposing the wrapper leaves it open.</summary>
    public void Dispose()
    {
    }

    /// <remarks>
    /// The inner store's failures (RocksDB, the disk) come out as <see cref="StateStoreException"/>: they are the
    /// runtime's, and must fail the task even when the job skips or dead-letters records its functions throw on.
    /// </remarks>
    private sealed class LoggingStore(ChangeLoggingBackend owner, IKeyValueStore inner, int partition) : IKeyValueStore
    {
        public string Name => inner.Name;

        public byte[]? Get(ReadOnlySpan<byte> key)
        {
            try
            {
                return inner.Get(key);
            }
            catch (Exception e) when (e is not StateStoreException)
            {
                throw Failed("read", e);
            }
        }

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            try
            {
                inner.Put(key, value);
            }
            catch (Exception e) when (e is not StateStoreException)
            {
                throw Failed("write", e);
            }

            owner.Record(inner.Name, partition, key, value.ToArray());
        }

        public void Delete(ReadOnlySpan<byte> key)
        {
            try
            {
                inner.Delete(key);
            }
            catch (Exception e) when (e is not StateStoreException)
            {
                throw Failed("delete from", e);
            }

            owner.Record(inner.Name, partition, key, null);
        }

        public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive)
        {
            try
            {
                return inner.Range(fromInclusive, toExclusive);
            }
            catch (Exception e) when (e is not StateStoreException)
            {
                throw Failed("scan", e);
            }
        }

        private StateStoreException Failed(string what, Exception e) =>
            new($"Cannot {what} store {inner.Name} (partition {partition}): {e.Message}", e);
    }
}
