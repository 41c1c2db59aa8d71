using System.Buffers.Binary;

namespace Eddy.Protocol.Framing;

/// <summary>
/// The 4-byte big-endian size that precedes every Kafka request and response frame and counts the bytes after it.
/// </summary>
public static class FrameSize
{
    /// <summary>Bytes in the size prefix.</summary>
    public const int PrefixBytes = 4;

    /// <summary>
    /// The size announced at the start of <paramref name="buffer"/>, or false when fewer than
    /// <see cref="PrefixBytes"/> bytes have arrived. The value is not checked: a negative or huge size is the
    /// caller's to refuse, against its own limit.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out int size)
    {
        if (buffer.Length < PrefixBytes)
        {
            size = 0;
            return false;
        }
        size = BinaryPrimitives.ReadInt32BigEndian(buffer);
        return true;
    }

    /// <summary>The size announced by a complete prefix; <see cref="KafkaProtocolException"/> when it is shorter.</summary>
    public static int Read(ReadOnlySpan<byte> prefix) =>
        TryRead(prefix, out var size) ? size : throw new KafkaProtocolException($"A frame size needs {PrefixBytes} bytes, {prefix.Length} given.");

    /// <summary>Reserves the prefix at the writer's position; <see cref="Complete"/> fills it in once the frame is written.</summary>
    public static int Reserve(KafkaWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.ReserveInt32();
    }

    /// <summary>
    /// Writes the size of everything after the prefix reserved at <paramref name="sizeAt"/>, counting the record bytes
    /// the writer deferred (sent after its buffer) as part of the frame.
    /// </summary>
    public static void Complete(KafkaWriter writer, int sizeAt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.PatchInt32(sizeAt, checked((int)(writer.Position - sizeAt - PrefixBytes + writer.DeferredBytes)));
    }
}
