using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>The state names of a temporal join, shared by the API (the plan's stores) and the operator.</summary>
internal static class TemporalJoinOperator
{
    public const string VersionsState = "versions";
    public const string PendingState = "pending";
    public const string TimersState = "timers";
}

/// <summary>How a temporal join is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record TemporalJoinDefinition<TKey, TValue, TRow, TOut>(
    ISerde<TKey> KeySerde,
    ISerde<TValue> ValueSerde,
    ISerde<TRow> RowSerde,
    Func<TKey, TValue, TRow, TOut> Joiner,
    bool Left);

/// <summary>
/// An event-time temporal join, as Flink's join with an event-time versioned table. Input 0 is the stream, input 1
/// the table's changelog, kept as versions in the "versions" store: [length][key][version time] → [1][row] (an insert
/// or update-after) or [0] (an update-before or a delete: the row stops being valid then). A stream record waits in the
/// "pending" store, [time][length][key] → its records as [kind][length][value]..., until the watermark passes its time;
/// it is then joined with the latest version at or before its time, and its results are final because the watermark
/// also covers the table. Each version registers an event-time timer (the "timers" store) at its time: when the
/// watermark passes it, the key's versions before the newest one at or before the watermark are dropped (that one too
/// when it is a delete), since no record still to come can need them.
/// </summary>
internal sealed class TemporalJoinOperator<TKey, TValue, TRow, TOut>(TemporalJoinDefinition<TKey, TValue, TRow, TOut> definition) : Operator
{
    private const byte RowMarker = 1;
    private const byte EndMarker = 0;

    // Reused per record: the per-record path allocates no key or value buffers of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private readonly ArrayBufferWriter<byte> _element = new();
    private readonly List<KeyValuePair<byte[], byte[]>> _due = [];
    private readonly List<KeyValuePair<byte[], byte[]>> _scan = [];
    private IKeyValueStore _versions = null!;
    private IKeyValueStore _pending = null!;
    private TimerService _timers = null!;

    protected override void Open()
    {
        _versions = Store(TemporalJoinOperator.VersionsState);
        _pending = Store(TemporalJoinOperator.PendingState);
        _timers = new TimerService(Store(TemporalJoinOperator.TimersState));
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        if (input == 1)
        {
            AddVersion(element);
        }
        else if (element.Timestamp <= Task.Watermark)
        {
            // Late beyond the bound: nothing waits for it, so it is joined now with the versions still kept.
            Join((TKey)element.Key!, _key.WrittenSpan, (TValue)element.Value!, element.Timestamp, element.Kind);
        }
        else
        {
            HoldBack(element);
        }
    }

    public override void OnWatermark(long watermark)
    {
        // Records first: they may need versions the pruning below drops.
        _due.Clear();
        var to = watermark == long.MaxValue ? null : TimeKey(watermark + 1);
        _due.AddRange(_pending.Range([], to));
        foreach (var (pendingKey, records) in _due)
        {
            var time = StateKeys.ReadTime(pendingKey);
            var keyBytes = StateKeys.Key(pendingKey.AsSpan(8));
            var key = definition.KeySerde.Deserialize(keyBytes);
            for (var at = 0; at < records.Length;)
            {
                var kind = (RowKind)records[at];
                var length = BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(at + 1));
                var value = length < 0 ? default! : definition.ValueSerde.Deserialize(records.AsSpan(at + 5, length));
                Join(key, keyBytes, value, time, kind);
                at += 5 + Math.Max(length, 0);
            }

            _pending.Delete(pendingKey);
        }

