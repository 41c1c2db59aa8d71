namespace Eddy.Engine.RocksDb;

/// <summary>
/// The one memory budget of a worker's state: every column family reads through the same LRU block cache and writes
/// into memtables accounted by the same write-buffer manager, whose memory is charged to that cache, so blocks, index
/// and filter blocks and memtables together stay within <see cref="TotalBytes"/>.
/// </summary>
public sealed record StateMemoryOptions
{
    /// <summary>The whole budget: the block cache's capacity (memtables are charged to it).</summary>
    public long TotalBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The part of <see cref="TotalBytes"/> that memtables may take before the write-buffer manager flushes.</summary>
    public double WriteBufferFraction { get; init; } = 0.5;

    /// <summary>Memtable size of one column family (capped so several stores fit in the write-buffer share).</summary>
    public long MaxWriteBufferBytesPerStore { get; init; } = 16L * 1024 * 1024;

    internal long WriteBufferBytes => (long)(TotalBytes * WriteBufferFraction);

    internal void Validate()
    {
        if (TotalBytes < 4L * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalBytes), TotalBytes, "The state memory budget must be at least 4 MiB.");
        }

        if (WriteBufferFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferFraction), WriteBufferFraction, "Must be between 0 and 1.");
        }
    }
}

/// <summary>What the state backend's memory holds right now, from RocksDB's own accounting.</summary>
/// <param name="BlockCacheUsage">The shared cache's usage: data, index and filter blocks plus the memtable reservations.</param>
/// <param name="BlockCachePinnedUsage">The part of the cache pinned by readers.</param>
/// <param name="MemTableBytes">Sum over column families of <c>rocksdb.cur-size-all-mem-tables</c>.</param>
/// <param name="WriteBufferManagerBytes">What the write-buffer manager accounts for all memtables.</param>
/// <param name="Budget">The configured budget.</param>
public readonly record struct StateMemoryUsage(
    long BlockCacheUsage,
    long BlockCachePinnedUsage,
    long MemTableBytes,
    long WriteBufferManagerBytes,
    long Budget);
