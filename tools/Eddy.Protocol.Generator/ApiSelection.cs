namespace Eddy.Protocol.Generator;

/// <summary>
/// The APIs Eddy generates codecs for: those its broker serves now or is planned to (consumer groups,
/// transactions). Which versions the broker advertises is the broker's decision, not the codec's.
/// </summary>
internal static class ApiSelection
{
    public static readonly string[] Apis =
    [
        "Produce", "Fetch", "ListOffsets", "Metadata", "OffsetCommit", "OffsetFetch", "FindCoordinator",
        "JoinGroup", "Heartbeat", "LeaveGroup", "SyncGroup", "DescribeGroups", "ListGroups", "SaslHandshake",
        "ApiVersions", "CreateTopics", "DeleteTopics", "DeleteRecords", "InitProducerId", "OffsetForLeaderEpoch",
        "AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn", "WriteTxnMarkers", "TxnOffsetCommit", "DescribeConfigs",
        "AlterConfigs", "CreatePartitions", "DeleteGroups", "IncrementalAlterConfigs", "OffsetDelete",
        "DescribeCluster", "DescribeProducers", "DescribeTransactions", "ListTransactions",
    ];

    public static readonly string[] Headers = ["RequestHeader", "ResponseHeader"];
}
