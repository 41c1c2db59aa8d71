using System.Buffers;
using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>How an interval join is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record IntervalJoinDefinition<TKey, TLeft, TRight, TOut>(
    long Lower,
    long Upper,
    JoinType Type,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRight> RightSerde,
    LateOutput<TKey, TLeft> LateLeft,
    LateOutput<TKey, TRight> LateRight,
    long MirrorBytes = IntervalJoinDefinition.DefaultMirrorBytes);

/// <summary>Defaults of <see cref="IntervalJoinDefinition{TKey, TLeft, TRight, TOut}"/>.</summary>
internal static class IntervalJoinDefinition
{
    /// <summary>
    /// How many bytes of a side's stored rows a task keeps in memory (see <see cref="JoinSideRows"/>): 32 MiB, enough for
    /// a few seconds of rows within reach at hundreds of thousands of records per second per task, while two sides of
    /// eight tasks stay within half a gigabyte.
    /// </summary>
    public const long DefaultMirrorBytes = 32L << 20;
}

/// <summary>
/// Event-time interval join (Flink's IntervalJoinOperator): a left row at <c>tl</c> and a right row at <c>tr</c> of one
/// key match when <c>tl + lower &lt;= tr &lt;= tl + upper</c>. Each side's rows wait in their store (see
/// <see cref="JoinRows"/>), mirrored in memory (<see cref="JoinSideRows"/>), until the watermark proves that no row of
/// the other side can still match them: a left row at <c>tl</c> once the watermark reaches <c>tl + upper</c>, a right
/// row at <c>tr</c> once it reaches <c>tr - lower</c> (a later row of the other side is after the watermark, so out of
/// range). Then an outer side's unmatched rows are emitted with the other side missing, and the rows are deleted. A row
/// at or behind the watermark is late: it joins nothing (its partners may be gone already), and is counted and sent to its
/// side's late side output, as Flink's interval join can send rows behind its watermark to a side output.
/// </summary>
internal sealed class IntervalJoinOperator<TKey, TLeft, TRight, TOut> : Operator
{
    public const string LeftState = "left";
    public const string RightState = "right";

    private const byte Left = 0;
    private const byte Right = 1;

    private readonly IntervalJoinDefinition<TKey, TLeft, TRight, TOut> _definition;
    private readonly Side<TLeft, TRight> _left;
    private readonly Side<TRight, TLeft> _right;

    // Reused per record: the hot path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _rows = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private readonly List<(long Timestamp, byte[] Rows)> _entries = [];
    private readonly List<(TLeft Row, long Timestamp)> _leftMatches = [];
    private readonly List<(TRight Row, long Timestamp)> _rightMatches = [];

    // Expiry timers in memory: each follows from an entry of a side's store (see Open), so they need no store of their
    // own. In expiry order, then side, key and timestamp (the order the stored layout sorts in), so that what expires
    // at one watermark is emitted in the same order after a restart.
    private readonly PriorityQueue<Expiry, Expiry> _expiries = new(ExpiryOrder.Instance);

    public IntervalJoinOperator(IntervalJoinDefinition<TKey, TLeft, TRight, TOut> definition)
    {
        _definition = definition;
        var joiner = definition.Joiner;
        // A left row at tl reaches right rows in [tl + lower, tl + upper] and expires at tl + upper; a right row at tr
        // reaches left rows in [tr - upper, tr - lower] and expires at tr - lower.
        _left = new(Left, definition.Type.KeepsUnmatchedLeft(), definition.LeftSerde, definition.Lower, definition.Upper, definition.Upper, joiner);
        _right = new(Right, definition.Type.KeepsUnmatchedRight(), definition.RightSerde, -definition.Upper, -definition.Lower, -definition.Lower,
            (key, right, left) => joiner(key, left, right));
    }

    protected override void Open()
    {
        _expiries.Clear();
        _left.Rows = new JoinSideRows(Store(LeftState), _definition.MirrorBytes);
        _right.Rows = new JoinSideRows(Store(RightState), _definition.MirrorBytes);
        _left.Rows.Load((key, timestamp) => Register(Left, key, timestamp + _left.ExpiresAfter));
        _right.Rows.Load((key, timestamp) => Register(Right, key, timestamp + _right.ExpiresAfter));
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
            Task.Outputs.SideOutputs.Add(input == 0
                ? _definition.LateLeft.Record(element.Key, element.Value, element.Timestamp)
                : _definition.LateRight.Record(element.Key, element.Value, element.Timestamp));
            return;
        }

