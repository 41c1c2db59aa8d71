using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

// A foreign-key join runs in three stages, as Kafka Streams' KTable-KTable foreign-key join:
//   1. by the left key: ForeignKeySubscribeOperator turns each left change into a subscription message keyed by the
//      row's foreign key (repartition topic {job}-{name}-subscriptions-repartition);
//   2. by the foreign key: ForeignKeyJoinOperator keeps the subscriptions and the right table's rows, and answers each
//      subscription, and each right change for every subscriber, with the left key's join result (repartition topic
//      {job}-{name}-responses-repartition, keyed by the left key);
//   3. by the left key: ForeignKeyResolveOperator keeps the latest result per left key and emits the table's changes.
// Responses of one left key may come from two foreign keys' partitions in any order when its foreign key changes, so
// every message carries a version (increasing per left key: a per-task counter in stage 1) and stage 3 drops a
// response older than the one it holds.

/// <summary>A left row (re)subscribing to its foreign key, or leaving it.</summary>
internal readonly record struct ForeignKeySubscription<TKey, TLeft>(bool Subscribe, long Version, TKey Key, TLeft Row);

/// <summary>The left key's join result as of the subscription <paramref name="Version"/>; none when it has no result.</summary>
internal readonly record struct ForeignKeyResponse<TOut>(long Version, bool HasResult, TOut Result);

