using Eddy.Engine.State;
using RocksDbSharp;

namespace Eddy.Engine.RocksDb;

/// <summary>
/// A task's writes gathered into one RocksDB write: open with <see cref="RocksDbStateBackend.BeginBatch"/>, write
/// through the store views on the same thread, then <see cref="Commit"/>. Disposing without committing discards.
/// </summary>
public sealed class StateWriteBatch : IStateWriteBatch
{
    private readonly RocksDbStateBackend _backend;
    private readonly WriteBatchWithIndex _batch;
    private bool _done;

    internal StateWriteBatch(RocksDbStateBackend backend, WriteBatchWithIndex batch)
    {
        _backend = backend;
        _batch = batch;
    }

    /// <summary>Operations in the batch.</summary>
    public int Count => _done ? 0 : _batch.Count();

    /// <summary>Applies every write of the batch atomically.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _done = true;
        _backend.CommitBatch(_batch);
    }

    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _backend.EndBatch(_batch);
        }
    }
}
