using System.Buffers.Binary;
using System.Buffers.Text;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Topic ids as Kafka prints them (org.apache.kafka.common.Uuid.toString): the 16 bytes, most significant half first,
/// in URL-safe base64 without padding. librdkafka's own rendering uses the standard alphabet, which would differ from
/// kafka-topics.sh for ids containing '-' or '_'.
/// </summary>
public static class TopicIds
{
    public static string Format(long mostSignificantBits, long leastSignificantBits)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, mostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], leastSignificantBits);
        return Base64Url.EncodeToString(bytes);
    }
}
