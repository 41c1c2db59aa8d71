using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>
/// A stream partitioned by its key (after <see cref="Stream{TKey, TValue}.KeyBy{TNewKey}"/>): the only kind of stream
/// that can be windowed, processed per key, aggregated or joined, because each key's records all reach one task.
/// Its records may be changelog rows (a table's changes re-keyed, say): per-key operators retract what an
/// update-before or a delete takes back.
/// </summary>
public sealed partial class KeyedStream<TKey, TValue>
{
    internal KeyedStream(JobBuilder job, NodeDefinition node, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
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

    /// <summary>Changes values only, so the stream stays keyed (and partitioned) as it was.</summary>
    public KeyedStream<TKey, TNewValue> MapValues<TNewValue>(Func<TValue, TNewValue> mapper, ISerde<TNewValue>? valueSerde = null,
        string? name = null) =>
        new(Job, StreamNodes.MapValues<TKey, TValue, TNewValue>(Job, Node, mapper, name), KeySerde, valueSerde);

    public KeyedStream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, string? name = null) =>
        new(Job, StreamNodes.Filter(Job, Node, predicate, name), KeySerde, ValueSerde);

    /// <summary>May change the key, so the result is no longer keyed.</summary>
    public Stream<TNewKey, TNewValue> Map<TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.Map(Job, Node, mapper, name), keySerde, valueSerde);

    /// <summary>May change the key, so the result is no longer keyed.</summary>
    public Stream<TNewKey, TNewValue> FlatMap<TNewKey, TNewValue>(Func<TKey, TValue, IEnumerable<(TNewKey Key, TNewValue Value)>> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.FlatMap(Job, Node, mapper, name), keySerde, valueSerde);

    /// <summary>Re-keys the stream through another repartition topic.</summary>
    public KeyedStream<TNewKey, TValue> KeyBy<TNewKey>(Func<TKey, TValue, TNewKey> selector, ISerde<TNewKey>? keySerde,
        ISerde<TValue>? valueSerde = null, string? name = null)
    {
        var values = valueSerde ?? ValueSerde;
        return new KeyedStream<TNewKey, TValue>(Job, StreamNodes.KeyBy(Job, Node, selector, keySerde, values, name), keySerde, values);
    }

    /// <summary>Merges two keyed streams of the same types; the result stays keyed (both are partitioned by the key).</summary>
    public KeyedStream<TKey, TValue> Union(KeyedStream<TKey, TValue> other, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Job, StreamNodes.Union(Job, Node, other.Job, other.Node, name), KeySerde ?? other.KeySerde, ValueSerde ?? other.ValueSerde);
    }

    /// <summary>The same records as a plain stream (for operations that need no key).</summary>
    public Stream<TKey, TValue> AsStream() => new(Job, Node, KeySerde, ValueSerde);

    /// <summary>Per-key processing with state and timers; <paramref name="function"/> makes one instance per task.</summary>
    public KeyedStream<TKey, TOut> Process<TOut>(Func<KeyedProcessFunction<TKey, TValue, TOut>> function, ISerde<TOut>? outputSerde = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var error = KeySerde is null ? "the keyed stream has no key serde." : null;
        IReadOnlyList<string> states = [];
        if (error is null)
        {
            // Let the function declare its state now so that the plan lists its stores.
            var declaring = new KeyedStateStore(new NoKey(), state => new UnavailableStore(state));
            try
            {
                function().Open(declaring);
                states = [ProcessStateNames.Timers, .. declaring.Declared];
            }
            catch (ArgumentException e)
            {
                error = e.Message;
            }
        }

        var node = Job.Add(name, "process", OperatorKind.Process, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            StateNames = states,
            Factory = () => new ProcessOperator<TKey, TValue, TOut>(function, KeySerde!),
            Error = error,
        });
        return new KeyedStream<TKey, TOut>(Job, node, KeySerde, outputSerde);
    }

    /// <summary>Groups the keyed stream into event-time windows; finish with an aggregation.</summary>
    public WindowedStream<TKey, TValue> Window(Windows windows, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return new WindowedStream<TKey, TValue>(this, windows, name ?? Job.GeneratedName("window"));
    }

    /// <summary>
    /// Reads the stream as upserts (as Kafka Streams' <c>toTable</c>): each record is its key's new row, and a null
    /// value (or a delete) removes the key. The table emits proper changelog rows: an insert for a new key, an
    /// update-before/update-after pair for a changed one, a delete with the last row; an identical upsert emits nothing.
    /// State: the current row per key (store <c>rows</c>).
    /// </summary>
    public Table<TKey, TValue> ToTable(string? name = null)
    {
        var node = ChangelogNormalize.Add(Job, Node, KeySerde, ValueSerde, name ?? Job.GeneratedName("toTable"), "toTable");
        return new Table<TKey, TValue>(Job, node, KeySerde, ValueSerde);
    }

    /// <summary>Writes the stream to a topic; serdes default to the stream's, when they are known.</summary>
    public void To(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null) =>
        StreamNodes.Sink(Job, Node, topic, keySerde ?? KeySerde, valueSerde ?? ValueSerde, name);

    private sealed class NoKey : ICurrentKey
    {
        public byte[] CurrentKeyBytes => [];
    }
}
