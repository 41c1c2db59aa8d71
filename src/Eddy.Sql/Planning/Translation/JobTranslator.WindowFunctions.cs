using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// Window Top-N per key (the partition keys and the window bounds), as Flink's WindowRank: the window's rows are kept in
/// the <c>rows</c> map ordered by [sort key][arrival sequence] (equal sort keys rank by arrival), trimmed to the top N
/// whenever they reach 2N (the input is insert-only, so a row pushed out never comes back); when the watermark passes
/// the window's end the ranks from RankStart to N are emitted, with the rank column when the query reads it, and the
/// window's state is cleared. A row whose window has fired is late and dropped.
/// </summary>
internal sealed class WindowRankFunction(int endColumn, RowSortKey order, int rankStart, int n, bool withRank, SqlType[] types, BinaryRowSerde rows)
    : KeyedProcessFunction<Row, Row, Row>
{
    private readonly ArrayBufferWriter<byte> _entry = new();
    private readonly bool[] _raw = RowConcat.RawColumns(types);
    private IMapState<byte[], Row> _rows = null!;
    private IValueState<long> _sequence = null!;

    public override void Open(IKeyedStateStore state)
    {
        _rows = state.Map("rows", Serdes.Bytes, rows);
        _sequence = state.Value("sequence", Serdes.Long);
    }

    public override void ProcessElement(Row key, Row value, IKeyedContext<Row, Row> context)
    {
        var end = EventTime.Of(value, endColumn);
        if (end - 1 <= context.CurrentWatermark)
            return;
        var sequence = _sequence.GetOrDefault(0);
        _entry.ResetWrittenCount();
        order.Write(value, _entry);
        BinaryPrimitives.WriteInt64BigEndian(_entry.GetSpan(8), sequence);
        _entry.Advance(8);
        _rows.Put(_entry.WrittenSpan.ToArray(), value);
        _sequence.Update(sequence + 1);
        if (sequence == 0)
            context.RegisterEventTimeTimer(end - 1);
        else if ((sequence + 1) % n == 0 && sequence + 1 >= 2L * n)
            Trim();
    }

    /// <summary>Keeps the top N rows: the others can never rank in an insert-only window.</summary>
    private void Trim()
    {
        var entries = _rows.Entries();
        for (var i = n; i < entries.Count; i++)
            _rows.Remove(entries[i].Key);
    }

    public override void OnTimer(long timestamp, TimeDomain domain, Row key, IKeyedContext<Row, Row> context)
    {
        var entries = _rows.Entries();
        var last = Math.Min(n, entries.Count);
        for (var i = rankStart - 1; i < last; i++)
        {
            var row = entries[i].Value;
            if (withRank)
            {
                var ranked = new Row(types.Length + 1);
                RowConcat.Copy(row, types, _raw, ranked, 0);
                ranked.SetBigInt(types.Length, i + 1);
                row = ranked;
            }
            context.Emit(row);
        }
        _rows.Clear();
        _sequence.Clear();
    }
}

/// <summary>
/// Window deduplication per key (the partition keys and the window bounds), as Flink's WindowDeduplicate: the <c>row</c>
/// state keeps the first row by the time attribute (an earlier row replaces it; of equal times the first to arrive
/// stays) or the last (a row at the same or a later time replaces it); it is emitted when the watermark passes the
/// window's end, then cleared. A row whose window has fired is late and dropped.
/// </summary>
internal sealed class WindowDeduplicateFunction(int endColumn, int timeColumn, bool keepLast, BinaryRowSerde rows)
    : KeyedProcessFunction<Row, Row, Row>
{
    private IValueState<Row> _row = null!;

    public override void Open(IKeyedStateStore state) => _row = state.Value("row", rows);

    public override void ProcessElement(Row key, Row value, IKeyedContext<Row, Row> context)
    {
        var end = EventTime.Of(value, endColumn);
        if (end - 1 <= context.CurrentWatermark)
            return;
        if (!_row.TryGet(out var kept))
        {
            _row.Update(value);
            context.RegisterEventTimeTimer(end - 1);
            return;
        }
        var time = EventTime.Of(value, timeColumn);
        var keptTime = EventTime.Of(kept, timeColumn);
        if (keepLast ? time >= keptTime : time < keptTime)
            _row.Update(value);
    }

    public override void OnTimer(long timestamp, TimeDomain domain, Row key, IKeyedContext<Row, Row> context)
    {
        if (_row.TryGet(out var kept))
            context.Emit(kept);
        _row.Clear();
    }
}

/// <summary>
/// The two sides of a window join in one stream: a row is [side: 0 left, 1 right][the left columns][the right columns],
/// the other side's columns NULL, so both sides' rows can be gathered under one key.
/// </summary>
internal sealed class TaggedSides
{
    private readonly SqlType[] _left;
    private readonly SqlType[] _right;
    private readonly bool[] _leftRaw;
    private readonly bool[] _rightRaw;

    public TaggedSides(IReadOnlyList<SqlType> left, IReadOnlyList<SqlType> right)
    {
        _left = [.. left];
        _right = [.. right];
        _leftRaw = RowConcat.RawColumns(_left);
        _rightRaw = RowConcat.RawColumns(_right);
        Types = [SqlType.Int.NotNull(), .. _left.Select(t => t.WithNullability(true)), .. _right.Select(t => t.WithNullability(true))];
    }

    /// <summary>The tagged row's column types.</summary>
    public SqlType[] Types { get; }

    /// <summary>The number of left columns.</summary>
    public int LeftWidth => _left.Length;

    public Row Left(Row row)
    {
        var tagged = new Row(Types.Length);
        tagged.SetInt(0, 0);
        RowConcat.Copy(row, _left, _leftRaw, tagged, 1);
        return tagged;
    }

