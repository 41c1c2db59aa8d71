using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

// A foreign-key join runs in three stages, as Kafka Streams' KTable-KTable foreign-key join:
//   1. by the left key: ForeignKeySubscribeOperator turns each left change into a subscription message keyed by the
//      row's foreign key (repartition topic {job}-{name}-subscriptions-repartition), and tells stage 3 the row's new
//      version directly (a "row" or "gone" message on the responses topic, keyed by the left key);
//   2. by the foreign key: ForeignKeyJoinOperator keeps the subscriptions and the right table's rows, and answers each
//      subscription, and each right change for every subscriber, with the left key's join result (repartition topic
//      {job}-{name}-responses-repartition, keyed by the left key);
//   3. by the left key: ForeignKeyResolveOperator keeps the current version and result per live left row and emits the
//      table's changes.
// Answers of one left key may come from two foreign keys' partitions in any order when its foreign key changes, so
// every message carries a version (increasing per left key: a per-task counter in stage 1) and stage 3 takes only
// the answer to the left row's current version, as Kafka Streams takes only the response whose hash matches the left
// row's current one. Stage 3 learns that version before any answer to it: stage 1 writes the row message to the
// responses partition before the subscription leaves its transaction, and stage 2 answers only after reading it.
// So stage 3 needs no entry for a deleted row: an answer for a key it holds nothing for is stale.

/// <summary>What a message on the responses topic tells the resolve stage.</summary>
internal enum ForeignKeyResponseSource : byte
{
    /// <summary>Stage 2's answer: the left row's result at <see cref="ForeignKeyResponse{TOut}.Version"/>, if it has one.</summary>
    Answer = 0,

    /// <summary>Stage 1: the left row is now at this version, and an answer follows from its foreign key's partition.</summary>
    Row = 1,

    /// <summary>Stage 1: the left row is now at this version with a null foreign key: the message carries its result (a left join's padded row) or none.</summary>
    RowWithoutForeignKey = 2,

    /// <summary>Stage 1: the left row was retracted (an update-before or a delete).</summary>
    Gone = 3,
}

/// <summary>A left row (re)subscribing to its foreign key, or leaving it.</summary>
internal readonly record struct ForeignKeySubscription<TKey, TLeft>(bool Subscribe, long Version, TKey Key, TLeft Row);

/// <summary>A message to the resolve stage about the left key's row at <paramref name="Version"/> (see <see cref="ForeignKeyResponseSource"/>).</summary>
internal readonly record struct ForeignKeyResponse<TOut>(long Version, ForeignKeyResponseSource Source, bool HasResult, TOut Result);

/// <summary>[subscribe flag][version][key length][key][row], the row only for a subscription.</summary>
internal sealed class ForeignKeySubscriptionSerde<TKey, TLeft>(ISerde<TKey> keySerde, ISerde<TLeft> leftSerde)
    : ISerde<ForeignKeySubscription<TKey, TLeft>>
{
    public byte[] Serialize(ForeignKeySubscription<TKey, TLeft> value) => SerdeArrays.ToArray(this, value);

    public void Serialize(ForeignKeySubscription<TKey, TLeft> value, IBufferWriter<byte> into)
    {
        var key = keySerde.Serialize(value.Key);
        var span = into.GetSpan(13 + key.Length);
        span[0] = value.Subscribe ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value.Version);
        BinaryPrimitives.WriteInt32BigEndian(span[9..], key.Length);
        key.CopyTo(span[13..]);
        into.Advance(13 + key.Length);
        if (value.Subscribe)
        {
            leftSerde.Serialize(value.Row, into);
        }
    }

    public ForeignKeySubscription<TKey, TLeft> Deserialize(ReadOnlySpan<byte> data)
    {
        var subscribe = data[0] == 1;
        var version = BinaryPrimitives.ReadInt64BigEndian(data[1..]);
        var keyLength = BinaryPrimitives.ReadInt32BigEndian(data[9..]);
        var key = keySerde.Deserialize(data.Slice(13, keyLength));
        var row = subscribe ? leftSerde.Deserialize(data[(13 + keyLength)..]) : default!;
        return new ForeignKeySubscription<TKey, TLeft>(subscribe, version, key, row);
    }
}

