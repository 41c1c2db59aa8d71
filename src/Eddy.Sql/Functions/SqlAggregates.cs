using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using Eddy.Engine;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>The running sum and the number of non-NULL rows in it, the state of SUM, SUM0 and AVG.</summary>
/// <param name="Sum">The sum of the non-NULL values.</param>
/// <param name="Count">How many non-NULL values were added (less those retracted).</param>
public readonly record struct SumState<T>(T Sum, long Count)
    where T : struct, INumber<T>;

/// <summary>The count, sum and sum of squares of the non-NULL values, the state of VAR_* and STDDEV_*.</summary>
public readonly record struct MomentsState(long Count, double Sum, double SumOfSquares);

/// <summary>
/// Flink's SQL aggregate functions as the engine's retraction-aware <see cref="IAggregateFunction{TIn, TAcc, TOut}"/>:
/// NULL inputs are ignored, and an aggregate over no non-NULL value is NULL (COUNT and SUM0 give 0). The input and
/// output are the nullable CLR values of the SQL types (<see cref="Nullable{T}"/> for value types).
/// <see cref="ResultType"/> gives Flink's result type of each.
/// </summary>
/// <remarks>
/// Integer SUM and AVG wrap on overflow and AVG of integers is integer division, as in Flink (AVG of INT is INT).
/// VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP are computed in DOUBLE and converted to the argument's type (Flink
/// rewrites them into SUMs in the argument's type, so integer results can differ in the last digit).
/// </remarks>
public static class SqlAggregates
{
    /// <summary>
    /// Flink's result type of aggregate <paramref name="name"/> over <paramref name="argument"/> (NULL for COUNT(*)),
    /// or NULL when the aggregate does not take it: COUNT BIGINT NOT NULL; SUM the argument's type (DECIMAL(p, s) gives
    /// DECIMAL(38, s)), nullable; SUM0 the same, NOT NULL; AVG the argument's type (DECIMAL(p, s) gives Flink's
    /// DECIMAL(38, max(6, s)) division type); MIN and MAX the argument's type; VAR_POP, VAR_SAMP, STDDEV_POP,
    /// STDDEV_SAMP the argument's type, nullable; FIRST_VALUE and LAST_VALUE the argument's type; LISTAGG STRING.
    /// </summary>
    public static SqlType? ResultType(string name, SqlType? argument)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        if (upper == "COUNT")
            return SqlType.BigInt.NotNull();
        if (argument is null)
            return null;
        var plain = argument.WithNullability(true);
        switch (upper)
        {
            case "MIN" or "MAX":
                return SqlTypeRules.IsOrderable(argument) ? plain : null;
            case "FIRST_VALUE" or "LAST_VALUE":
                return plain;
            case "LISTAGG":
                return argument.IsCharacterString ? SqlType.String : null;
            case "SUM" or "SUM0" or "AVG" or "VAR_POP" or "VAR_SAMP" or "STDDEV_POP" or "STDDEV_SAMP" when argument.IsNumeric:
                var type = plain.Kind != SqlTypeKind.Decimal ? plain
                    : upper is "SUM" or "SUM0" ? SqlType.Decimal(SqlType.MaxDecimalPrecision, plain.Scale)
                    : SqlTypeRules.DecimalDivide(SqlType.MaxDecimalPrecision, plain.Scale, 20, 0);
                return upper == "SUM0" ? type.NotNull() : type;
            default:
                return null;
        }
    }

    /// <summary>COUNT(x): the non-NULL values.</summary>
    public static IAggregateFunction<T, long, long> Count<T>() => new CountAggregate<T>();

    /// <summary>COUNT(*): every row.</summary>
    public static IAggregateFunction<T, long, long> CountRows<T>() => Aggregates.Count<T>();

    /// <summary>SUM(x): NULL over no non-NULL value.</summary>
    public static IAggregateFunction<T?, SumState<T>, T?> Sum<T>()
        where T : struct, INumber<T> => new SumAggregate<T>(zeroWhenEmpty: false, average: false, resultType: null);

    /// <summary>SUM(x) of DECIMAL: NULL on overflow of <paramref name="resultType"/>, as Flink's DECIMAL(38, s) sum.</summary>
    public static IAggregateFunction<decimal?, SumState<decimal>, decimal?> SumDecimal(SqlType resultType) =>
        new SumAggregate<decimal>(zeroWhenEmpty: false, average: false, resultType);

    /// <summary>SUM0(x): 0 over no non-NULL value (Flink's SUM that the planner uses under COUNT-guarded rewrites).</summary>
    public static IAggregateFunction<T?, SumState<T>, T?> Sum0<T>()
        where T : struct, INumber<T> => new SumAggregate<T>(zeroWhenEmpty: true, average: false, resultType: null);

    /// <summary>AVG(x): the sum divided by the count in the argument's type; for DECIMAL, rounded to <paramref name="resultType"/>.</summary>
    public static IAggregateFunction<T?, SumState<T>, T?> Avg<T>(SqlType? resultType = null)
        where T : struct, INumber<T> => new SumAggregate<T>(zeroWhenEmpty: false, average: true, resultType);

    /// <summary>MIN(x) of a value type (numbers, dates, times) with retraction; see <see cref="Min{T}"/>.</summary>
    public static IAggregateFunction<T?, ValueCounts<T>, T?> MinValue<T>(ISerde<T> serde, IComparer<T>? comparer = null)
        where T : struct => new ValueMinMaxAggregate<T>(Aggregates.Min<T, T>(static v => v, serde, comparer ?? SqlOrder<T>.Instance), max: false);

    /// <summary>MAX(x) of a value type with retraction.</summary>
    public static IAggregateFunction<T?, ValueCounts<T>, T?> MaxValue<T>(ISerde<T> serde, IComparer<T>? comparer = null)
        where T : struct => new ValueMinMaxAggregate<T>(Aggregates.Max<T, T>(static v => v, serde, comparer ?? SqlOrder<T>.Instance), max: true);

    /// <summary>
    /// MIN(x) of a reference type (STRING, BYTES, DECIMAL boxed by the caller) with retraction: the counts of each
    /// distinct value are kept, so retracting the minimum finds the next.
    /// </summary>
    public static IAggregateFunction<T?, ValueCounts<T>, T?> Min<T>(ISerde<T> serde, IComparer<T>? comparer = null)
        where T : class => new MinMaxAggregate<T>(Aggregates.Min<T, T>(static v => v, serde, comparer ?? SqlOrder<T>.Instance), max: false);

    /// <summary>MAX(x) with retraction.</summary>
    public static IAggregateFunction<T?, ValueCounts<T>, T?> Max<T>(ISerde<T> serde, IComparer<T>? comparer = null)
        where T : class => new MinMaxAggregate<T>(Aggregates.Max<T, T>(static v => v, serde, comparer ?? SqlOrder<T>.Instance), max: true);

    /// <summary>VAR_POP, VAR_SAMP, STDDEV_POP or STDDEV_SAMP by <paramref name="name"/>.</summary>
    public static IAggregateFunction<T?, MomentsState, T?> Variance<T>(string name)
        where T : struct, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "VAR_POP" => new MomentsAggregate<T>(sample: false, root: false),
            "VAR_SAMP" or "VARIANCE" => new MomentsAggregate<T>(sample: true, root: false),
            "STDDEV_POP" => new MomentsAggregate<T>(sample: false, root: true),
            "STDDEV_SAMP" or "STDDEV" => new MomentsAggregate<T>(sample: true, root: true),
            _ => throw new SqlFunctionException($"No match found for aggregate function {name}"),
        };
    }

    /// <summary>
    /// FIRST_VALUE(x) with retraction: the first non-NULL value still held (the accumulator keeps the values in
    /// arrival order, as Flink's FirstValueWithRetract keeps them by order).
    /// </summary>
    public static IAggregateFunction<T?, List<T>, T?> FirstValue<T>(ISerde<T> serde)
        where T : class => new OrderedValuesAggregate<T>(serde, static values => values.Count == 0 ? null : values[0]);

    /// <summary>LAST_VALUE(x) with retraction: the last non-NULL value still held.</summary>
    public static IAggregateFunction<T?, List<T>, T?> LastValue<T>(ISerde<T> serde)
        where T : class => new OrderedValuesAggregate<T>(serde, static values => values.Count == 0 ? null : values[^1]);

    /// <summary>LISTAGG(x[, separator]) with retraction: the non-NULL strings in arrival order joined by the separator (',' by default).</summary>
    public static IAggregateFunction<string?, List<string>, string?> ListAgg(string separator = ",")
    {
        ArgumentNullException.ThrowIfNull(separator);
        return new OrderedValuesAggregate<string>(Serdes.String, values => values.Count == 0 ? null : string.Join(separator, values));
    }

    private sealed class OrderedValuesAggregate<T>(ISerde<T> serde, Func<List<T>, T?> result) : IAggregateFunction<T?, List<T>, T?>
        where T : class
    {
        public ISerde<List<T>> AccumulatorSerde { get; } = new ValueListSerde<T>(serde);

        public List<T> CreateAccumulator() => [];

        public List<T> Add(List<T> accumulator, T? value)
        {
            if (value is not null)
                accumulator.Add(value);
            return accumulator;
        }

        public List<T> Retract(List<T> accumulator, T? value)
        {
            if (value is null)
                return accumulator;
            // The latest equal value goes, as Flink's retracting list aggregates remove one occurrence.
            for (var i = accumulator.Count - 1; i >= 0; i--)
            {
                if (SqlComparer.Equal(accumulator[i], value))
                {
                    accumulator.RemoveAt(i);
                    break;
                }
            }
            return accumulator;
        }

        public T? GetResult(List<T> accumulator) => result(accumulator);
    }

    /// <summary>[count, 4 bytes] then per value [length, 4 bytes][bytes], big-endian.</summary>
    private sealed class ValueListSerde<T>(ISerde<T> values) : ISerde<List<T>>
    {
        public byte[] Serialize(List<T> value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Serialize(value, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        public void Serialize(List<T> value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), value.Count);
            into.Advance(4);
            foreach (var item in value)
            {
                var bytes = values.Serialize(item);
                BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), bytes.Length);
                into.Advance(4);
                into.Write(bytes);
            }
        }

        public List<T> Deserialize(ReadOnlySpan<byte> data)
        {
            var count = BinaryPrimitives.ReadInt32BigEndian(data);
            var list = new List<T>(count);
            var pos = 4;
            for (var i = 0; i < count; i++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(data[pos..]);
                list.Add(values.Deserialize(data.Slice(pos + 4, length)));
                pos += 4 + length;
            }
            return list;
        }
    }

    private sealed class CountAggregate<T> : IAggregateFunction<T, long, long>
    {
        public ISerde<long> AccumulatorSerde => Serdes.Long;
        public long CreateAccumulator() => 0;
        public long Add(long accumulator, T value) => value is null ? accumulator : accumulator + 1;
        public long Retract(long accumulator, T value) => value is null ? accumulator : accumulator - 1;
        public long GetResult(long accumulator) => accumulator;
    }

    private sealed class SumAggregate<T>(bool zeroWhenEmpty, bool average, SqlType? resultType) : IAggregateFunction<T?, SumState<T>, T?>
        where T : struct, INumber<T>
    {
        public ISerde<SumState<T>> AccumulatorSerde { get; } = new SumStateSerde<T>();

        public SumState<T> CreateAccumulator() => new(T.Zero, 0);

        public SumState<T> Add(SumState<T> accumulator, T? value)
        {
            if (value is not { } v)
                return accumulator;
            try
            {
                return new(unchecked(accumulator.Sum + v), accumulator.Count + 1);
            }
            catch (OverflowException)
            {
                // Only decimals overflow (integers wrap): the sum is lost, as Flink's NULL.
                return new(T.Zero, long.MinValue / 2);
            }
        }

        public SumState<T> Retract(SumState<T> accumulator, T? value)
        {
            if (value is not { } v)
                return accumulator;
            try
            {
                return new(unchecked(accumulator.Sum - v), accumulator.Count - 1);
            }
            catch (OverflowException)
            {
                return new(T.Zero, long.MinValue / 2);
            }
        }

        public T? GetResult(SumState<T> accumulator)
        {
            if (accumulator.Count < 0)
                return null;
            if (accumulator.Count == 0)
                return zeroWhenEmpty ? T.Zero : null;
            var result = average ? accumulator.Sum / T.CreateTruncating(accumulator.Count) : accumulator.Sum;
            if (resultType is { Kind: SqlTypeKind.Decimal } && result is decimal d)
                return SqlDecimals.Fit(d, resultType.Precision, resultType.Scale) is { } fitted ? T.CreateTruncating(fitted) : null;
            return result;
        }
    }

    private sealed class SumStateSerde<T> : ISerde<SumState<T>>
        where T : struct, INumber<T>
    {
        // [sum: 16 bytes as four big-endian ints for DECIMAL, else 8 bytes: long bits of integers, double bits of floats][count, 8 bytes].
        private static readonly int SumSize = typeof(T) == typeof(decimal) ? 16 : 8;

        public byte[] Serialize(SumState<T> value)
        {
            var bytes = new byte[SumSize + 8];
            Write(value, bytes);
            return bytes;
        }

        public void Serialize(SumState<T> value, IBufferWriter<byte> into)
        {
            Write(value, into.GetSpan(SumSize + 8));
            into.Advance(SumSize + 8);
        }

        private static void Write(SumState<T> value, Span<byte> into)
        {
            if (value.Sum is decimal d)
            {
                Span<int> parts = stackalloc int[4];
                decimal.GetBits(d, parts);
                for (var i = 0; i < 4; i++)
                    BinaryPrimitives.WriteInt32BigEndian(into[(i * 4)..], parts[i]);
            }
            else if (value.Sum is float or double)
            {
                BinaryPrimitives.WriteDoubleBigEndian(into, double.CreateTruncating(value.Sum));
            }
            else
            {
                BinaryPrimitives.WriteInt64BigEndian(into, long.CreateTruncating(value.Sum));
            }
            BinaryPrimitives.WriteInt64BigEndian(into[SumSize..], value.Count);
        }

        public SumState<T> Deserialize(ReadOnlySpan<byte> data)
        {
            T sum;
            if (typeof(T) == typeof(decimal))
            {
                Span<int> parts = stackalloc int[4];
                for (var i = 0; i < 4; i++)
                    parts[i] = BinaryPrimitives.ReadInt32BigEndian(data[(i * 4)..]);
                sum = T.CreateTruncating(new decimal(parts));
            }
            else if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
            {
                sum = T.CreateTruncating(BinaryPrimitives.ReadDoubleBigEndian(data));
            }
            else
            {
                sum = T.CreateTruncating(BinaryPrimitives.ReadInt64BigEndian(data));
            }
            return new(sum, BinaryPrimitives.ReadInt64BigEndian(data[SumSize..]));
        }
    }

    private sealed class MinMaxAggregate<T>(IAggregateFunction<T, ValueCounts<T>, T> inner, bool max) : IAggregateFunction<T?, ValueCounts<T>, T?>
        where T : class
    {
        public ISerde<ValueCounts<T>> AccumulatorSerde => inner.AccumulatorSerde;
        public ValueCounts<T> CreateAccumulator() => inner.CreateAccumulator();
        public ValueCounts<T> Add(ValueCounts<T> accumulator, T? value) => value is null ? accumulator : inner.Add(accumulator, value);
        public ValueCounts<T> Retract(ValueCounts<T> accumulator, T? value) => value is null ? accumulator : inner.Retract(accumulator, value);
        public T? GetResult(ValueCounts<T> accumulator) => accumulator.DistinctCount == 0 ? default : max ? accumulator.Max : accumulator.Min;
    }

    private sealed class ValueMinMaxAggregate<T>(IAggregateFunction<T, ValueCounts<T>, T> inner, bool max) : IAggregateFunction<T?, ValueCounts<T>, T?>
        where T : struct
    {
        public ISerde<ValueCounts<T>> AccumulatorSerde => inner.AccumulatorSerde;
        public ValueCounts<T> CreateAccumulator() => inner.CreateAccumulator();
        public ValueCounts<T> Add(ValueCounts<T> accumulator, T? value) => value is { } v ? inner.Add(accumulator, v) : accumulator;
        public ValueCounts<T> Retract(ValueCounts<T> accumulator, T? value) => value is { } v ? inner.Retract(accumulator, v) : accumulator;
        public T? GetResult(ValueCounts<T> accumulator) => accumulator.DistinctCount == 0 ? null : max ? accumulator.Max : accumulator.Min;
    }

    private sealed class MomentsAggregate<T>(bool sample, bool root) : IAggregateFunction<T?, MomentsState, T?>
        where T : struct, INumber<T>
    {
        public ISerde<MomentsState> AccumulatorSerde { get; } = new MomentsSerde();

        public MomentsState CreateAccumulator() => default;

        public MomentsState Add(MomentsState accumulator, T? value)
        {
            if (value is not { } v)
                return accumulator;
            var x = double.CreateTruncating(v);
            return new(accumulator.Count + 1, accumulator.Sum + x, accumulator.SumOfSquares + x * x);
        }

        public MomentsState Retract(MomentsState accumulator, T? value)
        {
            if (value is not { } v)
                return accumulator;
            var x = double.CreateTruncating(v);
            return new(accumulator.Count - 1, accumulator.Sum - x, accumulator.SumOfSquares - x * x);
        }

        public T? GetResult(MomentsState accumulator)
        {
            var n = accumulator.Count;
            if (n == 0 || sample && n == 1)
                return null;
            var variance = (accumulator.SumOfSquares - accumulator.Sum * accumulator.Sum / n) / (sample ? n - 1 : n);
            variance = Math.Max(variance, 0);
            return T.CreateTruncating(root ? Math.Sqrt(variance) : variance);
        }
    }

    private sealed class MomentsSerde : ISerde<MomentsState>
    {
        public byte[] Serialize(MomentsState value)
        {
            var bytes = new byte[24];
            Write(value, bytes);
            return bytes;
        }

        public void Serialize(MomentsState value, IBufferWriter<byte> into)
        {
            Write(value, into.GetSpan(24));
            into.Advance(24);
        }

        private static void Write(MomentsState value, Span<byte> into)
        {
            BinaryPrimitives.WriteInt64BigEndian(into, value.Count);
            BinaryPrimitives.WriteDoubleBigEndian(into[8..], value.Sum);
            BinaryPrimitives.WriteDoubleBigEndian(into[16..], value.SumOfSquares);
        }

        public MomentsState Deserialize(ReadOnlySpan<byte> data) =>
            new(BinaryPrimitives.ReadInt64BigEndian(data), BinaryPrimitives.ReadDoubleBigEndian(data[8..]), BinaryPrimitives.ReadDoubleBigEndian(data[16..]));
    }

    /// <summary>SQL's order of values of one type (<see cref="SqlComparer"/>) as an <see cref="IComparer{T}"/>.</summary>
    private sealed class SqlOrder<T> : IComparer<T>
    {
        public static SqlOrder<T> Instance { get; } = new();
        public int Compare(T? x, T? y) => SqlComparer.Compare(x!, y!);
    }
}