    public Row Right(Row row)
    {
        var tagged = new Row(Types.Length);
        tagged.SetInt(0, 1);
        RowConcat.Copy(row, _right, _rightRaw, tagged, 1 + _left.Length);
        return tagged;
    }

    /// <summary>The join's output row from two tagged rows; a missing side is NULLs.</summary>
    public Row Join(Row? left, Row? right)
    {
        var row = new Row(_left.Length + _right.Length);
        if (left is not null)
            Slice(left, 1, _left, _leftRaw, row, 0);
        if (right is not null)
            Slice(right, 1 + _left.Length, _right, _rightRaw, row, _left.Length);
        return row;
    }

    /// <summary>The left columns alone (a semi or anti join's output).</summary>
    public Row LeftOnly(Row left)
    {
        var row = new Row(_left.Length);
        Slice(left, 1, _left, _leftRaw, row, 0);
        return row;
    }

    private static void Slice(Row from, int offset, SqlType[] types, bool[] raw, Row into, int at)
    {
        for (var i = 0; i < types.Length; i++)
        {
            if (from.IsNull(offset + i))
                continue;
            if (raw[i])
                into.SetRaw(at + i, from.GetRaw(offset + i));
            else
                into.SetValue(at + i, types[i], from.GetObject(offset + i));
        }
    }
}

/// <summary>
/// A window join per key (the equi-keys, window bounds among them), as Flink's WindowJoin: both sides' rows of a window
/// are kept in the <c>left</c> and <c>right</c> maps (by arrival); when the watermark passes the window's end every
/// pair meeting the residual condition is emitted, then an outer side's rows without a match padded with NULLs (a semi
/// join emits the left rows with a match once, an anti join those without), and the window's state is cleared. A row
/// whose window has fired is late and dropped.
/// </summary>
internal sealed class WindowJoinFunction(TaggedSides sides, JoinKind kind, int leftEnd, int rightEnd, Func<Row, bool>? residual, BinaryRowSerde tagged)
    : KeyedProcessFunction<Row, Row, Row>
{
    private IMapState<long, Row> _left = null!;
    private IMapState<long, Row> _right = null!;
    private IValueState<long> _sequence = null!;

    public override void Open(IKeyedStateStore state)
    {
        _left = state.Map("left", Serdes.Long, tagged);
        _right = state.Map("right", Serdes.Long, tagged);
        _sequence = state.Value("sequence", Serdes.Long);
    }

    public override void ProcessElement(Row key, Row value, IKeyedContext<Row, Row> context)
    {
        var isLeft = value.GetInt(0) == 0;
        var end = EventTime.Of(value, isLeft ? 1 + leftEnd : 1 + sides.LeftWidth + rightEnd);
        if (end - 1 <= context.CurrentWatermark)
            return;
        var sequence = _sequence.GetOrDefault(0);
        (isLeft ? _left : _right).Put(sequence, value);
        _sequence.Update(sequence + 1);
        if (sequence == 0)
            context.RegisterEventTimeTimer(end - 1);
    }

    public override void OnTimer(long timestamp, TimeDomain domain, Row key, IKeyedContext<Row, Row> context)
    {
        var lefts = _left.Entries();
        var rights = _right.Entries();
        var rightMatched = new bool[rights.Count];
        var pairs = kind is JoinKind.Inner or JoinKind.Left or JoinKind.Right or JoinKind.Full;
        foreach (var (_, left) in lefts)
        {
            var matched = false;
            for (var j = 0; j < rights.Count; j++)
            {
                var joined = sides.Join(left, rights[j].Value);
                if (residual is not null && !residual(joined))
                    continue;
                matched = true;
                rightMatched[j] = true;
                if (pairs)
                    context.Emit(joined);
                else
                    break;
            }
            if (!matched && kind is JoinKind.Left or JoinKind.Full)
                context.Emit(sides.Join(left, null));
            else if (kind == JoinKind.Semi && matched || kind == JoinKind.Anti && !matched)
                context.Emit(sides.LeftOnly(left));
        }
        if (kind is JoinKind.Right or JoinKind.Full)
        {
            for (var j = 0; j < rights.Count; j++)
            {
                if (!rightMatched[j])
                    context.Emit(sides.Join(null, rights[j].Value));
            }
        }
        _left.Clear();
        _right.Clear();
        _sequence.Clear();
    }
}

/// <summary>
/// A window aggregation per group (the window bounds among its keys) on rows that carry their window, as Flink's
/// WindowAggregate on an attached window: the <c>accumulator</c> state folds the group's rows until the watermark passes
/// the window's end, then its result is emitted once and the state cleared. A row whose window has fired is late and dropped.
/// </summary>
internal sealed class WindowAttachedAggregateFunction(int endColumn, RowAggregateFunction function) : KeyedProcessFunction<Row, Row, Row>
{
    private IValueState<AggregateAccumulator> _accumulator = null!;

    public override void Open(IKeyedStateStore state) => _accumulator = state.Value("accumulator", function.AccumulatorSerde);

    public override void ProcessElement(Row key, Row value, IKeyedContext<Row, Row> context)
    {
        var end = EventTime.Of(value, endColumn);
        if (end - 1 <= context.CurrentWatermark)
            return;
        if (!_accumulator.TryGet(out var accumulator))
        {
            accumulator = function.CreateAccumulator();
            context.RegisterEventTimeTimer(end - 1);
        }
        _accumulator.Update(function.Add(accumulator, value));
    }

    public override void OnTimer(long timestamp, TimeDomain domain, Row key, IKeyedContext<Row, Row> context)
    {
        if (_accumulator.TryGet(out var accumulator))
            context.Emit(function.GetResult(accumulator));
        _accumulator.Clear();
    }
}
