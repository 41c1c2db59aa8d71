namespace Eddy.Engine.Plan;

/// <summary>
/// Whether a node's output is insert-only (no update-before or delete rows), as Flink's planner infers changelog
/// modes: sources and stateless operators over insert-only inputs are; tables, aggregates, joins and process functions
/// are not (they may retract), unless the operator's node says it emits only inserts
/// (<see cref="NodeDefinition.EmitsInsertsOnly"/>). Top-N uses it to keep only N rows per key.
/// </summary>
internal static class ChangelogModes
{
    public static bool IsInsertOnly(NodeDefinition node) => node.Kind switch
    {
        OperatorKind.Source or OperatorKind.Map or OperatorKind.Filter or OperatorKind.FlatMap or OperatorKind.Union
            or OperatorKind.KeyBy or OperatorKind.RepartitionSource => node.Parents.All(IsInsertOnly),
        _ => node.EmitsInsertsOnly && node.Parents.All(IsInsertOnly),
    };

    /// <summary>
    /// Why an operator that takes only inserts (deduplication, OVER: their results could not be retracted) cannot read
    /// <paramref name="input"/>, or null when it can; reported by Build.
    /// </summary>
    public static string? InsertOnlyInputError(NodeDefinition input, string operation) =>
        IsInsertOnly(input) ? null
        : $"{operation} takes insert-only input, as in Flink, but its input '{input.Name}' may update or delete rows " +
          "(a table, an aggregate, a join or a process function upstream).";
}
