using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>DeleteTopics, by name (v0-5) or by name or id (v6+).</summary>
internal sealed class DeleteTopicsHandler(TopicManager topics) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DeleteTopicsRequest)request;
        var response = new DeleteTopicsResponse();
        var targets = context.ApiVersion >= 6
            ? req.Topics.Select(t => (t.Name, t.TopicId))
            : req.TopicNames.Select(n => ((string?)n, Uuid.Zero));
        foreach (var (name, id) in targets)
        {
            var topic = name is not null ? topics.Find(name) : topics.Find(id);
            if (topic is null)
            {
                var error = name is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
                response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
                {
                    Name = name,
                    TopicId = id,
                    ErrorCode = (short)error,
                    ErrorMessage = ErrorCodes.Message(error),
                });
                continue;
            }
            var result = topics.Delete(topic.Name);
            response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
            {
                Name = topic.Name,
                TopicId = topic.Id,
                ErrorCode = (short)result.Error,
                ErrorMessage = result.Message,
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}
