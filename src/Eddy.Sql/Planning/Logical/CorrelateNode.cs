using System.Collections.Immutable;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;

namespace Eddy.Sql.Planning.Logical;

/// <summary>
/// <c>FROM t, LATERAL TABLE(f(args))</c>: each input row joined with the rows the table function collects for its
/// arguments (Flink's Correlate); a LEFT join keeps an input row without output, padded with NULLs. The output is the
/// input's columns then the function's.
/// </summary>
internal sealed class CorrelateNode(PlanNode input, UserDefinedTableCall function, ImmutableArray<RexNode> arguments, bool left, ImmutableArray<string> names)
    : PlanNode(input.Fields.AddRange(function.Fields.Select((f, i) => f with { Name = names[i] })), [input])
{
    public PlanNode Input => Inputs[0];

    /// <summary>The function's call.</summary>
    public UserDefinedTableCall Function { get; } = function;

    /// <summary>The arguments, over the input's columns, already of the parameters' types.</summary>
    public ImmutableArray<RexNode> Arguments { get; } = arguments;

    /// <summary>Whether an input row without output is kept (LEFT JOIN LATERAL TABLE(...) ON TRUE).</summary>
    public bool Left { get; } = left;

    public override string LogicalName => "LogicalCorrelate";

    protected override IEnumerable<string> Attributes()
    {
        yield return "joinType=[" + (Left ? "left" : "inner") + "]";
        yield return "invocation=[" + Function.Name + "(" + string.Join(", ", Arguments) + ")]";
    }

    public override string PhysicalDescription =>
        $"Correlate(invocation=[{Function.Name}({string.Join(", ", Arguments)})], joinType=[{(Left ? "LEFT" : "INNER")}])";
}
