using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>
/// ListOffsets: earliest (-2), latest (-1; the last stable offset for read_committed), max timestamp (-3), or the first
/// offset at or after a timestamp.
/// </summary>
internal sealed class ListOffsetsHandler(TopicManager topics) : IRequestHandler
{
    private const long Latest = -1;
    private const long Earliest = -2;
    private const long MaxTimestamp = -3;

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (ListOffsetsRequest)request;
        var response = new ListOffsetsResponse();
        foreach (var requestedTopic in req.Topics)
        {
            var topic = topics.Find(requestedTopic.Name);
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = requestedTopic.Name };
            foreach (var p in requestedTopic.Partitions)
            {
                topicResponse.Partitions.Add(Lookup(topic, p, context.ApiVersion, context.ApiVersion >= 2 && req.IsolationLevel == 1));
            }
            response.Topics.Add(topicResponse);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private static ListOffsetsResponse.ListOffsetsPartitionResponse Lookup(Topic? topic, ListOffsetsRequest.ListOffsetsPartition request, short version, bool readCommitted)
    {
        var partition = topic?.Partition(request.PartitionIndex);
        if (partition is null || partition.IsDeleted)
        {
            return Result(request.PartitionIndex, ErrorCode.UnknownTopicOrPartition, -1, -1, version);
        }
        if (request.CurrentLeaderEpoch > Partition.LeaderEpoch)
        {
            return Result(request.PartitionIndex, ErrorCode.UnknownLeaderEpoch, -1, -1, version);
        }
        var log = partition.Log;
        try
        {
            switch (request.Timestamp)
            {
                case Latest:
                    return Result(request.PartitionIndex, ErrorCode.None, -1, readCommitted ? log.LastStableOffset : log.LogEndOffset, version);
                case Earliest:
                    return Result(request.PartitionIndex, ErrorCode.None, -1, log.LogStartOffset, version);
                case MaxTimestamp:
                    var max = log.MaxTimestamp();
                    return Result(request.PartitionIndex, ErrorCode.None, max?.Timestamp ?? -1, max?.Offset ?? -1, version);
                case < 0:
                    return Result(request.PartitionIndex, ErrorCode.InvalidRequest, -1, -1, version);
                default:
                    var found = log.OffsetForTimestamp(request.Timestamp);
                    return Result(request.PartitionIndex, ErrorCode.None, found?.Timestamp ?? -1, found?.Offset ?? -1, version);
            }
        }
        catch (ObjectDisposedException) when (partition.IsDeleted)
        {
            // Deleted between the lookup and the read.
            return Result(request.PartitionIndex, ErrorCode.UnknownTopicOrPartition, -1, -1, version);
        }
    }

    private static ListOffsetsResponse.ListOffsetsPartitionResponse Result(int partition, ErrorCode error, long timestamp, long offset, short version) => new()
    {
        PartitionIndex = partition,
        ErrorCode = (short)error,
        Timestamp = timestamp,
        Offset = offset,
        LeaderEpoch = Partition.LeaderEpoch,
        // v0 answers with a list of offsets instead of one.
        OldStyleOffsets = version == 0 && error == ErrorCode.None && offset >= 0 ? [offset] : [],
    };
}
