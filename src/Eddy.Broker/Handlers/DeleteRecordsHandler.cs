using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage;

namespace Eddy.Broker.Handlers;

/// <summary>DeleteRecords: moves a partition's log start offset forward (-1 means up to the high watermark).</summary>
internal sealed class DeleteRecordsHandler(TopicManager topics) : IRequestHandler
{
    private const long HighWatermark = -1;

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DeleteRecordsRequest)request;
        var response = new DeleteRecordsResponse();
        foreach (var t in req.Topics)
        {
            var topic = topics.Find(t.Name);
            var result = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = t.Name };
            foreach (var p in t.Partitions)
            {
                result.Partitions.Add(topic is { IsInternal: true }
                    ? Result(p.PartitionIndex, ErrorCode.InvalidTopicException, -1)
                    : Delete(topic?.Partition(p.PartitionIndex), p));
            }
            response.Topics.Add(result);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private static DeleteRecordsResponse.DeleteRecordsPartitionResult Delete(Partition? partition, DeleteRecordsRequest.DeleteRecordsPartition request)
    {
        if (partition is null || partition.IsDeleted)
        {
            return Result(request.PartitionIndex, ErrorCode.UnknownTopicOrPartition, -1);
        }
        try
        {
            var log = partition.Log;
            var offset = request.Offset == HighWatermark ? log.LogEndOffset : request.Offset;
            if (offset < 0 || offset > log.LogEndOffset)
            {
                return Result(request.PartitionIndex, ErrorCode.OffsetOutOfRange, -1);
            }
            return Result(request.PartitionIndex, ErrorCode.None, log.DeleteRecordsBefore(offset));
        }
        catch (OffsetOutOfRangeException)
        {
            return Result(request.PartitionIndex, ErrorCode.OffsetOutOfRange, -1);
        }
        catch (ObjectDisposedException) when (partition.IsDeleted)
        {
            // Deleted between the lookup and the deletion of records.
            return Result(request.PartitionIndex, ErrorCode.UnknownTopicOrPartition, -1);
        }
    }

    private static DeleteRecordsResponse.DeleteRecordsPartitionResult Result(int partition, ErrorCode error, long lowWatermark) =>
        new() { PartitionIndex = partition, ErrorCode = (short)error, LowWatermark = lowWatermark };
}
