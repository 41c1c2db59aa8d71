using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>
/// The operators every kind of stream shares (a plain stream, a keyed stream, a table's changes), added once here so
/// that <see cref="Stream{TKey, TValue}"/>, <see cref="KeyedStream{TKey, TValue}"/> and <see cref="Table{TKey, TValue}"/>
/// only decide what their results are.
/// </summary>
internal static class StreamNodes
{
    public static NodeDefinition Map<TKey, TValue, TNewKey, TNewValue>(JobBuilder job, NodeDefinition input,
        Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper, string? name)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        return job.Add(name, "map", OperatorKind.Map, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new MapOperator<TKey, TValue, TNewKey, TNewValue>(mapper),
        });
    }

    public static NodeDefinition MapValues<TKey, TValue, TNewValue>(JobBuilder job, NodeDefinition input, Func<TValue, TNewValue> mapper,
        string? name)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        return job.Add(name, "mapValues", OperatorKind.Map, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new MapOperator<TKey, TValue, TKey, TNewValue>((k, v) => (k, mapper(v))),
        });
    }

    public static NodeDefinition Filter<TKey, TValue>(JobBuilder job, NodeDefinition input, Func<TKey, TValue, bool> predicate, string? name)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return job.Add(name, "filter", OperatorKind.Filter, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new FilterOperator<TKey, TValue>(predicate),
        });
    }

    public static NodeDefinition FlatMap<TKey, TValue, TNewKey, TNewValue>(JobBuilder job, NodeDefinition input,
        Func<TKey, TValue, IEnumerable<(TNewKey Key, TNewValue Value)>> mapper, string? name)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        return job.Add(name, "flatMap", OperatorKind.FlatMap, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new FlatMapOperator<TKey, TValue, TNewKey, TNewValue>(mapper),
        });
    }

    public static NodeDefinition Union(JobBuilder job, NodeDefinition left, JobBuilder otherJob, NodeDefinition right, string? name) =>
        job.Add(name, "union", OperatorKind.Union, [left, right], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Factory = () => new UnionOperator(),
            Error = ReferenceEquals(otherJob, job) ? null : "the other stream belongs to another job.",
        });

    /// <summary>
    /// A stage cut: the KeyBy writes <c>{job}-{name}-repartition</c>, and a repartition source reads it in the stage
    /// of the new key. Row kinds travel with the records, so retractions survive the cut.
    /// </summary>
    public static NodeDefinition KeyBy<TKey, TValue, TNewKey>(JobBuilder job, NodeDefinition input, Func<TKey, TValue, TNewKey> selector,
        ISerde<TNewKey>? keySerde, ISerde<TValue>? valueSerde, string? name)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var keyByName = name ?? job.GeneratedName("keyBy");
        var topic = RepartitionTopic(job, keyByName);
        var keyBy = job.Add(keyByName, "keyBy", OperatorKind.KeyBy, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            KeySerde = keySerde,
            ValueSerde = valueSerde,
            Factory = () => new KeyByOperator<TKey, TValue, TNewKey>(topic, selector, keySerde!, valueSerde!),
            Error = JobBuilder.MissingSerde(keySerde, valueSerde, "repartition"),
        });
        return job.Add($"{keyByName}-source", "keyBySource", OperatorKind.RepartitionSource, [keyBy],
            n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Topic = topic,
                KeySerde = keySerde,
                ValueSerde = valueSerde,
                Factory = () => new RepartitionSourceOperator<TNewKey, TValue>(keySerde!, valueSerde!),
            });
    }

    /// <summary>The topic a KeyBy named <paramref name="keyByName"/> writes.</summary>
    public static string RepartitionTopic(JobBuilder job, string keyByName) => $"{job.Name}-{keyByName}-repartition";

    /// <summary>Writes every record to a topic; a row that is not an insert carries its kind in the <c>eddy.kind</c> header.</summary>
    public static void Sink<TKey, TValue>(JobBuilder job, NodeDefinition input, string topic, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        string? name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        job.Add(name, "sink", OperatorKind.Sink, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            KeySerde = keySerde,
            ValueSerde = valueSerde,
            Factory = () => new SinkOperator<TKey, TValue>(topic, keySerde!, valueSerde!),
            Error = JobBuilder.MissingSerde(keySerde, valueSerde, "sink"),
        });
    }
}
