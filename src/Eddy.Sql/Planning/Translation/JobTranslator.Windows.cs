using System.Collections.Immutable;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// Flink's window operations on rows that carry their window (window_start, window_end columns of a window TVF or a
/// window aggregation): the window TVF alone, window Top-N and deduplication, and the window join. Each keys the rows
/// by their partition (or join key) and window bounds, keeps a window's rows in state until the watermark passes the
/// window's end, emits its result once then (inserts stamped with the window's last millisecond) and forgets the
/// window. A row whose window has fired already is late: dropped, as Flink drops it. Session window aggregation runs on
/// the engine's merging session windows, combining the aggregate states of the sessions a row bridges.
/// </summary>
internal sealed partial class JobTranslator
{
    [ThreadStatic]
    private static List<TimeWindow>? t_assigned;

    /// <summary>The window TVF alone: each row once per window it falls in, with window_start, window_end and window_time.</summary>
    private AppendRows WindowTableFunction(WindowTableFunctionNode node)
    {
        var spec = node.Window;
        if (spec.Kind == WindowKind.Session)
            throw new PlanningException(
                $"{node.PhysicalDescription}: a SESSION window table function is only supported under a window aggregation (GROUP BY window_start, window_end).");
        if (Translate(node.Input) is not AppendRows append)
            throw new PlanningException($"StreamPhysicalWindowTableFunction doesn't support consuming update and delete changes: {node.PhysicalDescription}");
        var windows = EngineWindows(spec);
        var inputTypes = node.Input.FieldTypes.ToArray();
        var raw = RowConcat.RawColumns(inputTypes);
        var width = inputTypes.Length;
        var time = spec.TimeColumn;
        var ltz = node.FieldTypes[width + 2].Kind == SqlTypeKind.TimestampLtz;
        var stream = append.Stream.FlatMap((key, row) =>
        {
            // The assigner's list is reused per thread (tasks share the closure); the result array is the FlatMap's.
            var assigned = t_assigned ??= new List<TimeWindow>(4);
            assigned.Clear();
            windows.Assign(EventTime.Of(row, time), assigned);
            var rows = new (Row, Row)[assigned.Count];
            for (var i = 0; i < rows.Length; i++)
            {
                var window = assigned[i];
                var output = new Row(width + 3);
                RowConcat.Copy(row, inputTypes, raw, output, 0);
                output.SetTimestamp(width, EventTime.ToTimestamp(window.Start));
                output.SetTimestamp(width + 1, EventTime.ToTimestamp(window.End));
                if (ltz)
                    output.SetTimestampLtz(width + 2, DateTimeOffset.FromUnixTimeMilliseconds(window.End - 1));
                else
                    output.SetTimestamp(width + 2, EventTime.ToTimestamp(window.End - 1));
                rows[i] = (key, output);
            }
            return rows;
        }, append.Stream.KeySerde, new BinaryRowSerde(node.FieldTypes), name: Name("window-tvf"));
        return new AppendRows(stream);
    }

    private static Windows EngineWindows(WindowSpec spec) => spec.Kind switch
    {
        WindowKind.Tumble => Windows.Tumbling(spec.Size),
        WindowKind.Hop => Windows.Hopping(spec.Size, spec.Slide),
        WindowKind.Cumulate => Windows.Cumulating(spec.Slide, spec.Size),
        _ => Windows.Session(spec.Size),
    };

    /// <summary>
    /// How the aggregate states of two sessions a row bridges combine, refusing an aggregate that cannot merge; and a
    /// SESSION's PARTITION BY must be among the group keys (the engine keeps sessions per group key).
    /// </summary>
    private static Func<Row, AggregateAccumulator, AggregateAccumulator, AggregateAccumulator> SessionMerger(WindowAggregateNode window)
    {
        if (window.Window.PartitionBy is { } partitionBy)
        {
            var groupKeys = window.GroupKeys.Select(k => window.Input.Fields[k].Name).ToHashSet(StringComparer.Ordinal);
            foreach (var key in partitionBy.Split(", "))
            {
                if (!groupKeys.Contains(key))
                    throw new PlanningException(
                        $"{window.PhysicalDescription}: the SESSION window's PARTITION BY column '{key}' must be a GROUP BY key of its aggregation.");
            }
        }
        foreach (var call in window.Calls)
        {
            if (!AggregateState.Factory(call, window.Input.FieldTypes)().CanMerge)
                throw new PlanningException($"{call.Display(window.Input)} cannot be merged across sessions: it is not supported in a SESSION window aggregation.");
        }
        return static (_, into, from) =>
        {
            for (var i = 0; i < into.States.Length; i++)
                into.States[i].Merge(from.States[i]);
            into.Key ??= from.Key;
            return into;
        };
    }

