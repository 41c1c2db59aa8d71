using Eddy.Broker.Network;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>DescribeCluster: this node, as broker and controller.</summary>
internal sealed class DescribeClusterHandler(BrokerIdentity identity) : IRequestHandler
{
    private const sbyte BrokersEndpoint = 1;

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DescribeClusterRequest)request;
        if (context.ApiVersion >= 1 && req.EndpointType != BrokersEndpoint)
        {
            return ValueTask.FromResult<IApiMessage?>(new DescribeClusterResponse
            {
                ErrorCode = (short)ErrorCode.UnsupportedEndpointType,
                ErrorMessage = "Only the brokers endpoint type (1) is served.",
                EndpointType = req.EndpointType,
                ClusterId = identity.ClusterId,
                ControllerId = -1,
            });
        }
        return ValueTask.FromResult<IApiMessage?>(new DescribeClusterResponse
        {
            ErrorCode = 0,
            EndpointType = BrokersEndpoint,
            ClusterId = identity.ClusterId,
            ControllerId = identity.NodeId,
            Brokers = [new DescribeClusterResponse.DescribeClusterBroker { BrokerId = identity.NodeId, Host = identity.Host, Port = identity.Port }],
            ClusterAuthorizedOperations = req.IncludeClusterAuthorizedOperations ? AllClusterOperations : int.MinValue,
        });
    }

    // What Kafka answers without an authorizer (every operation the CLUSTER resource supports): CREATE, ALTER, DESCRIBE,
    // CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE = 8096.
    internal const int AllClusterOperations = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);
}
