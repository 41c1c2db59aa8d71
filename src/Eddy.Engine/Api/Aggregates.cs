using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine;

/// <summary>
/// Built-in retraction-aware aggregates for <see cref="KeyedStream{TKey, TValue}.Aggregate{TAcc, TOut}"/>: each takes
/// back what an update-before or a delete retracts, so they aggregate a table's changes (after
/// <see cref="Table{TKey, TValue}.GroupBy{TNewKey}"/>) as exactly as an append-only stream. Fixed-size accumulators are
/// kept as big-endian binary (8 or 16 bytes), not JSON.
/// </summary>
public static partial class Aggregates
{
    /// <summary>An aggregate made of functions: <paramref name="retractor"/> null means it cannot take rows back.</summary>
    public static IAggregateFunction<T, TAcc, TOut> Create<T, TAcc, TOut>(Func<TAcc> initializer, Func<TAcc, T, TAcc> adder,
        Func<TAcc, T, TAcc>? retractor, Func<TAcc, TOut> result, ISerde<TAcc> accumulatorSerde)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(adder);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(accumulatorSerde);
        return FromFunctions(initializer, adder, retractor, result, accumulatorSerde);
    }

    /// <summary>
    /// <see cref="Create"/> without checks: Reduce on a stream with no value serde still makes its node, whose
    /// definition error (reported by Build) means the missing serde is never used.
    /// </summary>
    internal static IAggregateFunction<T, TAcc, TOut> FromFunctions<T, TAcc, TOut>(Func<TAcc> initializer, Func<TAcc, T, TAcc> adder,
        Func<TAcc, T, TAcc>? retractor, Func<TAcc, TOut> result, ISerde<TAcc> accumulatorSerde) =>
        new FunctionAggregate<T, TAcc, TOut>(initializer, adder, retractor, result, accumulatorSerde);

    /// <summary>The number of rows.</summary>
    public static IAggregateFunction<T, long, long> Count<T>() =>
        Create<T, long, long>(static () => 0, static (count, _) => count + 1, static (count, _) => count - 1, static count => count, Serdes.Long);

    /// <summary>The sum of <paramref name="selector"/> over the rows.</summary>
    public static IAggregateFunction<T, long, long> Sum<T>(Func<T, long> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Create<T, long, long>(static () => 0, (sum, row) => sum + selector(row), (sum, row) => sum - selector(row), static sum => sum,
            Serdes.Long);
    }

    /// <summary>
    /// The sum of <paramref name="selector"/> over the rows. Retracting subtracts, so non-integral values may leave a
    /// rounding error behind (as Flink's SUM over DOUBLE); sum decimals for exact results.
    /// </summary>
    public static IAggregateFunction<T, double, double> Sum<T>(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Create<T, double, double>(static () => 0, (sum, row) => sum + selector(row), (sum, row) => sum - selector(row),
            static sum => sum, Serdes.Double);
    }

    /// <summary>The exact sum of <paramref name="selector"/> over the rows.</summary>
    public static IAggregateFunction<T, decimal, decimal> Sum<T>(Func<T, decimal> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Create<T, decimal, decimal>(static () => 0m, (sum, row) => sum + selector(row), (sum, row) => sum - selector(row),
            static sum => sum, DecimalSerde.Instance);
    }

    /// <summary>The mean of <paramref name="selector"/> over the rows, from their sum and count (16 bytes of state).</summary>
    public static IAggregateFunction<T, AverageAccumulator, double> Average<T>(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Create<T, AverageAccumulator, double>(static () => default,
            (acc, row) => new AverageAccumulator(acc.Sum + selector(row), acc.Count + 1),
            (acc, row) => new AverageAccumulator(acc.Sum - selector(row), acc.Count - 1),
            static acc => acc.Count == 0 ? 0 : acc.Sum / acc.Count,
            AverageAccumulator.Serde);
    }

    /// <summary>
    /// The smallest <paramref name="selector"/> value over the rows, as Flink's MinWithRetract: the accumulator counts
    /// the rows of each distinct value, so retracting the minimum finds the next one. Its state grows with the number
    /// of distinct values per key.
    /// </summary>
    public static IAggregateFunction<T, ValueCounts<TValue>, TValue> Min<T, TValue>(Func<T, TValue> selector, ISerde<TValue> serde,
        IComparer<TValue>? comparer = null)
        where TValue : notnull =>
        ValueCountsAggregate(selector, serde, comparer, static counts => counts.Min);

    /// <summary>The largest <paramref name="selector"/> value over the rows; see <see cref="Min{T, TValue}"/>.</summary>
    public static IAggregateFunction<T, ValueCounts<TValue>, TValue> Max<T, TValue>(Func<T, TValue> selector, ISerde<TValue> serde,
        IComparer<TValue>? comparer = null)
        where TValue : notnull =>
        ValueCountsAggregate(selector, serde, comparer, static counts => counts.Max);

    private static IAggregateFunction<T, ValueCounts<TValue>, TValue> ValueCountsAggregate<T, TValue>(Func<T, TValue> selector,
        ISerde<TValue> serde, IComparer<TValue>? comparer, Func<ValueCounts<TValue>, TValue> result)
        where TValue : notnull
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(serde);
        var order = comparer ?? Comparer<TValue>.Default;
        return Create<T, ValueCounts<TValue>, TValue>(() => new ValueCounts<TValue>(order),
            (counts, row) => counts.Add(selector(row)),
            (counts, row) => counts.Remove(selector(row)),
            result,
            new ValueCounts<TValue>.Serde(serde, order));
    }

    private sealed class FunctionAggregate<T, TAcc, TOut>(Func<TAcc> initializer, Func<TAcc, T, TAcc> adder, Func<TAcc, T, TAcc>? retractor,
        Func<TAcc, TOut> result, ISerde<TAcc> accumulatorSerde) : IAggregateFunction<T, TAcc, TOut>
    {
        public ISerde<TAcc> AccumulatorSerde => accumulatorSerde;

        public TAcc CreateAccumulator() => initializer();

        public TAcc Add(TAcc accumulator, T value) => adder(accumulator, value);

        public TAcc Retract(TAcc accumulator, T value) =>
            retractor is null ? throw new NotSupportedException("the aggregate has no retractor.") : retractor(accumulator, value);

        public TOut GetResult(TAcc accumulator) => result(accumulator);
    }

    /// <summary>A decimal as its four 32-bit parts, big-endian (16 bytes).</summary>
    private sealed class DecimalSerde : ISerde<decimal>
    {
        public static DecimalSerde Instance { get; } = new();

        public byte[] Serialize(decimal value)
        {
            var bytes = new byte[16];
            Write(value, bytes);
            return bytes;
        }

        public void Serialize(decimal value, IBufferWriter<byte> into)
        {
            Write(value, into.GetSpan(16));
            into.Advance(16);
        }

        public decimal Deserialize(ReadOnlySpan<byte> data)
        {
            Span<int> parts = stackalloc int[4];
            for (var i = 0; i < 4; i++)
            {
                parts[i] = BinaryPrimitives.ReadInt32BigEndian(data[(i * 4)..]);
            }

            return new decimal(parts);
        }

        private static void Write(decimal value, Span<byte> into)
        {
            Span<int> parts = stackalloc int[4];
            decimal.GetBits(value, parts);
            for (var i = 0; i < 4; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(into[(i * 4)..], parts[i]);
            }
        }
    }
}
