using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Avro;

/// <summary>
/// Confluent's framing of a serialized value: a zero magic byte, the schema id as a big-endian int32, then the
/// Avro binary payload.
/// </summary>
public static class ConfluentWireFormat
{
    public const byte MagicByte = 0;

    public const int HeaderLength = 5;

    public static void WriteHeader(Span<byte> destination, int schemaId)
    {
        if (destination.Length < HeaderLength)
        {
            throw new ArgumentException($"The header needs {HeaderLength} bytes", nameof(destination));
        }

        destination[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], schemaId);
    }

    public static void WriteHeader(IBufferWriter<byte> output, int schemaId)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(output.GetSpan(HeaderLength), schemaId);
        output.Advance(HeaderLength);
    }

    /// <summary>Header and payload: what a Confluent Avro serializer produces for <paramref name="datum"/>.</summary>
    public static byte[] Serialize(int schemaId, AvroSchema schema, object? datum)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteHeader(output, schemaId);
        AvroDatumWriter.For(schema).Write(output, datum);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The schema id of a framed message and its payload. A message shorter than the header or with another magic
    /// byte is an <see cref="AvroDataException"/> saying so.
    /// </summary>
    public static int ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> payload)
    {
        if (message.Length < HeaderLength)
        {
            throw new AvroDataException($"Not in Confluent wire format: {message.Length} byte(s), but the header alone (magic byte and schema id) is {HeaderLength}");
        }

        if (message[0] != MagicByte)
        {
            throw new AvroDataException($"Not in Confluent wire format: the first byte is 0x{message[0]:X2}, not the magic byte 0x00");
        }

        payload = message[HeaderLength..];
        return BinaryPrimitives.ReadInt32BigEndian(message[1..]);
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> message, out int schemaId, out ReadOnlySpan<byte> payload)
    {
        if (message.Length < HeaderLength || message[0] != MagicByte)
        {
            schemaId = 0;
            payload = default;
            return false;
        }

        payload = message[HeaderLength..];
        schemaId = BinaryPrimitives.ReadInt32BigEndian(message[1..]);
        return true;
    }

    /// <summary>
    /// Reads a framed message: <paramref name="writerSchemaById"/> supplies the schema the id names, and the value is
    /// resolved to <paramref name="readerSchema"/> when one is given.
    /// </summary>
    public static object? Deserialize(ReadOnlySpan<byte> message, Func<int, AvroSchema> writerSchemaById, AvroSchema? readerSchema = null)
    {
        ArgumentNullException.ThrowIfNull(writerSchemaById);
        var schemaId = ReadHeader(message, out var payload);
        var writer = writerSchemaById(schemaId);
        return AvroDatumReader.For(writer, readerSchema ?? writer).Read(payload);
    }
}
