using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>
/// Where a node's rows carry their window, as Flink's window properties: the window_start and window_end columns a
/// window TVF or a window aggregation produced (followed through filters, projections, window Top-N and window joins),
/// and the window they came from.
/// </summary>
/// <param name="Start">The window_start column (TIMESTAMP(3) NOT NULL).</param>
/// <param name="End">The window_end column.</param>
/// <param name="Spec">The windowing function the columns came from.</param>
internal sealed record WindowColumns(int Start, int End, WindowSpec Spec)
{
    /// <summary>The window of rows that carry it, as Flink prints it: <c>TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 s])</c>.</summary>
    public string Display(PlanNode input)
    {
        var bounds = $"win_start=[{input.Fields[Start].Name}], win_end=[{input.Fields[End].Name}]";
        return Spec.Kind switch
        {
            WindowKind.Tumble => $"TUMBLE({bounds}, size=[{WindowSpec.Duration(Spec.Size)}])",
            WindowKind.Hop => $"HOP({bounds}, size=[{WindowSpec.Duration(Spec.Size)}], slide=[{WindowSpec.Duration(Spec.Slide)}])",
            WindowKind.Cumulate => $"CUMULATE({bounds}, max_size=[{WindowSpec.Duration(Spec.Size)}], step=[{WindowSpec.Duration(Spec.Slide)}])",
            _ => $"SESSION({bounds}, gap=[{WindowSpec.Duration(Spec.Size)}])",
        };
    }

    /// <summary>The window function without its columns, as Flink names it in the window join's errors: <c>HOP(size=[10 min], slide=[5 min])</c>.</summary>
    public string FunctionDisplay => Spec.Kind switch
    {
        WindowKind.Tumble => $"TUMBLE(size=[{WindowSpec.Duration(Spec.Size)}])",
        WindowKind.Hop => $"HOP(size=[{WindowSpec.Duration(Spec.Size)}], slide=[{WindowSpec.Duration(Spec.Slide)}])",
        WindowKind.Cumulate => $"CUMULATE(max_size=[{WindowSpec.Duration(Spec.Size)}], step=[{WindowSpec.Duration(Spec.Slide)}])",
        _ => $"SESSION(gap=[{WindowSpec.Duration(Spec.Size)}])",
    };

    /// <summary>Whether two inputs are windowed alike (the kind and sizes; the time column may differ), as a window join needs.</summary>
    public bool SameWindow(WindowColumns other) =>
        Spec.Kind == other.Spec.Kind && Spec.Size == other.Spec.Size && Spec.Slide == other.Spec.Slide;

    /// <summary>The window columns of <paramref name="node"/>'s rows, or null when its rows do not carry both bounds.</summary>
    public static WindowColumns? Of(PlanNode node)
    {
        switch (node)
        {
            case WindowTableFunctionNode tvf:
            {
                var n = tvf.Input.Fields.Length;
                return new WindowColumns(n, n + 1, tvf.Window);
            }
            case WindowAggregateNode aggregate:
            {
                var n = aggregate.GroupKeys.Length + aggregate.Calls.Length;
                return new WindowColumns(n, n + 1, aggregate.Window);
            }
            case FilterNode filter:
                return Of(filter.Input);
            case WindowRankNode rank:
                return rank.Window;
            case WindowAttachedAggregateNode aggregate:
                return aggregate.OutputWindow;
            case WindowJoinNode join when join.Kind is not (JoinKind.Right or JoinKind.Full):
                // A window join's rows carry the left side's window (the right's equals it); an outer join's padded
                // left side would not.
                return join.LeftWindow;
            case ProjectNode project when Of(project.Input) is { } inner:
            {
                int start = -1, end = -1;
                for (var i = 0; i < project.Projections.Length; i++)
                {
                    if (project.Projections[i] is not RexInputRef reference)
                        continue;
                    if (reference.Index == inner.Start && start < 0)
                        start = i;
                    else if (reference.Index == inner.End && end < 0)
                        end = i;
                }
                return start >= 0 && end >= 0 ? inner with { Start = start, End = end } : null;
            }
            default:
                return null;
        }
    }
}

