using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Planning.Changelog;

/// <summary>
/// Derives every node's changelog mode as Flink's planner does (FlinkChangelogModeInferenceProgram), in two passes:
/// bottom-up, what each node emits given its inputs (insert-only, updates, deletes, and the upsert key), refusing a
/// node that cannot consume the updates below it with Flink's reason; then top-down, whether consumers need the
/// update-before rows (a retracting sink or aggregate does, an upsert sink keyed as the result does not), which
/// drops UB from the modes of the nodes that need not send it.
/// </summary>
internal sealed class ChangelogInference
{
    private readonly Dictionary<PlanNode, NodeChangelog> _produced = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PlanNode, bool> _needsUpdateBefore = new(ReferenceEqualityComparer.Instance);

    private ChangelogInference()
    {
    }

    /// <summary>Infers the modes of the plan under <paramref name="root"/> (a sink, usually), checking every requirement.</summary>
    /// <exception cref="PlanningException">A node (or the sink) cannot consume the changes its input produces.</exception>
    public static ChangelogInference Analyze(PlanNode root)
    {
        var inference = new ChangelogInference();
        inference.Produce(root);
        inference.Require(root, root is SinkNode sink ? SinkNeedsUpdateBefore(sink, inference._produced[sink.Input]) : true);
        return inference;
    }

    /// <summary>The node's changelog as it finally emits it (UB dropped where no consumer needs it).</summary>
    public NodeChangelog this[PlanNode node]
    {
        get
        {
            var produced = _produced[node];
            return produced.Mode.HasUpdates && !_needsUpdateBefore.GetValueOrDefault(node, true)
                ? produced with { Mode = produced.Mode.WithoutUpdateBefore() }
                : produced;
        }
    }

    /// <summary>The plan with each node's mode, as Flink's <c>EXPLAIN CHANGELOG_MODE</c>.</summary>
    public string Explain(PlanNode root) => root.Explain(node => ", changelogMode=" + this[node].Mode);

    private NodeChangelog Produce(PlanNode node)
    {
        if (_produced.TryGetValue(node, out var known))
            return known;
        foreach (var input in node.Inputs)
            Produce(input);
        var result = node switch
        {
            TableScanNode scan => scan.Table.Changelog switch
            {
                TableChangelog.InsertOnly => new NodeChangelog(ChangelogMode.InsertOnly, null),
                // An upsert source is normalized into a retracting changelog (Flink's ChangelogNormalize; the engine's Table).
                TableChangelog.Upsert => new NodeChangelog(ChangelogMode.All, scan.Table.PrimaryKeyIndices),
                _ => new NodeChangelog(ChangelogMode.All, scan.Table.PrimaryKey.IsEmpty ? null : scan.Table.PrimaryKeyIndices),
            },
            ValuesNode => new NodeChangelog(ChangelogMode.InsertOnly, null),
            FilterNode filter => _produced[filter.Input],
            ProjectNode project => new NodeChangelog(_produced[project.Input].Mode, MapKey(_produced[project.Input].UpsertKey, project)),
            UnionNode union => new NodeChangelog(UnionModes(union), null),
            AggregateNode aggregate => new NodeChangelog(
                _produced[aggregate.Input].Mode.IsInsertOnly ? ChangelogMode.InsertAndUpdates : ChangelogMode.All,
                [.. Enumerable.Range(0, aggregate.GroupKeys.Length)]),
            WindowTableFunctionNode window => RequireInsertOnly(window, "StreamPhysicalWindowTableFunction", window.Input),
            WindowAggregateNode window => RequireInsertOnly(window, "StreamPhysicalWindowAggregate", window.Input),
            OverAggregateNode over => RequireInsertOnly(over, "StreamPhysicalOverAggregate", over.Input),
            CorrelateNode correlate => RequireInsertOnly(correlate, "StreamPhysicalCorrelate", correlate.Input),
            IntervalJoinNode join => RequireInsertOnly(join, "StreamPhysicalIntervalJoin", join.Left, join.Right),
            WindowRankNode rank => RequireInsertOnly(rank, rank.IsDeduplication ? "StreamPhysicalWindowDeduplicate" : "StreamPhysicalWindowRank", rank.Input),
            WindowJoinNode join => RequireInsertOnly(join, "StreamPhysicalWindowJoin", join.Left, join.Right),
            WindowAttachedAggregateNode window => RequireInsertOnly(window, "StreamPhysicalWindowAggregate", window.Input),
            TemporalJoinNode join => RequireInsertOnly(join, "StreamPhysicalTemporalJoin", join.Left),
            JoinNode join => new NodeChangelog(
                join.Kind is JoinKind.Inner or JoinKind.Semi && _produced[join.Left].Mode.IsInsertOnly && _produced[join.Right].Mode.IsInsertOnly
                    ? ChangelogMode.InsertOnly
                    : ChangelogMode.All,
                null),
            // Flink's deduplication takes inserts only; by rowtime, keeping the first row still updates it when an
            // earlier row arrives late, so only a processing-time first row would be insert-only (Eddy has no proctime).
            RankNode rank when rank.KeepsFirstRow => RequireInsertOnly(rank, "StreamPhysicalDeduplicate", rank.Input) with
            {
                Mode = ChangelogMode.All,
                UpsertKey = rank.PartitionKeys,
            },
            // Tied rows share a RANK or DENSE_RANK: neither the partition nor the rank identifies a row (Flink derives a
            // rank's unique key from the rank number for ROW_NUMBER only).
            RankNode { Function: not RankFunction.RowNumber } rank => new NodeChangelog(ChangelogMode.All, null),
            RankNode rank => new NodeChangelog(ChangelogMode.All,
                rank.OutputRankNumber ? [.. rank.PartitionKeys, rank.Fields.Length - 1] : rank.PartitionKeys),
            SinkNode sink => CheckSink(sink),
            _ => throw new PlanningException($"The changelog inference does not know {node.LogicalName}."),
        };
        _produced[node] = result;
        return result;
    }

