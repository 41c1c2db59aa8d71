using System.Buffers.Binary;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>The key whose state is being accessed: the record's or the timer's, set by the operator before calling user code.</summary>
internal interface ICurrentKey
{
    byte[] CurrentKeyBytes { get; }
}

/// <summary>Gives a process function its state, each named state in its own store.</summary>
internal sealed class KeyedStateStore(ICurrentKey currentKey, Func<string, IKeyValueStore> storeFor) : IKeyedStateStore
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The state names declared so far, in order: the plan's store declarations.</summary>
    public List<string> Declared { get; } = [];

    public IValueState<T> Value<T>(string name, ISerde<T> serde) => new ValueState<T>(Declare(name), currentKey, serde);

    public IMapState<TMapKey, TMapValue> Map<TMapKey, TMapValue>(string name, ISerde<TMapKey> keySerde, ISerde<TMapValue> valueSerde) =>
        new MapState<TMapKey, TMapValue>(Declare(name), currentKey, keySerde, valueSerde);

    public IListState<T> List<T>(string name, ISerde<T> serde) => new ListState<T>(Declare(name), currentKey, serde);

    private IKeyValueStore Declare(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name == ProcessStateNames.Timers || !_names.Add(name))
        {
            throw new ArgumentException($"State name '{name}' is empty, reserved or declared twice.", nameof(name));
        }

        Declared.Add(name);
        return storeFor(name);
    }
}

internal static class ProcessStateNames
{
    public const string Timers = "timers";
}

/// <summary>Stands in for stores while a function's state is declared at build time: no state can be used then.</summary>
internal sealed class UnavailableStore(string name) : IKeyValueStore
{
    public string Name { get; } = name;

    public byte[]? Get(ReadOnlySpan<byte> key) => throw Unavailable();

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => throw Unavailable();

    public void Delete(ReadOnlySpan<byte> key) => throw Unavailable();

    public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive) => throw Unavailable();

    private InvalidOperationException Unavailable() => new($"State '{Name}' can only be used while a record or timer is processed.");
}

internal sealed class ValueState<T>(IKeyValueStore store, ICurrentKey key, ISerde<T> serde) : IValueState<T>
{
    public bool TryGet(out T value)
    {
        var bytes = store.Get(key.CurrentKeyBytes);
        value = bytes is null ? default! : serde.Deserialize(bytes);
        return bytes is not null;
    }

    public T GetOrDefault(T fallback) => TryGet(out var value) ? value : fallback;

    public void Update(T value) => store.Put(key.CurrentKeyBytes, serde.Serialize(value));

    public void Clear() => store.Delete(key.CurrentKeyBytes);
}

/// <summary>Entries under [length][key][map key], so one key's map is one range scan.</summary>
internal sealed class MapState<TMapKey, TMapValue>(IKeyValueStore store, ICurrentKey key, ISerde<TMapKey> keySerde, ISerde<TMapValue> valueSerde)
    : IMapState<TMapKey, TMapValue>
{
    public bool TryGet(TMapKey mapKey, out TMapValue value)
    {
        var bytes = store.Get(StateKeys.Compose(key.CurrentKeyBytes, keySerde.Serialize(mapKey)));
        value = bytes is null ? default! : valueSerde.Deserialize(bytes);
        return bytes is not null;
    }

    public void Put(TMapKey mapKey, TMapValue value) =>
        store.Put(StateKeys.Compose(key.CurrentKeyBytes, keySerde.Serialize(mapKey)), valueSerde.Serialize(value));

    public void Remove(TMapKey mapKey) => store.Delete(StateKeys.Compose(key.CurrentKeyBytes, keySerde.Serialize(mapKey)));

    public IReadOnlyList<KeyValuePair<TMapKey, TMapValue>> Entries() =>
        Scan().Select(e => KeyValuePair.Create(keySerde.Deserialize(StateKeys.SubKey(e.Key)), valueSerde.Deserialize(e.Value))).ToList();

    public void Clear()
    {
        foreach (var entry in Scan())
        {
            store.Delete(entry.Key);
        }
    }

    private List<KeyValuePair<byte[], byte[]>> Scan()
    {
        var prefix = StateKeys.KeyPrefix(key.CurrentKeyBytes);
        return store.Range(prefix, StateKeys.PrefixEnd(prefix)).ToList();
    }
}

/// <summary>A key's list as one value of length-prefixed elements: appends rewrite it, reads are one lookup.</summary>
internal sealed class ListState<T>(IKeyValueStore store, ICurrentKey key, ISerde<T> serde) : IListState<T>
{
    public void Add(T value)
    {
        var existing = store.Get(key.CurrentKeyBytes) ?? [];
        var element = serde.Serialize(value);
        var bytes = new byte[existing.Length + 4 + element.Length];
        existing.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(existing.Length), element.Length);
        element.CopyTo(bytes, existing.Length + 4);
        store.Put(key.CurrentKeyBytes, bytes);
    }

    public IReadOnlyList<T> Get()
    {
        var bytes = store.Get(key.CurrentKeyBytes);
        var values = new List<T>();
        for (var at = 0; bytes is not null && at < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            values.Add(serde.Deserialize(bytes.AsSpan(at + 4, length)));
            at += 4 + length;
        }

        return values;
    }

    public void Update(IEnumerable<T> values)
    {
        Clear();
        foreach (var value in values)
        {
            Add(value);
        }
    }

    public void Clear() => store.Delete(key.CurrentKeyBytes);
}
