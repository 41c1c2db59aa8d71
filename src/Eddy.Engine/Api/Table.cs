using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>
/// A keyed changelog: the current row per key, and every change to it as changelog rows (insert, update-before the
/// old row, update-after the new one, delete the last one), as Flink's retracting tables. It comes from a topic read
/// as upserts (<see cref="JobBuilder.Table{TKey, TValue}"/>), from a non-windowed aggregation of a keyed stream, or
/// from <see cref="KeyedStream{TKey, TValue}.ToTable"/>. Its changes are partitioned by its key.
/// </summary>
public sealed partial class Table<TKey, TValue>
{
    internal Table(JobBuilder job, NodeDefinition node, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    {
        Job = job;
        Node = node;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
    }

    internal JobBuilder Job { get; }

    internal NodeDefinition Node { get; }

    internal ISerde<TKey>? KeySerde { get; }

    internal ISerde<TValue>? ValueSerde { get; }

    /// <summary>
    /// The table's changes as a keyed stream of changelog rows (<see cref="Records.RowKind"/>): an update-before or a
    /// delete carries the row it takes back.
    /// </summary>
    public KeyedStream<TKey, TValue> ToStream() => new(Job, Node, KeySerde, ValueSerde);

    /// <summary>Maps every row; an update's before and after rows are mapped alike, so retractions stay exact.</summary>
    public Table<TKey, TNewValue> MapValues<TNewValue>(Func<TValue, TNewValue> mapper, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.MapValues<TKey, TValue, TNewValue>(Job, Node, mapper, name), KeySerde, valueSerde);

    /// <summary>
    /// Keeps the rows that match: a row that stops matching is retracted (its update-before passes, its update-after
    /// does not), one that starts matching is added.
    /// </summary>
    public Table<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, string? name = null) =>
        new(Job, StreamNodes.Filter(Job, Node, predicate, name), KeySerde, ValueSerde);

    /// <summary>
    /// Re-keys the table's changes for an aggregation by another key (as Kafka Streams' <c>KTable.groupBy</c>): a row
    /// whose group changes is retracted from its old group and added to its new one.
    /// </summary>
    public KeyedStream<TNewKey, TValue> GroupBy<TNewKey>(Func<TKey, TValue, TNewKey> selector, ISerde<TNewKey>? keySerde,
        string? name = null) =>
        new(Job, StreamNodes.KeyBy(Job, Node, selector, keySerde, ValueSerde, name), keySerde, ValueSerde);

    /// <summary>
    /// Writes the table as upserts, as a compacted topic holds it: the new row for an insert or update, a tombstone
    /// (null value) for a delete; update-before rows are not written (the next row replaces them).
    /// </summary>
    public void To(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var keys = keySerde ?? KeySerde;
        var values = valueSerde ?? ValueSerde;
        Job.Add(name, "sink", OperatorKind.Sink, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            Detail = "upserts",
            KeySerde = keys,
            ValueSerde = values,
            Factory = () => new UpsertSinkOperator<TKey, TValue>(topic, keys!, values!),
            Error = JobBuilder.MissingSerde(keys, values, "sink"),
        });
    }

    /// <summary>
    /// Writes every changelog row with its kind in the <c>eddy.kind</c> header (1 byte: 0 insert, 1 update-before,
    /// 2 update-after, 3 delete; absent means insert), so a reader can apply retractions.
    /// </summary>
    public void ToChangelog(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null) =>
        StreamNodes.Sink(Job, Node, topic, keySerde ?? KeySerde, valueSerde ?? ValueSerde, name);
}