/// <summary>[subscribe flag][version][key length][key][row], the row only for a subscription.</summary>
internal sealed class ForeignKeySubscriptionSerde<TKey, TLeft>(ISerde<TKey> keySerde, ISerde<TLeft> leftSerde)
    : ISerde<ForeignKeySubscription<TKey, TLeft>>
{
    public byte[] Serialize(ForeignKeySubscription<TKey, TLeft> value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

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

/// <summary>[version][has result][result].</summary>
internal sealed class ForeignKeyResponseSerde<TOut>(ISerde<TOut> outputSerde) : ISerde<ForeignKeyResponse<TOut>>
{
    public byte[] Serialize(ForeignKeyResponse<TOut> value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public void Serialize(ForeignKeyResponse<TOut> value, IBufferWriter<byte> into)
    {
        var span = into.GetSpan(9);
        BinaryPrimitives.WriteInt64BigEndian(span, value.Version);
        span[8] = value.HasResult ? (byte)1 : (byte)0;
        into.Advance(9);
        if (value.HasResult)
        {
            outputSerde.Serialize(value.Result, into);
        }
    }

    public ForeignKeyResponse<TOut> Deserialize(ReadOnlySpan<byte> data) =>
        new(BinaryPrimitives.ReadInt64BigEndian(data), data[8] == 1, data[8] == 1 ? outputSerde.Deserialize(data[9..]) : default!);
}

/// <summary>
/// Stage 1 (by the left key): an added left row subscribes to its foreign key, a retracted one (update-before or
/// delete, which carry the old row) unsubscribes from the old row's foreign key; the element's key becomes the foreign
/// key for the repartition that follows. A row whose foreign key is null subscribes nowhere (it has no result).
/// State: the next version (store <c>versions</c>, one entry per task).
/// </summary>
internal sealed class ForeignKeySubscribeOperator<TKey, TLeft, TRightKey>(Func<TLeft, TRightKey> foreignKey) : Operator
{
    public const string VersionsState = "versions";

    private static readonly byte[] VersionKey = [0];
    private readonly byte[] _version = new byte[8];
    private IKeyValueStore _versions = null!;
    private long _next;

    protected override void Open()
    {
        _versions = Store(VersionsState);
        _next = _versions.Get(VersionKey) is { } bytes ? BinaryPrimitives.ReadInt64BigEndian(bytes) : 1;
    }

    public override void Process(in Element element)
    {
        var row = (TLeft)element.Value!;
        var target = foreignKey(row);
        if (target is null)
        {
            return;
        }

        var version = _next++;
        BinaryPrimitives.WriteInt64BigEndian(_version, _next);
        _versions.Put(VersionKey, _version);
        var subscribe = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        // The row's kind travels with the message and its response, so that the result of an update is one too.
        Emit(new Element(target, new ForeignKeySubscription<TKey, TLeft>(subscribe, version, (TKey)element.Key!, subscribe ? row : default!),
            element.Timestamp, element.Kind));
    }
}

/// <summary>How a foreign-key join's middle stage is defined.</summary>
internal sealed record ForeignKeyJoin<TKey, TLeft, TRightKey, TRight, TOut>(
    JoinType Type,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRightKey> ForeignKeySerde,
    ISerde<TRight> RightSerde);

/// <summary>
/// Stage 2 (by the foreign key): input 0 is the subscriptions, input 1 the right table's changes. State: the
/// subscriptions ([length][foreign key][left key] → [version][left row], store <c>subscriptions</c>) and the right row
/// per foreign key (store <c>right</c>). A subscription is answered with its left key's result against the current
/// right row; an unsubscription with no result; a right change with every subscriber's new result. Each answer goes
/// to the left key's partition, keyed by it.
/// </summary>
internal sealed class ForeignKeyJoinOperator<TKey, TLeft, TRightKey, TRight, TOut>(ForeignKeyJoin<TKey, TLeft, TRightKey, TRight, TOut> definition)
    : Operator
{
    public const string SubscriptionsState = "subscriptions";
    public const string RightState = "right";

    private readonly ArrayBufferWriter<byte> _foreignKey = new();
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private IKeyValueStore _subscriptions = null!;
    private IKeyValueStore _right = null!;

    protected override void Open()
    {
        _subscriptions = Store(SubscriptionsState);
        _right = Store(RightState);
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        _foreignKey.ResetWrittenCount();
        definition.ForeignKeySerde.Serialize((TRightKey)element.Key!, _foreignKey);
        if (input == 0)
        {
            Subscription((ForeignKeySubscription<TKey, TLeft>)element.Value!, element.Timestamp, element.Kind);
        }
        else
        {
            RightChange(element);
        }
    }

    private void Subscription(ForeignKeySubscription<TKey, TLeft> message, long timestamp, RowKind kind)
    {
        var subscriptionKey = StateKeys.Compose(_foreignKey.WrittenSpan, definition.KeySerde.Serialize(message.Key));
        if (!message.Subscribe)
        {
            _subscriptions.Delete(subscriptionKey);
            Respond(message.Key, message.Version, false, default!, timestamp, kind);
            return;
        }

        _buffer.ResetWrittenCount();
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), message.Version);
        _buffer.Advance(8);
        definition.LeftSerde.Serialize(message.Row, _buffer);
        _subscriptions.Put(subscriptionKey, _buffer.WrittenSpan);
        var right = _right.Get(_foreignKey.WrittenSpan);
        Answer(message.Key, message.Version, message.Row, right is not null, right is null ? default! : definition.RightSerde.Deserialize(right),
            timestamp, kind);
    }

    private void RightChange(in Element element)
    {
        var present = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        var right = present ? (TRight)element.Value! : default!;
        if (present)
        {
            _buffer.ResetWrittenCount();
            definition.RightSerde.Serialize(right, _buffer);
            _right.Put(_foreignKey.WrittenSpan, _buffer.WrittenSpan);
        }
        else
        {
            _right.Delete(_foreignKey.WrittenSpan);
        }

        var prefix = StateKeys.KeyPrefix(_foreignKey.WrittenSpan);
        foreach (var (subscriptionKey, value) in _subscriptions.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            var key = definition.KeySerde.Deserialize(StateKeys.SubKey(subscriptionKey));
            var version = BinaryPrimitives.ReadInt64BigEndian(value);
            Answer(key, version, definition.LeftSerde.Deserialize(value.AsSpan(8)), present, right, element.Timestamp, element.Kind);
        }
    }

    private void Answer(TKey key, long version, TLeft left, bool hasRight, TRight right, long timestamp, RowKind kind)
    {
        if (hasRight)
        {
            Respond(key, version, true, definition.Joiner(key, left, right), timestamp, kind);
        }
        else if (definition.Type == JoinType.Left)
        {
            Respond(key, version, true, definition.Joiner(key, left, default!), timestamp, kind);
        }
        else
        {
            Respond(key, version, false, default!, timestamp, kind);
        }
    }

    /// <summary>The response carries the kind of the change that caused it (see the resolve stage).</summary>
    private void Respond(TKey key, long version, bool hasResult, TOut result, long timestamp, RowKind kind) =>
        Emit(new Element(key, new ForeignKeyResponse<TOut>(version, hasResult, result), timestamp, kind));
}

/// <summary>
/// Stage 3 (by the left key): keeps the latest result per left key (store <c>results</c>: key bytes → [version][has
/// result][result bytes]) and emits the table's changes: an insert for a first result, update-before/update-after when
/// it changes (nothing when its bytes are equal), a delete when it goes (an update-before, or an update-after, when the
/// change that caused it was one: a left or right row's update yields an update pair). A response older than the held one comes from
/// a foreign key the row has left and is dropped; the held version stays when the result goes, so none can come back.
/// </summary>
internal sealed class ForeignKeyResolveOperator<TKey, TOut>(ISerde<TKey> keySerde, ISerde<TOut> outputSerde) : Operator
{
    public const string ResultsState = "results";

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _entry = new();
    private IKeyValueStore _results = null!;

    protected override void Open() => _results = Store(ResultsState);

    public override void Process(in Element element)
    {
        var key = (TKey)element.Key!;
        var response = (ForeignKeyResponse<TOut>)element.Value!;
        _key.ResetWrittenCount();
        keySerde.Serialize(key, _key);
        var held = _results.Get(_key.WrittenSpan);
        if (held is not null && BinaryPrimitives.ReadInt64BigEndian(held) > response.Version)
        {
            return;
        }

        _entry.ResetWrittenCount();
        var span = _entry.GetSpan(9);
        BinaryPrimitives.WriteInt64BigEndian(span, response.Version);
        span[8] = response.HasResult ? (byte)1 : (byte)0;
        _entry.Advance(9);
        if (response.HasResult)
        {
            outputSerde.Serialize(response.Result, _entry);
        }

        var hadResult = held is not null && held[8] == 1;
        if (hadResult && response.HasResult && held!.AsSpan(9).SequenceEqual(_entry.WrittenSpan[9..]))
        {
            // The same result: only the version moves.
            _results.Put(_key.WrittenSpan, _entry.WrittenSpan);
            return;
        }

        _results.Put(_key.WrittenSpan, _entry.WrittenSpan);
        // A result that goes because of an update-before is its update-before (the update-after brings the next one),
        // as is a result that comes with an update-after; otherwise a delete and an insert.
        if (hadResult)
        {
            var old = outputSerde.Deserialize(held!.AsSpan(9));
            Emit(new Element(key, old, element.Timestamp,
                response.HasResult || element.Kind == RowKind.UpdateBefore ? RowKind.UpdateBefore : RowKind.Delete));
        }

        if (response.HasResult)
        {
            Emit(new Element(key, response.Result, element.Timestamp,
                hadResult || element.Kind == RowKind.UpdateAfter ? RowKind.UpdateAfter : RowKind.Insert));
        }
    }
}
