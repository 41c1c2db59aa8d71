using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>How a deduplication is defined.</summary>
internal sealed record DeduplicateDefinition<TKey, TValue>(
    DeduplicateKeep Keep,
    TimeDomain Time,
    long? TimeToLive,
    ISerde<TKey> KeySerde,
    ISerde<TValue> ValueSerde);

/// <summary>
/// Keeps one row per key, as Flink's deduplication (ROW_NUMBER() = 1 over the key, ordered by time): the first or the
/// last, by event time (the record's timestamp) or processing time (arrival). The kept row is in the "rows" store as
/// [expires at][order time][timestamp][row bytes]: keep-first emits a key's first row and nothing after it, unless (by
/// event time) an earlier row arrives, which replaces it (update-before the old, update-after the new); keep-last
/// replaces the row with each newer one the same way. With a time-to-live a key's row is forgotten once the watermark
/// (event time) or the task's clock (processing time) reaches its time plus the TTL, by a timer in the "timers" store;
/// the next row of the key is then new. The input is insert-only (Build refuses an updating one, as Flink does): a
/// kept row that its input could retract or update would leave the deduplication's answer undefined.
/// </summary>
internal sealed class DeduplicateOperator<TKey, TValue>(DeduplicateDefinition<TKey, TValue> definition) : Operator
{
    public const string RowsState = "rows";
    public const string TimersState = "timers";
    private const int Header = 24;

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _row = new();
    private IKeyValueStore _rows = null!;
    private TimerService? _timers;

    protected override void Open()
    {
        _rows = Store(RowsState);
        if (definition.TimeToLive is not null)
        {
            _timers = new TimerService(Store(TimersState));
        }
    }

    public override void Process(in Element element)
    {
        if (element.Value is null)
        {
            return;
        }

        var eventTime = definition.Time == TimeDomain.EventTime;
        var now = eventTime ? Task.Watermark : Task.ProcessingTime;
        var orderTime = eventTime ? element.Timestamp : Task.ProcessingTime;
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        var keyBytes = _key.WrittenSpan;
        var kept = _rows.Get(keyBytes);
        if (kept is not null && ExpiresAt(kept) <= now)
        {
            // Past its time-to-live (its timer has not run yet): the key is new again.
            kept = null;
        }

        WriteRow(element, orderTime);
        if (kept is null)
        {
            Keep(keyBytes, null);
            Emit(new Element(element.Key, element.Value, element.Timestamp, RowKind.Insert));
            return;
        }

        var replaces = definition.Keep == DeduplicateKeep.First
            ? eventTime && orderTime < OrderTimeOf(kept)
            : !eventTime || orderTime >= OrderTimeOf(kept);
        if (replaces)
        {
            Keep(keyBytes, kept);
            Emit(new Element(element.Key, definition.ValueSerde.Deserialize(kept.AsSpan(Header)), TimestampOf(kept), RowKind.UpdateBefore));
            Emit(new Element(element.Key, element.Value, element.Timestamp, RowKind.UpdateAfter));
        }
    }

    public override void OnWatermark(long watermark) => Expire(TimeDomain.EventTime, watermark);

    public override void OnProcessingTime(long now) => Expire(TimeDomain.ProcessingTime, now);

    private void Expire(TimeDomain domain, long upTo)
    {
        if (_timers is null || domain != definition.Time)
        {
            return;
        }

        _timers.FireDue(domain, upTo, (time, keyBytes) =>
        {
            // The row may have been replaced since: it goes only if this was its expiry.
            var kept = _rows.Get(keyBytes);
            if (kept is not null && ExpiresAt(kept) <= time)
            {
                _rows.Delete(keyBytes);
            }
        });
    }

    /// <summary>Writes [expires at][order time][timestamp][row] for the record into <see cref="_row"/>.</summary>
    private void WriteRow(in Element element, long orderTime)
    {
        _row.ResetWrittenCount();
        var header = _row.GetSpan(Header);
        var expiresAt = definition.TimeToLive is { } ttl ? SaturatingAdd(orderTime, ttl) : long.MaxValue;
        BinaryPrimitives.WriteInt64BigEndian(header, expiresAt);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], orderTime);
        BinaryPrimitives.WriteInt64BigEndian(header[16..], element.Timestamp);
        _row.Advance(Header);
        definition.ValueSerde.Serialize((TValue)element.Value!, _row);
    }

    /// <summary>Stores the row in <see cref="_row"/> as the key's kept row, moving its expiry timer.</summary>
    private void Keep(ReadOnlySpan<byte> keyBytes, byte[]? previous)
    {
        _rows.Put(keyBytes, _row.WrittenSpan);
        if (_timers is null)
        {
            return;
        }

        var expiresAt = ExpiresAt(_row.WrittenSpan);
        if (previous is not null && ExpiresAt(previous) != expiresAt)
        {
            _timers.Delete(definition.Time, ExpiresAt(previous), keyBytes);
        }

        _timers.Register(definition.Time, expiresAt, keyBytes);
    }

    private static long ExpiresAt(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64BigEndian(row);

    private static long OrderTimeOf(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64BigEndian(row[8..]);

    private static long TimestampOf(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64BigEndian(row[16..]);

    private static long SaturatingAdd(long time, long ttl) => time > long.MaxValue - ttl ? long.MaxValue : time + ttl;
}
