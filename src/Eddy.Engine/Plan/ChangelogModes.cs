using System.Runtime.CompilerServices;

namespace Eddy.Engine.Plan;

/// <summary>
/// Whether a node's output is insert-only (no update-before or delete rows), as Flink's planner infers changelog
/// modes: sources and stateless operators over insert-only inputs are, tables, aggregates, joins and process functions
/// are not (they may retract), and an operator that knows its output is insert-only marks its node. Top-N uses it to
/// keep only N rows per key.
/// </summary>
internal static class ChangelogModes
{
    private static readonly ConditionalWeakTable<NodeDefinition, object> InsertOnlyNodes = [];

    /// <summary>Records that <paramref name="node"/> emits only inserts when its inputs do.</summary>
    public static void MarkInsertOnly(NodeDefinition node) => InsertOnlyNodes.AddOrUpdate(node, node);

    public static bool IsInsertOnly(NodeDefinition node) => node.Kind switch
    {
        OperatorKind.Source or OperatorKind.Map or OperatorKind.Filter or OperatorKind.FlatMap or OperatorKind.Union
            or OperatorKind.KeyBy or OperatorKind.RepartitionSource => node.Parents.All(IsInsertOnly),
        _ => InsertOnlyNodes.TryGetValue(node, out _) && node.Parents.All(IsInsertOnly),
    };
}
