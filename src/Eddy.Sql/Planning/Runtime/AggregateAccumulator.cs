using System.Buffers;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Runtime;

/// <summary>A group's accumulator: its key row (taken from its first row, for the result) and one state per aggregate call.</summary>
internal sealed class AggregateAccumulator(AggregateState[] states)
{
    public Row? Key { get; set; }

    public AggregateState[] States { get; } = states;
}

/// <summary>
/// Runs a GROUP BY's (or a window's) aggregate calls as one engine aggregate function over rows: FILTER (WHERE ...)
/// decides per call whether a row counts, and the result row is the group key's columns then one column per call.
/// Shared by the tasks of a job, so it keeps nothing but the plan.
/// </summary>
internal sealed class RowAggregateFunction : IAggregateFunction<Row, AggregateAccumulator, Row>
{
    private readonly Func<AggregateState>[] _factories;
    private readonly int?[] _filters;
    private readonly Func<Row, Row> _keyOf;
    private readonly SqlType[] _keyTypes;

    public RowAggregateFunction(IReadOnlyList<AggregateCall> calls, IReadOnlyList<SqlType> inputTypes, Func<Row, Row> keyOf, IReadOnlyList<SqlType> keyTypes)
    {
        _factories = new Func<AggregateState>[calls.Count];
        _filters = new int?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            _factories[i] = AggregateState.Factory(calls[i], inputTypes);
            _filters[i] = calls[i].FilterArgument;
        }
        _keyOf = keyOf;
        _keyTypes = [.. keyTypes];
        AccumulatorSerde = new Serde(this, new BinaryRowSerde(_keyTypes));
    }

    /// <summary>The number of output columns: the key's and the calls'.</summary>
    public int Arity => _keyTypes.Length + _factories.Length;

    public ISerde<AggregateAccumulator> AccumulatorSerde { get; }

    public AggregateAccumulator CreateAccumulator()
    {
        var states = new AggregateState[_factories.Length];
        for (var i = 0; i < states.Length; i++)
            states[i] = _factories[i]();
        return new AggregateAccumulator(states);
    }

    public AggregateAccumulator Add(AggregateAccumulator accumulator, Row value)
    {
        accumulator.Key ??= _keyOf(value);
        for (var i = 0; i < _factories.Length; i++)
        {
            if (Counts(i, value))
                accumulator.States[i].Add(value);
        }
        return accumulator;
    }

    public AggregateAccumulator Retract(AggregateAccumulator accumulator, Row value)
    {
        for (var i = 0; i < _factories.Length; i++)
        {
            if (Counts(i, value))
                accumulator.States[i].Retract(value);
        }
        return accumulator;
    }

    /// <summary>FILTER (WHERE c): the row counts for the call only when c is TRUE.</summary>
    private bool Counts(int call, Row value) => _filters[call] is not { } filter || (!value.IsNull(filter) && value.GetBoolean(filter));

    public Row GetResult(AggregateAccumulator accumulator)
    {
        var result = new Row(Arity);
        WriteResult(accumulator, accumulator.Key, result);
        return result;
    }

    /// <summary>Writes the key's columns then the calls' results into the first columns of <paramref name="output"/>.</summary>
    public void WriteResult(AggregateAccumulator accumulator, Row? key, Row output)
    {
        for (var k = 0; k < _keyTypes.Length; k++)
        {
            if (key is null || key.IsNull(k))
                output.SetNull(k);
            else if (_keyTypes[k].IsPrimitive)
                output.SetRaw(k, key.GetRaw(k));
            else
                output.SetValue(k, _keyTypes[k], key.GetObject(k));
        }
        for (var i = 0; i < _factories.Length; i++)
            accumulator.States[i].WriteResult(output, _keyTypes.Length + i);
    }

    /// <summary>[has key][key row][state of each call].</summary>
    private sealed class Serde(RowAggregateFunction function, BinaryRowSerde keys) : ISerde<AggregateAccumulator>
    {
        public byte[] Serialize(AggregateAccumulator value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Serialize(value, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        public void Serialize(AggregateAccumulator value, IBufferWriter<byte> into)
        {
            into.GetSpan(1)[0] = value.Key is null ? (byte)0 : (byte)1;
            into.Advance(1);
            if (value.Key is not null)
                keys.Serialize(value.Key, into);
            foreach (var state in value.States)
                state.Write(into);
        }

        public AggregateAccumulator Deserialize(ReadOnlySpan<byte> data)
        {
            var accumulator = function.CreateAccumulator();
            var offset = 1;
            if (data[0] == 1)
                accumulator.Key = keys.ReadAt(data, ref offset);
            foreach (var state in accumulator.States)
                state.Read(data, ref offset);
            return accumulator;
        }
    }
}
