using System.Buffers;
using System.Buffers.Binary;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Runtime;

/// <summary>
/// The running state of one aggregate call for one group, retraction-aware as Flink's "with retract" aggregate
/// functions: rows are added and taken back, and the result is written into an output row. Kept in the engine's
/// state as bytes (<see cref="Write"/>, <see cref="Read"/>).
/// </summary>
internal abstract class AggregateState
{
    public abstract void Add(Row row);

    public abstract void Retract(Row row);

    public abstract void WriteResult(Row output, int column);

    public abstract void Write(IBufferWriter<byte> into);

    public abstract void Read(ReadOnlySpan<byte> data, ref int offset);

    /// <summary>Whether <see cref="Merge"/> combines two states of this call (session windows merge their sessions' states).</summary>
    public virtual bool CanMerge => false;

    /// <summary>Adds <paramref name="other"/>'s rows (a state of the same call) into this state.</summary>
    public virtual void Merge(AggregateState other) => throw new NotSupportedException($"{GetType().Name} cannot merge states.");

    /// <summary>A factory of empty states for <paramref name="call"/> over rows of <paramref name="inputTypes"/>.</summary>
    public static Func<AggregateState> Factory(AggregateCall call, IReadOnlyList<SqlType> inputTypes)
    {
        if (call.Distinct)
        {
            // agg(DISTINCT x) is agg(x) fed each distinct value once (COUNT(DISTINCT x) counts the distinct values).
            if (call.Argument < 0 || call.UserFunction is { Arguments.Length: > 1 })
                throw new PlanningException($"{call}: DISTINCT takes one argument here.");
            var inner = Factory(call with { Distinct = false }, inputTypes);
            var column = call.Argument;
            var columnType = inputTypes[column];
            return () => new DistinctAggregateState(column, columnType, inner());
        }
        var argument = call.Argument;
        if (call.UserFunction is { } user)
            return () => new UserDefinedAggregateState(user);
        if (call.Kind == AggregateKind.CountStar)
            return () => new CountState(-1);
        if (call.Kind == AggregateKind.Count)
            return () => new CountState(argument);
        var type = inputTypes[argument];
        var result = call.Type;
        var average = call.Kind == AggregateKind.Avg;
        return call.Kind switch
        {
            AggregateKind.Min or AggregateKind.Max => () => new MinMaxState(argument, type, call.Kind == AggregateKind.Max),
            AggregateKind.VarPop or AggregateKind.VarSamp or AggregateKind.StddevPop or AggregateKind.StddevSamp => () => new MomentsAggregateState(
                argument, type, result, sample: call.Kind is AggregateKind.VarSamp or AggregateKind.StddevSamp,
                root: call.Kind is AggregateKind.StddevPop or AggregateKind.StddevSamp),
            AggregateKind.FirstValue or AggregateKind.LastValue or AggregateKind.ListAgg => () => new OrderedValuesAggregateState(argument, type, call.Kind, call.Separator),
            _ when type.IsInteger => () => new LongSumState(argument, result.Kind, average),
            _ when type.Kind is SqlTypeKind.Float or SqlTypeKind.Double => () => new DoubleSumState(argument, result.Kind, average),
            _ => () => new DecimalSumState(argument, result, average),
        };
    }

    protected static void WriteLong(IBufferWriter<byte> into, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(into.GetSpan(8), value);
        into.Advance(8);
    }