/// <summary>
/// Window Top-N and window deduplication (<c>ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ...)</c>
/// over rows that carry their window, as Flink's WindowRank and WindowDeduplicate): each window's top rows per
/// partition are emitted once, when the watermark passes the window's end, and the window's rows are forgotten then.
/// An insert-only result. <see cref="PartitionKeys"/> are the partition keys besides the window bounds.
/// </summary>
internal sealed class WindowRankNode : PlanNode
{
    public WindowRankNode(PlanNode input, WindowColumns window, ImmutableArray<int> partitionKeys, ImmutableArray<SortKey> orderKeys,
        long rankStart, long rankEnd, bool outputRankNumber, string rankName, bool orderedByTimeAttribute)
        : base(outputRankNumber ? input.Fields.Add(new SqlField(rankName, SqlType.BigInt.NotNull())) : input.Fields, [input])
    {
        if (rankStart < 1 || rankEnd < rankStart)
            throw new PlanningException($"Rank range [{rankStart}, {rankEnd}] is invalid: ranks start at 1.");
        Window = window;
        PartitionKeys = partitionKeys;
        OrderKeys = orderKeys;
        RankStart = rankStart;
        RankEnd = rankEnd;
        OutputRankNumber = outputRankNumber;
        OrderedByTimeAttribute = orderedByTimeAttribute;
    }

    public PlanNode Input => Inputs[0];

    /// <summary>Where the input's rows carry their window.</summary>
    public WindowColumns Window { get; }

    /// <summary>The PARTITION BY keys other than window_start and window_end.</summary>
    public ImmutableArray<int> PartitionKeys { get; }

    public ImmutableArray<SortKey> OrderKeys { get; }

    public long RankStart { get; }

    public long RankEnd { get; }

    public bool OutputRankNumber { get; }

    /// <summary>Whether the single order key is a time attribute (then rank 1 without the rank column is a deduplication).</summary>
    public bool OrderedByTimeAttribute { get; }

    /// <summary>Window deduplication: the first (ascending) or last (descending) row of each window and partition by time.</summary>
    public bool IsDeduplication => RankStart == 1 && RankEnd == 1 && !OutputRankNumber && OrderKeys.Length == 1 && OrderedByTimeAttribute;

    /// <summary>A deduplication keeping the last row (ORDER BY the time attribute DESC).</summary>
    public bool KeepsLastRow => IsDeduplication && OrderKeys[0].Descending;

    /// <summary>All partition keys, window bounds included, as the query wrote them.</summary>
    private IEnumerable<int> AllPartitionKeys => PartitionKeys.Concat([Window.Start, Window.End]);

    private string Range => $"rankStart={RankStart.ToString(CultureInfo.InvariantCulture)}, rankEnd={RankEnd.ToString(CultureInfo.InvariantCulture)}";

    public override string LogicalName => IsDeduplication ? "LogicalWindowDeduplicate" : "LogicalWindowRank";

    protected override IEnumerable<string> Attributes() =>
    [
        "window=[" + Window.Display(Input) + "]",
        "rankType=[ROW_NUMBER]", "rankRange=[" + Range + "]", "partitionBy=[" + string.Join(", ", AllPartitionKeys.Select(k => "$" + k)) + "]",
        "orderBy=[" + string.Join(", ", OrderKeys.Select(k => "$" + k.Column + (k.Descending ? " DESC" : " ASC"))) + "]",
        "select=[" + FieldNames() + "]",
    ];

    public override string PhysicalDescription => IsDeduplication
        ? $"WindowDeduplicate(window=[{Window.Display(Input)}], keep=[{(KeepsLastRow ? "LastRow" : "FirstRow")}], partitionKeys=[{Input.FieldNames(PartitionKeys)}], orderKey=[{Input.Fields[OrderKeys[0].Column].Name}], order=[ROWTIME])"
        : $"WindowRank(window=[{Window.Display(Input)}], rankType=[ROW_NUMBER], rankRange=[{Range}], partitionBy=[{Input.FieldNames(PartitionKeys)}], orderBy=[{string.Join(", ", OrderKeys.Select(k => k.Display(Input)))}], select=[{FieldNames()}])";
}

