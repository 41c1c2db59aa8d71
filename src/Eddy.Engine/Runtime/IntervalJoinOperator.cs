using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>How an interval join is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record IntervalJoinDefinition<TKey, TLeft, TRight, TOut>(
    long Lower,
    long Upper,
    JoinType Type,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRight> RightSerde);

/// <summary>
/// Event-time interval join (Flink's IntervalJoinOperator): a left row at <c>tl</c> and a right row at <c>tr</c> of one
/// key match when <c>tl + lower &lt;= tr &lt;= tl + upper</c>. Each side's rows wait in their store (see
/// <see cref="JoinRows"/>) until the watermark proves that no row of the other side can still match them: a left row
/// at <c>tl</c> once the watermark reaches <c>tl + upper</c>, a right row at <c>tr</c> once it reaches
/// <c>tr - lower</c> (a later row of the other side is after the watermark, so out of range). Then an outer side's
/// unmatched rows are emitted with the other side missing, and the rows are deleted. A row at or behind the watermark
/// is late: counted and dropped, as Flink drops rows behind its watermark.
/// </summary>
internal sealed class IntervalJoinOperator<TKey, TLeft, TRight, TOut>(IntervalJoinDefinition<TKey, TLeft, TRight, TOut> definition) : Operator
{
    public const string LeftState = "left";
    public const string RightState = "right";

    private const byte Left = 0;
    private const byte Right = 1;

    private readonly bool _leftOuter = definition.Type.KeepsUnmatchedLeft();
    private readonly bool _rightOuter = definition.Type.KeepsUnmatchedRight();

    // Reused per record: the hot path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private readonly ArrayBufferWriter<byte> _rows = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private readonly ArrayBufferWriter<byte> _timer = new();
    private byte[] _from = [];
    private byte[] _to = [];

    // What a record's scan of the other side found: emitted and written back only after the scan, as a store's
    // iterator (RocksDB's over the commit's write batch) must not see writes while it is open, and downstream
    // operators write their own state when they get a result.
    private readonly List<(byte[] StateKey, byte[] Rows)> _flagged = [];
    private readonly List<(TLeft Row, long Timestamp)> _leftMatches = [];
    private readonly List<(TRight Row, long Timestamp)> _rightMatches = [];

    // Expiry timers in memory: each follows from an entry of a side's store (see Open), so they need no store of their
    // own. Payload: [side][state key].
    private readonly WindowTimers _timers = new();
    private IKeyValueStore _left = null!;
    private IKeyValueStore _right = null!;

    protected override void Open()
    {
        _left = Store(LeftState);
        _right = Store(RightState);
        foreach (var (stateKey, _) in _left.Range([], null))
        {
            RegisterExpiry(Left, stateKey, JoinRows.Timestamp(stateKey) + definition.Upper);
        }

        foreach (var (stateKey, _) in _right.Range([], null))
        {
            RegisterExpiry(Right, stateKey, JoinRows.Timestamp(stateKey) - definition.Lower);
        }
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        // The inputs are append-only streams, as Flink requires of an interval join: a retraction is not a row.
        if (element.Kind is RowKind.UpdateBefore or RowKind.Delete)
        {
            return;
        }

        if (element.Timestamp <= Task.Watermark)
        {
            Task.Metrics.LateRecords++;
            return;
        }

        var key = (TKey)element.Key!;
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize(key, _key);
        if (input == 0)
        {
            ProcessLeft(key, (TLeft)element.Value!, element.Timestamp);
        }
        else
        {
            ProcessRight(key, (TRight)element.Value!, element.Timestamp);
        }
    }

    public override void OnWatermark(long watermark) =>
        _timers.FireDue(watermark, (_, payload) =>
        {
            var side = payload[0];
            var stateKey = payload.AsSpan(1);
            var store = side == Left ? _left : _right;
            // Only an outer side reads its expiring rows (to emit the unmatched ones); an inner side just deletes them,
            // sparing a store read per row (a timer exists only for an entry that Keep or Open found in the store).
            if (side == Left ? _leftOuter : _rightOuter)
            {
                var rows = store.Get(stateKey);
                if (rows is null)
                {
                    return;
                }

                EmitUnmatched(side, stateKey, rows);
            }

            store.Delete(stateKey);
        });

