using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine;

public static partial class Aggregates
{
    /// <summary>
    /// Two aggregates over the same rows as one, so that a key's results make one row (as several aggregate calls in
    /// one SQL <c>GROUP BY</c>): one state entry per key, one update per change. Nest it for more than two:
    /// <c>Combine(Combine(Count&lt;P&gt;(), Sum&lt;P&gt;(p =&gt; p.Score), (n, s) =&gt; (n, s)), Max(...), (ns, m) =&gt; new Stats(ns.n, ns.s, m))</c>.
    /// </summary>
    /// <param name="result">Makes the row from both results; a record type gives the row the value equality that
    /// lets an unchanged row emit nothing.</param>
    public static IAggregateFunction<T, (TAcc1 First, TAcc2 Second), TOut> Combine<T, TAcc1, TOut1, TAcc2, TOut2, TOut>(
        IAggregateFunction<T, TAcc1, TOut1> first, IAggregateFunction<T, TAcc2, TOut2> second, Func<TOut1, TOut2, TOut> result)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(result);
        return Create<T, (TAcc1 First, TAcc2 Second), TOut>(
            () => (first.CreateAccumulator(), second.CreateAccumulator()),
            (acc, row) => (first.Add(acc.First, row), second.Add(acc.Second, row)),
            (acc, row) => (first.Retract(acc.First, row), second.Retract(acc.Second, row)),
            acc => result(first.GetResult(acc.First), second.GetResult(acc.Second)),
            new PairSerde<TAcc1, TAcc2>(first.AccumulatorSerde, second.AccumulatorSerde));
    }

    /// <summary>
    /// [first][second][first's length, 4 bytes big-endian]: the length goes last because it is known only once the
    /// first accumulator is written, and a buffer writer cannot go back.
    /// </summary>
    private sealed class PairSerde<T1, T2>(ISerde<T1> first, ISerde<T2> second) : ISerde<(T1 First, T2 Second)>
    {
        public byte[] Serialize((T1 First, T2 Second) value)
        {
            var bytes = new ArrayBufferWriter<byte>();
            Serialize(value, bytes);
            return bytes.WrittenSpan.ToArray();
        }

        public void Serialize((T1 First, T2 Second) value, IBufferWriter<byte> into)
        {
            var counting = CountingWriter.Rent(into);
            try
            {
                first.Serialize(value.First, counting);
                var length = counting.Written;
                second.Serialize(value.Second, into);
                BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), length);
                into.Advance(4);
            }
            finally
            {
                CountingWriter.Return();
            }
        }

        public (T1 First, T2 Second) Deserialize(ReadOnlySpan<byte> data)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data[^4..]);
            return (first.Deserialize(data[..length]), second.Deserialize(data[length..^4]));
        }
    }

    /// <summary>
    /// Counts what a serde writes into another writer. Rented per thread and nesting depth (a combined aggregate of
    /// combined aggregates counts inside a count), so that serializing allocates nothing once warm.
    /// </summary>
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        [ThreadStatic]
        private static List<CountingWriter>? t_pool;

        [ThreadStatic]
        private static int t_depth;

        private IBufferWriter<byte> _inner = null!;

        public int Written { get; private set; }

        public static CountingWriter Rent(IBufferWriter<byte> inner)
        {
            var pool = t_pool ??= [];
            if (pool.Count == t_depth)
            {
                pool.Add(new CountingWriter());
            }

            var writer = pool[t_depth++];
            writer._inner = inner;
            writer.Written = 0;
            return writer;
        }

        public static void Return()
        {
            t_depth--;
            t_pool![t_depth]._inner = null!;
        }

        public void Advance(int count)
        {
            _inner.Advance(count);
            Written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
    }
}