        _timers.FireDue(TimeDomain.EventTime, watermark, (_, keyBytes) => Prune(keyBytes, watermark));
    }

    private void AddVersion(in Element change)
    {
        var keyBytes = _key.WrittenSpan;
        _value.ResetWrittenCount();
        if (change.Kind is RowKind.UpdateBefore or RowKind.Delete || change.Value is null)
        {
            _value.GetSpan(1)[0] = EndMarker;
            _value.Advance(1);
        }
        else
        {
            _value.GetSpan(1)[0] = RowMarker;
            _value.Advance(1);
            definition.RowSerde.Serialize((TRow)change.Value, _value);
        }

        _versions.Put(VersionKey(keyBytes, change.Timestamp), _value.WrittenSpan);
        _timers.Register(TimeDomain.EventTime, change.Timestamp, keyBytes);
    }

    /// <summary>Appends the record to the ones of its key and time already waiting (one read and one write).</summary>
    private void HoldBack(in Element element)
    {
        var keyBytes = _key.WrittenSpan;
        _stateKey.ResetWrittenCount();
        var span = _stateKey.GetSpan(12 + keyBytes.Length);
        StateKeys.WriteTime(span, element.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], keyBytes.Length);
        keyBytes.CopyTo(span[12..]);
        _stateKey.Advance(12 + keyBytes.Length);
        var pendingKey = _stateKey.WrittenSpan;

        // A null value (a delete of an updating stream may carry none) is written with length -1.
        _element.ResetWrittenCount();
        if (element.Value is not null)
        {
            definition.ValueSerde.Serialize((TValue)element.Value, _element);
        }

        _value.ResetWrittenCount();
        if (_pending.Get(pendingKey) is { } waiting)
        {
            _value.Write(waiting);
        }

        var header = _value.GetSpan(5);
        header[0] = (byte)element.Kind;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], element.Value is null ? -1 : _element.WrittenCount);
        _value.Advance(5);
        _value.Write(_element.WrittenSpan);
        _pending.Put(pendingKey, _value.WrittenSpan);
    }

    private void Join(TKey key, ReadOnlySpan<byte> keyBytes, TValue value, long time, RowKind kind)
    {
        var found = ValidAt(keyBytes, time, out var row);
        if (found || definition.Left)
        {
            Emit(new Element(key, definition.Joiner(key, value, row), time, kind));
        }
    }

    /// <summary>The row of the latest version at or before <paramref name="time"/>, unless that version ends the row.</summary>
    private bool ValidAt(ReadOnlySpan<byte> keyBytes, long time, out TRow row)
    {
        var prefix = StateKeys.KeyPrefix(keyBytes);
        var to = time == long.MaxValue ? StateKeys.PrefixEnd(prefix) : VersionKey(keyBytes, time + 1).ToArray();
        byte[]? latest = null;
        foreach (var (_, bytes) in _versions.Range(prefix, to))
        {
            latest = bytes;
        }

        if (latest is null || latest[0] == EndMarker)
        {
            row = default!;
            return false;
        }

        row = definition.RowSerde.Deserialize(latest.AsSpan(1));
        return true;
    }

    /// <summary>Drops the key's versions that no record still to come can need: all before the newest at or before the watermark.</summary>
    private void Prune(byte[] keyBytes, long watermark)
    {
        var prefix = StateKeys.KeyPrefix(keyBytes);
        var to = watermark == long.MaxValue ? StateKeys.PrefixEnd(prefix) : VersionKey(keyBytes, watermark + 1).ToArray();
        KeyValuePair<byte[], byte[]>? previous = null;
        _scan.Clear();
        _scan.AddRange(_versions.Range(prefix, to));
        foreach (var version in _scan)
        {
            if (previous is { } older)
            {
                _versions.Delete(older.Key);
            }

            previous = version;
        }

        // A delete valid at the watermark answers as no version at all does.
        if (previous is { } newest && newest.Value[0] == EndMarker)
        {
            _versions.Delete(newest.Key);
        }
    }

    private ReadOnlySpan<byte> VersionKey(ReadOnlySpan<byte> keyBytes, long time)
    {
        _stateKey.ResetWrittenCount();
        var span = _stateKey.GetSpan(12 + keyBytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, keyBytes.Length);
        keyBytes.CopyTo(span[4..]);
        StateKeys.WriteTime(span[(4 + keyBytes.Length)..], time);
        _stateKey.Advance(12 + keyBytes.Length);
        return _stateKey.WrittenSpan;
    }

    private static byte[] TimeKey(long time)
    {
        var bytes = new byte[8];
        StateKeys.WriteTime(bytes, time);
        return bytes;
    }
}
