using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// A non-windowed, retraction-aware aggregation into a table, as Flink's GroupAggFunction: each key's entry in the
/// "accumulators" store is [row count, 8 bytes big-endian][accumulator bytes]. An insert or update-after adds the row,
/// an update-before or delete retracts it; the key's result row is inserted when the key appears, updated
/// (update-before the old result, update-after the new one) when it changes, left alone when it does not, and deleted
/// (with the key's state) when the key's last row is retracted. Results carry the input row's timestamp.
/// </summary>
/// <remarks>
/// Nothing is cached: every record reads its key's entry from the store, so a restarted task resumes from its
/// stores alone. The function is shared by the tasks of a worker and must keep no state of its own.
/// </remarks>
internal sealed class AggregateOperator<TKey, TValue, TAcc, TOut>(IAggregateFunction<TValue, TAcc, TOut> function, ISerde<TKey> keySerde)
    : Operator
{
    public const string AccumulatorsState = "accumulators";

    private const int CountLength = 8;

    // Reused per record so that the per-record path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private IKeyValueStore _accumulators = null!;

    protected override void Open() => _accumulators = Store(AccumulatorsState);

    public override void Process(in Element element)
    {
        // As Kafka Streams' aggregations: a record without a value (a plain stream's tombstone) is not a row.
        if (element.Value is null)
        {
            return;
        }

        var value = (TValue)element.Value;
        var adds = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        _key.ResetWrittenCount();
        keySerde.Serialize((TKey)element.Key!, _key);
        var stored = _accumulators.Get(_key.WrittenSpan);
        if (stored is null)
        {
            // A retraction for a key with no rows takes back nothing this operator counted (Flink ignores it too).
            if (adds)
            {
                var first = function.Add(function.CreateAccumulator(), value);
                Write(1, first);
                Emit(new Element(element.Key, function.GetResult(first), element.Timestamp, RowKind.Insert));
            }

            return;
        }

        var count = BinaryPrimitives.ReadInt64BigEndian(stored);
        var accumulator = function.AccumulatorSerde.Deserialize(stored.AsSpan(CountLength));
        // Taken before the accumulator changes: Add and Retract may update a reference-type accumulator in place.
        var previous = function.GetResult(accumulator);
        if (adds)
        {
            accumulator = function.Add(accumulator, value);
            count++;
        }
        else if (--count == 0)
        {
            // The key's last row: its result goes, whatever the accumulator would say, so that an aggregate without
            // a retraction (a plain reduce) can still empty a key.
            _accumulators.Delete(_key.WrittenSpan);
            Emit(new Element(element.Key, previous, element.Timestamp, RowKind.Delete));
            return;
        }
        else
        {
            accumulator = Retract(accumulator, value);
        }

        Write(count, accumulator);
        var result = function.GetResult(accumulator);
        if (!EqualityComparer<TOut>.Default.Equals(previous, result))
        {
            Emit(new Element(element.Key, previous, element.Timestamp, RowKind.UpdateBefore));
            Emit(new Element(element.Key, result, element.Timestamp, RowKind.UpdateAfter));
        }
    }

    private TAcc Retract(TAcc accumulator, TValue value)
    {
        try
        {
            return function.Retract(accumulator, value);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException(
                $"Operator '{Node.Name}' received a retraction (an update-before or a delete) it cannot take back: {e.Message}", e);
        }
    }

    private void Write(long count, TAcc accumulator)
    {
        _value.ResetWrittenCount();
        BinaryPrimitives.WriteInt64BigEndian(_value.GetSpan(CountLength), count);
        _value.Advance(CountLength);
        function.AccumulatorSerde.Serialize(accumulator, _value);
        _accumulators.Put(_key.WrittenSpan, _value.WrittenSpan);
    }
}
