using System.Collections.Concurrent;
using Eddy.Engine.State;
using RocksDbSharp;

namespace Eddy.Engine.RocksDb;

/// <summary>
/// A worker's state: one RocksDB database in <c>directory</c>, one column family per state store (created on first
/// use, reopened on restart), all sharing one LRU block cache and one write-buffer manager charged to that cache.
/// A store view scopes keys to its partition with a 4-byte big-endian prefix, so a partition is one contiguous range.
/// <para>
/// The WAL is off: the changelog topics are the source of truth, and the local checkpoint (written only after the
/// column families are flushed) says how much of the changelog the SST files already hold. A crash loses unflushed
/// memtables, which the runtime replays from the checkpointed offset.
/// </para>
/// </summary>
public sealed class RocksDbStateBackend : ICheckpointedStateBackend
{
    private readonly StateMemoryOptions _memory;
    private readonly Cache _cache;
    private readonly IntPtr _writeBufferManager;
    private readonly DbOptions _dbOptions;
    private readonly BlockBasedTableOptions _tableOptions;
    private readonly RocksDbSharp.RocksDb _db;
    private readonly WriteOptions _writeOptions;
    private readonly ReadOptions _readOptions;
    private readonly ConcurrentDictionary<string, ColumnFamilyHandle> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), RocksDbKeyValueStore> _stores = new();
    private readonly Lock _familyLock = new();
    private readonly Lock _checkpointLock = new();
    private readonly StateCheckpoint _checkpoint;
    private readonly Dictionary<(string Store, int Partition), long> _offsets = [];
    private readonly ThreadLocal<WriteBatchWithIndex?> _batch = new();
    private bool _disposed;

    public RocksDbStateBackend(string directory, StateMemoryOptions? memory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _memory = memory ?? new StateMemoryOptions();
        _memory.Validate();
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);

        _cache = Cache.CreateLru((ulong)_memory.TotalBytes);
        // Memtables are charged to the block cache as dummy entries: one budget for reads and writes. allow_stall
        // makes writers wait for flushes instead of overshooting when the budget is reached.
        _writeBufferManager = Native.Instance.rocksdb_write_buffer_manager_create_with_cache(
            checked((UIntPtr)(ulong)_memory.WriteBufferBytes), _cache.Handle, 1);
        _tableOptions = new BlockBasedTableOptions()
            .SetBlockCache(_cache)
            .SetBlockSize(16 * 1024)
            .SetCacheIndexAndFilterBlocks(true) // index and filters count against the budget too
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetFormatVersion(5);
        _dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetMaxOpenFiles(-1)
            .SetKeepLogFileNum(2)
            .SetAllowConcurrentMemtableWrite(false) // tasks write mostly in per-commit batches; the single-inserter path is ~15% cheaper per Put
            .SetInfoLogLevel(InfoLogLevel.Warn);
        Native.Instance.rocksdb_options_set_write_buffer_manager(_dbOptions.Handle, _writeBufferManager);

        var families = new ColumnFamilies(NewFamilyOptions());
        if (RocksDbSharp.RocksDb.TryListColumnFamilies(_dbOptions, Directory, out var existing))
        {
            foreach (var name in existing.Where(n => n != "default"))
            {
                families.Add(name, NewFamilyOptions());
            }
        }

        _db = RocksDbSharp.RocksDb.Open(_dbOptions, Directory, families);
        foreach (var descriptor in families)
        {
            if (descriptor.Name != "default")
            {
                _families[descriptor.Name] = _db.GetColumnFamily(descriptor.Name);
            }
        }

        _writeOptions = new WriteOptions().DisableWal(1);
        _readOptions = new ReadOptions();
        _checkpoint = StateCheckpoint.Load(Directory);
        foreach (var (key, offset) in _checkpoint.Entries)
        {
            _offsets[key] = offset;
        }
    }

    /// <summary>The database directory.</summary>
    public string Directory { get; }

    /// <summary>The names of the state stores (column families) this database holds.</summary>
    public IReadOnlyCollection<string> StoreNames => [.. _families.Keys.Order(StringComparer.Ordinal)];

    internal RocksDbSharp.RocksDb Db => _db;

    internal WriteOptions WriteOptions => _writeOptions;

    internal ReadOptions ReadOptions => _readOptions;

    internal WriteBatchWithIndex? CurrentBatch => _batch.Value;

    public IKeyValueStore Store(string storeName, int partition) => GetStore(storeName, partition);

    /// <summary>The typed view (the same object <see cref="Store"/> returns).</summary>
    public RocksDbKeyValueStore GetStore(string storeName, int partition)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stores.TryGetValue((storeName, partition), out var existing))
        {
            return existing;
        }

        ValidateStoreName(storeName);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        return _stores.GetOrAdd((storeName, partition), key => new RocksDbKeyValueStore(this, Family(key.Item1), key.Item1, key.Item2));
    }

    public void DropPartition(string storeName, int partition)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateStoreName(storeName);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ForgetOffset(storeName, partition);
        if (_families.TryGetValue(storeName, out var family))
        {
            var start = PartitionPrefix(partition);
            var end = PartitionEnd(partition);
            Native.Instance.rocksdb_delete_range_cf(_db.Handle, _writeOptions.Handle, family.Handle, start, (UIntPtr)start.Length, end, (UIntPtr)end.Length);
        }
    }

    /// <summary>Deletes a partition's state before a full replay from the changelog's start (same as <see cref="DropPartition"/>).</summary>
    public void Wipe(string storeName, int partition) => DropPartition(storeName, partition);

    /// <summary>
    /// The next changelog offset the flushed local state of (store, partition) reflects, as the checkpoint on disk
    /// says; null when the runtime must wipe the partition and replay its changelog from the start.
    /// </summary>
    public long? CheckpointedOffset(string storeName, int partition)
    {
        lock (_checkpointLock)
        {
            return _checkpoint.Get(storeName, partition);
        }
    }

    /// <summary>
    /// Restores changelog records into (store, partition) in one write (a null value deletes) and remembers
    /// <paramref name="nextOffset"/> as the changelog position the state now reflects; it reaches the checkpoint
    /// file at the next <see cref="Checkpoint"/>.
    /// </summary>
    public void ApplyChangelog(string storeName, int partition, IEnumerable<(byte[] Key, byte[]? Value)> records, long nextOffset)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        var store = GetStore(storeName, partition);
        using (var batch = new WriteBatch())
        {
            foreach (var (key, value) in records)
            {
                ArgumentNullException.ThrowIfNull(key);
                var full = store.Prefixed(key);
                if (value is null)
                {
                    batch.Delete(full, store.Family);
                }
                else
                {
                    batch.Put(full, value, store.Family);
                }
            }

            // Restoring is replaying the changelog itself: a partial flush of it before a crash is harmless, replaying
            // from the checkpointed offset converges to the same state, so the checkpoint entry stays valid.
            _db.Write(batch, _writeOptions);
        }

        lock (_checkpointLock)
        {
            _offsets[(storeName, partition)] = nextOffset;
        }
    }

    /// <summary>Records that (store, partition) reflects the changelog up to <paramref name="nextOffset"/> (after a commit).</summary>
    public void SetChangelogOffset(string storeName, int partition, long nextOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        lock (_checkpointLock)
        {
            _offsets[(storeName, partition)] = nextOffset;
        }
    }

    /// <summary>
    /// Flushes every column family's memtables to SST files (the WAL is off, so this is what makes the state
    /// durable), then atomically replaces the checkpoint file with the offsets recorded so far. Call it between
    /// commits (no writes in flight to the partitions it covers), with offsets that match the flushed state.
    /// </summary>
    public void Checkpoint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_checkpointLock)
        {
            Flush();
            _checkpoint.Write(new Dictionary<(string, int), long>(_offsets));
            // Writes after this point are not covered by the entries just written (they may be uncommitted and a
            // memtable flush may persist them): the next write to each partition invalidates its entry again.
            foreach (var store in _stores.Values)
            {
                store.Rearm();
            }
        }
    }

    /// <summary>Flushes all memtables and waits for the flush.</summary>
    public void Flush()
    {
        var handles = _families.Values.Select(f => f.Handle).ToArray();
        if (handles.Length == 0)
        {
            return;
        }

        var flush = new FlushOptions().SetWaitForFlush(true);
        Native.Instance.rocksdb_flush_cfs(_db.Handle, flush.Handle, handles, handles.Length);
        GC.KeepAlive(flush);
    }

    /// <summary>
    /// Starts a write batch for the calling thread: until the scope is committed or disposed, every Put and Delete
    /// through this backend's store views on this thread goes into one RocksDB write (reads see the batch).
    /// </summary>
    public StateWriteBatch BeginBatch()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_batch.Value is not null)
        {
            throw new InvalidOperationException("A write batch is already open on this thread.");
        }

        var batch = new WriteBatchWithIndex();
        _batch.Value = batch;
        return new StateWriteBatch(this, batch);
    }

    IStateWriteBatch ICheckpointedStateBackend.BeginBatch() => BeginBatch();

    internal void CommitBatch(WriteBatchWithIndex batch)
    {
        if (batch.Count() > 0)
        {
            _db.Write(batch, _writeOptions);
        }

        EndBatch(batch);
    }

    internal void EndBatch(WriteBatchWithIndex batch)
    {
        if (ReferenceEquals(_batch.Value, batch))
        {
            _batch.Value = null;
        }

        batch.Dispose();
    }

    /// <summary>Memory use as RocksDB accounts it (block cache, memtables, write-buffer manager).</summary>
    public StateMemoryUsage MemoryUsage()
    {
        long memtables = 0;
        foreach (var family in _families.Values)
        {
            if (long.TryParse(_db.GetProperty("rocksdb.cur-size-all-mem-tables", family), out var bytes))
            {
                memtables += bytes;
            }
        }

        return new StateMemoryUsage(
            (long)_cache.GetUsage(),
            (long)_cache.GetPinnedUsage(),
            memtables,
            (long)(ulong)Native.Instance.rocksdb_write_buffer_manager_memory_usage(_writeBufferManager),
            _memory.TotalBytes);
    }

    /// <summary>
    /// What each store holds, for diagnostics and benchmarks (safe while tasks write: RocksDB's properties and iterators
    /// are thread-safe; writes still in a task's open batch are not seen). <paramref name="countEntries"/> iterates
    /// every store to count its live keys exactly, which costs a pass over the store.
    /// </summary>
    public IReadOnlyList<StoreStatistics> Statistics(bool countEntries)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new List<StoreStatistics>();
        foreach (var (name, family) in _families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            long entries = -1;
            if (countEntries)
            {
                entries = 0;
                using var iterator = _db.NewIterator(family, _readOptions);
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    entries++;
                }
            }

            result.Add(new StoreStatistics(name, entries, LongProperty("rocksdb.estimate-num-keys", family),
                LongProperty("rocksdb.total-sst-files-size", family), LongProperty("rocksdb.estimate-live-data-size", family),
                LongProperty("rocksdb.cur-size-all-mem-tables", family)));
        }

        return result;
    }

    private long LongProperty(string property, ColumnFamilyHandle family) =>
        long.TryParse(_db.GetProperty(property, family), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>
    /// Called before the first write to a partition since the checkpoint: a checkpoint entry must never claim a state
    /// that later, uncommitted writes (flushed under memory pressure) have changed, so the entry goes first.
    /// </summary>
    internal void InvalidateCheckpoint(string storeName, int partition)
    {
        lock (_checkpointLock)
        {
            if (_checkpoint.Get(storeName, partition) is null)
            {
                return;
            }

            var remaining = new Dictionary<(string, int), long>(_checkpoint.Entries);
            remaining.Remove((storeName, partition));
            _checkpoint.Write(remaining);
        }
    }

    private void ForgetOffset(string storeName, int partition)
    {
        lock (_checkpointLock)
        {
            _offsets.Remove((storeName, partition));
        }

        InvalidateCheckpoint(storeName, partition);
        if (_stores.TryGetValue((storeName, partition), out var store))
        {
            store.Rearm();
        }
    }

    private ColumnFamilyHandle Family(string name)
    {
        if (_families.TryGetValue(name, out var family))
        {
            return family;
        }

        lock (_familyLock)
        {
            if (!_families.TryGetValue(name, out family))
            {
                family = _db.CreateColumnFamily(NewFamilyOptions(), name);
                _families[name] = family;
            }

            return family;
        }
    }

    private ColumnFamilyOptions NewFamilyOptions() => ConfigureFamily(new ColumnFamilyOptions());

    private ColumnFamilyOptions ConfigureFamily(ColumnFamilyOptions options)
    {
        var perStore = Math.Min(_memory.MaxWriteBufferBytesPerStore, Math.Max(1L << 20, _memory.WriteBufferBytes / 4));
        options.SetBlockBasedTableFactory(_tableOptions);
        options.SetWriteBufferSize((ulong)perStore);
        options.SetMaxWriteBufferNumber(3);
        options.SetCompression(Compression.Lz4);
        options.SetLevelCompactionDynamicLevelBytes(true);
        return options;
    }

    private static void ValidateStoreName(string storeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        if (storeName == "default" || storeName.Any(char.IsControl))
        {
            throw new ArgumentException($"'{storeName}' cannot name a state store.", nameof(storeName));
        }
    }

    internal static byte[] PartitionPrefix(int partition)
    {
        var prefix = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix, partition);
        return prefix;
    }

    /// <summary>The first key after the partition's range (partitions are non-negative, so this never wraps).</summary>
    internal static byte[] PartitionEnd(int partition)
    {
        var end = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(end, (uint)partition + 1);
        return end;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Flush();
        _db.Dispose(); // with the WAL off, closing flushes the memtables (avoid_flush_during_shutdown is false)
        _batch.Dispose();
        Native.Instance.rocksdb_write_buffer_manager_destroy(_writeBufferManager);
        GC.KeepAlive(_cache); // the binding frees the cache (and options) in finalizers
    }
}
