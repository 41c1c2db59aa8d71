using System.Collections.Immutable;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// Rewrites an expression over a projection's output into one over the projection's input, by replacing each
/// <c>$n</c> with the projection's n-th expression: how a chain of Project and Filter becomes one calc.
/// </summary>
internal static class RexInliner
{
    public static RexNode Inline(RexNode node, IReadOnlyList<RexNode> projections) => node switch
    {
        RexInputRef input => projections[input.Index],
        RexLiteral => node,
        RexFieldAccess access => new RexFieldAccess(Inline(access.Target, projections), access.FieldIndex),
        RexCast cast => new RexCast(Inline(cast.Operand, projections), cast.Type, cast.IsTry),
        RexFunctionCall call => new RexFunctionCall(call.Function, InlineAll(call.Operands, projections)),
        RexCall call => new RexCall(call.Operator, InlineAll(call.Operands, projections), call.Type),
        _ => throw new PlanningException($"Cannot inline {node.GetType().Name}."),
    };

    private static ImmutableArray<RexNode> InlineAll(ImmutableArray<RexNode> operands, IReadOnlyList<RexNode> projections)
    {
        var inlined = ImmutableArray.CreateBuilder<RexNode>(operands.Length);
        foreach (var operand in operands)
            inlined.Add(Inline(operand, projections));
        return inlined.MoveToImmutable();
    }
}
