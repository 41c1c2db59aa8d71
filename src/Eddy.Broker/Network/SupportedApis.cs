using Eddy.Protocol;

namespace Eddy.Broker.Network;

/// <summary>
/// The API versions the broker advertises in ApiVersions and accepts. Only implemented APIs are listed:
/// librdkafka derives features from this list. Low non-flexible versions stay for kafkajs, kcat/librdkafka 2.0
/// and kafka-python; high ones for Confluent.Kafka 2.16. Fetch stops at 12: v13+ addresses topics by id. The
/// transaction APIs stop before KIP-890 part 2 (AddPartitionsToTxn v4+ is broker-to-broker, EndTxn v5 bumps epochs).
/// </summary>
public static class SupportedApis
{
    public static readonly IReadOnlyDictionary<ApiKey, (short Min, short Max)> Versions = new Dictionary<ApiKey, (short, short)>
    {
        [ApiKey.Produce] = (3, 10),
        [ApiKey.Fetch] = (4, 12),
        [ApiKey.ListOffsets] = (0, 7),
        [ApiKey.Metadata] = (0, 12),
        [ApiKey.ApiVersions] = (0, 3),
        [ApiKey.CreateTopics] = (0, 7),
        [ApiKey.DeleteTopics] = (0, 6),
        [ApiKey.DeleteRecords] = (0, 2),
        [ApiKey.OffsetForLeaderEpoch] = (0, 4),
        [ApiKey.DescribeConfigs] = (0, 4),
        [ApiKey.AlterConfigs] = (0, 2),
        [ApiKey.CreatePartitions] = (0, 3),
        [ApiKey.IncrementalAlterConfigs] = (0, 1),
        [ApiKey.DescribeCluster] = (0, 1),
        [ApiKey.FindCoordinator] = (0, 4),
        [ApiKey.JoinGroup] = (0, 7),
        [ApiKey.SyncGroup] = (0, 5),
        [ApiKey.Heartbeat] = (0, 4),
        [ApiKey.LeaveGroup] = (0, 4),
        [ApiKey.OffsetCommit] = (0, 8),
        [ApiKey.OffsetFetch] = (0, 8),
        [ApiKey.DescribeGroups] = (0, 5),
        [ApiKey.ListGroups] = (0, 5),
        [ApiKey.DeleteGroups] = (0, 2),
        [ApiKey.OffsetDelete] = (0, 0),
        [ApiKey.InitProducerId] = (0, 4),
        [ApiKey.AddPartitionsToTxn] = (0, 3),
        [ApiKey.AddOffsetsToTxn] = (0, 3),
        [ApiKey.EndTxn] = (0, 3),
        [ApiKey.TxnOffsetCommit] = (0, 3),
        [ApiKey.DescribeProducers] = (0, 0),
        [ApiKey.DescribeTransactions] = (0, 0),
        [ApiKey.ListTransactions] = (0, 1),
    };

    public static bool IsSupported(ApiKey key, short version) =>
        Versions.TryGetValue(key, out var range) && version >= range.Min && version <= range.Max;
}