/// <summary>[version][source][has result][result].</summary>
internal sealed class ForeignKeyResponseSerde<TOut>(ISerde<TOut> outputSerde) : ISerde<ForeignKeyResponse<TOut>>
{
    public byte[] Serialize(ForeignKeyResponse<TOut> value) => SerdeArrays.ToArray(this, value);

    public void Serialize(ForeignKeyResponse<TOut> value, IBufferWriter<byte> into)
    {
        var span = into.GetSpan(10);
        BinaryPrimitives.WriteInt64BigEndian(span, value.Version);
        span[8] = (byte)value.Source;
        span[9] = value.HasResult ? (byte)1 : (byte)0;
        into.Advance(10);
        if (value.HasResult)
        {
            outputSerde.Serialize(value.Result, into);
        }
    }

    public ForeignKeyResponse<TOut> Deserialize(ReadOnlySpan<byte> data) =>
        new(BinaryPrimitives.ReadInt64BigEndian(data), (ForeignKeyResponseSource)data[8], data[9] == 1,
            data[9] == 1 ? outputSerde.Deserialize(data[10..]) : default!);
}

/// <summary>How a foreign-key join is defined.</summary>
/// <param name="TtlMilliseconds">How long the join keeps a subscription, a right row or a result not written since; 0 for ever.</param>
/// <param name="ResponsesTopic">The responses repartition topic, which stage 1 writes its row messages to.</param>
internal sealed record ForeignKeyJoin<TKey, TLeft, TRightKey, TRight, TOut>(
    JoinType Type,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRightKey> ForeignKeySerde,
    ISerde<TRight> RightSerde,
    ISerde<TOut> OutputSerde,
    long TtlMilliseconds,
    string ResponsesTopic)
{
    public bool HasTtl => TtlMilliseconds > 0;
}

/// <summary>
/// Stage 1 (by the left key): every left change takes the next version. An added left row subscribes to its foreign
/// key, a retracted one (update-before or delete, which carry the old row) unsubscribes from the old row's foreign key;
/// the element's key becomes the foreign key for the repartition that follows. Before that, the row's new version goes
/// straight to the resolve stage on the responses topic: "row" (an answer follows), "gone" (retracted), or, for a row
/// whose foreign key is null, which subscribes nowhere, its result there and then (a left join's row padded with
/// <c>default</c>; none in an inner join). State: the next version (store <c>versions</c>, one entry per task).
/// </summary>
internal sealed class ForeignKeySubscribeOperator<TKey, TLeft, TRightKey, TRight, TOut>(
    ForeignKeyJoin<TKey, TLeft, TRightKey, TRight, TOut> definition, Func<TLeft, TRightKey?> foreignKey) : Operator
{
    public const string VersionsState = "versions";

    private static readonly byte[] VersionKey = [0];
    private readonly byte[] _version = new byte[8];
    private readonly ForeignKeyResponseSerde<TOut> _responses = new(definition.OutputSerde);
    private IKeyValueStore _versions = null!;
    private long _next;

    protected override void Open()
    {
        _versions = Store(VersionsState);
        _next = _versions.Get(VersionKey) is { } bytes ? BinaryPrimitives.ReadInt64BigEndian(bytes) : 1;
    }

    public override void Process(in Element element)
    {
        var key = (TKey)element.Key!;
        var row = (TLeft)element.Value!;
        var target = foreignKey(row);
        var version = _next++;
        BinaryPrimitives.WriteInt64BigEndian(_version, _next);
        _versions.Put(VersionKey, _version);
        var subscribe = element.Kind is RowKind.Insert or RowKind.UpdateAfter;

        // First the version, then the subscription: the resolve stage must know a version before its answer comes.
        var message = !subscribe ? new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.Gone, false, default!)
            : target is not null ? new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.Row, false, default!)
            : definition.Type == JoinType.Left
                ? new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.RowWithoutForeignKey, true, definition.Joiner(key, row, default!))
                : new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.RowWithoutForeignKey, false, default!);
        Task.Outputs.Records.Add(new OutputRecord(definition.ResponsesTopic, definition.KeySerde.Serialize(key), _responses.Serialize(message),
            element.Timestamp, element.Kind, IsRepartition: true));
        if (target is null)
        {
            return;
        }

        // The row's kind travels with the message and its answer, so that the result of an update is one too.
        Emit(new Element(target, new ForeignKeySubscription<TKey, TLeft>(subscribe, version, key, subscribe ? row : default!),
            element.Timestamp, element.Kind));
    }
}

