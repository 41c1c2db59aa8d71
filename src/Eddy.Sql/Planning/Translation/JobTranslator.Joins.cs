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
    /// A regular join: both sides keyed by their equi-key row and joined by the engine's regular join (each side's rows
    /// in state until retracted). The output row is the left row's columns then the right row's, NULL where an outer
    /// join pads a side. SEMI and ANTI joins meet the right side's distinct keys instead of its rows.
    /// </summary>
    private Translated Join(JoinNode join)
    {
        if (join.Residual is not null && join.Kind is not JoinKind.Inner)
        {
            // An outer, semi or anti join must know whether *some* pair of a key passes the condition; the engine's
            // regular join matches on the key alone, so the condition cannot be applied after it.
            throw new PlanningException(
                $"{join.PhysicalDescription}: a {JoinSql(join.Kind)} with a non-equi condition is not translated to the engine yet (the engine's regular join matches on equal keys only).");
        }
        var left = Translate(join.Left);
        var right = Translate(join.Right);
        var key = JoinKey.Of(join);
        var name = Name("join");
        var keySerde = new BinaryRowSerde(key.Types);
        var leftRows = KeyedChanges(left, key.LeftOf, keySerde, new BinaryRowSerde(join.Left.FieldTypes),
            KeepsUnmatched(join.Kind, left: true) ? null : key.LeftHasKey, name + "-left");
        var rightRows = KeyedChanges(right, key.RightOf, keySerde, new BinaryRowSerde(join.Right.FieldTypes),
            KeepsUnmatched(join.Kind, left: false) ? null : key.RightHasKey, name + "-right");
        var output = new BinaryRowSerde(join.FieldTypes);
        var appendOnly = join.Kind is JoinKind.Inner or JoinKind.Semi && left is AppendRows && right is AppendRows;
        KeyedStream<Row, Row> joined;
        if (join.Kind is JoinKind.Semi or JoinKind.Anti)
        {
            // The right side reduced to its keys: the aggregate emits a key once when its first row arrives and deletes
            // it when its last row goes, so a left row is retracted or re-emitted only when its key's existence changes.
            var keys = rightRows.Aggregate(DistinctKeys, Serdes.Int, name: name + "-right-keys");
            joined = join.Kind == JoinKind.Semi
                ? leftRows.Join(keys.ToStream(), static (_, row, _) => row, output, JoinType.Inner, name: name)
                // An anti join is the left outer join's padded rows: emitted while the key has no right row, retracted
                // when one arrives. The matched rows are dropped.
                : leftRows.Join(keys.ToStream(), static (_, row, present) => present == 0 ? row : null!, output, JoinType.Left, name: name)
                    .Filter(static (_, row) => row is not null, name: name + "-unmatched");
        }
        else
        {
            var concat = new RowConcat(join.Left.FieldTypes, join.Right.FieldTypes);
            var type = join.Kind switch
            {
                JoinKind.Inner => JoinType.Inner,
                JoinKind.Left => JoinType.Left,
                JoinKind.Right => JoinType.Right,
                _ => JoinType.FullOuter,
            };
            if (join.Residual is { } residual)
            {
                // An inner join's residual condition filters the joined pairs; a retraction joins to the same row, so it
                // is filtered alike.
                var condition = ExpressionCompiler.CompilePredicate(residual);
                joined = leftRows.Join(rightRows, (_, l, r) => concat.Join(l, r) is var row && condition(row) ? row : null!, output, type, name: name)
                    .Filter(static (_, row) => row is not null, name: name + "-where");
            }
            else
            {
                joined = leftRows.Join(rightRows, (_, l, r) => concat.Join(l, r), output, type, name: name);
            }
        }
        return Changes(joined, appendOnly, key.Types, output);
    }

    /// <summary>
    /// Counts a key's rows (retractions count down) and always yields 1: the engine's aggregate emits nothing while the
    /// result stays the same, so the table holds each key that has rows, inserted and deleted once.
    /// </summary>
    private static readonly IAggregateFunction<Row, long, int> DistinctKeys =
        Aggregates.Create<Row, long, int>(static () => 0, static (count, _) => count + 1, static (count, _) => count - 1, static _ => 1, Serdes.Long);

    private static bool KeepsUnmatched(JoinKind kind, bool left) =>
        left ? kind is JoinKind.Left or JoinKind.Full or JoinKind.Anti : kind is JoinKind.Right or JoinKind.Full;

    private static string JoinSql(JoinKind kind) => kind switch
    {
        JoinKind.Inner => "INNER JOIN",
        JoinKind.Left => "LEFT JOIN",
        JoinKind.Right => "RIGHT JOIN",
        JoinKind.Full => "FULL JOIN",
        JoinKind.Semi => "semi join (IN / EXISTS)",
        _ => "anti join (NOT IN / NOT EXISTS)",
    };

    /// <summary>
    /// A node's rows keyed by <paramref name="keyOf"/> (a repartition): an insert-only stream's rows, or a table's
    /// changes (update-befores and deletes carry the rows they retract); rows failing <paramref name="keep"/> are
    /// dropped before the repartition.
    /// </summary>
    private static KeyedStream<Row, Row> KeyedChanges(Translated input, Func<Row, Row> keyOf, BinaryRowSerde keySerde, BinaryRowSerde values,
        Func<Row, bool>? keep, string name)
    {
        switch (input)
        {
            case AppendRows append:
            {
                var stream = append.Stream;
                if (keep is not null)
                    stream = stream.Filter((_, row) => keep(row), name: name + "-keep");
                return stream.KeyBy((_, row) => keyOf(row), keySerde, values, name: name + "-by");
            }
            case UpdatingRows updating:
            {
                var table = updating.Table;
                if (keep is not null)
                    table = table.Filter((_, row) => keep(row), name: name + "-keep");
                return table.ToStream().KeyBy((_, row) => keyOf(row), keySerde, values, name: name + "-by");
            }
            default:
                throw new PlanningException("Unknown translation.");
        }
    }

    /// <summary>
    /// A keyed result as the translator carries it: a stream of inserts when it only inserts, otherwise its changes as
    /// a table without a unique key (several rows may share the engine key, so it is a changelog, not an upsert table).
    /// </summary>
    private Translated Changes(KeyedStream<Row, Row> result, bool appendOnly, ImmutableArray<SqlType> keyTypes, BinaryRowSerde values) =>
        appendOnly
            ? new AppendRows(result.AsStream())
            : new UpdatingRows(new Table<Row, Row>(_job, result.Node, new BinaryRowSerde(keyTypes), values), keyTypes, null);

    /// <summary>
    /// The engine key of a join: a tag column, then each equi-key cast to the two sides' common type. Equal keys meet;
    /// a key with a NULL never equals anything in SQL, so its row gets the side's own tag (1 left, 2 right) and cannot
    /// meet the other side's rows, while an outer join still emits it padded and retracts it exactly.
    /// </summary>
    private sealed class JoinKey
    {
        private JoinKey(ImmutableArray<SqlType> types, Func<Row, Row> leftOf, Func<Row, Row> rightOf, Func<Row, bool> leftHasKey, Func<Row, bool> rightHasKey)
        {
            Types = types;
            LeftOf = leftOf;
            RightOf = rightOf;
            LeftHasKey = leftHasKey;
            RightHasKey = rightHasKey;
        }

        public ImmutableArray<SqlType> Types { get; }

        public Func<Row, Row> LeftOf { get; }

        public Func<Row, Row> RightOf { get; }

        /// <summary>Whether a left row's key has no NULL (only such rows can match).</summary>
        public Func<Row, bool> LeftHasKey { get; }

        public Func<Row, bool> RightHasKey { get; }

        public static JoinKey Of(JoinNodeBase join)
        {
            var common = new SqlType[join.LeftKeys.Length];
            var types = ImmutableArray.CreateBuilder<SqlType>(common.Length + 1);
            types.Add(SqlType.Int.NotNull());
            for (var i = 0; i < common.Length; i++)
            {
                common[i] = TypeRules.CommonType(join.Left.FieldTypes[join.LeftKeys[i]], join.Right.FieldTypes[join.RightKeys[i]])!.WithNullability(true);
                types.Add(common[i]);
            }
            return new JoinKey(types.MoveToImmutable(), KeyOf(join.Left, join.LeftKeys, common, 1), KeyOf(join.Right, join.RightKeys, common, 2),
                JoinKeyPresent(join.Left, join.LeftKeys), JoinKeyPresent(join.Right, join.RightKeys));
        }

        private static Func<Row, Row> KeyOf(PlanNode side, ImmutableArray<int> keys, SqlType[] common, int nullTag)
        {
            var projections = new RexNode[keys.Length + 1];
            projections[0] = Rex.Int(0);
            for (var i = 0; i < keys.Length; i++)
            {
                var column = Rex.Input(keys[i], side.FieldTypes[keys[i]]);
                projections[i + 1] = column.Type.WithNullability(true) == common[i] ? column : Rex.Cast(column, common[i]);
            }
            var project = ExpressionCompiler.CompileProjection(projections);
            var count = keys.Length;
            return row =>
            {
                var key = project(row);
                for (var i = 1; i <= count; i++)
                {
                    if (key.IsNull(i))
                    {
                        key.SetInt(0, nullTag);
                        break;
                    }
                }
                return key;
            };
        }

    }
}

