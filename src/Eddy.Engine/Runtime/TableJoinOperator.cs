using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// The join of two tables keyed by the same primary key: each side has at most one row per key, kept in its store as
/// key bytes → [last write time][row bytes], so the result of a key is a function of the two current rows (inner: both
/// there; left: the left row there; right: the right one; full: either). A change recomputes it and emits the
/// difference: update-before the old result and update-after the new one when both exist, an insert (update-after if
/// the change was one) when a result appears, a delete (update-before if the change was one) when it goes. Changing a
/// row emits the old result, which is recomputed from the stored rows, so the joiner must be deterministic. The
/// time-to-live drops rows as in <see cref="RegularJoinOperator{TKey, TLeft, TRight, TOut}"/>.
/// </summary>
internal sealed class TableJoinOperator<TKey, TLeft, TRight, TOut>(RegularJoin<TKey, TLeft, TRight, TOut> definition) : Operator
{
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _entry = new();
    private readonly ArrayBufferWriter<byte> _timerPayload = new();
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
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize(key, _key);
        var keyBytes = _key.WrittenSpan;

        var (hasLeft, left) = Read(_left, keyBytes, now, definition.LeftSerde);
        var (hasRight, right) = Read(_right, keyBytes, now, definition.RightSerde);
        var hadResult = HasResult(hasLeft, hasRight);
        var oldResult = hadResult ? definition.Joiner(key, left, right) : default;

        var adds = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        if (isLeft)
        {
            (hasLeft, left) = adds ? (true, (TLeft)element.Value!) : (false, default!);
        }
        else
        {
            (hasRight, right) = adds ? (true, (TRight)element.Value!) : (false, default!);
        }

        Write(isLeft, keyBytes, adds, element.Value, now);

        var hasResult = HasResult(hasLeft, hasRight);
        if (hadResult && hasResult)
        {
            Emit(new Element(key, oldResult, element.Timestamp, RowKind.UpdateBefore));
            Emit(new Element(key, definition.Joiner(key, left, right), element.Timestamp, RowKind.UpdateAfter));
        }
        else if (hasResult)
        {
            Emit(new Element(key, definition.Joiner(key, left, right), element.Timestamp,
                element.Kind == RowKind.UpdateAfter ? RowKind.UpdateAfter : RowKind.Insert));
        }
        else if (hadResult)
        {
            Emit(new Element(key, oldResult, element.Timestamp, element.Kind == RowKind.UpdateBefore ? RowKind.UpdateBefore : RowKind.Delete));
        }
    }

    public override void OnProcessingTime(long now)
    {
        if (_timers is not null)
        {
            RegularJoinState.Expire(_timers, now, definition.TtlMilliseconds, _left, _right, WrittenAt);
        }
    }

    private static long WrittenAt(byte[] entry) => BinaryPrimitives.ReadInt64BigEndian(entry);

    private bool HasResult(bool hasLeft, bool hasRight) => definition.Type switch
    {
        JoinType.Inner => hasLeft && hasRight,
        JoinType.Left => hasLeft,
        JoinType.Right => hasRight,
        _ => hasLeft || hasRight,
    };

    private (bool Found, T Row) Read<T>(IKeyValueStore store, ReadOnlySpan<byte> keyBytes, long now, ISerde<T> serde)
    {
        if (store.Get(keyBytes) is not { } entry || (definition.HasTtl && WrittenAt(entry) + definition.TtlMilliseconds <= now))
        {
            return (false, default!);
        }

        return (true, serde.Deserialize(entry.AsSpan(8)));
    }

    /// <summary>Stores the side's new row (or removes it) and moves its TTL timer.</summary>
    private void Write(bool isLeft, ReadOnlySpan<byte> keyBytes, bool adds, object? row, long now)
    {
        var store = isLeft ? _left : _right;
        var previous = store.Get(keyBytes);
        if (_timers is not null && previous is not null)
        {
            _timers.Delete(TimeDomain.ProcessingTime, WrittenAt(previous) + definition.TtlMilliseconds, TimerPayload(isLeft, keyBytes));
        }

        if (!adds)
        {
            if (previous is not null)
            {
                store.Delete(keyBytes);
            }

            return;
        }

        _entry.ResetWrittenCount();
        BinaryPrimitives.WriteInt64BigEndian(_entry.GetSpan(8), now);
        _entry.Advance(8);
        if (isLeft)
        {
            definition.LeftSerde.Serialize((TLeft)row!, _entry);
        }
        else
        {
            definition.RightSerde.Serialize((TRight)row!, _entry);
        }

        store.Put(keyBytes, _entry.WrittenSpan);
        _timers?.Register(TimeDomain.ProcessingTime, now + definition.TtlMilliseconds, TimerPayload(isLeft, keyBytes));
    }

    private ReadOnlySpan<byte> TimerPayload(bool isLeft, ReadOnlySpan<byte> keyBytes)
    {
        _timerPayload.ResetWrittenCount();
        var span = _timerPayload.GetSpan(1 + keyBytes.Length);
        span[0] = isLeft ? (byte)0 : (byte)1;
        keyBytes.CopyTo(span[1..]);
        _timerPayload.Advance(1 + keyBytes.Length);
        return _timerPayload.WrittenSpan;
    }
}