/// <summary>
/// A window join (Flink's WindowJoin): rows of both sides that carry the same window (the ON condition equates both
/// window_start and window_end) and meet the rest of the condition are joined when the watermark passes the window's
/// end; an outer side's rows without a match are emitted padded with NULLs then; the window's rows are forgotten. Both
/// inputs are insert-only, and so is the result. The equi-keys include the window bounds.
/// </summary>
internal sealed class WindowJoinNode(PlanNode left, PlanNode right, JoinKind kind, ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys,
    WindowColumns leftWindow, WindowColumns rightWindow, RexNode? residual = null)
    : JoinNodeBase(left, right, kind, leftKeys, rightKeys, residual)
{
    public WindowColumns LeftWindow { get; } = leftWindow;

    public WindowColumns RightWindow { get; } = rightWindow;

    public override string LogicalName => "LogicalWindowJoin";

    protected override IEnumerable<string> Attributes() =>
    [
        "leftWindow=[" + LeftWindow.Display(Left) + "]", "rightWindow=[" + RightWindow.Display(Right) + "]",
        "condition=[" + Condition + "]", "joinType=[" + Kind.ToString().ToLowerInvariant() + "]",
    ];

    /// <summary>The condition without the window bounds' equalities, with field names, as Flink's WindowJoin prints it.</summary>
    private string Where
    {
        get
        {
            var names = Left.Fields.AddRange(Right.Fields);
            var parts = new List<string>();
            for (var i = 0; i < LeftKeys.Length; i++)
            {
                if ((LeftKeys[i] == LeftWindow.Start && RightKeys[i] == RightWindow.Start) || (LeftKeys[i] == LeftWindow.End && RightKeys[i] == RightWindow.End))
                    continue;
                parts.Add($"=({names[LeftKeys[i]].Name}, {names[Left.Fields.Length + RightKeys[i]].Name})");
            }
            if (Residual is not null)
            {
                var text = Residual.ToString()!;
                for (var i = names.Length - 1; i >= 0; i--)
                    text = text.Replace("$" + i.ToString(CultureInfo.InvariantCulture), names[i].Name, StringComparison.Ordinal);
                parts.Add(text);
            }
            return parts.Count switch
            {
                0 => "true",
                1 => parts[0],
                _ => "AND(" + string.Join(", ", parts) + ")",
            };
        }
    }

    public override string PhysicalDescription =>
        $"WindowJoin(leftWindow=[{LeftWindow.Display(Left)}], rightWindow=[{RightWindow.Display(Right)}], joinType=[{JoinTypeName}], where=[{Where}], select=[{FieldNames()}])";
}

/// <summary>
/// GROUP BY window_start, window_end (and other keys) over rows that carry their window (a window aggregation's result,
/// as Nexmark q5's maximum per window): Flink's WindowAggregate on the attached window. The output is a GROUP BY's (the
/// group keys, window bounds among them, then the aggregates), but each window's groups are emitted once, when the
/// watermark passes the window's end: an insert-only result.
/// </summary>
internal sealed class WindowAttachedAggregateNode : PlanNode
{
    public WindowAttachedAggregateNode(PlanNode input, WindowColumns window, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls)
        : base(AggregateNode.OutputFields(input, groupKeys, calls), [input])
    {
        Window = window;
        GroupKeys = groupKeys;
        Calls = calls;
        OutputWindow = window with { Start = groupKeys.IndexOf(window.Start), End = groupKeys.IndexOf(window.End) };
    }

    public PlanNode Input => Inputs[0];

    /// <summary>Where the input's rows carry their window.</summary>
    public WindowColumns Window { get; }

    /// <summary>Where the output's rows carry it (the window bounds are group keys).</summary>
    public WindowColumns OutputWindow { get; }

    public ImmutableArray<int> GroupKeys { get; }

    public ImmutableArray<AggregateCall> Calls { get; }

    public override string LogicalName => "LogicalWindowAggregate";

    protected override IEnumerable<string> Attributes()
    {
        yield return "group=[{" + string.Join(", ", GroupKeys) + "}]";
        foreach (var call in Calls)
            yield return call.Name + "=[" + call + "]";
        yield return "window=[" + Window.Display(Input) + "]";
    }

    public override string PhysicalDescription
    {
        get
        {
            var keys = GroupKeys.Where(k => k != Window.Start && k != Window.End).ToArray();
            var select = GroupKeys.Select(k => Input.Fields[k].Name).Concat(Calls.Select(c => c.Display(Input) + " AS " + c.Name));
            var groupBy = keys.Length == 0 ? "" : $"groupBy=[{Input.FieldNames(keys)}], ";
            return $"WindowAggregate({groupBy}window=[{Window.Display(Input)}], select=[{string.Join(", ", select)}])";
        }
    }
}
