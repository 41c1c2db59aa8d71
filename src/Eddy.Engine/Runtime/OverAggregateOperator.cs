using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>The state names of an OVER aggregate.</summary>
internal static class OverAggregate
{
    /// <summary>Rows waiting for the watermark: [length][key][timestamp] → the rows of that timestamp, as [length][bytes]... in arrival order.</summary>
    public const string BufferState = "buffer";

    /// <summary>Rows inside a bounded frame: [length][key][sequence] → [timestamp][row bytes]; sequence order is timestamp order.</summary>
    public const string FrameState = "frame";

    /// <summary>Per key: [length][key] → [rows in the frame][next sequence][last timestamp aggregated][accumulator bytes].</summary>
    public const string AccumulatorState = "accumulators";
}

/// <summary>How an OVER aggregate is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record OverAggregation<TKey, TValue, TAcc, TAgg, TOut>(
    OverWindow Window,
    IAggregateFunction<TValue, TAcc, TAgg> Function,
    Func<TValue, TAgg, TOut> Result,
    ISerde<TKey> KeySerde,
    ISerde<TValue> ValueSerde);

/// <summary>
/// An OVER aggregate ordered by event time, as Flink's row-time over functions. A row waits in the buffer until the
/// watermark passes its timestamp (later rows of the key may still come before it); then each timestamp's rows are
/// aggregated in timestamp order. A bounded frame keeps its rows, numbered in the order they entered it, so that the
/// oldest can be retracted from the accumulator as the frame slides: ROWS keeps the last n + 1 rows of a key, RANGE
/// the rows within the interval, and a RANGE key whose frame the watermark has emptied (every later row is past the
/// interval) is forgotten. Unbounded frames keep only the accumulator.
/// </summary>
/// <remarks>
/// The event-time timers are not state of their own: a timer at each buffered timestamp follows from the buffer, and a
/// RANGE key's cleanup timer from its last aggregated timestamp, so <see cref="Open"/> rebuilds them from the stores.
/// </remarks>
internal sealed class OverAggregateOperator<TKey, TValue, TAcc, TAgg, TOut>(OverAggregation<TKey, TValue, TAcc, TAgg, TOut> definition)
    : Operator
{
    // Timer payloads start with their kind: at the same time a key's rows are aggregated before its cleanup is considered.
    private const byte AggregateTimer = 0;
    private const byte CleanupTimer = 1;

    // Header of an accumulator entry: rows in the frame, next sequence number, last aggregated timestamp.
    private const int HeaderLength = 24;

    private readonly WindowTimers _timers = new();
    private readonly List<TValue> _rows = [];
    private readonly List<int> _rowOffsets = [];

    // Reused per record so that the per-record path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private readonly ArrayBufferWriter<byte> _row = new();
    private readonly ArrayBufferWriter<byte> _timerPayload = new();
    private readonly byte[] _frameKey = new byte[256];
    private IKeyValueStore _buffer = null!;
    private IKeyValueStore _frame = null!;
    private IKeyValueStore _accumulators = null!;

    private OverWindow Window => definition.Window;

    private bool KeepsFrame => !Window.IsUnbounded;

    protected override void Open()
    {
        _buffer = Store(OverAggregate.BufferState);
        _frame = Store(OverAggregate.FrameState);
        _accumulators = Store(OverAggregate.AccumulatorState);
        foreach (var (bufferKey, _) in _buffer.Range([], null))
        {
            RegisterTimer(AggregateTimer, StateKeys.ReadTime(StateKeys.SubKey(bufferKey)), bufferKey);
        }

        if (Window is { IsRange: true, IsUnbounded: false })
        {
            foreach (var (accumulatorKey, bytes) in _accumulators.Range([], null))
            {
                RegisterTimer(CleanupTimer, ReadLong(bytes, 16) + Window.Preceding, accumulatorKey);
            }
        }
    }

    public override void Process(in Element element)
    {
        if (element.Kind != RowKind.Insert)
        {
            throw new InvalidOperationException(
                $"OVER aggregate '{Node.Name}' takes insert-only rows, but got a {element.Kind} row: an OVER aggregate's results cannot be retracted.");
        }

        if (element.Timestamp <= Task.Watermark)
        {
            // Rows before it were already aggregated: it has no place in their order any more (Flink drops it too).
            Task.Metrics.LateRecords++;
            return;
        }

        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        var bufferKey = TimestampKey(_key.WrittenSpan, element.Timestamp);
        var existing = _buffer.Get(bufferKey);

        _value.ResetWrittenCount();
        if (existing is null)
        {
            RegisterTimer(AggregateTimer, element.Timestamp, bufferKey);
        }
        else
        {
            _value.Write(existing);
        }

        // [length][row bytes] appended: rows of one timestamp keep their arrival order (ROWS frames need it).
        _row.ResetWrittenCount();
        definition.ValueSerde.Serialize((TValue)element.Value!, _row);
        BinaryPrimitives.WriteInt32BigEndian(_value.GetSpan(4), _row.WrittenCount);
        _value.Advance(4);
        _value.Write(_row.WrittenSpan);
        _buffer.Put(bufferKey, _value.WrittenSpan);
    }

    public override void OnWatermark(long watermark) =>
        _timers.FireDue(watermark, (timestamp, payload) =>
        {
            if (payload[0] == AggregateTimer)
            {
                Aggregate(timestamp, payload.AsSpan(1));
            }
            else
            {
                Cleanup(timestamp, payload.AsSpan(1));
            }
        });

    /// <summary>The rows of one key and timestamp, now that the watermark has passed it: into the frame, and out with their results.</summary>
    private void Aggregate(long timestamp, ReadOnlySpan<byte> bufferKey)
    {
        var buffered = _buffer.Get(bufferKey);
        if (buffered is null)
        {
            return;
        }

        _buffer.Delete(bufferKey);
        ReadRows(buffered);
        var keyBytes = StateKeys.Key(bufferKey);
        var accumulatorKey = bufferKey[..(4 + keyBytes.Length)];
        var key = definition.KeySerde.Deserialize(keyBytes);
        var (found, inFrame, nextSequence, accumulator) = ReadAccumulator(accumulatorKey);
        var function = definition.Function;

        if (Window.IsRange)
        {
            if (KeepsFrame)
            {
                // Rows more than the interval before this timestamp leave the frame, oldest first.
                var from = timestamp - Window.Preceding;
                while (inFrame > 0 && TryRetractOldest(keyBytes, nextSequence - inFrame, notBefore: from, ref accumulator))
                {
                    inFrame--;
                }
            }

            // Peers: every row of this timestamp is in the frame of each of them.
            for (var i = 0; i < _rows.Count; i++)
            {
                accumulator = function.Add(accumulator, _rows[i]);
                if (KeepsFrame)
                {
                    PutFrameRow(keyBytes, nextSequence++, timestamp, buffered, i);
                    inFrame++;
                }
            }

            var aggregate = function.GetResult(accumulator);
            foreach (var row in _rows)
            {
                Emit(new Element(key, definition.Result(row, aggregate), timestamp, RowKind.Insert));
            }

            if (KeepsFrame && !found)
            {
                // One cleanup timer per key, not per timestamp: when it fires early it moves itself (see Cleanup).
                RegisterTimer(CleanupTimer, timestamp + Window.Preceding, accumulatorKey);
            }
        }
        else
        {
            for (var i = 0; i < _rows.Count; i++)
            {
                accumulator = function.Add(accumulator, _rows[i]);
                if (KeepsFrame)
                {
                    PutFrameRow(keyBytes, nextSequence++, timestamp, buffered, i);
                    inFrame++;
                    // The row and the n rows before it.
                    if (inFrame > Window.Preceding + 1)
                    {
                        _ = TryRetractOldest(keyBytes, nextSequence - inFrame, notBefore: null, ref accumulator);
                        inFrame--;
                    }
                }

                Emit(new Element(key, definition.Result(_rows[i], function.GetResult(accumulator)), timestamp, RowKind.Insert));
            }
        }

        WriteAccumulator(accumulatorKey, inFrame, nextSequence, timestamp, accumulator);
    }

    /// <summary>
    /// A RANGE key's cleanup timer, at its last aggregated timestamp + the interval: once the watermark is there, any
    /// row still to come is more than the interval after every row of the frame, so the key's state can go.
    /// </summary>
    private void Cleanup(long timestamp, ReadOnlySpan<byte> accumulatorKey)
    {
        var bytes = _accumulators.Get(accumulatorKey);
        if (bytes is null)
        {
            return;
        }

        var due = ReadLong(bytes, 16) + Window.Preceding;
        if (due > timestamp)
        {
            // Rows aggregated since the timer was set keep the frame alive longer.
            RegisterTimer(CleanupTimer, due, accumulatorKey);
            return;
        }

        var keyBytes = StateKeys.Key(accumulatorKey);
        var inFrame = ReadLong(bytes, 0);
        var nextSequence = ReadLong(bytes, 8);
        for (var sequence = nextSequence - inFrame; sequence < nextSequence; sequence++)
        {
            _frame.Delete(FrameKey(keyBytes, sequence));
        }

        _accumulators.Delete(accumulatorKey);
    }

    /// <summary>Retracts the frame's oldest row, unless its timestamp is at or after <paramref name="notBefore"/>.</summary>
    private bool TryRetractOldest(ReadOnlySpan<byte> keyBytes, long sequence, long? notBefore, ref TAcc accumulator)
    {
        var frameKey = FrameKey(keyBytes, sequence);
        var bytes = _frame.Get(frameKey) ?? throw new InvalidOperationException(
            $"OVER aggregate '{Node.Name}': frame row {sequence} of a key is missing from its store.");
        if (StateKeys.ReadTime(bytes) >= notBefore)
        {
            return false;
        }

        accumulator = definition.Function.Retract(accumulator, definition.ValueSerde.Deserialize(bytes.AsSpan(8)));
        _frame.Delete(frameKey);
        return true;
    }

    private void PutFrameRow(ReadOnlySpan<byte> keyBytes, long sequence, long timestamp, byte[] buffered, int row)
    {
        _scratch.ResetWrittenCount();
        StateKeys.WriteTime(_scratch.GetSpan(8), timestamp);
        _scratch.Advance(8);
        var at = _rowOffsets[row];
        _scratch.Write(buffered.AsSpan(at + 4, BinaryPrimitives.ReadInt32BigEndian(buffered.AsSpan(at))));
        _frame.Put(FrameKey(keyBytes, sequence), _scratch.WrittenSpan);
    }

    private void ReadRows(byte[] buffered)
    {
        _rows.Clear();
        _rowOffsets.Clear();
        for (var at = 0; at < buffered.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(buffered.AsSpan(at));
            _rowOffsets.Add(at);
            _rows.Add(definition.ValueSerde.Deserialize(buffered.AsSpan(at + 4, length)));
            at += 4 + length;
        }
    }

    private (bool Found, long InFrame, long NextSequence, TAcc Accumulator) ReadAccumulator(ReadOnlySpan<byte> accumulatorKey)
    {
        var bytes = _accumulators.Get(accumulatorKey);
        return bytes is null
            ? (false, 0, 0, definition.Function.CreateAccumulator())
            : (true, ReadLong(bytes, 0), ReadLong(bytes, 8), definition.Function.AccumulatorSerde.Deserialize(bytes.AsSpan(HeaderLength)));
    }

    private void WriteAccumulator(ReadOnlySpan<byte> accumulatorKey, long inFrame, long nextSequence, long lastTimestamp, TAcc accumulator)
    {
        _value.ResetWrittenCount();
        var header = _value.GetSpan(HeaderLength);
        BinaryPrimitives.WriteInt64BigEndian(header, inFrame);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], nextSequence);
        BinaryPrimitives.WriteInt64BigEndian(header[16..], lastTimestamp);
        _value.Advance(HeaderLength);
        definition.Function.AccumulatorSerde.Serialize(accumulator, _value);
        _accumulators.Put(accumulatorKey, _value.WrittenSpan);
    }

    private static long ReadLong(byte[] bytes, int at) => BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(at));

    /// <summary>[length][key][timestamp] in a reused buffer.</summary>
    private ReadOnlySpan<byte> TimestampKey(ReadOnlySpan<byte> keyBytes, long timestamp)
    {
        _scratch.ResetWrittenCount();
        var span = _scratch.GetSpan(12 + keyBytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, keyBytes.Length);
        keyBytes.CopyTo(span[4..]);
        StateKeys.WriteTime(span[(4 + keyBytes.Length)..], timestamp);
        _scratch.Advance(12 + keyBytes.Length);
        return _scratch.WrittenSpan;
    }

    /// <summary>[length][key][sequence]: a fixed buffer for ordinary keys, an array for long ones.</summary>
    private ReadOnlySpan<byte> FrameKey(ReadOnlySpan<byte> keyBytes, long sequence)
    {
        var length = 12 + keyBytes.Length;
        var key = length <= _frameKey.Length ? _frameKey.AsSpan(0, length) : new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(key, keyBytes.Length);
        keyBytes.CopyTo(key[4..]);
        BinaryPrimitives.WriteInt64BigEndian(key[(4 + keyBytes.Length)..], sequence);
        return key;
    }

    /// <summary>[kind][state key]: the timers copy their payload, so it is composed in a reused buffer.</summary>
    private void RegisterTimer(byte kind, long timestamp, ReadOnlySpan<byte> stateKey)
    {
        _timerPayload.ResetWrittenCount();
        _timerPayload.GetSpan(1)[0] = kind;
        _timerPayload.Advance(1);
        _timerPayload.Write(stateKey);
        _timers.Register(timestamp, _timerPayload.WrittenSpan);
    }
}
