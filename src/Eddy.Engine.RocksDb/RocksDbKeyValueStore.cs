using System.Buffers;
using Eddy.Engine.State;
using RocksDbSharp;

namespace Eddy.Engine.RocksDb;

/// <summary>
/// One partition of one state store: a column family's key range whose keys start with the partition (4 bytes,
/// big-endian). Keys handed in and out are the store's own keys, without the prefix.
/// </summary>
public sealed class RocksDbKeyValueStore : IKeyValueStore
{
    private const int StackKeyLimit = 512;

    private readonly RocksDbStateBackend _backend;
    private readonly byte[] _prefix;
    private readonly byte[] _end;
    private volatile bool _written;

    internal RocksDbKeyValueStore(RocksDbStateBackend backend, ColumnFamilyHandle family, string name, int partition)
    {
        _backend = backend;
        Family = family;
        Name = name;
        Partition = partition;
        _prefix = RocksDbStateBackend.PartitionPrefix(partition);
        _end = RocksDbStateBackend.PartitionEnd(partition);
    }

    public string Name { get; }

    public int Partition { get; }

    internal ColumnFamilyHandle Family { get; }

    public unsafe byte[]? Get(ReadOnlySpan<byte> key)
    {
        var length = key.Length + 4;
        byte[]? rented = null;
        var full = length <= StackKeyLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            _prefix.CopyTo(full);
            key.CopyTo(full[4..]);
            var db = _backend.Db.Handle;
            var batch = _backend.CurrentBatch;
            IntPtr slice;
            fixed (byte* k = full)
            {
                slice = batch is null
                    ? Native.Instance.rocksdb_get_pinned_cf(db, _backend.ReadOptions.Handle, Family.Handle, k, (UIntPtr)length)
                    : Native.Instance.rocksdb_writebatch_wi_get_pinned_from_batch_and_db_cf(batch.Handle, db, _backend.ReadOptions.Handle, Family.Handle, k, (UIntPtr)length);
            }

            if (slice == IntPtr.Zero)
            {
                return null;
            }

            try
            {
                var value = Native.Instance.rocksdb_pinnableslice_value(slice, out var valueLength);
                // The one copy: from RocksDB's pinned block (or memtable) into the managed result.
                return new ReadOnlySpan<byte>((void*)value, checked((int)(ulong)valueLength)).ToArray();
            }
            finally
            {
                Native.Instance.rocksdb_pinnableslice_destroy(slice);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        BeforeWrite();
        var length = key.Length + 4;
        byte[]? rented = null;
        var full = length <= StackKeyLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            _prefix.CopyTo(full);
            key.CopyTo(full[4..]);
            var batch = _backend.CurrentBatch;
            if (batch is null)
            {
                _backend.Db.Put(full, value, Family, _backend.WriteOptions);
            }
            else
            {
                batch.Put(full, value, Family);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        BeforeWrite();
        var length = key.Length + 4;
        byte[]? rented = null;
        var full = length <= StackKeyLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            _prefix.CopyTo(full);
            key.CopyTo(full[4..]);
            var batch = _backend.CurrentBatch;
            if (batch is null)
            {
                _backend.Db.Remove(full, Family, _backend.WriteOptions);
            }
            else
            {
                batch.Delete(full, Family);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive)
    {
        ArgumentNullException.ThrowIfNull(fromInclusive);
        return Scan(Prefixed(fromInclusive), toExclusive is null ? _end : Prefixed(toExclusive));
    }

    /// <summary>
    /// Reads the range in chunks, each through its own short-lived iterator, and hands out a chunk only once its
    /// iterator is closed. Callers write to the store (and operators downstream write to theirs, in the same write
    /// batch) while they go through the entries, and an iterator over a write batch that changes under it is not safe;
    /// between chunks the scan resumes after the last key it returned, so it sees the store as it is then.
    /// </summary>
    private IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] lower, byte[] upper)
    {
        var from = lower;
        // Grown as entries come, not sized to a whole chunk: most scans (a key's rows, a join's matches) return a few
        // entries, and a 256-entry list per scan was 4 KiB of garbage per record on those operators' hot paths.
        var chunk = new List<KeyValuePair<byte[], byte[]>>();
        while (upper.AsSpan().SequenceCompareTo(from) > 0)
        {
            chunk.Clear();
            var complete = ReadChunk(from, upper, chunk);
            foreach (var entry in chunk)
            {
                yield return entry;
            }

            if (complete)
            {
                yield break;
            }

            // The smallest key after the last one returned: the last one followed by a zero byte.
            var last = chunk[^1].Key;
            from = new byte[4 + last.Length + 1];
            _prefix.CopyTo(from, 0);
            last.CopyTo(from, 4);
        }
    }

    private const int ScanChunk = 256;

    /// <summary>Up to <see cref="ScanChunk"/> entries from <paramref name="from"/>; true when the range has no more.</summary>
    private bool ReadChunk(byte[] from, byte[] upper, List<KeyValuePair<byte[], byte[]>> into)
    {
        var options = new ReadOptions().SetIterateLowerBound(from).SetIterateUpperBound(upper);
        var batch = _backend.CurrentBatch;
        var iterator = _backend.Db.NewIterator(Family, options);
        if (batch is not null)
        {
            iterator = batch.CreateIteratorWithBase(iterator, Family);
        }

        try
        {
            using (iterator)
            {
                for (iterator.Seek(from); iterator.Valid(); iterator.Next())
                {
                    var key = iterator.GetKeySpan();
                    if (key.SequenceCompareTo(upper) >= 0)
                    {
                        return true; // the batch's delta iterator does not apply the upper bound itself
                    }

                    if (into.Count == ScanChunk)
                    {
                        return false;
                    }

                    into.Add(new(key[4..].ToArray(), iterator.GetValueSpan().ToArray()));
                }
            }

            return true;
        }
        finally
        {
            // The native iterator reads its bounds from the read options' native memory, which the options' finalizer
            // frees. A plain iterator keeps its options reachable, but the overlay iterator over the write batch does
            // not: without this, a collection during the scan freed the bounds under it (scans cut short, or a
            // segfault in memcmp).
            GC.KeepAlive(options);
        }
    }

    internal byte[] Prefixed(ReadOnlySpan<byte> key)
    {
        var full = new byte[key.Length + 4];
        _prefix.CopyTo(full, 0);
        key.CopyTo(full.AsSpan(4));
        return full;
    }

    /// <summary>After a checkpoint, a drop or a wipe, the partition's next write must invalidate its entry again.</summary>
    internal void Rearm() => _written = false;

    private void BeforeWrite()
    {
        if (!_written)
        {
            _backend.InvalidateCheckpoint(Name, Partition);
            _written = true;
        }
    }
}