    private void ProcessLeft(TKey key, TLeft value, long timestamp)
    {
        var keyBytes = _key.WrittenSpan;
        var from = JoinRows.Bound(ref _from, keyBytes, timestamp + definition.Lower);
        var to = JoinRows.Bound(ref _to, keyBytes, timestamp + definition.Upper + 1);
        foreach (var (stateKey, rows) in _right.Range(from, to))
        {
            var at = Math.Max(timestamp, JoinRows.Timestamp(stateKey));
            byte[]? flagged = null;
            var position = 0;
            while (JoinRows.Next(rows, ref position, definition.RightSerde, out var flagAt, out var rowMatched, out var right))
            {
                _rightMatches.Add((right, at));
                if (_rightOuter && !rowMatched)
                {
                    flagged ??= (byte[])rows.Clone();
                    flagged[flagAt] = 1;
                }
            }

            if (flagged is not null)
            {
                _flagged.Add((stateKey, flagged));
            }
        }

        WriteFlagged(_right);
        var matched = _rightMatches.Count > 0;
        foreach (var (right, at) in _rightMatches)
        {
            Emit(new Element(key, definition.Joiner(key, value, right), at, RowKind.Insert));
        }

        _rightMatches.Clear();
        if (!Keep(Left, _left, timestamp, timestamp + definition.Upper, matched, definition.LeftSerde, value) && !matched && _leftOuter)
        {
            Emit(new Element(key, definition.Joiner(key, value, default!), timestamp, RowKind.Insert));
        }
    }

    private void ProcessRight(TKey key, TRight value, long timestamp)
    {
        var keyBytes = _key.WrittenSpan;
        var from = JoinRows.Bound(ref _from, keyBytes, timestamp - definition.Upper);
        var to = JoinRows.Bound(ref _to, keyBytes, timestamp - definition.Lower + 1);
        foreach (var (stateKey, rows) in _left.Range(from, to))
        {
            var at = Math.Max(timestamp, JoinRows.Timestamp(stateKey));
            byte[]? flagged = null;
            var position = 0;
            while (JoinRows.Next(rows, ref position, definition.LeftSerde, out var flagAt, out var rowMatched, out var left))
            {
                _leftMatches.Add((left, at));
                if (_leftOuter && !rowMatched)
                {
                    flagged ??= (byte[])rows.Clone();
                    flagged[flagAt] = 1;
                }
            }

            if (flagged is not null)
            {
                _flagged.Add((stateKey, flagged));
            }
        }

        WriteFlagged(_left);
        var matched = _leftMatches.Count > 0;
        foreach (var (left, at) in _leftMatches)
        {
            Emit(new Element(key, definition.Joiner(key, left, value), at, RowKind.Insert));
        }

        _leftMatches.Clear();
        if (!Keep(Right, _right, timestamp, timestamp - definition.Lower, matched, definition.RightSerde, value) && !matched && _rightOuter)
        {
            Emit(new Element(key, definition.Joiner(key, default!, value), timestamp, RowKind.Insert));
        }
    }

    /// <summary>
    /// Stores the row until <paramref name="expiry"/>, or returns false when its expiry has already passed: it can match
    /// no future row, so it is not stored (and an outer side emits it now if nothing matched it).
    /// </summary>
    private bool Keep<T>(byte side, IKeyValueStore store, long timestamp, long expiry, bool matched, ISerde<T> serde, T value)
    {
        if (expiry <= Task.Watermark)
        {
            return false;
        }

        JoinRows.WriteKey(_stateKey, _key.WrittenSpan, timestamp);
        var stateKey = _stateKey.WrittenSpan;
        var existing = store.Get(stateKey);
        JoinRows.Append(_rows, _scratch, existing, matched, serde, value);
        store.Put(stateKey, _rows.WrittenSpan);
        if (existing is null)
        {
            RegisterExpiry(side, stateKey, expiry);
        }

        return true;
    }

    private void WriteFlagged(IKeyValueStore store)
    {
        foreach (var (stateKey, rows) in _flagged)
        {
            store.Put(stateKey, rows);
        }

        _flagged.Clear();
    }

    private void EmitUnmatched(byte side, ReadOnlySpan<byte> stateKey, byte[] rows)
    {
        var key = definition.KeySerde.Deserialize(StateKeys.Key(stateKey));
        var timestamp = JoinRows.Timestamp(stateKey);
        var position = 0;
        if (side == Left)
        {
            while (JoinRows.Next(rows, ref position, definition.LeftSerde, out _, out var matched, out var left))
            {
                if (!matched)
                {
                    Emit(new Element(key, definition.Joiner(key, left, default!), timestamp, RowKind.Insert));
                }
            }
        }
        else
        {
            while (JoinRows.Next(rows, ref position, definition.RightSerde, out _, out var matched, out var right))
            {
                if (!matched)
                {
                    Emit(new Element(key, definition.Joiner(key, default!, right), timestamp, RowKind.Insert));
                }
            }
        }
    }

    private void RegisterExpiry(byte side, ReadOnlySpan<byte> stateKey, long expiry)
    {
        _timer.ResetWrittenCount();
        _timer.GetSpan(1)[0] = side;
        _timer.Advance(1);
        _timer.Write(stateKey);
        _timers.Register(expiry, _timer.WrittenSpan);
    }
}
