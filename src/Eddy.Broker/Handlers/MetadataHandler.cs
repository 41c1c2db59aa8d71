using Eddy.Broker.Configuration;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>
/// Metadata: this node as the only broker, leader of every partition with leader epoch 0, and topic ids.
/// A missing topic is auto-created (auto.create.topics.enable and the request's AllowAutoTopicCreation).
/// </summary>
internal sealed class MetadataHandler(TopicManager topics, BrokerIdentity identity) : IRequestHandler
{
    // Kafka's "not requested" value for authorized-operations fields.
    private const int AuthorizedOperationsOmitted = int.MinValue;

    // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS = 3576: Eddy has no ACLs, so all are
    // allowed, as Kafka answers without an authorizer (for topics in error too).
    private const int TopicOperations = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (MetadataRequest)request;
        var version = context.ApiVersion;
        var response = new MetadataResponse
        {
            Brokers = [new MetadataResponse.MetadataResponseBroker { NodeId = identity.NodeId, Host = identity.Host, Port = identity.Port, Rack = null }],
            ClusterId = identity.ClusterId,
            ControllerId = identity.NodeId,
            // Only v8-v10 carry the field; Kafka answers what it would without an authorizer when asked.
            ClusterAuthorizedOperations = req.IncludeClusterAuthorizedOperations ? DescribeClusterHandler.AllClusterOperations : AuthorizedOperationsOmitted,
        };
        var allTopics = req.Topics is null || (version == 0 && req.Topics.Count == 0);
        if (allTopics)
        {
            foreach (var topic in topics.Topics.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                response.Topics.Add(Describe(topic, req.IncludeTopicAuthorizedOperations));
            }
        }
        else
        {
            var allowCreate = identity.Options.AutoCreateTopics && (version < 4 || req.AllowAutoTopicCreation);
            foreach (var requested in req.Topics!)
            {
                response.Topics.Add(Resolve(requested, allowCreate, req.IncludeTopicAuthorizedOperations));
            }
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private MetadataResponse.MetadataResponseTopic Resolve(MetadataRequest.MetadataRequestTopic requested, bool allowCreate, bool includeOperations)
    {
        if (requested.Name is null)
        {
            return topics.Find(requested.TopicId) is { } byId
                ? Describe(byId, includeOperations)
                : Error(ErrorCode.UnknownTopicId, null, requested.TopicId, includeOperations);
        }
        var name = requested.Name;
        if (TopicNames.Validate(name) is not null)
        {
            return Error(ErrorCode.InvalidTopicException, name, Uuid.Zero, includeOperations);
        }
        Topic? topic;
        if (allowCreate)
        {
            var created = topics.GetOrAutoCreate(name, out topic);
            if (created.Error != ErrorCode.None)
            {
                return Error(created.Error, name, Uuid.Zero, includeOperations);
            }
        }
        else
        {
            topic = topics.Find(name);
        }
        return topic is null ? Error(ErrorCode.UnknownTopicOrPartition, name, Uuid.Zero, includeOperations) : Describe(topic, includeOperations);
    }

    private static MetadataResponse.MetadataResponseTopic Error(ErrorCode error, string? name, Uuid id, bool includeOperations) => new()
    {
        ErrorCode = (short)error,
        Name = name,
        TopicId = id,
        TopicAuthorizedOperations = includeOperations ? TopicOperations : AuthorizedOperationsOmitted,
    };

    private MetadataResponse.MetadataResponseTopic Describe(Topic topic, bool includeOperations)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            ErrorCode = 0,
            Name = topic.Name,
            TopicId = topic.Id,
            IsInternal = topic.IsInternal,
            TopicAuthorizedOperations = includeOperations ? TopicOperations : AuthorizedOperationsOmitted,
        };
        List<int> self = [identity.NodeId];
        foreach (var partition in topic.Partitions)
        {
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = 0,
                PartitionIndex = partition.Index,
                LeaderId = identity.NodeId,
                LeaderEpoch = Partition.LeaderEpoch,
                ReplicaNodes = self,
                IsrNodes = self,
                OfflineReplicas = [],
            });
        }
        return result;
    }
}

/// <summary>Who this broker is, as Metadata and DescribeCluster report it.</summary>
internal sealed record BrokerIdentity(BrokerOptions Options, string ClusterId, int Port)
{
    public int NodeId => Options.NodeId;

    public string Host => Options.AdvertisedHost;
}