        var key = (TKey)element.Key!;
        _key.ResetWrittenCount();
        _definition.KeySerde.Serialize(key, _key);
        if (input == 0)
        {
            Process(_left, _right, _rightMatches, key, (TLeft)element.Value!, element.Timestamp);
        }
        else
        {
            Process(_right, _left, _leftMatches, key, (TRight)element.Value!, element.Timestamp);
        }
    }

    public override void OnWatermark(long watermark)
    {
        while (_expiries.TryPeek(out var due, out _) && due.At <= watermark)
        {
            _expiries.Dequeue();
            if (due.Side == Left)
            {
                Expire(_left, due.Key, due.Timestamp);
            }
            else
            {
                Expire(_right, due.Key, due.Timestamp);
            }
        }
    }

    /// <summary>
    /// One row of <paramref name="own"/>'s input: joined with the rows of <paramref name="other"/> in its interval (an
    /// outer other side's rows flagged as matched), then kept until its expiry, or emitted alone if it is past its expiry
    /// already, outer and unmatched.
    /// </summary>
    private void Process<TOwn, TOther>(Side<TOwn, TOther> own, Side<TOther, TOwn> other, List<(TOther Row, long Timestamp)> matches, TKey key,
        TOwn value, long timestamp)
    {
        var keyBytes = _key.WrittenSpan;
        other.Rows.Scan(keyBytes, timestamp + own.ReachFrom, timestamp + own.ReachTo, _entries);
        foreach (var (at, rows) in _entries)
        {
            var position = 0;
            while (JoinRows.Next(rows, ref position, other.Serde, out _, out _, out var row))
            {
                matches.Add((row, Math.Max(timestamp, at)));
            }

            // Written before anything is emitted: downstream operators write their own state when they get a result.
            if (other.Outer && JoinRows.MarkMatched(rows))
            {
                other.Rows.Update(keyBytes, at, rows);
            }
        }

        _entries.Clear();
        var matched = matches.Count > 0;
        foreach (var (row, at) in matches)
        {
            Emit(new Element(key, own.Joiner(key, value, row), at, RowKind.Insert));
        }

        matches.Clear();
        if (!Keep(own, timestamp, matched, value) && !matched && own.Outer)
        {
            Emit(new Element(key, own.Joiner(key, value, default!), timestamp, RowKind.Insert));
        }
    }

    /// <summary>
    /// Stores the row until its expiry, or returns false when its expiry has already passed: it can match no future row,
    /// so it is not stored (and an outer side emits it now if nothing matched it).
    /// </summary>
    private bool Keep<TOwn, TOther>(Side<TOwn, TOther> own, long timestamp, bool matched, TOwn value)
    {
        var expiry = timestamp + own.ExpiresAfter;
        if (expiry <= Task.Watermark)
        {
            return false;
        }

        var key = _key.WrittenSpan;
        var existing = own.Rows.Get(key, timestamp);
        JoinRows.Append(_rows, _scratch, existing, matched, own.Serde, value);
        if (existing is null)
        {
            Register(own.Id, own.Rows.Insert(key, timestamp, _rows.WrittenSpan), expiry);
        }
        else
        {
            own.Rows.Update(key, timestamp, _rows.WrittenSpan);
        }

        return true;
    }

    private void Expire<TOwn, TOther>(Side<TOwn, TOther> side, byte[] key, long timestamp)
    {
        // Only an outer side reads its expiring rows (to emit the unmatched ones).
        if (side.Outer)
        {
            var rows = side.Rows.Get(key, timestamp);
            if (rows is null)
            {
                return;
            }

            var typedKey = _definition.KeySerde.Deserialize(key);
            var position = 0;
            while (JoinRows.Next(rows, ref position, side.Serde, out _, out var matched, out var row))
            {
                if (!matched)
                {
                    Emit(new Element(typedKey, side.Joiner(typedKey, row, default!), timestamp, RowKind.Insert));
                }
            }
        }

        side.Rows.Delete(key, timestamp);
    }

    private void Register(byte side, byte[] key, long expiry)
    {
        var due = new Expiry(expiry, side, key, expiry - (side == Left ? _left.ExpiresAfter : _right.ExpiresAfter));
        _expiries.Enqueue(due, due);
    }

    /// <summary>
    /// One input's half of the join: its rows, the time range of the other side's rows a row of it reaches (offsets
    /// from its timestamp), when its rows expire (an offset too), and the joiner with this side's row first.
    /// </summary>
    private sealed class Side<TOwn, TOther>(byte id, bool outer, ISerde<TOwn> serde, long reachFrom, long reachTo, long expiresAfter,
        Func<TKey, TOwn, TOther, TOut> joiner)
    {
        public byte Id { get; } = id;

        public bool Outer { get; } = outer;

        public ISerde<TOwn> Serde { get; } = serde;

        public long ReachFrom { get; } = reachFrom;

        public long ReachTo { get; } = reachTo;

        public long ExpiresAfter { get; } = expiresAfter;

        public Func<TKey, TOwn, TOther, TOut> Joiner { get; } = joiner;

        public JoinSideRows Rows { get; set; } = null!;
    }

    /// <summary>An entry's expiry: at <see cref="At"/>, the entry of <see cref="Key"/> at <see cref="Timestamp"/> on one side.</summary>
    private readonly record struct Expiry(long At, byte Side, byte[] Key, long Timestamp);

    /// <summary>By time, then side, then key as the stored layout sorts it ([length][bytes]), then timestamp.</summary>
    private sealed class ExpiryOrder : IComparer<Expiry>
    {
        public static ExpiryOrder Instance { get; } = new();

        public int Compare(Expiry x, Expiry y)
        {
            var order = x.At.CompareTo(y.At);
            if (order != 0)
            {
                return order;
            }

            order = x.Side.CompareTo(y.Side);
            if (order != 0)
            {
                return order;
            }

            order = x.Key.Length.CompareTo(y.Key.Length);
            if (order != 0)
            {
                return order;
            }

            order = x.Key.AsSpan().SequenceCompareTo(y.Key);
            return order != 0 ? order : x.Timestamp.CompareTo(y.Timestamp);
        }
    }
}
