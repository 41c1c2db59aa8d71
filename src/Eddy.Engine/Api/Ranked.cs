using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine;

/// <summary>A row of a Top-N result with its 1-based rank within its key (or its key and window), as ROW_NUMBER gives it.</summary>
/// <param name="Rank">1 for the first row in the order, up to N.</param>
/// <param name="Value">The row.</param>
public readonly record struct Ranked<T>(int Rank, T Value);

/// <summary>Serdes for <see cref="Ranked{T}"/> rows.</summary>
public static class Ranked
{
    /// <summary>The rank as 4 big-endian bytes, then the row's bytes in <paramref name="valueSerde"/>.</summary>
    public static ISerde<Ranked<T>> Serde<T>(ISerde<T> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new RankedSerde<T>(valueSerde);
    }

    private sealed class RankedSerde<T>(ISerde<T> valueSerde) : ISerde<Ranked<T>>
    {
        public byte[] Serialize(Ranked<T> value) => Runtime.SerdeArrays.ToArray(this, value);

        public void Serialize(Ranked<T> value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), value.Rank);
            into.Advance(4);
            valueSerde.Serialize(value.Value, into);
        }

        public Ranked<T> Deserialize(ReadOnlySpan<byte> data) =>
            new(BinaryPrimitives.ReadInt32BigEndian(data), valueSerde.Deserialize(data[4..]));
    }
}