/// <summary>
/// Builds a join's output row: the left row's columns then the right row's, a missing side (an outer join's padding)
/// as NULLs. Values are copied slot by slot: primitives by their raw bits, references as they are (no boxing).
/// </summary>
internal sealed class RowConcat
{
    private readonly SqlType[] _left;
    private readonly SqlType[] _right;
    private readonly bool[] _leftRaw;
    private readonly bool[] _rightRaw;

    public RowConcat(IReadOnlyList<SqlType> left, IReadOnlyList<SqlType> right)
    {
        _left = [.. left];
        _right = [.. right];
        _leftRaw = RawColumns(_left);
        _rightRaw = RawColumns(_right);
    }

    public int Arity => _left.Length + _right.Length;

    /// <summary>A new row of both sides; <paramref name="left"/> or <paramref name="right"/> null pads it with NULLs.</summary>
    public Row Join(Row? left, Row? right)
    {
        var row = new Row(_left.Length + _right.Length);
        if (left is not null)
            Copy(left, _left, _leftRaw, row, 0);
        if (right is not null)
            Copy(right, _right, _rightRaw, row, _left.Length);
        return row;
    }

    /// <summary>Copies <paramref name="from"/>'s columns into <paramref name="into"/> from column <paramref name="offset"/>.</summary>
    public static void Copy(Row from, SqlType[] types, bool[] raw, Row into, int offset)
    {
        for (var i = 0; i < types.Length; i++)
        {
            if (from.IsNull(i))
                continue;
            if (raw[i])
                into.SetRaw(offset + i, from.GetRaw(i));
            else
                into.SetValue(offset + i, types[i], from.GetObject(i));
        }
    }

    /// <summary>Which columns keep their value in the row's primitive slots (the rest hold references).</summary>
    public static bool[] RawColumns(SqlType[] types)
    {
        var raw = new bool[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            raw[i] = types[i].Kind is SqlTypeKind.Boolean or SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int
                or SqlTypeKind.IntervalYearMonth or SqlTypeKind.BigInt or SqlTypeKind.Float or SqlTypeKind.Double or SqlTypeKind.Date
                or SqlTypeKind.Time or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime;
        }
        return raw;
    }
}
