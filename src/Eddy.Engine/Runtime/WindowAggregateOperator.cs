using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>How a window aggregation is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record WindowAggregation<TKey, TValue, TAcc>(
    Windows Windows,
    long AllowedLateness,
    string LateTag,
    Func<TAcc> Initializer,
    Func<TKey, TValue, TAcc, TAcc> Adder,
    Func<TKey, TAcc, TAcc, TAcc>? Merger,
    ISerde<TKey> KeySerde,
    ISerde<TAcc> AccumulatorSerde,
    ISerde<TKey> LateKeySerde,
    ISerde<TValue> LateValueSerde);

/// <summary>
/// Incremental event-time window aggregation. Each (key, window)'s accumulator lives in the "windows" store as
/// [fired flag][accumulator bytes]; an event timer at the window's max timestamp fires it, and one at max timestamp +
/// allowed lateness forgets it. A record for a window that already fired but is within the lateness re-emits the
/// window's result as an update (update-before the old row, update-after the new); a record whose every window is past
/// its lateness goes to the late side output and is counted.
/// </summary>
internal sealed class WindowAggregateOperator<TKey, TValue, TAcc>(WindowAggregation<TKey, TValue, TAcc> definition) : Operator
{
    public const string WindowsState = "windows";
    public const string TimersState = "timers";

    private readonly List<TimeWindow> _assigned = [];

    // Reused per record so that the per-record path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private IKeyValueStore _windows = null!;
    private readonly WindowTimers _timers = new();

    // The windows this task has read or written, as written: the operator is the store's only writer (a task that
    // starts over, after an abort or a move, is a new operator), so a hit is what a store read would return, without
    // the read. Entries go with their windows.
    private readonly Dictionary<byte[], (bool Fired, TAcc Accumulator)> _cache = new(ByteArrayComparer.Instance);
    private Dictionary<byte[], (bool Fired, TAcc Accumulator)>.AlternateLookup<ReadOnlySpan<byte>> _cached;

    protected override void Open()
    {
        _windows = Store(WindowsState);
        _cached = _cache.GetAlternateLookup<ReadOnlySpan<byte>>();
        // The timers follow from the windows (see WindowTimers). The "timers" store stays declared for the plan's
        // layout but is no longer written.
        foreach (var (stateKey, bytes) in _windows.Range([], null))
        {
            var window = StateKeys.ReadWindow(stateKey);
            if (bytes[0] == 0)
            {
                _timers.Register(window.MaxTimestamp, stateKey);
            }

            _timers.Register(window.MaxTimestamp + definition.AllowedLateness, stateKey);
        }
    }

    public override void Process(in Element element)
    {
        var key = (TKey)element.Key!;
        var value = (TValue)element.Value!;
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize(key, _key);
        var keyBytes = _key.WrittenSpan;
        if (definition.Windows.IsMerging)
        {
            ProcessMerging(key, value, keyBytes.ToArray(), element);
            return;
        }

        _assigned.Clear();
        definition.Windows.Assign(element.Timestamp, _assigned);
        var accepted = false;
        foreach (var window in _assigned)
        {
            if (IsPastLateness(window))
            {
                continue;
            }

            accepted = true;
            var stateKey = WindowKey(keyBytes, window);
            var (found, fired, accumulator) = Read(stateKey);
            var updated = definition.Adder(key, value, found ? accumulator : definition.Initializer());
            if (window.MaxTimestamp <= Task.Watermark)
            {
                // Late but within the allowed lateness: its result was already emitted, so update it now.
                EmitResult(key, window, fired ? accumulator : default, fired, updated);
                Write(stateKey, fired: true, updated);
                if (!found)
                {
                    // A window first seen late still needs its cleanup timer (its firing timer, in the past, finds it fired).
                    RegisterTimers(keyBytes, window);
                }
            }
            else
            {
                Write(stateKey, fired: false, updated);
                if (!found)
                {
                    RegisterTimers(keyBytes, window);
                }
            }
        }

        if (!accepted)
        {
            Late(element);
        }
    }

    public override void OnWatermark(long watermark) =>
        _timers.FireDue(watermark, (timestamp, payload) =>
        {
            var window = StateKeys.ReadWindow(payload);
            var (found, fired, accumulator) = Read(payload);
            if (!found)
            {
                return;
            }

            var forget = timestamp == window.MaxTimestamp + definition.AllowedLateness;
            if (timestamp == window.MaxTimestamp && !fired)
            {
                EmitResult(definition.KeySerde.Deserialize(StateKeys.Key(payload)), window, default, false, accumulator);
                if (!forget)
                {
                    // Without lateness the window is deleted right below: marking it fired would be a write (and a
                    // changelog record) for nothing.
                    Write(payload, fired: true, accumulator);
                }
            }

            if (forget)
            {
                _windows.Delete(payload);
                _cache.Remove(payload);
            }
        });