    /// <summary>The top-down pass: records whether each node's consumers need its update-before rows.</summary>
    private void Require(PlanNode node, bool needsUpdateBefore)
    {
        // A node shared by several consumers sends UB if any of them needs it.
        needsUpdateBefore |= _needsUpdateBefore.GetValueOrDefault(node, false);
        _needsUpdateBefore[node] = needsUpdateBefore;
        switch (node)
        {
            case SinkNode sink:
                Require(sink.Input, needsUpdateBefore);
                break;
            case FilterNode or ProjectNode or UnionNode:
                // Pass-through nodes need what their consumer needs (a filter must see the old row to retract it, so
                // Flink keeps UB below a filter over updates; a projection does the same).
                foreach (var input in node.Inputs)
                    Require(input, needsUpdateBefore || node is FilterNode);
                break;
            default:
                // Aggregates, joins and ranks retract what an update takes back: they need UB from updating inputs.
                foreach (var input in node.Inputs)
                    Require(input, true);
                break;
        }
    }

    private static bool SinkNeedsUpdateBefore(SinkNode sink, NodeChangelog input) =>
        sink.Table.Changelog switch
        {
            TableChangelog.Upsert => input.UpsertKey is not { } key || !key.SequenceEqual(sink.Table.PrimaryKeyIndices),
            TableChangelog.All => true,
            _ => false,
        };

    private NodeChangelog CheckSink(SinkNode sink)
    {
        var input = _produced[sink.Input];
        if (sink.Table.Changelog == TableChangelog.InsertOnly && !input.Mode.IsInsertOnly)
            throw Refusal($"Table sink '{sink.Table.Name}'", sink.Input);
        if (sink.Table.Changelog == TableChangelog.Upsert && sink.Table.PrimaryKey.IsEmpty)
            throw new PlanningException(
                $"Table sink '{sink.Table.Name}' is an upsert sink ('connector' = 'upsert-kafka') and needs a PRIMARY KEY.");
        return input;
    }

    private NodeChangelog RequireInsertOnly(PlanNode node, string requester, params PlanNode[] inputs)
    {
        foreach (var input in inputs)
        {
            if (!_produced[input].Mode.IsInsertOnly)
                throw Refusal(requester, input);
        }
        return new NodeChangelog(ChangelogMode.InsertOnly, null);
    }

    /// <summary>
    /// Flink's refusal, naming the node that produces the changes: found below the pass-through nodes (filters,
    /// projections, unions) that only forward them, as Flink's requirement propagates through its Calc.
    /// </summary>
    private PlanningException Refusal(string requester, PlanNode input)
    {
        var origin = input;
        while (origin is FilterNode or ProjectNode or UnionNode)
        {
            var next = origin.Inputs.FirstOrDefault(i => !_produced[i].Mode.IsInsertOnly);
            if (next is null)
                break;
            origin = next;
        }
        var changes = _produced[input].Mode.ChangesBeyondInserts();
        return new PlanningException($"{requester} doesn't support consuming {changes} changes which is produced by node {origin.PhysicalDescription}");
    }

    private ChangelogMode UnionModes(UnionNode union)
    {
        var mode = _produced[union.Inputs[0]].Mode;
        foreach (var input in union.Inputs)
            mode = mode.Union(_produced[input].Mode);
        return mode;
    }

    /// <summary>The upsert key through a projection: kept when every key column is projected as is.</summary>
    private static ImmutableArray<int>? MapKey(ImmutableArray<int>? key, ProjectNode project)
    {
        if (key is not { } columns)
            return null;
        var mapped = ImmutableArray.CreateBuilder<int>(columns.Length);
        foreach (var column in columns)
        {
            var found = -1;
            for (var i = 0; i < project.Projections.Length && found < 0; i++)
            {
                if (project.Projections[i] is RexInputRef input && input.Index == column)
                    found = i;
            }
            if (found < 0)
                return null;
            mapped.Add(found);
        }
        return mapped.MoveToImmutable();
    }
}
