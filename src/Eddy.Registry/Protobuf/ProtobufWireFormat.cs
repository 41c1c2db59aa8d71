using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Registry.Protobuf;

/// <summary>
/// Confluent's wire format for Protobuf records: magic byte 0, the schema id (4 bytes, big-endian), the message
/// indexes that name which message of the schema the payload is, then the Protobuf payload. The indexes are a count
/// and that many indexes, each a zig-zag varint (Kafka's <c>ByteUtils.writeVarint</c>); the first message of the
/// file, indexes <c>[0]</c>, is written as a single 0 (a count of 0).
/// </summary>
public static class ProtobufWireFormat
{
    /// <summary>The magic byte every Confluent-framed value starts with.</summary>
    public const byte MagicByte = 0;

    private static readonly int[] FirstMessage = [0];

    /// <summary>Writes the header (magic, id, message indexes); the caller writes the payload after it.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, int schemaId, IReadOnlyList<int> messageIndexes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(messageIndexes);
        var span = output.GetSpan(5);
        span[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], schemaId);
        output.Advance(5);
        WriteMessageIndexes(output, messageIndexes);
    }

    /// <summary>The header and <paramref name="payload"/> as one array.</summary>
    public static byte[] Frame(int schemaId, IReadOnlyList<int> messageIndexes, ReadOnlySpan<byte> payload)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + payload.Length);
        WriteHeader(buffer, schemaId, messageIndexes);
        buffer.Write(payload);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the message indexes alone: <c>[0]</c> as one 0 byte, otherwise the count then each index.</summary>
    public static void WriteMessageIndexes(IBufferWriter<byte> output, IReadOnlyList<int> messageIndexes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(messageIndexes);
        if (messageIndexes.Count == 1 && messageIndexes[0] == 0)
        {
            WriteZigZag(output, 0);
            return;
        }
        WriteZigZag(output, messageIndexes.Count);
        foreach (var index in messageIndexes)
        {
            WriteZigZag(output, index);
        }
    }

    /// <summary>
    /// Reads a framed value: its schema id, its message indexes (<c>[0]</c> for the single 0), and the payload that
    /// follows. A value not starting with the magic byte, or cut short, is a <see cref="FormatException"/>.
    /// </summary>
    public static (int SchemaId, IReadOnlyList<int> MessageIndexes, ReadOnlyMemory<byte> Payload) Read(ReadOnlyMemory<byte> value)
    {
        var span = value.Span;
        if (span.Length < 5)
        {
            throw new FormatException($"A Confluent-framed value has at least 5 bytes (magic byte and schema id); this one has {span.Length}");
        }
        if (span[0] != MagicByte)
        {
            throw new FormatException($"Unknown magic byte {span[0]}: a Confluent-framed value starts with 0");
        }
        var schemaId = BinaryPrimitives.ReadInt32BigEndian(span[1..]);
        var position = 5;
        var count = ReadZigZag(span, ref position);
        if (count == 0)
        {
            return (schemaId, FirstMessage, value[position..]);
        }
        if (count < 0)
        {
            throw new FormatException($"Invalid message index count {count}");
        }
        // Every index takes at least a byte: a count beyond what is left cannot be read (and is not allocated).
        if (count > span.Length - position)
        {
            throw new FormatException($"The message indexes are cut short: {count} indexes in {span.Length - position} bytes");
        }
        var indexes = new int[count];
        for (var i = 0; i < count; i++)
        {
            indexes[i] = ReadZigZag(span, ref position);
        }
        return (schemaId, indexes, value[position..]);
    }

    private static void WriteZigZag(IBufferWriter<byte> output, int value)
    {
        var zigzag = (uint)((value << 1) ^ (value >> 31));
        var span = output.GetSpan(5);
        var written = 0;
        while ((zigzag & ~0x7Fu) != 0)
        {
            span[written++] = (byte)((zigzag & 0x7F) | 0x80);
            zigzag >>= 7;
        }
        span[written++] = (byte)zigzag;
        output.Advance(written);
    }

    private static int ReadZigZag(ReadOnlySpan<byte> span, ref int position)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= span.Length)
            {
                throw new FormatException("The message indexes are cut short");
            }
            var b = span[position++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (int)(result >> 1) ^ -(int)(result & 1);
            }
        }
        throw new FormatException("A message index varint is longer than 5 bytes");
    }
}
