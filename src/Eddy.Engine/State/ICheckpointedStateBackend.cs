namespace Eddy.Engine.State;

/// <summary>
/// A state backend a Kafka worker can run on: besides the stores, it remembers which changelog offset each store
/// partition's local state reflects, makes the state durable with those offsets (a checkpoint, so a restarted worker
/// replays only the changelog's tail), and gathers a run of writes into one atomic write. RocksDB is the default.
/// </summary>
/// <remarks>
/// Stores of different (store, partition) pairs may be used from different threads at once (each task belongs to one
/// stream thread); <see cref="Checkpoint"/> is called between commits by any of them.
/// </remarks>
public interface ICheckpointedStateBackend : IStateBackend
{
    /// <summary>
    /// The next changelog offset the durable local state of (store, partition) reflects, or null when there is none
    /// (the runtime then wipes the partition and replays its changelog from the start).
    /// </summary>
    long? CheckpointedOffset(string storeName, int partition);

    /// <summary>Deletes a partition's local state before a full replay of its changelog.</summary>
    void Wipe(string storeName, int partition);

    /// <summary>
    /// Writes restored changelog records into (store, partition) (a null value deletes) and records
    /// <paramref name="nextOffset"/> as the changelog position the state now reflects, for the next checkpoint.
    /// </summary>
    void ApplyChangelog(string storeName, int partition, IEnumerable<(byte[] Key, byte[]? Value)> records, long nextOffset);

    /// <summary>Records that (store, partition) reflects its changelog up to <paramref name="nextOffset"/> (after a commit).</summary>
    void SetChangelogOffset(string storeName, int partition, long nextOffset);

    /// <summary>Makes the state durable together with the offsets recorded so far; called between commits.</summary>
    void Checkpoint();

    /// <summary>
    /// Opens a write batch for the calling thread: until it is committed or disposed, the writes of this backend's
    /// stores on this thread are gathered and applied as one (reads see them).
    /// </summary>
    IStateWriteBatch BeginBatch();
}

/// <summary>A calling thread's writes gathered into one atomic write; disposing without <see cref="Commit"/> discards them.</summary>
public interface IStateWriteBatch : IDisposable
{
    /// <summary>Applies every write of the batch at once.</summary>
    void Commit();
}