/// <summary>
/// Stage 2 (by the foreign key): input 0 is the subscriptions, input 1 the right table's changes. State: the
/// subscriptions ([length][foreign key][left key] → [written at][version][left row], store <c>subscriptions</c>) and
/// the right row per foreign key (→ [written at][row], store <c>right</c>). A subscription is answered with its left
/// key's result against the current right row; an unsubscription removes it (the resolve stage retracted the result
/// already); a right change answers every subscriber with its new result. Each answer goes to the left key's
/// partition, keyed by it. With a time-to-live, a subscription or right row not written for that long is dropped
/// (processing time, store <c>timers</c>) and not joined once expired, even before its timer fires.
/// </summary>
internal sealed class ForeignKeyJoinOperator<TKey, TLeft, TRightKey, TRight, TOut>(ForeignKeyJoin<TKey, TLeft, TRightKey, TRight, TOut> definition)
    : Operator
{
    public const string SubscriptionsState = "subscriptions";
    public const string RightState = "right";
    public const string TimersState = "timers";

    private readonly ArrayBufferWriter<byte> _foreignKey = new();
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private IKeyValueStore _subscriptions = null!;
    private IKeyValueStore _right = null!;
    private ForeignKeyJoinExpiry? _expiry;

    protected override void Open()
    {
        _subscriptions = Store(SubscriptionsState);
        _right = Store(RightState);
        _expiry = definition.HasTtl ? new ForeignKeyJoinExpiry(new TimerService(Store(TimersState)), definition.TtlMilliseconds) : null;
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        _foreignKey.ResetWrittenCount();
        definition.ForeignKeySerde.Serialize((TRightKey)element.Key!, _foreignKey);
        var now = _expiry is null ? 0 : Task.ProcessingTime;
        if (input == 0)
        {
            Subscription((ForeignKeySubscription<TKey, TLeft>)element.Value!, element.Timestamp, element.Kind, now);
        }
        else
        {
            RightChange(element, now);
        }
    }

    public override void OnProcessingTime(long now) => _expiry?.Expire(now, _subscriptions, _right);

    private void Subscription(ForeignKeySubscription<TKey, TLeft> message, long timestamp, RowKind kind, long now)
    {
        var subscriptionKey = StateKeys.Compose(_foreignKey.WrittenSpan, definition.KeySerde.Serialize(message.Key));
        var previous = _subscriptions.Get(subscriptionKey);
        if (!message.Subscribe)
        {
            if (previous is not null)
            {
                _subscriptions.Delete(subscriptionKey);
                _expiry?.Removed(ForeignKeyJoinExpiry.Subscriptions, subscriptionKey, previous);
            }

            return;
        }

        _buffer.ResetWrittenCount();
        var header = _buffer.GetSpan(16);
        BinaryPrimitives.WriteInt64BigEndian(header, now);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], message.Version);
        _buffer.Advance(16);
        definition.LeftSerde.Serialize(message.Row, _buffer);
        _subscriptions.Put(subscriptionKey, _buffer.WrittenSpan);
        _expiry?.Written(ForeignKeyJoinExpiry.Subscriptions, subscriptionKey, previous, now);
        var right = _right.Get(_foreignKey.WrittenSpan);
        var hasRight = right is not null && _expiry?.IsExpired(right, now) != true;
        Answer(message.Key, message.Version, message.Row, hasRight, hasRight ? definition.RightSerde.Deserialize(right.AsSpan(8)) : default!,
            timestamp, kind);
    }

    private void RightChange(in Element element, long now)
    {
        var present = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        var right = present ? (TRight)element.Value! : default!;
        var previous = _right.Get(_foreignKey.WrittenSpan);
        if (present)
        {
            _buffer.ResetWrittenCount();
            BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), now);
            _buffer.Advance(8);
            definition.RightSerde.Serialize(right, _buffer);
            _right.Put(_foreignKey.WrittenSpan, _buffer.WrittenSpan);
            _expiry?.Written(ForeignKeyJoinExpiry.Right, _foreignKey.WrittenSpan, previous, now);
        }
        else if (previous is not null)
        {
            _right.Delete(_foreignKey.WrittenSpan);
            _expiry?.Removed(ForeignKeyJoinExpiry.Right, _foreignKey.WrittenSpan, previous);
        }

        var prefix = StateKeys.KeyPrefix(_foreignKey.WrittenSpan);
        foreach (var (subscriptionKey, value) in _subscriptions.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            if (_expiry?.IsExpired(value, now) == true)
            {
                continue;
            }

            var key = definition.KeySerde.Deserialize(StateKeys.SubKey(subscriptionKey));
            var version = BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(8));
            Answer(key, version, definition.LeftSerde.Deserialize(value.AsSpan(16)), present, right, element.Timestamp, element.Kind);
        }
    }

    private void Answer(TKey key, long version, TLeft left, bool hasRight, TRight right, long timestamp, RowKind kind)
    {
        var response = hasRight ? new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.Answer, true, definition.Joiner(key, left, right))
            : definition.Type == JoinType.Left ? new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.Answer, true, definition.Joiner(key, left, default!))
            : new ForeignKeyResponse<TOut>(version, ForeignKeyResponseSource.Answer, false, default!);
        // The answer carries the kind of the change that caused it (see the resolve stage).
        Emit(new Element(key, response, timestamp, kind));
    }
}

