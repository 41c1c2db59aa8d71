using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine;

/// <summary>
/// The state of <see cref="Aggregates.Min{T, TValue}"/> and <see cref="Aggregates.Max{T, TValue}"/>: how many rows hold
/// each distinct value, in order, so that retracting the smallest (or largest) value finds the next one.
/// </summary>
public sealed class ValueCounts<TValue>
    where TValue : notnull
{
    private readonly SortedList<TValue, long> _counts;

    internal ValueCounts(IComparer<TValue> comparer, int capacity = 0) => _counts = new SortedList<TValue, long>(capacity, comparer);

    /// <summary>How many distinct values the rows hold.</summary>
    public int DistinctCount => _counts.Count;

    /// <summary>The smallest value (the type's default when there is none).</summary>
    public TValue Min => _counts.Count == 0 ? default! : _counts.GetKeyAtIndex(0);

    /// <summary>The largest value (the type's default when there is none).</summary>
    public TValue Max => _counts.Count == 0 ? default! : _counts.GetKeyAtIndex(_counts.Count - 1);

    internal ValueCounts<TValue> Add(TValue value)
    {
        _counts[value] = _counts.GetValueOrDefault(value) + 1;
        return this;
    }

    /// <summary>Takes one row of <paramref name="value"/> back; a value no row holds is left alone.</summary>
    internal ValueCounts<TValue> Remove(TValue value)
    {
        var index = _counts.IndexOfKey(value);
        if (index >= 0)
        {
            var count = _counts.GetValueAtIndex(index);
            if (count > 1)
            {
                _counts.SetValueAtIndex(index, count - 1);
            }
            else
            {
                _counts.RemoveAt(index);
            }
        }

        return this;
    }

    /// <summary>
    /// [entries, 4 bytes] then, in order, [value length, 4 bytes][value][rows, 8 bytes], big-endian; read back in order,
    /// so that rebuilding the list costs no sorting.
    /// </summary>
    internal sealed class Serde(ISerde<TValue> values, IComparer<TValue> comparer) : ISerde<ValueCounts<TValue>>
    {
        // Values are written here first, for their length prefix; one per thread, as the serde is shared by the tasks.
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? t_scratch;

        public byte[] Serialize(ValueCounts<TValue> value)
        {
            var bytes = new ArrayBufferWriter<byte>();
            Serialize(value, bytes);
            return bytes.WrittenSpan.ToArray();
        }

        public void Serialize(ValueCounts<TValue> value, IBufferWriter<byte> into)
        {
            var scratch = t_scratch ??= new ArrayBufferWriter<byte>();
            BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), value._counts.Count);
            into.Advance(4);
            for (var i = 0; i < value._counts.Count; i++)
            {
                scratch.ResetWrittenCount();
                values.Serialize(value._counts.GetKeyAtIndex(i), scratch);
                var length = scratch.WrittenCount;
                var span = into.GetSpan(12 + length);
                BinaryPrimitives.WriteInt32BigEndian(span, length);
                scratch.WrittenSpan.CopyTo(span[4..]);
                BinaryPrimitives.WriteInt64BigEndian(span[(4 + length)..], value._counts.GetValueAtIndex(i));
                into.Advance(12 + length);
            }
        }

        public ValueCounts<TValue> Deserialize(ReadOnlySpan<byte> data)
        {
            var entries = BinaryPrimitives.ReadInt32BigEndian(data);
            var counts = new ValueCounts<TValue>(comparer, entries);
            var position = 4;
            for (var i = 0; i < entries; i++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
                var value = values.Deserialize(data.Slice(position + 4, length));
                // In order, so each entry goes at the end of the sorted list.
                counts._counts.Add(value, BinaryPrimitives.ReadInt64BigEndian(data[(position + 4 + length)..]));
                position += 12 + length;
            }

            return counts;
        }
    }
}
