using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>
/// A state write to send to a store's changelog topic, <see cref="Delete"/> or a new <see cref="Value"/>. Key and
/// value are views of the backend's buffers: valid until the next write through it.
/// </summary>
internal readonly record struct ChangelogRecord(string Store, int Partition, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, bool Delete);

/// <summary>
/// Wraps a worker's state backend so every Put and Delete of a task's stores is also recorded, to be written to the
/// store's changelog topic in the same transaction as the outputs and offsets it goes with. Only the last write of a
/// key since the previous drain is kept: the changelog is compacted, so the ones before it would only cost bytes.
/// </summary>
internal sealed class ChangeLoggingBackend(IStateBackend inner) : IStateBackend
{
    private readonly Dictionary<(string, int), LoggingStore> _stores = [];
    private readonly Dictionary<(string Store, int Partition), PendingWrites> _pending = [];

    private readonly List<ChangelogRecord> _drained = [];

    /// <summary>
    /// The writes since the last call, the last per key; forgets them. The list is reused and its records view the
    /// backend's buffers: valid until the next call or the next write.
    /// </summary>
    public List<ChangelogRecord> Drain()
    {
        _drained.Clear();
        foreach (var ((store, partition), writes) in _pending)
        {
            writes.AddTo(store, partition, _drained);
        }

        Clear();
        return _drained;
    }

    /// <summary>
    /// Forgets the writes not yet drained (their transaction was aborted). The per-partition buffers are emptied, not
    /// dropped: sized for an interval's keys, they would otherwise be grown again (and, past 85 KB, allocated on the
    /// large object heap) every commit interval.
    /// </summary>
    public void Clear()
    {
        foreach (var writes in _pending.Values)
        {
            writes.Clear();
        }
    }

    /// <summary>One per store partition, kept when its task goes: a task that comes back records into the same one.</summary>
    private PendingWrites PendingOf(string store, int partition)
    {
        if (!_pending.TryGetValue((store, partition), out var writes))
        {
            _pending[(store, partition)] = writes = new PendingWrites();
        }

        return writes;
    }

    public IKeyValueStore Store(string storeName, int partition)
    {
        if (!_stores.TryGetValue((storeName, partition), out var store))
        {
            _stores[(storeName, partition)] = store = new LoggingStore(inner.Store(storeName, partition), partition, PendingOf(storeName, partition));
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
    private sealed class LoggingStore(IKeyValueStore inner, int partition, PendingWrites pending) : IKeyValueStore
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

            pending.Put(key, value);
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

            pending.Delete(key);
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

    /// <summary>
    /// The writes of one store partition since the last drain, the last per key. Keys and values are copied into one
    /// buffer that grows to an interval's writes and is reused, not into arrays of their own: a commit interval's
    /// writes (one per record for an aggregate) would otherwise each leave two arrays that live until the commit, long
    /// enough to be promoted by the collections in between. A key's earlier value stays in the buffer, unused, until
    /// the drain.
    /// </summary>
    private sealed class PendingWrites : IEqualityComparer<Slice>, IAlternateEqualityComparer<ReadOnlySpan<byte>, Slice>
    {
        /// <summary>A value slice's length for a delete.</summary>
        private const int Deleted = -1;

        private readonly Dictionary<Slice, Slice> _writes;
        private const int InitialBytes = 16 * 1024;

        private byte[] _bytes = new byte[InitialBytes];
        private int _length;

        public PendingWrites() => _writes = new Dictionary<Slice, Slice>(this);

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Record(key, Append(value));

        public void Delete(ReadOnlySpan<byte> key) => Record(key, new Slice(0, Deleted));

        /// <remarks>The value is appended first: a new key is appended by <see cref="Create"/>, inside the lookup.</remarks>
        private void Record(ReadOnlySpan<byte> key, Slice value) => _writes.GetAlternateLookup<ReadOnlySpan<byte>>()[key] = value;

        public void AddTo(string store, int partition, List<ChangelogRecord> records)
        {
            var bytes = _bytes.AsMemory();
            foreach (var (key, value) in _writes)
            {
                records.Add(value.Length == Deleted
                    ? new ChangelogRecord(store, partition, bytes.Slice(key.Offset, key.Length), ReadOnlyMemory<byte>.Empty, Delete: true)
                    : new ChangelogRecord(store, partition, bytes.Slice(key.Offset, key.Length), bytes.Slice(value.Offset, value.Length), Delete: false));
            }
        }

        /// <remarks>
        /// A buffer that one busy interval grew to four times what the interval now ending used is given back, so
        /// that a store partition does not hold its peak for good (the drained records keep the old one while they
        /// are written).
        /// </remarks>
        public void Clear()
        {
            _writes.Clear();
            if (_bytes.Length > InitialBytes && _length < _bytes.Length / 4)
            {
                _bytes = new byte[Math.Max(InitialBytes, _length * 2)];
            }

            _length = 0;
        }

        private Slice Append(ReadOnlySpan<byte> bytes)
        {
            if (_bytes.Length - _length < bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes.Length));
            }

            bytes.CopyTo(_bytes.AsSpan(_length));
            var slice = new Slice(_length, bytes.Length);
            _length += bytes.Length;
            return slice;
        }

        private ReadOnlySpan<byte> Bytes(Slice slice) => _bytes.AsSpan(slice.Offset, slice.Length);

        public bool Equals(Slice x, Slice y) => Bytes(x).SequenceEqual(Bytes(y));

        public int GetHashCode(Slice obj) => ByteArrayComparer.Instance.GetHashCode(Bytes(obj));

        public bool Equals(ReadOnlySpan<byte> alternate, Slice other) => alternate.SequenceEqual(Bytes(other));

        public int GetHashCode(ReadOnlySpan<byte> alternate) => ByteArrayComparer.Instance.GetHashCode(alternate);

        public Slice Create(ReadOnlySpan<byte> alternate) => Append(alternate);
    }

    /// <summary>Where a key or value is in a <see cref="PendingWrites"/> buffer.</summary>
    private readonly record struct Slice(int Offset, int Length);
}
