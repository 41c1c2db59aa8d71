using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// A chain of Project and Filter nodes merged into one program over the chain's input (Flink's Calc): the output
/// expressions and the AND of the conditions, both over the input's columns, compiled into a single delegate.
/// </summary>
internal sealed record CalcProgram(PlanNode Input, ImmutableArray<RexNode> Projections, RexNode? Condition)
{
    /// <summary>Merges <paramref name="top"/> and the Project and Filter nodes below it.</summary>
    public static CalcProgram Of(PlanNode top)
    {
        switch (top)
        {
            case ProjectNode project:
            {
                var below = Of(project.Input);
                var projections = ImmutableArray.CreateBuilder<RexNode>(project.Projections.Length);
                foreach (var projection in project.Projections)
                    projections.Add(RexInliner.Inline(projection, below.Projections));
                return below with { Projections = projections.MoveToImmutable() };
            }
            case FilterNode filter:
            {
                var below = Of(filter.Input);
                var condition = RexInliner.Inline(filter.Condition, below.Projections);
                return below with { Condition = below.Condition is null ? condition : Rex.And(below.Condition, condition) };
            }
            default:
                var identity = ImmutableArray.CreateBuilder<RexNode>(top.Fields.Length);
                for (var i = 0; i < top.Fields.Length; i++)
                    identity.Add(Rex.Input(i, top.FieldTypes[i]));
                return new CalcProgram(top, identity.MoveToImmutable(), null);
        }
    }

    /// <summary>Whether the projections give the input's columns unchanged (a filter-only chain).</summary>
    public bool IsIdentityProjection
    {
        get
        {
            if (Projections.Length != Input.Fields.Length)
                return false;
            for (var i = 0; i < Projections.Length; i++)
            {
                if (Projections[i] is not RexInputRef input || input.Index != i)
                    return false;
            }
            return true;
        }
    }
}
