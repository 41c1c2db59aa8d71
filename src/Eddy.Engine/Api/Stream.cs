using Eddy.Engine.Plan;

namespace Eddy.Engine;

/// <summary>
/// A stream of records in a job definition, not (yet) partitioned by its key. Operations return new streams; serdes
/// are carried along where the type does not change, and must be given where it does and bytes are needed (a
/// repartition, a sink). Per-key work (windows, process functions, aggregates, joins) needs a
/// <see cref="KeyedStream{TKey, TValue}"/>: call <see cref="KeyBy{TNewKey}"/> first.
/// </summary>
public sealed class Stream<TKey, TValue>
{
    internal Stream(JobBuilder job, NodeDefinition node, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, bool keyedAsSource = false)
    {
        Job = job;
        Node = node;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
        KeyedAsSource = keyedAsSource;
    }

    /// <summary>The records still have the keys (and so the partitions) they had in their source topics.</summary>
    internal bool KeyedAsSource { get; }

    internal JobBuilder Job { get; }

    internal NodeDefinition Node { get; }

    internal ISerde<TKey>? KeySerde { get; }

    internal ISerde<TValue>? ValueSerde { get; }

    public Stream<TNewKey, TNewValue> Map<TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.Map(Job, Node, mapper, name), keySerde, valueSerde);

    public Stream<TKey, TNewValue> MapValues<TNewValue>(Func<TValue, TNewValue> mapper, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.MapValues<TKey, TValue, TNewValue>(Job, Node, mapper, name), KeySerde, valueSerde, KeyedAsSource);

    public Stream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, string? name = null) =>
        new(Job, StreamNodes.Filter(Job, Node, predicate, name), KeySerde, ValueSerde, KeyedAsSource);

    public Stream<TNewKey, TNewValue> FlatMap<TNewKey, TNewValue>(Func<TKey, TValue, IEnumerable<(TNewKey Key, TNewValue Value)>> mapper,
        ISerde<TNewKey>? keySerde = null, ISerde<TNewValue>? valueSerde = null, string? name = null) =>
        new(Job, StreamNodes.FlatMap(Job, Node, mapper, name), keySerde, valueSerde);

    /// <summary>
    /// Keys the stream: a stage cut. Records go through the internal topic <c>{job}-{name}-repartition</c> to the
    /// task of the new key's partition. The value serde defaults to the stream's, when it is known.
    /// </summary>
    public KeyedStream<TNewKey, TValue> KeyBy<TNewKey>(Func<TKey, TValue, TNewKey> selector, ISerde<TNewKey>? keySerde,
        ISerde<TValue>? valueSerde = null, string? name = null)
    {
        var values = valueSerde ?? ValueSerde;
        return new KeyedStream<TNewKey, TValue>(Job, StreamNodes.KeyBy(Job, Node, selector, keySerde, values, name), keySerde, values);
    }

    /// <summary>
    /// Takes the stream as already partitioned by its key, without a repartition topic (as Kafka Streams'
    /// <c>groupByKey</c>): right for a source topic whose producers partitioned it by the key's bytes with Kafka's
    /// default partitioner (murmur2), as Kafka's clients do by default. Only a stream that still has its source's keys
    /// can be taken so (after Filter and MapValues, not after Map or FlatMap); otherwise use <see cref="KeyBy{TNewKey}"/>.
    /// </summary>
    /// <exception cref="JobDefinitionException">The stream's keys may have changed since its source.</exception>
    public KeyedStream<TKey, TValue> AsKeyed() =>
        KeyedAsSource
            ? new KeyedStream<TKey, TValue>(Job, Node, KeySerde, ValueSerde)
            : throw new JobDefinitionException(
                $"Job '{Job.Name}', operator '{Node.Name}': AsKeyed needs records that still have their source topic's keys (a Map or FlatMap may have changed them); use KeyBy.");

    /// <summary>Merges two streams of the same types.</summary>
    public Stream<TKey, TValue> Union(Stream<TKey, TValue> other, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Job, StreamNodes.Union(Job, Node, other.Job, other.Node, name), KeySerde ?? other.KeySerde, ValueSerde ?? other.ValueSerde,
            KeyedAsSource && other.KeyedAsSource);
    }

    /// <summary>Writes the stream to a topic; serdes default to the stream's, when they are known.</summary>
    public void To(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null) =>
        StreamNodes.Sink(Job, Node, topic, keySerde ?? KeySerde, valueSerde ?? ValueSerde, name);
}
