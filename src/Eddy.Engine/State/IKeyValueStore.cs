namespace Eddy.Engine.State;

/// <summary>
/// One state store of one task, as ordered bytes: a RocksDB column family in a worker (keys scoped to the task's
/// partition), memory in the test kit. Typed state (value, map, list state; window contents) is built on top of it
/// with serdes, so every backend offers exactly the same semantics.
/// </summary>
public interface IKeyValueStore
{
    /// <summary>The store's name, unique within a job (it names the column family and the changelog topic).</summary>
    string Name { get; }

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    byte[]? Get(ReadOnlySpan<byte> key);

    void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(ReadOnlySpan<byte> key);

    /// <summary>
    /// Entries with <paramref name="fromInclusive"/> ≤ key &lt; <paramref name="toExclusive"/> (null: to the end), in
    /// ascending unsigned byte order of the keys.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive);
}

/// <summary>
/// Where a worker keeps the state of its tasks. The runtime opens one backend per worker; a task asks for its stores
/// by name and partition. When a partition moves to another worker, <see cref="DropPartition"/> forgets it here.
/// </summary>
public interface IStateBackend : IDisposable
{
    IKeyValueStore Store(string storeName, int partition);

    void DropPartition(string storeName, int partition);
}
