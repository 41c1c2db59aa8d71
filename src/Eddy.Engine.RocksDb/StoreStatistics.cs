namespace Eddy.Engine.RocksDb;

/// <summary>How much one state store (a column family, all its partitions) holds right now, from RocksDB's own numbers.</summary>
/// <param name="Store">The store's name.</param>
/// <param name="Entries">Live keys, counted by iterating the store (a snapshot: deleted keys not counted), or -1 when not counted.</param>
/// <param name="EstimatedKeys"><c>rocksdb.estimate-num-keys</c>: cheap, but with many deletions only a rough estimate.</param>
/// <param name="SstBytes"><c>rocksdb.total-sst-files-size</c>: the store's files on disk, including obsolete versions and tombstones not yet compacted.</param>
/// <param name="LiveDataBytes"><c>rocksdb.estimate-live-data-size</c>: what the files would shrink to after a full compaction.</param>
/// <param name="MemTableBytes"><c>rocksdb.cur-size-all-mem-tables</c>: the store's unflushed writes in memory.</param>
public readonly record struct StoreStatistics(string Store, long Entries, long EstimatedKeys, long SstBytes, long LiveDataBytes, long MemTableBytes);
