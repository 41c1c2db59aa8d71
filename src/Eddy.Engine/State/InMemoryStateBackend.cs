namespace Eddy.Engine.State;

/// <summary>State in memory, for the test kit: the same ordered-bytes contract as RocksDB, so operators behave alike.</summary>
public sealed class InMemoryStateBackend : IStateBackend
{
    private readonly Dictionary<(string Store, int Partition), InMemoryKeyValueStore> _stores = [];

    public IKeyValueStore Store(string storeName, int partition)
    {
        if (!_stores.TryGetValue((storeName, partition), out var store))
        {
            _stores[(storeName, partition)] = store = new InMemoryKeyValueStore(storeName);
        }

        return store;
    }

    public void DropPartition(string storeName, int partition) => _stores.Remove((storeName, partition));

    public void Dispose() => _stores.Clear();
}

/// <summary>A sorted set of keys (unsigned byte order) beside a hash map of values.</summary>
public sealed class InMemoryKeyValueStore(string name) : IKeyValueStore
{
    private readonly SortedSet<byte[]> _keys = new(ByteOrder.Instance);
    private readonly Dictionary<byte[], byte[]> _values = new(ByteOrder.Instance);

    public string Name { get; } = name;

    public int Count => _values.Count;

    public byte[]? Get(ReadOnlySpan<byte> key) => _values.TryGetValue(key.ToArray(), out var value) ? value : null;

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var k = key.ToArray();
        if (_values.TryAdd(k, value.ToArray()))
        {
            _keys.Add(k);
        }
        else
        {
            _values[k] = value.ToArray();
        }
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        var k = key.ToArray();
        if (_values.Remove(k))
        {
            _keys.Remove(k);
        }
    }

    /// <summary>A snapshot, so callers may change the store while they go through the entries.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive)
    {
        if (_keys.Count == 0)
        {
            return [];
        }

        var upper = toExclusive ?? _keys.Max!;
        if (ByteOrder.Instance.Compare(fromInclusive, upper) > 0)
        {
            return [];
        }

        return _keys.GetViewBetween(fromInclusive, upper)
            .Where(k => toExclusive is null || ByteOrder.Instance.Compare(k, toExclusive) < 0)
            .Select(k => KeyValuePair.Create(k, _values[k]))
            .ToList();
    }

    private sealed class ByteOrder : IComparer<byte[]>, IEqualityComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
