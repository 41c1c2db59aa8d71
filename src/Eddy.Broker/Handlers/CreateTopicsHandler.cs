using Eddy.Broker.Configuration;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>CreateTopics, with Kafka's validation: names, partition counts, replication factor on one node, configs.</summary>
internal sealed class CreateTopicsHandler(TopicManager topics, BrokerIdentity identity) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (CreateTopicsRequest)request;
        var response = new CreateTopicsResponse();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = req.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var t in req.Topics)
        {
            if (!seen.Add(t.Name))
            {
                continue;
            }
            var result = duplicates.Contains(t.Name)
                ? Failed(t.Name, ErrorCode.InvalidRequest, $"Create topics request from client `{context.ClientId}` contains multiple entries for the following topics: {t.Name}")
                : Create(t, req.validateOnly, context.ApiVersion);
            response.Topics.Add(result);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private CreateTopicsResponse.CreatableTopicResult Create(CreateTopicsRequest.CreatableTopic t, bool validateOnly, short version)
    {
        int partitions;
        if (t.Assignments.Count > 0)
        {
            if (t.NumPartitions != -1 || t.ReplicationFactor != -1)
            {
                return Failed(t.Name, ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            if (t.Assignments.Any(a => a.BrokerIds.Count == 0 || a.BrokerIds.Any(b => b != identity.NodeId)))
            {
                return Failed(t.Name, ErrorCode.InvalidReplicaAssignment, $"Replica assignments may only name broker {identity.NodeId}, the only broker.");
            }
            var indexes = t.Assignments.Select(a => a.PartitionIndex).Order().ToList();
            if (!indexes.SequenceEqual(Enumerable.Range(0, indexes.Count)))
            {
                return Failed(t.Name, ErrorCode.InvalidReplicaAssignment, "Partitions should be a consecutive 0-based integer sequence");
            }
            partitions = indexes.Count;
        }
        else
        {
            if (t.NumPartitions == 0 || t.NumPartitions < -1)
            {
                return Failed(t.Name, ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
            }
            if (t.ReplicationFactor == 0 || t.ReplicationFactor < -1)
            {
                return Failed(t.Name, ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
            }
            if (t.ReplicationFactor > 1)
            {
                return Failed(t.Name, ErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {t.ReplicationFactor} time(s): The target replication factor of {t.ReplicationFactor} cannot be reached because only 1 broker(s) are registered.");
            }
            partitions = t.NumPartitions == -1 ? identity.Options.NumPartitions : t.NumPartitions;
        }
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in t.Configs)
        {
            if (c.Value is null)
            {
                return Failed(t.Name, ErrorCode.InvalidConfig, $"Null value not supported for topic configs: {c.Name}");
            }
            configs[c.Name] = c.Value;
        }
        var result = topics.Create(t.Name, partitions, configs, validateOnly, out var topic);
        if (result.Error != ErrorCode.None)
        {
            return Failed(t.Name, result.Error, result.Message);
        }
        var success = new CreateTopicsResponse.CreatableTopicResult
        {
            Name = t.Name,
            TopicId = topic!.Id,
            ErrorCode = 0,
            NumPartitions = partitions,
            ReplicationFactor = 1,
        };
        if (version >= 5)
        {
            success.Configs = [.. topic.Config.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CreateTopicsResponse.CreatableTopicConfigs
            {
                Name = kv.Key,
                Value = kv.Value,
                ReadOnly = false,
                ConfigSource = (sbyte)(topic.Config.Overrides.ContainsKey(kv.Key) ? ConfigSource.DynamicTopic : ConfigSource.Default),
                IsSensitive = false,
            })];
        }
        return success;
    }

    private static CreateTopicsResponse.CreatableTopicResult Failed(string name, ErrorCode error, string? message) => new()
    {
        Name = name,
        ErrorCode = (short)error,
        ErrorMessage = message,
        NumPartitions = -1,
        ReplicationFactor = -1,
        Configs = null,
    };
}
