using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>How a regular join is defined (one object, so the operators' constructors stay small).</summary>
/// <param name="TtlMilliseconds">The state time-to-live in processing time; 0 keeps rows until they are retracted.</param>
internal sealed record RegularJoin<TKey, TLeft, TRight, TOut>(
    JoinType Type,
    long TtlMilliseconds,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRight> RightSerde)
{
    public bool LeftOuter => Type is JoinType.Left or JoinType.FullOuter;

    public bool RightOuter => Type is JoinType.Right or JoinType.FullOuter;

    public bool HasTtl => TtlMilliseconds > 0;
}

/// <summary>The state names of the regular and table–table joins.</summary>
internal static class RegularJoinState
{
    public const string Left = "left";
    public const string Right = "right";
    public const string Timers = "timers";

    /// <summary>
    /// Expires rows of a join's two stores: a processing-time timer per row at its last write + the TTL, payload
    /// [side][state key]. A row written again moves its timer, so each row has one; a firing timer deletes the row only
    /// if it was not written since (the stored write time says so).
    /// </summary>
    /// <param name="writtenAt">Reads the write time from a stored value.</param>
    public static void Expire(TimerService timers, long now, long ttl, IKeyValueStore left, IKeyValueStore right,
        Func<byte[], long> writtenAt) =>
        timers.FireDue(TimeDomain.ProcessingTime, now, (_, payload) =>
        {
            var store = payload[0] == 0 ? left : right;
            var stateKey = payload.AsSpan(1);
            if (store.Get(stateKey) is { } entry && writtenAt(entry) + ttl <= now)
            {
                store.Delete(stateKey);
            }
        });
}

/// <summary>
/// The regular (unwindowed) join of two updating keyed streams, as Flink SQL's StreamingJoinOperator: each side keeps
/// the multiset of its rows per key in its store ([length][key][row bytes] → [count][last write time]); an added row
/// joins every row of the other side of its key, a retracted one (update-before or delete) retracts those results.
/// The result of an inner side's row forwards the row's kind; an outer side's rows emit inserts and deletes, with the
/// null-padded row retracted when its first match arrives and emitted again when its last match goes (Flink's rules).
/// With a time-to-live a row not written for that long is dropped silently (no retraction), by a processing-time timer,
/// and is not joined once expired even before its timer fires.
/// </summary>
internal sealed class RegularJoinOperator<TKey, TLeft, TRight, TOut>(RegularJoin<TKey, TLeft, TRight, TOut> definition) : Operator
{
    private const int EntryLength = 12;

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private readonly ArrayBufferWriter<byte> _timerPayload = new();
    private readonly byte[] _entry = new byte[EntryLength];

    // The other side's live rows of the current key, deserialized once per record.
    private readonly List<(object? Row, int Count)> _matches = [];
    private IKeyValueStore _left = null!;
    private IKeyValueStore _right = null!;
    private TimerService? _timers;

    protected override void Open()
    {
        _left = Store(RegularJoinState.Left);
        _right = Store(RegularJoinState.Right);
        _timers = definition.HasTtl ? new TimerService(Store(RegularJoinState.Timers)) : null;
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        var isLeft = input == 0;
        var key = (TKey)element.Key!;
        var now = Task.ProcessingTime;
        var keyLength = WriteStateKey(key, isLeft, element.Value);
        var prefix = _stateKey.WrittenSpan[..(4 + keyLength)].ToArray();
        var own = isLeft ? _left : _right;
        var inputOuter = isLeft ? definition.LeftOuter : definition.RightOuter;
        var otherOuter = isLeft ? definition.RightOuter : definition.LeftOuter;
        var otherTotal = LoadMatches(isLeft ? _right : _left, !isLeft, prefix, now);

        if (element.Kind is RowKind.Insert or RowKind.UpdateAfter)
        {
            // Whether the other side's rows were unmatched (null-padded) until now.
            var firstMatch = otherOuter && otherTotal > 0 && Total(own, prefix, now) == 0;
            Write(own, isLeft, now, +1);
            if (otherTotal == 0)
            {
                if (inputOuter)
                {
                    EmitJoined(key, isLeft, element.Value, padded: true, null, RowKind.Insert, element.Timestamp);
                }

                return;
            }

            if (firstMatch)
            {
                EmitPaddedOthers(key, isLeft, RowKind.Delete, element.Timestamp);
            }

            EmitMatches(key, isLeft, element.Value, inputOuter ? RowKind.Insert : element.Kind, element.Timestamp);
            return;
        }

        // A retraction takes back what the row produced even if the row expired meanwhile (as Flink does).
        Write(own, isLeft, now, -1);
        if (otherTotal == 0)
        {
            if (inputOuter)
            {
                EmitJoined(key, isLeft, element.Value, padded: true, null, RowKind.Delete, element.Timestamp);
            }

            return;
        }

        EmitMatches(key, isLeft, element.Value, inputOuter ? RowKind.Delete : element.Kind, element.Timestamp);
        if (otherOuter && Total(own, prefix, now) == 0)
        {
            // The other side's rows lost their last match: they are unmatched again.
            EmitPaddedOthers(key, isLeft, RowKind.Insert, element.Timestamp);
        }
    }

    public override void OnProcessingTime(long now)
    {
        if (_timers is not null)
        {
            RegularJoinState.Expire(_timers, now, definition.TtlMilliseconds, _left, _right, WrittenAt);
        }
    }

    private static long WrittenAt(byte[] entry) => BinaryPrimitives.ReadInt64BigEndian(entry.AsSpan(4));

    private bool IsExpired(long writtenAt, long now) => definition.HasTtl && writtenAt + definition.TtlMilliseconds <= now;

    /// <summary>Writes [length][key][row] into the reused buffer; returns the key's length.</summary>
    private int WriteStateKey(TKey key, bool isLeft, object? row)
    {
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize(key, _key);
        var keyLength = _key.WrittenCount;
        _stateKey.ResetWrittenCount();
        var span = _stateKey.GetSpan(4 + keyLength);
        BinaryPrimitives.WriteInt32BigEndian(span, keyLength);
        _key.WrittenSpan.CopyTo(span[4..]);
        _stateKey.Advance(4 + keyLength);
        if (isLeft)
        {
            definition.LeftSerde.Serialize((TLeft)row!, _stateKey);
        }
        else
        {
            definition.RightSerde.Serialize((TRight)row!, _stateKey);
        }

        return keyLength;
    }

    /// <summary>Adds <paramref name="delta"/> copies of the current row to its side's multiset and moves its TTL timer.</summary>
    private void Write(IKeyValueStore own, bool isLeft, long now, int delta)
    {
        var stateKey = _stateKey.WrittenSpan;
        var count = 0;
        if (own.Get(stateKey) is { } existing)
        {
            var writtenAt = WrittenAt(existing);
            count = IsExpired(writtenAt, now) ? 0 : BinaryPrimitives.ReadInt32BigEndian(existing);
            _timers?.Delete(TimeDomain.ProcessingTime, writtenAt + definition.TtlMilliseconds, TimerPayload(isLeft, stateKey));
            if (count + delta <= 0)
            {
                own.Delete(stateKey);
                return;
            }
        }
        else if (delta <= 0)
        {
            return;
        }

        BinaryPrimitives.WriteInt32BigEndian(_entry, count + delta);
        BinaryPrimitives.WriteInt64BigEndian(_entry.AsSpan(4), now);
        own.Put(stateKey, _entry);
        _timers?.Register(TimeDomain.ProcessingTime, now + definition.TtlMilliseconds, TimerPayload(isLeft, stateKey));
    }

    private ReadOnlySpan<byte> TimerPayload(bool isLeft, ReadOnlySpan<byte> stateKey)
    {
        _timerPayload.ResetWrittenCount();
        var span = _timerPayload.GetSpan(1 + stateKey.Length);
        span[0] = isLeft ? (byte)0 : (byte)1;
        stateKey.CopyTo(span[1..]);
        _timerPayload.Advance(1 + stateKey.Length);
        return _timerPayload.WrittenSpan;
    }

    /// <summary>Fills <see cref="_matches"/> with the other side's live rows of the key; returns how many (with duplicates).</summary>
    private int LoadMatches(IKeyValueStore other, bool otherIsLeft, byte[] prefix, long now)
    {
        _matches.Clear();
        var total = 0;
        foreach (var (stateKey, entry) in other.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            if (IsExpired(WrittenAt(entry), now))
            {
                continue;
            }

            var count = BinaryPrimitives.ReadInt32BigEndian(entry);
            var row = stateKey.AsSpan(prefix.Length);
            _matches.Add((otherIsLeft ? definition.LeftSerde.Deserialize(row) : definition.RightSerde.Deserialize(row), count));
            total += count;
        }

        return total;
    }

    private int Total(IKeyValueStore own, byte[] prefix, long now)
    {
        var total = 0;
        foreach (var (_, entry) in own.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            if (!IsExpired(WrittenAt(entry), now))
            {
                total += BinaryPrimitives.ReadInt32BigEndian(entry);
            }
        }

        return total;
    }

    private void EmitMatches(TKey key, bool inputIsLeft, object? input, RowKind kind, long timestamp)
    {
        foreach (var (other, count) in _matches)
        {
            for (var i = 0; i < count; i++)
            {
                EmitJoined(key, inputIsLeft, input, padded: false, other, kind, timestamp);
            }
        }
    }

    /// <summary>The other side's rows joined with nothing (the input side is missing).</summary>
    private void EmitPaddedOthers(TKey key, bool inputIsLeft, RowKind kind, long timestamp)
    {
        foreach (var (other, count) in _matches)
        {
            for (var i = 0; i < count; i++)
            {
                EmitJoined(key, !inputIsLeft, other, padded: true, null, kind, timestamp);
            }
        }
    }

    private void EmitJoined(TKey key, bool rowIsLeft, object? row, bool padded, object? other, RowKind kind, long timestamp)
    {
        var left = rowIsLeft ? (TLeft)row! : padded ? default! : (TLeft)other!;
        var right = !rowIsLeft ? (TRight)row! : padded ? default! : (TRight)other!;
        Emit(new Element(key, definition.Joiner(key, left, right), timestamp, kind));
    }
}
