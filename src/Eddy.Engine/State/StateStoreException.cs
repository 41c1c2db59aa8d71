namespace Eddy.Engine.State;

/// <summary>
/// A state store failed (disk, RocksDB), as a worker's stores report it (the original error is the inner exception):
/// the runtime's failure, never a record's, so it fails the task whatever the job's <see cref="ProcessingErrorPolicy"/>.
/// </summary>
public sealed class StateStoreException : Exception
{
    public StateStoreException()
    {
    }

    public StateStoreException(string message)
        : base(message)
    {
    }

    public StateStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