    /// <summary>Window Top-N and window deduplication: keyed by the partition keys and the window bounds.</summary>
    private AppendRows WindowRank(WindowRankNode rank)
    {
        if (rank.RankEnd > int.MaxValue)
            throw new PlanningException($"{rank.PhysicalDescription}: a Top-N of more than {int.MaxValue} rows is not supported.");
        if (Translate(rank.Input) is not AppendRows append)
            throw new PlanningException($"StreamPhysicalWindowRank doesn't support consuming update and delete changes: {rank.PhysicalDescription}");
        var input = rank.Input;
        int[] keyColumns = [.. rank.PartitionKeys, rank.Window.Start, rank.Window.End];
        var keyTypes = keyColumns.Select(k => input.FieldTypes[k]).ToImmutableArray();
        var keyOf = ExpressionCompiler.CompileProjection([.. keyColumns.Select(k => (RexNode)Rex.Input(k, input.FieldTypes[k]))]);
        var keySerde = new BinaryRowSerde(keyTypes);
        var rows = new BinaryRowSerde(input.FieldTypes);
        var name = Name(rank.IsDeduplication ? "window-deduplicate" : "window-rank");
        var keyed = append.Stream.KeyBy((_, row) => keyOf(row), keySerde, rows, name: name + "-by");
        var end = rank.Window.End;
        KeyedStream<Row, Row> result;
        if (rank.IsDeduplication)
        {
            var time = rank.OrderKeys[0].Column;
            var keepLast = rank.KeepsLastRow;
            result = keyed.Process(() => new WindowDeduplicateFunction(end, time, keepLast, rows), rows, name: name);
        }
        else
        {
            var order = new RowSortKey(input.FieldTypes, rank.OrderKeys);
            var types = input.FieldTypes.ToArray();
            result = keyed.Process(() => new WindowRankFunction(end, order, (int)rank.RankStart, (int)rank.RankEnd, rank.OutputRankNumber, types, rows),
                new BinaryRowSerde(rank.FieldTypes), name: name);
        }
        return new AppendRows(result.AsStream());
    }

    /// <summary>
    /// The window join: each side keyed by the join key (the window bounds among its columns; a NULL key meets
    /// nothing), both sides' rows tagged and gathered per key until the window's end.
    /// </summary>
    private AppendRows WindowJoin(WindowJoinNode join)
    {
        if (Translate(join.Left) is not AppendRows left || Translate(join.Right) is not AppendRows right)
            throw new PlanningException($"StreamPhysicalWindowJoin doesn't support consuming update and delete changes: {join.PhysicalDescription}");
        var key = JoinKey.Of(join);
        var keySerde = new BinaryRowSerde(key.Types);
        var sides = new TaggedSides(join.Left.FieldTypes, join.Right.FieldTypes);
        var tagged = new BinaryRowSerde(sides.Types);
        var name = Name("window-join");
        var lefts = left.Stream.KeyBy((_, row) => key.LeftOf(row), keySerde, new BinaryRowSerde(join.Left.FieldTypes), name: name + "-left")
            .MapValues(sides.Left, tagged, name: name + "-left-tag");
        var rights = right.Stream.KeyBy((_, row) => key.RightOf(row), keySerde, new BinaryRowSerde(join.Right.FieldTypes), name: name + "-right")
            .MapValues(sides.Right, tagged, name: name + "-right-tag");
        var residual = join.Residual is null ? null : ExpressionCompiler.CompilePredicate(join.Residual);
        var leftEnd = join.LeftWindow.End;
        var rightEnd = join.RightWindow.End;
        var kind = join.Kind;
        var output = new BinaryRowSerde(join.FieldTypes);
        var joined = lefts.Union(rights, name: name + "-sides")
            .Process(() => new WindowJoinFunction(sides, kind, leftEnd, rightEnd, residual, tagged), output, name: name);
        return new AppendRows(joined.AsStream());
    }

    /// <summary>A window aggregation on rows that carry their window: keyed by the group keys (the window bounds among them).</summary>
    private AppendRows WindowAttachedAggregate(WindowAttachedAggregateNode window)
    {
        if (Translate(window.Input) is not AppendRows append)
            throw new PlanningException($"StreamPhysicalWindowAggregate doesn't support consuming update and delete changes: {window.PhysicalDescription}");
        var (keyOf, keyTypes, function) = Grouping(window.Input, window.GroupKeys, window.Calls);
        var name = Name("window-aggregate");
        var end = window.Window.End;
        var result = append.Stream
            .KeyBy((_, row) => keyOf(row), new BinaryRowSerde(keyTypes), new BinaryRowSerde(window.Input.FieldTypes), name: name + "-by")
            .Process(() => new WindowAttachedAggregateFunction(end, function), new BinaryRowSerde(window.FieldTypes), name: name);
        return new AppendRows(result.AsStream());
    }
}
