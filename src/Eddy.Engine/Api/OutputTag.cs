namespace Eddy.Engine;

/// <summary>
/// Names a side output (late records, or what a process function sends aside) and fixes its record types. In a worker
/// a side output is written to the topic of the same name, keys and values in the tag's serdes (defaults: the stream's
/// key serde, and for values the stream's value serde for late records or else JSON).
/// </summary>
public sealed class OutputTag<TKey, TValue>(string name, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null)
{
    public string Name { get; } = !string.IsNullOrWhiteSpace(name) ? name : throw new ArgumentException("A side output needs a name.", nameof(name));

    public ISerde<TKey>? KeySerde { get; } = keySerde;

    public ISerde<TValue>? ValueSerde { get; } = valueSerde;

    public override string ToString() => Name;
}