    protected static long ReadLong(ReadOnlySpan<byte> data, ref int offset)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
        offset += 8;
        return value;
    }

    /// <summary>COUNT(*) (argument −1) or COUNT(x): the rows, or those where x is not NULL.</summary>
    private sealed class CountState(int argument) : AggregateState
    {
        private long _count;

        public override void Add(Row row)
        {
            if (argument < 0 || !row.IsNull(argument))
                _count++;
        }

        public override void Retract(Row row)
        {
            if (argument < 0 || !row.IsNull(argument))
                _count--;
        }

        public override void WriteResult(Row output, int column) => output.SetBigInt(column, _count);

        public override void Write(IBufferWriter<byte> into) => WriteLong(into, _count);

        public override void Read(ReadOnlySpan<byte> data, ref int offset) => _count = ReadLong(data, ref offset);

        public override bool CanMerge => true;

        public override void Merge(AggregateState other) => _count += ((CountState)other)._count;
    }

    /// <summary>SUM or AVG of integers: a 64-bit sum wrapping as Java's, narrowed to the result type; AVG truncates.</summary>
    private sealed class LongSumState(int argument, SqlTypeKind result, bool average) : AggregateState
    {
        private long _sum;
        private long _count;

        // Integer columns keep their value sign-extended in the raw slot, whatever their width.
        public override void Add(Row row)
        {
            if (row.IsNull(argument))
                return;
            _sum = unchecked(_sum + row.GetRaw(argument));
            _count++;
        }

        public override void Retract(Row row)
        {
            if (row.IsNull(argument))
                return;
            _sum = unchecked(_sum - row.GetRaw(argument));
            _count--;
        }

        public override void WriteResult(Row output, int column)
        {
            if (_count == 0)
            {
                output.SetNull(column);
                return;
            }
            var value = average ? _sum / _count : _sum;
            switch (result)
            {
                case SqlTypeKind.TinyInt: output.SetTinyInt(column, unchecked((sbyte)value)); break;
                case SqlTypeKind.SmallInt: output.SetSmallInt(column, unchecked((short)value)); break;
                case SqlTypeKind.Int: output.SetInt(column, unchecked((int)value)); break;
                default: output.SetBigInt(column, value); break;
            }
        }

        public override void Write(IBufferWriter<byte> into)
        {
            WriteLong(into, _sum);
            WriteLong(into, _count);
        }

        public override void Read(ReadOnlySpan<byte> data, ref int offset)
        {
            _sum = ReadLong(data, ref offset);
            _count = ReadLong(data, ref offset);
        }

        public override bool CanMerge => true;

        public override void Merge(AggregateState other)
        {
            var o = (LongSumState)other;
            _sum = unchecked(_sum + o._sum);
            _count += o._count;
        }
    }

    /// <summary>SUM or AVG of FLOAT/DOUBLE (a retraction subtracts, so rounding may remain, as in Flink).</summary>
    private sealed class DoubleSumState(int argument, SqlTypeKind result, bool average) : AggregateState
    {
        private readonly bool _float = result == SqlTypeKind.Float;
        private double _sum;
        private long _count;

        private double Value(Row row) => _float ? row.GetFloat(argument) : row.GetDouble(argument);

        public override void Add(Row row)
        {
            if (row.IsNull(argument))
                return;
            _sum += Value(row);
            _count++;
        }

        public override void Retract(Row row)
        {
            if (row.IsNull(argument))
                return;
            _sum -= Value(row);
            _count--;
        }

        public override void WriteResult(Row output, int column)
        {
            if (_count == 0)
            {
                output.SetNull(column);
                return;
            }
            var value = average ? _sum / _count : _sum;
            if (_float)
                output.SetFloat(column, (float)value);
            else
                output.SetDouble(column, value);
        }

        public override void Write(IBufferWriter<byte> into)
        {
            WriteLong(into, BitConverter.DoubleToInt64Bits(_sum));
            WriteLong(into, _count);
        }

        public override void Read(ReadOnlySpan<byte> data, ref int offset)
        {
            _sum = BitConverter.Int64BitsToDouble(ReadLong(data, ref offset));
            _count = ReadLong(data, ref offset);
        }

        public override bool CanMerge => true;

        public override void Merge(AggregateState other)
        {
            var o = (DoubleSumState)other;
            _sum += o._sum;
            _count += o._count;
        }
    }

    /// <summary>SUM or AVG of DECIMAL: exact; NULL when the result overflows its DECIMAL(38, s) (or 28 digits).</summary>
    private sealed class DecimalSumState(int argument, SqlType result, bool average) : AggregateState
    {
        private decimal _sum;
        private long _count;
        private bool _overflowed;

        public override void Add(Row row) => Change(row, 1);

        public override void Retract(Row row) => Change(row, -1);

        private void Change(Row row, int sign)
        {
            if (row.IsNull(argument))
                return;
            try
            {
                _sum += sign * row.GetDecimal(argument);
            }
            catch (OverflowException)
            {
                _overflowed = true;
            }
            _count += sign;
        }

        public override void WriteResult(Row output, int column)
        {
            decimal? value = _count == 0 || _overflowed ? null
                : SqlArithmetic.Fit(average ? _sum / _count : _sum, result.Precision, result.Scale);
            if (value is { } v)
                output.SetDecimal(column, v);
            else
                output.SetNull(column);
        }

        public override void Write(IBufferWriter<byte> into)
        {
            Span<int> words = stackalloc int[4];
            decimal.GetBits(_sum, words);
            var span = into.GetSpan(16);
            for (var w = 0; w < 4; w++)
                BinaryPrimitives.WriteInt32LittleEndian(span[(w * 4)..], words[w]);
            into.Advance(16);
            WriteLong(into, _overflowed ? -_count - 1 : _count);
        }

        public override void Read(ReadOnlySpan<byte> data, ref int offset)
        {
            Span<int> words = stackalloc int[4];
            for (var w = 0; w < 4; w++)
                words[w] = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + (w * 4))..]);
            offset += 16;
            _sum = new decimal(words);
            var count = ReadLong(data, ref offset);
            _overflowed = count < 0;
            _count = _overflowed ? -count - 1 : count;
        }

        public override bool CanMerge => true;

        public override void Merge(AggregateState other)
        {
            var o = (DecimalSumState)other;
            try
            {
                _sum += o._sum;
            }
            catch (OverflowException)
            {
                _overflowed = true;
            }
            _overflowed |= o._overflowed;
            _count += o._count;
        }
    }

    /// <summary>
    /// MIN or MAX with retraction, as Flink's MinWithRetractAggFunction: the count of each distinct value, so that
    /// retracting the extreme finds the next one. Its state grows with the distinct values of the group.
    /// </summary>
    private sealed class MinMaxState(int argument, SqlType type, bool max) : AggregateState
    {
        private readonly SortedDictionary<object, long> _counts = new(new SqlValueComparer(type));
        private readonly BinaryRowSerde _values = new([type]);
        private readonly SqlType[] _types = [type];

        public override void Add(Row row)
        {
            var value = row.GetValue(argument, type);
            if (value is not null)
                _counts[value] = _counts.GetValueOrDefault(value) + 1;
        }

        public override void Retract(Row row)
        {
            var value = row.GetValue(argument, type);
            if (value is null || !_counts.TryGetValue(value, out var count))
                return;
            if (count <= 1)
                _counts.Remove(value);
            else
                _counts[value] = count - 1;
        }

        public override void WriteResult(Row output, int column)
        {
            if (_counts.Count == 0)
            {
                output.SetNull(column);
                return;
            }
            output.SetValue(column, type, max ? _counts.Keys.Last() : _counts.Keys.First());
        }

        public override void Write(IBufferWriter<byte> into)
        {
            WriteLong(into, _counts.Count);
            foreach (var (value, count) in _counts)
            {
                _values.Serialize(Row.Of(_types, value), into);
                WriteLong(into, count);
            }
        }

        public override void Read(ReadOnlySpan<byte> data, ref int offset)
        {
            var entries = ReadLong(data, ref offset);
            for (var e = 0; e < entries; e++)
            {
                var value = _values.ReadAt(data, ref offset).GetValue(0, type)!;
                _counts[value] = ReadLong(data, ref offset);
            }
        }

        public override bool CanMerge => true;

        public override void Merge(AggregateState other)
        {
            foreach (var (value, count) in ((MinMaxState)other)._counts)
                _counts[value] = _counts.GetValueOrDefault(value) + count;
        }
    }
}

/// <summary>Orders boxed SQL values of one type as SQL does: strings by code point, the rest by their natural order.</summary>
internal sealed class SqlValueComparer(SqlType type) : IComparer<object>
{
    public int Compare(object? x, object? y)
    {
        if (type.IsCharacterString)
            return SqlStrings.Compare((string?)x, (string?)y);
        return Comparer<object>.Default.Compare(x, y);
    }
}
