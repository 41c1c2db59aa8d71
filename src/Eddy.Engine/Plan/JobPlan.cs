using System.Text;
using Eddy.Engine.Runtime;

namespace Eddy.Engine.Plan;

/// <summary>What an operator does, for tools and for the runtime's wiring.</summary>
public enum OperatorKind
{
    Source = 0,
    Map = 1,
    Filter = 2,
    FlatMap = 3,
    Union = 4,
    /// <summary>Selects the new key and writes to the repartition topic: the last operator of its stage.</summary>
    KeyBy = 5,
    /// <summary>Reads a repartition topic: the first operator of the stage after a KeyBy.</summary>
    RepartitionSource = 6,
    Process = 7,
    WindowAggregate = 8,
    Sink = 9,
    /// <summary>Reads a topic as a table's upserts; its records hold back the watermark only when it has a strategy.</summary>
    TableSource = 10,
    /// <summary>Turns upserts into a table's changelog rows, keeping the current row per key.</summary>
    ToTable = 11,
    /// <summary>A non-windowed aggregation: an updating row per key.</summary>
    Aggregate = 12,
    WindowJoin = 13,
    IntervalJoin = 14,
    /// <summary>A stream joined with a table's current row.</summary>
    StreamTableJoin = 15,
    /// <summary>A stream joined with the version of a table's row valid at the record's event time.</summary>
    TemporalJoin = 16,
    /// <summary>A regular join of two tables (or updating streams) with retractions.</summary>
    TableJoin = 17,
    /// <summary>A table joined on a column of its rows with another table's key.</summary>
    ForeignKeyJoin = 18,
    TopN = 19,
    Deduplicate = 20,
    OverAggregate = 21,
}

/// <summary>A state store of an operator: a RocksDB column family in production, with its compacted changelog topic.</summary>
/// <param name="StateName">The operator's own name for it (e.g. "windows", "timers", a process function's state name).</param>
/// <param name="Name">Unique within the job: <c>{job}-{operator}-{state}</c>.</param>
/// <param name="ChangelogTopic"><c>{Name}-changelog</c>.</param>
public sealed record StoreDeclaration(string StateName, string Name, string ChangelogTopic);

/// <summary>A topic a stage reads: a source topic, or a repartition topic written by <paramref name="UpstreamStage"/>.</summary>
public sealed record StageInput(string Topic, int? UpstreamStage)
{
    public bool IsRepartition => UpstreamStage is not null;
}

/// <summary>One operator of a stage's chain; <see cref="Inputs"/> name the operators of the same stage feeding it.</summary>
public sealed class OperatorNode
{
    internal OperatorNode(string name, OperatorKind kind, IReadOnlyList<string> inputs, string? topic,
        IReadOnlyList<StoreDeclaration> stores, string detail, Func<Operator> factory, object? keySerde, object? valueSerde,
        WatermarkStrategy? watermarks)
    {
        Name = name;
        Kind = kind;
        Inputs = inputs;
        Topic = topic;
        Stores = stores;
        Detail = detail;
        Factory = factory;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
        Watermarks = watermarks;
    }

    public string Name { get; }

