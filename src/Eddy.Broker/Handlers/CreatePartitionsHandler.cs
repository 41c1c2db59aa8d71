using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>CreatePartitions: grows a topic to Count partitions (never shrinks).</summary>
internal sealed class CreatePartitionsHandler(TopicManager topics, BrokerIdentity identity) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (CreatePartitionsRequest)request;
        var response = new CreatePartitionsResponse();
        foreach (var t in req.Topics)
        {
            TopicResult result;
            if (t.Assignments is { } assignments && assignments.Any(a => a.BrokerIds.Any(b => b != identity.NodeId)))
            {
                result = new(ErrorCode.InvalidReplicaAssignment, $"Replica assignments may only name broker {identity.NodeId}, the only broker.");
            }
            else
            {
                result = topics.AddPartitions(t.Name, t.Count, req.ValidateOnly);
            }
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult
            {
                Name = t.Name,
                ErrorCode = (short)result.Error,
                ErrorMessage = result.Message,
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}
