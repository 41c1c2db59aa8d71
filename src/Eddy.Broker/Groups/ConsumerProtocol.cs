using Eddy.Protocol;

namespace Eddy.Broker.Groups;

/// <summary>
/// Reads the "consumer" protocol's subscription metadata (Kafka's ConsumerProtocolSubscription: version int16, then
/// topics as an array of strings) — the only part of the opaque member metadata the coordinator needs, to refuse
/// deleting offsets of topics a live group consumes.
/// </summary>
internal static class ConsumerProtocol
{
    public const string ProtocolType = "consumer";

    public static IReadOnlyList<string> SubscribedTopics(byte[] metadata)
    {
        try
        {
            var reader = new KafkaReader(metadata);
            reader.ReadInt16();
            var count = reader.ReadArrayLength(nullable: false);
            var topics = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                topics.Add(reader.ReadString());
            }
            return topics;
        }
        catch (KafkaProtocolException)
        {
            return [];
        }
    }
}
