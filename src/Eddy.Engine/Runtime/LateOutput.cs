namespace Eddy.Engine.Runtime;

/// <summary>A side output for one input's late rows: its tag (the topic's name) and the serdes its records are written in.</summary>
internal sealed record LateOutput<TKey, TValue>(string Tag, ISerde<TKey> KeySerde, ISerde<TValue> ValueSerde)
{
    /// <summary>
    /// The late row as a side-output record. Late rows are rare: their bytes (for the side output's topic) may cost an
    /// allocation.
    /// </summary>
    public SideOutputRecord Record(object? key, object? value, long timestamp) =>
        new(Tag, key, value, timestamp, key is null ? null : KeySerde.Serialize((TKey)key), value is null ? null : ValueSerde.Serialize((TValue)value));
}
