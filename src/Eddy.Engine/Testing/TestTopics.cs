using Eddy.Engine.Records;

namespace Eddy.Engine.Testing;

/// <summary>A record read back from an output topic or a side output.</summary>
public readonly record struct TestRecord<TKey, TValue>(TKey Key, TValue Value, long Timestamp, RowKind Kind = RowKind.Insert, int Partition = 0);

/// <summary>Pipes typed records into a source topic of the driven job.</summary>
public sealed class TestInputTopic<TKey, TValue>
{
    private readonly JobTestDriver _driver;
    private readonly string _topic;
    private readonly ISerde<TKey> _keySerde;
    private readonly ISerde<TValue> _valueSerde;

    internal TestInputTopic(JobTestDriver driver, string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        _driver = driver;
        _topic = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    /// <summary>Sends one record with Kafka timestamp <paramref name="timestamp"/>; the partition defaults to the key's (murmur2).</summary>
    public void Pipe(TKey key, TValue value, long timestamp, int? partition = null) =>
        _driver.Pipe(_topic, [Bytes(key, value, timestamp, partition)]);

    /// <summary>
    /// Sends records as one batch per partition, as a consumer poll delivers them: the watermark advances once, after
    /// the whole batch, so records of a batch are never late relative to each other.
    /// </summary>
    public void PipeBatch(IEnumerable<(TKey Key, TValue Value, long Timestamp)> records, int? partition = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        _driver.Pipe(_topic, records.Select(r => Bytes(r.Key, r.Value, r.Timestamp, partition)).ToList());
    }

    private (byte[]? Key, byte[]? Value, long Timestamp, int? Partition) Bytes(TKey key, TValue value, long timestamp, int? partition) =>
        (key is null ? null : _keySerde.Serialize(key), value is null ? null : _valueSerde.Serialize(value), timestamp, partition);
}

/// <summary>Reads what the driven job wrote to a sink topic, in order.</summary>
public sealed class TestOutputTopic<TKey, TValue>
{
    private readonly OutputLog _log;
    private readonly ISerde<TKey> _keySerde;
    private readonly ISerde<TValue> _valueSerde;

    internal TestOutputTopic(OutputLog log, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        _log = log;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    /// <summary>The records written since the last read (like a consumer's position).</summary>
    public IReadOnlyList<TestRecord<TKey, TValue>> ReadAll()
    {
        var records = _log.Rows.Skip(_log.Read).Select(r => new TestRecord<TKey, TValue>(
            r.Key is null ? default! : _keySerde.Deserialize(r.Key),
            r.Value is null ? default! : _valueSerde.Deserialize(r.Value),
            r.Timestamp, r.Kind, r.Partition)).ToList();
        _log.Read = _log.Rows.Count;
        return records;
    }

    public IReadOnlyList<TValue> ReadValues() => ReadAll().Select(r => r.Value).ToList();
}

/// <summary>A topic's records and how far the test has read them (shared by every reader of the topic).</summary>
internal sealed class OutputLog
{
    public List<OutputRow> Rows { get; } = [];

    public int Read { get; set; }
}

/// <summary>A record as written to a topic by the driven job.</summary>
internal sealed record OutputRow(int Partition, byte[]? Key, byte[]? Value, long Timestamp, RowKind Kind);
