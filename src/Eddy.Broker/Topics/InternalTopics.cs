namespace Eddy.Broker.Topics;

/// <summary>
/// The broker's internal topics: listed in Metadata with is_internal, readable by any consumer, written only by their
/// coordinators. They exist from the broker's first start (Kafka creates them on first use; Eddy's coordinators use
/// them at once), with the topic configs Kafka gives them, and one partition each: Eddy is one node with one
/// coordinator of each kind, so offsets.topic.num.partitions and transaction.state.log.num.partitions are 1.
/// </summary>
internal static class InternalTopics
{
    /// <summary>Name, partition count and topic configs of each internal topic.</summary>
    public static readonly IReadOnlyList<(string Name, int Partitions, IReadOnlyDictionary<string, string> Configs)> All =
    [
        (TopicNames.ConsumerOffsets, 1, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "producer",
            ["segment.bytes"] = "104857600",
        }),
        (TopicNames.TransactionState, 1, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "uncompressed",
            ["segment.bytes"] = "104857600",
            ["unclean.leader.election.enable"] = "false",
        }),
    ];
}