    /// <summary>Session windows: the record's window absorbs every window of its key that it touches.</summary>
    private void ProcessMerging(TKey key, TValue value, byte[] keyBytes, in Element element)
    {
        _assigned.Clear();
        definition.Windows.Assign(element.Timestamp, _assigned);
        var merged = _assigned[0];
        _assigned.Clear();
        if (IsPastLateness(merged))
        {
            Late(element);
            return;
        }

        var accumulator = definition.Adder(key, value, definition.Initializer());
        var prefix = StateKeys.KeyPrefix(keyBytes);
        var replaced = new List<(TimeWindow Window, bool Fired, TAcc Accumulator)>();
        foreach (var (stateKey, bytes) in _windows.Range(prefix, StateKeys.PrefixEnd(prefix)).ToList())
        {
            var window = StateKeys.ReadWindow(stateKey);
            if (!window.Touches(merged))
            {
                continue;
            }

            var old = definition.AccumulatorSerde.Deserialize(bytes.AsSpan(1));
            replaced.Add((window, bytes[0] == 1, old));
            merged = merged.Cover(window);
            accumulator = definition.Merger!(key, old, accumulator);
            _windows.Delete(stateKey);
            _cache.Remove(stateKey);
            DeleteTimers(keyBytes, window);
        }

        var mergedKey = StateKeys.Window(keyBytes, merged);
        var anyFired = false;
        foreach (var (window, fired, old) in replaced)
        {
            if (fired)
            {
                // The merged session replaces an emitted one: retract it.
                Emit(new Element(new Windowed<TKey>(key, window.Start, window.End), old, window.MaxTimestamp, RowKind.UpdateBefore));
                anyFired = true;
            }
        }

        if (merged.MaxTimestamp <= Task.Watermark)
        {
            Emit(new Element(new Windowed<TKey>(key, merged.Start, merged.End), accumulator, merged.MaxTimestamp,
                anyFired ? RowKind.UpdateAfter : RowKind.Insert));
            Write(mergedKey, fired: true, accumulator);
            _timers.Register(merged.MaxTimestamp + definition.AllowedLateness, mergedKey);
        }
        else
        {
            Write(mergedKey, fired: false, accumulator);
            RegisterTimers(keyBytes, merged);
        }
    }

    /// <summary>Flink's rule: a window is gone once the watermark passes its max timestamp plus the allowed lateness.</summary>
    private bool IsPastLateness(TimeWindow window) => window.MaxTimestamp + definition.AllowedLateness <= Task.Watermark;

    private void Late(in Element element)
    {
        Task.Metrics.LateRecords++;
        // Late records are rare: their bytes (for the side output's topic) may cost an allocation.
        var key = (TKey)element.Key!;
        var value = (TValue)element.Value!;
        Task.Outputs.SideOutputs.Add(new SideOutputRecord(definition.LateTag, key, value, element.Timestamp,
            definition.LateKeySerde.Serialize(key), value is null ? null : definition.LateValueSerde.Serialize(value)));
    }

    private void EmitResult(TKey key, TimeWindow window, TAcc? previous, bool update, TAcc result)
    {
        var windowed = new Windowed<TKey>(key, window.Start, window.End);
        if (update)
        {
            Emit(new Element(windowed, previous, window.MaxTimestamp, RowKind.UpdateBefore));
        }

        Emit(new Element(windowed, result, window.MaxTimestamp, update ? RowKind.UpdateAfter : RowKind.Insert));
    }

    private void RegisterTimers(ReadOnlySpan<byte> keyBytes, TimeWindow window)
    {
        var payload = WindowKey(keyBytes, window);
        _timers.Register(window.MaxTimestamp, payload);
        if (definition.AllowedLateness != 0)
        {
            _timers.Register(window.MaxTimestamp + definition.AllowedLateness, payload);
        }
    }

    private void DeleteTimers(byte[] keyBytes, TimeWindow window)
    {
        var payload = StateKeys.Window(keyBytes, window);
        _timers.Delete(window.MaxTimestamp, payload);
        _timers.Delete(window.MaxTimestamp + definition.AllowedLateness, payload);
    }

    private ReadOnlySpan<byte> WindowKey(ReadOnlySpan<byte> keyBytes, TimeWindow window)
    {
        _stateKey.ResetWrittenCount();
        var length = StateKeys.WindowKeyLength(keyBytes);
        StateKeys.WriteWindow(_stateKey.GetSpan(length), keyBytes, window);
        _stateKey.Advance(length);
        return _stateKey.WrittenSpan;
    }

    private (bool Found, bool Fired, TAcc Accumulator) Read(ReadOnlySpan<byte> stateKey)
    {
        if (_cached.TryGetValue(stateKey, out var cached))
        {
            return (true, cached.Fired, cached.Accumulator);
        }

        var bytes = _windows.Get(stateKey);
        if (bytes is null)
        {
            return (false, false, default!);
        }

        var accumulator = definition.AccumulatorSerde.Deserialize(bytes.AsSpan(1));
        _cached[stateKey] = (bytes[0] == 1, accumulator);
        return (true, bytes[0] == 1, accumulator);
    }

    private void Write(ReadOnlySpan<byte> stateKey, bool fired, TAcc accumulator)
    {
        _value.ResetWrittenCount();
        _value.GetSpan(1)[0] = fired ? (byte)1 : (byte)0;
        _value.Advance(1);
        definition.AccumulatorSerde.Serialize(accumulator, _value);
        _windows.Put(stateKey, _value.WrittenSpan);
        _cached[stateKey] = (fired, accumulator);
    }
}
