using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine;

/// <summary>The state of <see cref="Aggregates.Average{T}"/>: the sum and the number of the values.</summary>
public readonly record struct AverageAccumulator(double Sum, long Count)
{
    internal static ISerde<AverageAccumulator> Serde { get; } = new AccumulatorSerde();

    /// <summary>[sum, 8-byte big-endian double][count, 8-byte big-endian long].</summary>
    private sealed class AccumulatorSerde : ISerde<AverageAccumulator>
    {
        public byte[] Serialize(AverageAccumulator value)
        {
            var bytes = new byte[16];
            Write(value, bytes);
            return bytes;
        }

        public void Serialize(AverageAccumulator value, IBufferWriter<byte> into)
        {
            Write(value, into.GetSpan(16));
            into.Advance(16);
        }

        public AverageAccumulator Deserialize(ReadOnlySpan<byte> data) =>
            new(BinaryPrimitives.ReadDoubleBigEndian(data), BinaryPrimitives.ReadInt64BigEndian(data[8..]));

        private static void Write(AverageAccumulator value, Span<byte> into)
        {
            BinaryPrimitives.WriteDoubleBigEndian(into, value.Sum);
            BinaryPrimitives.WriteInt64BigEndian(into[8..], value.Count);
        }
    }
}
