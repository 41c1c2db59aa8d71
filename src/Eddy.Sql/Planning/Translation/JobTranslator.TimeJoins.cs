using System.Collections.Immutable;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    /// <summary>
    /// An interval join: both sides keyed by the equi-keys (NULL keys tagged per side, as in a regular join) and joined
    /// by the engine's event-time interval join, whose times are the records' timestamps, so both time columns must be
    /// their sides' rowtimes. Rows wait until the watermark passes their interval; late rows join nothing.
    /// </summary>
    private AppendRows IntervalJoin(IntervalJoinNode join)
    {
        if (join.Kind is JoinKind.Semi or JoinKind.Anti || (join.Residual is not null && join.Kind is not JoinKind.Inner))
        {
            throw new PlanningException(
                $"{join.PhysicalDescription}: a {JoinSql(join.Kind)}{(join.Residual is null ? "" : " with a non-equi condition")} is not translated to the engine's interval join yet.");
        }
        if (!IsRowtime(join.Left, join.LeftTimeColumn) || !IsRowtime(join.Right, join.RightTimeColumn))
        {
            throw new PlanningException(
                $"{join.PhysicalDescription}: the interval's time columns must be both sides' rowtime attributes (the engine's interval join compares the records' event times).");
        }
        if (Translate(join.Left) is not AppendRows left || Translate(join.Right) is not AppendRows right)
            throw new PlanningException($"StreamPhysicalIntervalJoin doesn't support consuming update and delete changes: {join.PhysicalDescription}");
        var key = JoinKey.Of(join);
        var name = Name("interval-join");
        var keySerde = new BinaryRowSerde(key.Types);
        var leftRows = KeyedChanges(left, key.LeftOf, keySerde, new BinaryRowSerde(join.Left.FieldTypes),
            KeepsUnmatched(join.Kind, left: true) ? null : key.LeftHasKey, name + "-left");
        var rightRows = KeyedChanges(right, key.RightOf, keySerde, new BinaryRowSerde(join.Right.FieldTypes),
            KeepsUnmatched(join.Kind, left: false) ? null : key.RightHasKey, name + "-right");
        var output = new BinaryRowSerde(join.FieldTypes);
        var concat = new RowConcat(join.Left.FieldTypes, join.Right.FieldTypes);
        var type = join.Kind switch
        {
            JoinKind.Inner => JoinType.Inner,
            JoinKind.Left => JoinType.Left,
            JoinKind.Right => JoinType.Right,
            _ => JoinType.FullOuter,
        };
        KeyedStream<Row, Row> joined;
        if (join.Residual is { } residual)
        {
            var condition = ExpressionCompiler.CompilePredicate(residual);
            joined = leftRows.IntervalJoin(rightRows, join.LowerBound, join.UpperBound,
                    (_, l, r) => concat.Join(l, r) is var row && condition(row) ? row : null!, output, type, name: name)
                .Filter(static (_, row) => row is not null, name: name + "-where");
        }
        else
        {
            joined = leftRows.IntervalJoin(rightRows, join.LowerBound, join.UpperBound, (_, l, r) => concat.Join(l, r), output, type, name: name);
        }
        return new AppendRows(joined.AsStream());
    }

    /// <summary>
    /// An event-time temporal join (<c>FOR SYSTEM_TIME AS OF</c>): the left rows keyed by the versioned table's primary
    /// key and joined by the engine's temporal join, which holds each row until the watermark passes it and meets it
    /// with the table's version valid at its time. The equi-keys must be the table's primary key, and both times the
    /// sides' rowtimes. A left row whose key has a NULL meets nothing: a LEFT JOIN emits it padded at once.
    /// </summary>
    private AppendRows TemporalJoin(TemporalJoinNode join)
    {
        if (join.Residual is not null && join.Kind is not JoinKind.Inner)
            throw new PlanningException($"{join.PhysicalDescription}: a {JoinSql(join.Kind)} with a non-equi condition is not translated to the engine's temporal join yet.");
        if (Translate(join.Left) is not AppendRows left)
            throw new PlanningException($"StreamPhysicalTemporalJoin doesn't support consuming update and delete changes: {join.PhysicalDescription}");
        if (Translate(join.Right) is not UpdatingRows { KeyColumns: { } primaryKey } right)
        {
            throw new PlanningException(
                "Temporal Table Join requires primary key in versioned table, but no primary key can be found. The physical plan is: " + join.PhysicalDescription);
        }
        if (!IsVersioned(join.Right))
        {
            throw new PlanningException(
                "Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.");
        }
        if (!IsRowtime(join.Left, join.LeftTimeColumn))
            throw new PlanningException($"{join.PhysicalDescription}: the left side's time column must be its rowtime attribute.");
        // The left key is the table's key, column by column: each primary key column must be equi-joined.
        var projections = new RexNode[primaryKey.Length];
        for (var k = 0; k < primaryKey.Length; k++)
        {
            var at = join.RightKeys.IndexOf(primaryKey[k]);
            if (at < 0)
            {
                throw new PlanningException(
                    $"Temporal table's primary key [{join.Right.FieldNames(primaryKey)}] must be included in the equivalence condition of temporal join, but current temporal join condition is [{join.Condition}].");
            }
            var column = Rex.Input(join.LeftKeys[at], join.Left.FieldTypes[join.LeftKeys[at]]);
            projections[k] = column.Type == right.KeyTypes[k] ? column : Rex.Cast(column, right.KeyTypes[k]);
        }
        var keyOf = ExpressionCompiler.CompileProjection(projections);
        var hasKey = JoinKeyPresent(join.Left, join.LeftKeys);
        var name = Name("temporal-join");
        // The versioned table is keyed as its topic is (its key format's bytes, partitioned by them), so the orders are
        // re-keyed with the table's own key serde: equal keys then give equal bytes and land on the table's partition.
        var keySerde = right.Table.KeySerde ?? new BinaryRowSerde(right.KeyTypes);
        var output = new BinaryRowSerde(join.FieldTypes);
        var concat = new RowConcat(join.Left.FieldTypes, join.Right.FieldTypes);
        var leftRows = left.Stream.Filter((_, row) => hasKey(row), name: name + "-keys")
            .KeyBy((_, row) => keyOf(row), keySerde, new BinaryRowSerde(join.Left.FieldTypes), name: name + "-by");
        KeyedStream<Row, Row> joined;
        var type = join.Kind == JoinKind.Left ? JoinType.Left : JoinType.Inner;
        if (join.Residual is { } residual)
        {
            var condition = ExpressionCompiler.CompilePredicate(residual);
            joined = leftRows.TemporalJoin(right.Table, (_, l, r) => concat.Join(l, r) is var row && condition(row) ? row : null!, output, type, name: name)
                .Filter(static (_, row) => row is not null, name: name + "-where");
        }
        else
        {
            joined = leftRows.TemporalJoin(right.Table, (_, l, r) => concat.Join(l, r), output, type, name: name);
        }
        var result = joined.AsStream();
        if (join.Kind == JoinKind.Left)
        {
            // The padded rows are repartitioned too (all to one task, they are rare): the engine does not union a
            // repartitioned stream back into the stage it came from.
            var noKey = new Row(0);
            var padded = left.Stream.Filter((_, row) => !hasKey(row), name: name + "-null-keys")
                .KeyBy((_, _) => noKey, new BinaryRowSerde([]), name: name + "-null-keys-by")
                .MapValues(row => concat.Join(row, null), output, name: name + "-padded");
            result = result.Union(padded.AsStream(), name: name + "-all");
        }
        return new AppendRows(result);
    }

    private static Func<Row, bool> JoinKeyPresent(PlanNode side, ImmutableArray<int> keys)
    {
        if (keys.IsEmpty)
            return static _ => true;
        var tests = new RexNode[keys.Length];
        for (var i = 0; i < keys.Length; i++)
            tests[i] = Rex.IsNotNull(Rex.Input(keys[i], side.FieldTypes[keys[i]]));
        return ExpressionCompiler.CompilePredicate(tests.Length == 1 ? tests[0] : Rex.And(tests));
    }

    /// <summary>Whether a versioned table's rows are stamped with its rowtime: an upsert scan with a rowtime, under calcs.</summary>
    private static bool IsVersioned(PlanNode node)
    {
        while (node is FilterNode or ProjectNode)
            node = node.Inputs[0];
        return node is TableScanNode { Table.RowtimeColumn: not null };
    }
}