    public OperatorKind Kind { get; }

    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The topic read (sources) or written (sinks, KeyBy's repartition topic).</summary>
    public string? Topic { get; }

    public IReadOnlyList<StoreDeclaration> Stores { get; }

    /// <summary>
    /// The side outputs the operator is known to write (a window's late records); a worker writes each to the topic
    /// of the same name. A process function may add others as it runs.
    /// </summary>
    public IReadOnlyList<string> SideOutputs { get; init; } = [];

    /// <summary>A human description (the window type, the watermark strategy...).</summary>
    public string Detail { get; }

    public WatermarkStrategy? Watermarks { get; }

    /// <summary>A source's start position for partitions its job has no committed offset for; null for the earliest offset.</summary>
    public StartPosition? StartAt { get; init; }

    /// <summary>Makes a fresh operator for one task.</summary>
    internal Func<Operator> Factory { get; }

    /// <summary>The ISerde of the topic's keys (sources, sinks, repartition), untyped so the plan stays plain data.</summary>
    internal object? KeySerde { get; }

    internal object? ValueSerde { get; }

    public override string ToString()
    {
        var text = new StringBuilder($"{Name} [{Kind}");
        if (Topic is not null)
        {
            text.Append(' ').Append(Kind is OperatorKind.Source or OperatorKind.TableSource or OperatorKind.RepartitionSource ? "<- " : "-> ").Append(Topic);
        }

        if (Detail.Length > 0)
        {
            text.Append(' ').Append(Detail);
        }

        text.Append(']');
        if (Inputs.Count > 0)
        {
            text.Append(" <- ").AppendJoin(", ", Inputs);
        }

        foreach (var store in Stores)
        {
            text.Append("\n      store ").Append(store.Name).Append(" (changelog ").Append(store.ChangelogTopic).Append(')');
        }

        return text.ToString();
    }
}

/// <summary>A chain of operators run by one task per partition of its input topics, without queues between them.</summary>
public sealed class StagePlan
{
    internal StagePlan(int id, IReadOnlyList<StageInput> inputs, IReadOnlyList<OperatorNode> operators, StoreDeclaration? watermarkStore)
    {
        Id = id;
        Inputs = inputs;
        Operators = operators;
        WatermarkStore = watermarkStore;
    }

    public int Id { get; }

    public IReadOnlyList<StageInput> Inputs { get; }

    /// <summary>In topological order: every operator comes after its inputs.</summary>
    public IReadOnlyList<OperatorNode> Operators { get; }

    /// <summary>
    /// Where a task keeps its input watermarks, so a task that moves to another worker (or restarts) resumes at the
    /// committed event time instead of the minimum: without it, windows downstream of an input that has no new data
    /// would never fire again. Null for stages whose watermark nothing reads (no state, no repartition output).
    /// </summary>
    public StoreDeclaration? WatermarkStore { get; }

    /// <summary>Every store of the stage's tasks: the operators' stores, then the watermark store.</summary>
    public IEnumerable<StoreDeclaration> Stores =>
        WatermarkStore is null ? Operators.SelectMany(o => o.Stores) : Operators.SelectMany(o => o.Stores).Append(WatermarkStore);

    /// <summary>The repartition topics this stage writes (read by later stages).</summary>
    public IEnumerable<string> RepartitionTopics =>
        Operators.Where(o => o.Kind == OperatorKind.KeyBy).Select(o => o.Topic!);

    public override string ToString()
    {
        var text = new StringBuilder($"stage {Id} (a task per partition of {string.Join(", ", Inputs.Select(i => i.Topic))})");
        foreach (var op in Operators)
        {
            text.Append("\n    ").Append(op);
        }

        if (WatermarkStore is { } store)
        {
            text.Append("\n    watermarks in ").Append(store.Name).Append(" (changelog ").Append(store.ChangelogTopic).Append(')');
        }

        return text.ToString();
    }
}

/// <summary>
/// A job as plain data: stages cut at key changes, each a chain of named operators with their state stores.
/// The C# API and (later) the SQL planner both produce it; the runtime and the test kit both run it.
/// </summary>
public sealed class JobPlan
{
    internal JobPlan(string name, IReadOnlyList<StagePlan> stages, BadInputPolicy badInput, string deadLetterTopic)
    {
        Name = name;
        Stages = stages;
        BadInput = badInput;
        DeadLetterTopic = deadLetterTopic;
    }

    public string Name { get; }

    public BadInputPolicy BadInput { get; }

    /// <summary>What a task does with a record one of its functions throws on.</summary>
    public ProcessingErrorPolicy ProcessingErrors { get; internal init; }

    public string DeadLetterTopic { get; }

    public IReadOnlyList<StagePlan> Stages { get; }

    public IEnumerable<OperatorNode> Operators => Stages.SelectMany(s => s.Operators);

    public IEnumerable<StoreDeclaration> Stores => Stages.SelectMany(s => s.Stores);

    public override string ToString()
    {
        var text = new StringBuilder($"job {Name} (bad input: {BadInput}, dead letters -> {DeadLetterTopic})");
        foreach (var stage in Stages)
        {
            text.Append("\n  ").Append(stage);
        }

        return text.ToString();
    }
}
