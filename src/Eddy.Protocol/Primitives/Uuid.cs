using System.Buffers.Binary;

namespace Eddy.Protocol;

/// <summary>
/// Kafka's UUID: two big-endian 64-bit halves on the wire, printed as URL-safe base64 without padding
/// (the form kafka-topics.sh shows as TopicId). <see cref="Guid"/> is avoided because its byte order differs.
/// </summary>
public readonly record struct Uuid(long MostSignificantBits, long LeastSignificantBits)
{
    public static readonly Uuid Zero;

    public bool IsZero => MostSignificantBits == 0 && LeastSignificantBits == 0;

    public static Uuid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        // Version 4, IETF variant, as java.util.UUID.randomUUID().
        bytes[6] = (byte)((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
        var uuid = FromBytes(bytes);
        // Kafka reserves the zero UUID and the "metadata topic" UUID (1); a leading '-' in base64 confuses CLIs.
        return uuid.IsZero || uuid.ToString().StartsWith('-') ? NewRandom() : uuid;
    }

    public static Uuid FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], LeastSignificantBits);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteTo(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryParse(string? text, out Uuid uuid)
    {
        uuid = Zero;
        if (text is null || text.Length != 22)
        {
            return false;
        }
        var base64 = text.Replace('-', '+').Replace('_', '/') + "==";
        Span<byte> bytes = stackalloc byte[16];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }
        uuid = FromBytes(bytes);
        return true;
    }
}