/// <summary>
/// Stage 3 (by the left key): keeps the current version and result of each live left row (store <c>results</c>: key
/// bytes → [written at][version][has result][result bytes]) and emits the table's changes. A "row" message sets the
/// version (the held result stays until its answer); an answer to that version, or a row without foreign key, brings
/// the result: an insert for a first result, update-before/update-after when it changes (nothing when its bytes are
/// equal), a delete when it goes (an update-before, or an update-after, when the change that caused it was one). A
/// "gone" message retracts the result (update-before for an update, delete for a delete) and removes the entry, so
/// the store holds one entry per live left row. An answer to another version, or for a key without an entry, is
/// stale (its row moved on) and dropped. With a time-to-live an entry not written for that long is dropped
/// (processing time, store <c>timers</c>), silently: later answers for it are dropped too.
/// </summary>
internal sealed class ForeignKeyResolveOperator<TKey, TOut>(ISerde<TKey> keySerde, ISerde<TOut> outputSerde, long ttlMilliseconds) : Operator
{
    public const string ResultsState = "results";
    public const string TimersState = "timers";
    private const int Header = 17;

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _entry = new();
    private IKeyValueStore _results = null!;
    private ForeignKeyJoinExpiry? _expiry;

    protected override void Open()
    {
        _results = Store(ResultsState);
        _expiry = ttlMilliseconds > 0 ? new ForeignKeyJoinExpiry(new TimerService(Store(TimersState)), ttlMilliseconds) : null;
    }

    public override void OnProcessingTime(long now) => _expiry?.Expire(now, _results, _results);

    public override void Process(in Element element)
    {
        var key = (TKey)element.Key!;
        var message = (ForeignKeyResponse<TOut>)element.Value!;
        var now = _expiry is null ? 0 : Task.ProcessingTime;
        _key.ResetWrittenCount();
        keySerde.Serialize(key, _key);
        var held = _results.Get(_key.WrittenSpan);
        var live = held is not null && _expiry?.IsExpired(held, now) != true;
        switch (message.Source)
        {
            case ForeignKeyResponseSource.Gone:
                if (held is not null)
                {
                    _results.Delete(_key.WrittenSpan);
                    _expiry?.Removed(ForeignKeyJoinExpiry.Results, _key.WrittenSpan, held);
                }

                if (live && held![16] == 1)
                {
                    Emit(new Element(key, outputSerde.Deserialize(held.AsSpan(Header)), element.Timestamp,
                        element.Kind == RowKind.UpdateBefore ? RowKind.UpdateBefore : RowKind.Delete));
                }

                return;
            case ForeignKeyResponseSource.Row:
                // The result held (if any) stays until the answer to this version replaces it.
                WriteEntry(message.Version, live && held![16] == 1, live ? held.AsSpan(Header) : default, now);
                _results.Put(_key.WrittenSpan, _entry.WrittenSpan);
                _expiry?.Written(ForeignKeyJoinExpiry.Results, _key.WrittenSpan, held, now);
                return;
            case ForeignKeyResponseSource.Answer when !live || BinaryPrimitives.ReadInt64BigEndian(held.AsSpan(8)) != message.Version:
                return;
            default:
                Resolve(key, message, live ? held : null, held, element, now);
                return;
        }
    }

