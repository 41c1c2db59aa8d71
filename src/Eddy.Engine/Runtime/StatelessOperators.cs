using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Reads a source topic: deserializes and takes the event time from the extractor (default: the Kafka timestamp).
/// A table's topic is read as upserts: a tombstone (null value) becomes a delete row.
/// </summary>
internal sealed class SourceOperator<TKey, TValue>(ISerde<TKey> keySerde, ISerde<TValue> valueSerde, Func<TKey, TValue, long, long>? timestampOf,
    bool tombstonesDelete = false)
    : Operator, IRecordSource
{
    public bool TryIngest(in InputRecord record, out long timestamp, out Exception? error)
    {
        TKey key;
        TValue value;
        try
        {
            // Only reading the record is guarded: bad bytes are the input's fault, a failing user function is the job's.
            key = record.Key is null ? default! : keySerde.Deserialize(record.Key);
            value = record.Value is null ? default! : valueSerde.Deserialize(record.Value);
            timestamp = timestampOf?.Invoke(key, value, record.Timestamp) ?? record.Timestamp;
        }
        catch (Exception e) when (e is not TransientSerdeException)
        {
            timestamp = 0;
            error = e;
            return false;
        }

        error = null;
        Emit(new Element(key, value, timestamp, tombstonesDelete && record.Value is null ? RowKind.Delete : RowKind.Insert));
        return true;
    }

    public override void Process(in Element element) => Emit(element);
}

/// <summary>Reads a repartition topic: the record keeps the event time it had upstream (its Kafka timestamp).</summary>
internal sealed class RepartitionSourceOperator<TKey, TValue>(ISerde<TKey> keySerde, ISerde<TValue> valueSerde) : Operator, IRecordSource
{
    public bool TryIngest(in InputRecord record, out long timestamp, out Exception? error)
    {
        // Written by this job's own KeyBy with the same serdes: a failure here is a bug, not bad input.
        var key = record.Key is null ? default! : keySerde.Deserialize(record.Key);
        var value = record.Value is null ? default! : valueSerde.Deserialize(record.Value);
        timestamp = record.Timestamp;
        error = null;
        Emit(new Element(key, value, record.Timestamp, record.Kind));
        return true;
    }

    public override void Process(in Element element) => Emit(element);
}

/// <summary>Selects the new key and writes the record to the repartition topic; the runtime routes it by the key's hash.</summary>
internal sealed class KeyByOperator<TKey, TValue, TNewKey>(string topic, Func<TKey, TValue, TNewKey> selector, ISerde<TNewKey> keySerde, ISerde<TValue> valueSerde)
    : Operator
{
    public override void Process(in Element element)
    {
        var value = (TValue)element.Value!;
        var key = selector((TKey)element.Key!, value);
        Task.Outputs.Records.Add(new OutputRecord(topic, keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value),
            element.Timestamp, element.Kind, IsRepartition: true));
    }
}

/// <summary>Writes records to a topic.</summary>
internal sealed class SinkOperator<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) : Operator
{
    public override void Process(in Element element)
    {
        var key = element.Key is null ? null : keySerde.Serialize((TKey)element.Key);
        var value = element.Value is null ? null : valueSerde.Serialize((TValue)element.Value);
        Task.Outputs.Records.Add(new OutputRecord(topic, key, value, element.Timestamp, element.Kind, IsRepartition: false));
    }
}

/// <summary>Writes a table as upserts: the row for inserts and updates, a tombstone for deletes, nothing for update-before.</summary>
internal sealed class UpsertSinkOperator<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) : Operator
{
    public override void Process(in Element element)
    {
        if (element.Kind == RowKind.UpdateBefore)
        {
            return;
        }

        var key = element.Key is null ? null : keySerde.Serialize((TKey)element.Key);
        var value = element.Kind == RowKind.Delete || element.Value is null ? null : valueSerde.Serialize((TValue)element.Value);
        // Plain upserts, as a compacted topic holds them: no kind header (a tombstone is the delete).
        Task.Outputs.Records.Add(new OutputRecord(topic, key, value, element.Timestamp, RowKind.Insert, IsRepartition: false));
    }
}

internal sealed class MapOperator<TKey, TValue, TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper) : Operator
{
    public override void Process(in Element element)
    {
        var (key, value) = mapper((TKey)element.Key!, (TValue)element.Value!);
        Emit(new Element(key, value, element.Timestamp, element.Kind));
    }
}

internal sealed class FilterOperator<TKey, TValue>(Func<TKey, TValue, bool> predicate) : Operator
{
    public override void Process(in Element element)
    {
        if (predicate((TKey)element.Key!, (TValue)element.Value!))
        {
            Emit(element);
        }
    }
}

internal sealed class FlatMapOperator<TKey, TValue, TNewKey, TNewValue>(Func<TKey, TValue, IEnumerable<(TNewKey Key, TNewValue Value)>> mapper)
    : Operator
{
    public override void Process(in Element element)
    {
        foreach (var (key, value) in mapper((TKey)element.Key!, (TValue)element.Value!))
        {
            Emit(new Element(key, value, element.Timestamp, element.Kind));
        }
    }
}

/// <summary>Merges its inputs: every input's records pass through (the task already takes the minimum watermark).</summary>
internal sealed class UnionOperator : Operator
{
    public override void Process(in Element element) => Emit(element);
}
