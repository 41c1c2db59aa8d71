using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>A state write to send to a store's changelog topic: a null value deletes the key.</summary>
internal readonly record struct ChangelogRecord(string Store, int Partition, byte[] Key, byte[]? Value);

/// <summary>
/// Wraps a worker's state backend so every Put and Delete of a task's stores is also recorded, to be written to the
/// store's changelog topic in the same transaction as the outputs and offsets it goes with.
/// </summary>
internal sealed class ChangeLoggingBackend(IStateBackend inner) : IStateBackend
{
    private readonly Dictionary<(string, int), LoggingStore> _stores = [];

    public List<ChangelogRecord> Pending { get; } = [];

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

    private sealed class LoggingStore(ChangeLoggingBackend owner, IKeyValueStore inner, int partition) : IKeyValueStore
    {
        public string Name => inner.Name;

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            inner.Put(key, value);
            owner.Pending.Add(new ChangelogRecord(inner.Name, partition, key.ToArray(), value.ToArray()));
        }

        public void Delete(ReadOnlySpan<byte> key)
        {
            inner.Delete(key);
            owner.Pending.Add(new ChangelogRecord(inner.Name, partition, key.ToArray(), null));
        }

        public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive) => inner.Range(fromInclusive, toExclusive);
    }
}