    /// <summary>The row's result at its current version: stored, and its change emitted.</summary>
    private void Resolve(TKey key, ForeignKeyResponse<TOut> message, byte[]? current, byte[]? stored, in Element element, long now)
    {
        var hadResult = current is not null && current[16] == 1;
        _entry.ResetWrittenCount();
        var header = _entry.GetSpan(Header);
        BinaryPrimitives.WriteInt64BigEndian(header, now);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], message.Version);
        header[16] = message.HasResult ? (byte)1 : (byte)0;
        _entry.Advance(Header);
        if (message.HasResult)
        {
            outputSerde.Serialize(message.Result, _entry);
        }

        _results.Put(_key.WrittenSpan, _entry.WrittenSpan);
        _expiry?.Written(ForeignKeyJoinExpiry.Results, _key.WrittenSpan, stored, now);
        if (hadResult && message.HasResult && current.AsSpan(Header).SequenceEqual(_entry.WrittenSpan[Header..]))
        {
            // The same result: only the version moves.
            return;
        }

        // A result that goes because of an update-before is its update-before (the update-after brings the next one),
        // as is a result that comes with an update-after; otherwise a delete and an insert.
        if (hadResult)
        {
            Emit(new Element(key, outputSerde.Deserialize(current.AsSpan(Header)), element.Timestamp,
                message.HasResult || element.Kind == RowKind.UpdateBefore ? RowKind.UpdateBefore : RowKind.Delete));
        }

        if (message.HasResult)
        {
            Emit(new Element(key, message.Result, element.Timestamp,
                hadResult || element.Kind == RowKind.UpdateAfter ? RowKind.UpdateAfter : RowKind.Insert));
        }
    }

    /// <summary>Writes [written at][version][has result][result] into <see cref="_entry"/>, the result's bytes as given.</summary>
    private void WriteEntry(long version, bool hasResult, ReadOnlySpan<byte> result, long now)
    {
        _entry.ResetWrittenCount();
        var span = _entry.GetSpan(Header + (hasResult ? result.Length : 0));
        BinaryPrimitives.WriteInt64BigEndian(span, now);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], version);
        span[16] = hasResult ? (byte)1 : (byte)0;
        if (hasResult)
        {
            result.CopyTo(span[Header..]);
        }

        _entry.Advance(Header + (hasResult ? result.Length : 0));
    }
}

/// <summary>
/// The time-to-live of a foreign-key join's entries, as the regular join's: every entry starts with its write time
/// (processing time), a timer per entry at its write time + the TTL (payload [store][state key]) is moved by each
/// write and deletes the entry if it was not written since; an expired entry counts as absent before its timer runs.
/// </summary>
internal sealed class ForeignKeyJoinExpiry(TimerService timers, long ttl)
{
    public const bool Subscriptions = true;
    public const bool Right = false;
    public const bool Results = true;

    private readonly ArrayBufferWriter<byte> _payload = new();

    public bool IsExpired(ReadOnlySpan<byte> entry, long now) => WrittenAt(entry) + ttl <= now;

    /// <summary>An entry was (re)written at <paramref name="now"/>: its timer moves there.</summary>
    public void Written(bool store, ReadOnlySpan<byte> stateKey, byte[]? previous, long now)
    {
        if (previous is not null)
        {
            Removed(store, stateKey, previous);
        }

        timers.Register(TimeDomain.ProcessingTime, now + ttl, RegularJoinState.TimerPayload(_payload, store, stateKey));
    }

    /// <summary>An entry was deleted: its timer goes too.</summary>
    public void Removed(bool store, ReadOnlySpan<byte> stateKey, byte[] previous) =>
        timers.Delete(TimeDomain.ProcessingTime, WrittenAt(previous) + ttl, RegularJoinState.TimerPayload(_payload, store, stateKey));

    /// <summary>Deletes the entries whose time is up (<paramref name="first"/> for payloads of store true, <paramref name="second"/> of false).</summary>
    public void Expire(long now, IKeyValueStore first, IKeyValueStore second) =>
        RegularJoinState.Expire(timers, now, ttl, first, second, entry => WrittenAt(entry));

    private static long WrittenAt(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64BigEndian(entry);
}
