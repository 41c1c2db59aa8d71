using Eddy.Engine.Runtime;

namespace Eddy.Engine.Plan;

/// <summary>An operator as the builder records it, before the plan cuts the graph into stages.</summary>
internal sealed class NodeDefinition(int id, string name, OperatorKind kind, IReadOnlyList<NodeDefinition> parents)
{
    public int Id { get; } = id;

    public string Name { get; } = name;

    public OperatorKind Kind { get; } = kind;

    public IReadOnlyList<NodeDefinition> Parents { get; } = parents;

    public string? Topic { get; init; }

    public string Detail { get; init; } = "";

    /// <summary>The operator's state names; the plan turns them into job-unique store declarations.</summary>
    public IReadOnlyList<string> StateNames { get; init; } = [];

    /// <summary>Side outputs known when the job is built (a window's late records): their topics exist before the job runs.</summary>
    public IReadOnlyList<string> SideOutputs { get; init; } = [];

    public object? KeySerde { get; init; }

    public object? ValueSerde { get; init; }

    public WatermarkStrategy? Watermarks { get; init; }

    /// <summary>A source's start position for partitions without a committed offset; null for the earliest offset.</summary>
    public StartPosition? StartAt { get; init; }

    public Func<Operator>? Factory { get; init; }

    /// <summary>
    /// The operator emits only inserts when its inputs do (a stateless operator), or always (a window that fires once):
    /// what <see cref="ChangelogModes"/> infers changelog modes from.
    /// </summary>
    public bool EmitsInsertsOnly { get; init; }

    /// <summary>Why the definition cannot run; reported by Build so that all of the job's API calls stay fluent.</summary>
    public string? Error { get; set; }
}
