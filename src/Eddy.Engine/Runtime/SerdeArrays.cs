using System.Buffers;

namespace Eddy.Engine.Runtime;

/// <summary>
/// The array form of a serde that writes into a buffer: composite serdes (a ranked row, a join's messages, an
/// aggregate's accumulator) write their parts into an <see cref="IBufferWriter{T}"/>, and their
/// <see cref="ISerde{T}.Serialize(T)"/> is that written once into a buffer of its own.
/// </summary>
internal static class SerdeArrays
{
    public static byte[] ToArray<T>(ISerde<T> serde, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serde.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
