using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>
/// A stream of keyed records in a job definition. Operations return new streams; serdes are carried along where the
/// type does not change, and must be given where it does and bytes are needed (a repartition, a sink).
/// A stream is <em>keyed</em> after <see cref="KeyBy{TNewKey}"/> (and key-preserving operations after it): only keyed
/// streams can be windowed or processed per key, because only they are partitioned by their key.
/// </summary>
public sealed class Stream<TKey, TValue>
{
    internal Stream(JobBuilder job, NodeDefinition node, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, bool keyed)
    {
        Job = job;
        Node = node;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
        IsKeyed = keyed;
    }

    public bool IsKeyed { get; }

    internal JobBuilder Job { get; }

    internal NodeDefinition Node { get; }

    internal ISerde<TKey>? KeySerde { get; }

    internal ISerde<TValue>? ValueSerde { get; }

    public Stream<TNewKey, TNewValue> Map<TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        var node = Job.Add(name, "map", OperatorKind.Map, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new MapOperator<TKey, TValue, TNewKey, TNewValue>(mapper),
        });
        return new Stream<TNewKey, TNewValue>(Job, node, keySerde, valueSerde, keyed: false);
    }

    /// <summary>Changes values only, so the stream stays keyed (and partitioned) as it was.</summary>
    public Stream<TKey, TNewValue> MapValues<TNewValue>(Func<TValue, TNewValue> mapper, ISerde<TNewValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        var node = Job.Add(name, "mapValues", OperatorKind.Map, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new MapOperator<TKey, TValue, TKey, TNewValue>((k, v) => (k, mapper(v))),
        });
        return new Stream<TKey, TNewValue>(Job, node, KeySerde, valueSerde, IsKeyed);
    }

    public Stream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var node = Job.Add(name, "filter", OperatorKind.Filter, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new FilterOperator<TKey, TValue>(predicate),
        });
        return new Stream<TKey, TValue>(Job, node, KeySerde, ValueSerde, IsKeyed);
    }

    public Stream<TNewKey, TNewValue> FlatMap<TNewKey, TNewValue>(Func<TKey, TValue, IEnumerable<(TNewKey Key, TNewValue Value)>> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        var node = Job.Add(name, "flatMap", OperatorKind.FlatMap, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new FlatMapOperator<TKey, TValue, TNewKey, TNewValue>(mapper),
        });
        return new Stream<TNewKey, TNewValue>(Job, node, keySerde, valueSerde, keyed: false);
    }

    /// <summary>
    /// Re-keys the stream: a stage cut. Records go through the internal topic <c>{job}-{name}-repartition</c> to the
    /// task of the new key's partition. The value serde defaults to the stream's, when it is known.
    /// </summary>
    public Stream<TNewKey, TValue> KeyBy<TNewKey>(Func<TKey, TValue, TNewKey> selector, ISerde<TNewKey>? keySerde,
        ISerde<TValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var values = valueSerde ?? ValueSerde;
        var keyByName = name ?? Job.GeneratedName("keyBy");
        var topic = $"{Job.Name}-{keyByName}-repartition";
        var keyBy = Job.Add(keyByName, "keyBy", OperatorKind.KeyBy, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            KeySerde = keySerde,
            ValueSerde = values,
            Factory = () => new KeyByOperator<TKey, TValue, TNewKey>(topic, selector, keySerde!, values!),
            Error = JobBuilder.MissingSerde(keySerde, values, "repartition"),
        });
        var source = Job.Add($"{keyByName}-source", "keyBySource", OperatorKind.RepartitionSource, [keyBy],
            n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Topic = topic,
                KeySerde = keySerde,
                ValueSerde = values,
                Factory = () => new RepartitionSourceOperator<TNewKey, TValue>(keySerde!, values!),
            });
        return new Stream<TNewKey, TValue>(Job, source, keySerde, values, keyed: true);
    }

    /// <summary>Merges two streams of the same types; the result is keyed if both are.</summary>
    public Stream<TKey, TValue> Union(Stream<TKey, TValue> other, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        var node = Job.Add(name, "union", OperatorKind.Union, [Node, other.Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new UnionOperator(),
            Error = ReferenceEquals(other.Job, Job) ? null : "the other stream belongs to another job.",
        });
        return new Stream<TKey, TValue>(Job, node, KeySerde ?? other.KeySerde, ValueSerde ?? other.ValueSerde, IsKeyed && other.IsKeyed);
    }

    /// <summary>Per-key processing with state and timers; <paramref name="function"/> makes one instance per task.</summary>
    public Stream<TKey, TOut> Process<TOut>(Func<KeyedProcessFunction<TKey, TValue, TOut>> function, ISerde<TOut>? outputSerde = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var error = IsKeyed ? KeySerde is null ? "the keyed stream has no key serde." : null
            : "a process function needs a keyed stream: call KeyBy first.";
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
        return new Stream<TKey, TOut>(Job, node, KeySerde, outputSerde, IsKeyed);
    }

    /// <summary>Groups the keyed stream into event-time windows; finish with an aggregation.</summary>
    public WindowedStream<TKey, TValue> Window(Windows windows, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return new WindowedStream<TKey, TValue>(this, windows, name ?? Job.GeneratedName("window"));
    }

    /// <summary>Writes the stream to a topic; serdes default to the stream's, when they are known.</summary>
    public void To(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var keys = keySerde ?? KeySerde;
        var values = valueSerde ?? ValueSerde;
        Job.Add(name, "sink", OperatorKind.Sink, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            KeySerde = keys,
            ValueSerde = values,
            Factory = () => new SinkOperator<TKey, TValue>(topic, keys!, values!),
            Error = JobBuilder.MissingSerde(keys, values, "sink"),
        });
    }

    private sealed class NoKey : ICurrentKey
    {
        public byte[] CurrentKeyBytes => [];
    }
}
