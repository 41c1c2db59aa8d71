using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>
/// Defines a job: sources, transformations, sinks. <see cref="Build"/> validates it and returns the plan the runtime
/// and the test kit run. Every operator has a name, given (<c>name:</c>) or generated as <c>{kind}-{n}</c>.
/// </summary>
public sealed class JobBuilder
{
    private readonly List<NodeDefinition> _nodes = [];

    public JobBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    /// <summary>What to do with records a source cannot deserialize (default: dead-letter them).</summary>
    public BadInputPolicy BadInput { get; set; } = BadInputPolicy.DeadLetter;

    /// <summary>
    /// What to do when one of the job's functions (a map, a filter, a process function, an aggregate, a joiner...)
    /// throws on a record (default: fail the job, naming the record's topic, partition and offset and the operator).
    /// <see cref="ProcessingErrorPolicy.Skip"/> drops the record; <see cref="ProcessingErrorPolicy.DeadLetter"/>
    /// writes it with the error to <see cref="DeadLetterTopic"/>. Either way what the operators before the failing one
    /// did with the record stays. A function that throws in time-driven work (a window firing, a timer) always fails
    /// the job: there is no record to skip.
    /// </summary>
    public ProcessingErrorPolicy ProcessingErrors { get; set; } = ProcessingErrorPolicy.Fail;

    /// <summary>Where unreadable records, and with <see cref="ProcessingErrorPolicy.DeadLetter"/> the records a function failed on, go (default <c>{job}-dead-letters</c>).</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>
    /// Reads a topic. The event time is <paramref name="timestampOf"/>(key, value, Kafka timestamp), default the Kafka
    /// timestamp. <paramref name="startAt"/> is where a partition without a committed offset is first read (default
    /// the earliest offset).
    /// </summary>
    public Stream<TKey, TValue> Source<TKey, TValue>(string topic, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        WatermarkStrategy? watermarks = null, Func<TKey, TValue, long, long>? timestampOf = null, string? name = null, StartPosition? startAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var strategy = watermarks ?? WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero);
        var node = Add(name, "source", OperatorKind.Source, [], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            Detail = startAt is null ? strategy.ToString() : $"{strategy}, {startAt}",
            StartAt = startAt,
            KeySerde = keySerde,
            ValueSerde = valueSerde,
            Watermarks = strategy,
            Factory = () => new SourceOperator<TKey, TValue>(keySerde!, valueSerde!, timestampOf),
            Error = MissingSerde(keySerde, valueSerde, "source"),
        });
        return new Stream<TKey, TValue>(this, node, keySerde, valueSerde, keyedAsSource: true);
    }

    /// <summary>
    /// Reads a topic through <paramref name="reader"/>, which sees each record's topic, partition, offset and
    /// timestamp besides its bytes (for SQL's metadata columns). The serdes are the stream's (what follows and the
    /// test kit use them); the reader, not them, reads the topic. A record the reader throws on is bad input.
    /// <paramref name="startAt"/> is as <see cref="Source{TKey, TValue}"/>'s.
    /// </summary>
    public Stream<TKey, TValue> RecordSource<TKey, TValue>(string topic, RecordReader<TKey, TValue> reader, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        WatermarkStrategy? watermarks = null, Func<TKey, TValue, long, long>? timestampOf = null, string? name = null, StartPosition? startAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(reader);
        var strategy = watermarks ?? WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero);
        var node = Add(name, "source", OperatorKind.Source, [], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            Detail = startAt is null ? strategy.ToString() : $"{strategy}, {startAt}",
            StartAt = startAt,
            KeySerde = keySerde,
            ValueSerde = valueSerde,
            Watermarks = strategy,
            Factory = () => new RecordReaderSourceOperator<TKey, TValue>(topic, reader, timestampOf),
            Error = MissingSerde(keySerde, valueSerde, "source"),
        });
        return new Stream<TKey, TValue>(this, node, keySerde, valueSerde, keyedAsSource: true);
    }

    /// <summary>
    /// Reads a topic as a table (as Kafka Streams' <c>builder.table</c>): each record upserts its key's row and a
    /// tombstone deletes it; the table emits changelog rows (see <see cref="KeyedStream{TKey, TValue}.ToTable"/>) and
    /// keeps the current row per key in its <c>rows</c> store. The topic must be partitioned by its key, as Kafka's
    /// default partitioner does. Without <paramref name="watermarks"/> the table's records do not move event time
    /// (its updates never hold back a stream it is joined with); give a strategy for an event-time (temporal) join.
    /// </summary>
    public Table<TKey, TValue> Table<TKey, TValue>(string topic, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        WatermarkStrategy? watermarks = null, Func<TKey, TValue, long, long>? timestampOf = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var tableName = name ?? GeneratedName("table");
        var source = Add($"{tableName}-source", "tableSource", OperatorKind.TableSource, [], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Topic = topic,
            Detail = watermarks?.ToString() ?? "no watermarks",
            KeySerde = keySerde,
            ValueSerde = valueSerde,
            Watermarks = watermarks,
            Factory = () => new SourceOperator<TKey, TValue>(keySerde!, valueSerde!, timestampOf, tombstonesDelete: true),
            Error = MissingSerde(keySerde, valueSerde, "table"),
        });
        var node = ChangelogNormalize.Add(this, source, keySerde, valueSerde, tableName, "table");
        return new Table<TKey, TValue>(this, node, keySerde, valueSerde);
    }

    public JobPlan Build() => PlanCompiler.Compile(Name, _nodes, BadInput, DeadLetterTopic ?? $"{Name}-dead-letters", ProcessingErrors);

    /// <summary>Adds a node; <paramref name="define"/> fills in a skeleton carrying the id, final name, kind and parents.</summary>
    internal NodeDefinition Add(string? name, string generatedPrefix, OperatorKind kind, IReadOnlyList<NodeDefinition> parents,
        Func<NodeDefinition, NodeDefinition> define)
    {
        var id = _nodes.Count;
        var skeleton = new NodeDefinition(id, name ?? $"{generatedPrefix}-{id + 1}", kind, parents);
        var node = define(skeleton);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Reserves a generated name for an operator defined in several calls (a window and its aggregation).</summary>
    internal string GeneratedName(string prefix) => $"{prefix}-{_nodes.Count + 1}";

    internal static string? MissingSerde(object? keySerde, object? valueSerde, string what) =>
        keySerde is null ? $"the {what} has no key serde." : valueSerde is null ? $"the {what} has no value serde." : null;
}
