using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>
/// OffsetForLeaderEpoch (KIP-320 position validation): a single node has only ever had leader epoch 0,
/// whose end offset is the log end offset.
/// </summary>
internal sealed class OffsetForLeaderEpochHandler(TopicManager topics) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (OffsetForLeaderEpochRequest)request;
        var response = new OffsetForLeaderEpochResponse();
        foreach (var requestedTopic in req.Topics)
        {
            var topic = topics.Find(requestedTopic.Topic);
            var result = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = requestedTopic.Topic };
            foreach (var p in requestedTopic.Partitions)
            {
                var partition = topic?.Partition(p.Partition);
                var error = partition is null ? ErrorCode.UnknownTopicOrPartition
                    : p.CurrentLeaderEpoch > Partition.LeaderEpoch || p.LeaderEpoch > Partition.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
                    : ErrorCode.None;
                result.Partitions.Add(new OffsetForLeaderEpochResponse.EpochEndOffset
                {
                    Partition = p.Partition,
                    ErrorCode = (short)error,
                    LeaderEpoch = error == ErrorCode.None ? Partition.LeaderEpoch : -1,
                    EndOffset = error == ErrorCode.None ? partition!.Log.LogEndOffset : -1,
                });
            }
            response.Topics.Add(result);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}
