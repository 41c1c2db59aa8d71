using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage;

namespace Eddy.Broker.Handlers;

/// <summary>
/// Fetch: whole batches from each partition's log, within PartitionMaxBytes and MaxBytes (the first batch of the
/// first non-empty partition is always whole, KIP-74), waiting up to MaxWaitMs for MinBytes (long polling).
/// Incremental fetch sessions (KIP-227) are declined by answering session id 0, which every client accepts.
/// </summary>
internal sealed class FetchHandler(TopicManager topics, AppendWaiters waiters, TimeProvider time) : IRequestHandler
{
    private const sbyte ReadCommitted = 1;

    public async ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (FetchRequest)request;
        if (req.SessionId != 0)
        {
            return new FetchResponse { ErrorCode = (short)ErrorCode.FetchSessionIdNotFound, SessionId = 0 };
        }
        var deadline = time.GetUtcNow().AddMilliseconds(Math.Max(0, req.MaxWaitMs));
        while (true)
        {
            // Register interest before reading, so that an append racing with the read still wakes us.
            var wakeUps = req.MaxWaitMs > 0 ? WakeUps(req) : null;
            var (response, bytes, sawError) = Read(req, context.ApiVersion);
            var remaining = deadline - time.GetUtcNow();
            if (bytes >= req.MinBytes || sawError || wakeUps is null || wakeUps.Count == 0 || remaining <= TimeSpan.Zero)
            {
                return response;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(remaining);
            try
            {
                await Task.WhenAny(wakeUps).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // MaxWaitMs elapsed: answer with what there is.
            }
        }
    }

    private List<Task>? WakeUps(FetchRequest req)
    {
        var tasks = new List<Task>();
        foreach (var fetchTopic in req.Topics)
        {
            if (topics.Find(fetchTopic.Topic) is not { } topic)
            {
                continue;
            }
            foreach (var fetchPartition in fetchTopic.Partitions)
            {
                if (topic.Partition(fetchPartition.Partition) is { } partition)
                {
                    tasks.Add(waiters.NextAppend(partition));
                }
            }
        }
        return tasks;
    }

    private (FetchResponse Response, long Bytes, bool SawError) Read(FetchRequest req, short version)
    {
        var response = new FetchResponse { SessionId = 0 };
        var readCommitted = version >= 4 && req.IsolationLevel == ReadCommitted;
        long remaining = version >= 3 ? req.MaxBytes : int.MaxValue;
        long total = 0;
        var sawError = false;
        foreach (var fetchTopic in req.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = fetchTopic.Topic, TopicId = fetchTopic.TopicId };
            var topic = topics.Find(fetchTopic.Topic);
            foreach (var fetchPartition in fetchTopic.Partitions)
            {
                var data = ReadPartition(topic, fetchPartition, readCommitted, ref remaining, total == 0);
                total += data.Records?.SizeInBytes ?? 0;
                sawError |= data.ErrorCode != 0;
                topicResponse.Partitions.Add(data);
            }
            response.Responses.Add(topicResponse);
        }
        return (response, total, sawError);
    }

    private static FetchResponse.PartitionData ReadPartition(Topic? topic, FetchRequest.FetchPartition request, bool readCommitted, ref long remaining, bool firstNonEmpty)
    {
        var partition = topic?.Partition(request.Partition);
        if (partition is null || partition.IsDeleted)
        {
            return Failed(request.Partition, ErrorCode.UnknownTopicOrPartition);
        }
        if (request.CurrentLeaderEpoch > Partition.LeaderEpoch)
        {
            return Failed(request.Partition, ErrorCode.UnknownLeaderEpoch);
        }
        var log = partition.Log;
        try
        {
            // The stable offset first: read after the high watermark it could pass it.
            var lastStableOffset = log.LastStableOffset;
            var highWatermark = log.LogEndOffset;
            var maxOffset = readCommitted ? lastStableOffset : highWatermark;
            var maxBytes = (int)Math.Clamp(Math.Min(remaining, request.PartitionMaxBytes), 0, int.MaxValue);
            var result = log.Read(request.FetchOffset, maxBytes, minOneBatch: firstNonEmpty, maxOffset: maxOffset);
            // Compaction can leave record-less batch headers; a response holding nothing else reads to librdkafka
            // as "message too large", so the read moves on past them (clients accept gaps on compacted topics).
            var position = request.FetchOffset;
            while (OnlyEmptyBatches(result.Records) is { } next && next > position && next < maxOffset)
            {
                position = next;
                result = log.Read(next, maxBytes, minOneBatch: firstNonEmpty, maxOffset: maxOffset);
            }
            remaining -= result.Records.SizeInBytes;
            // read_committed clients drop the records of aborted transactions themselves, told which ones overlap
            // the returned batches (Kafka bounds the list the same way).
            var aborted = readCommitted && result.Records.SizeInBytes > 0
                ? log.CollectAbortedTransactions(position, EndOffset(result.Records))
                    .Select(t => new FetchResponse.AbortedTransaction { ProducerId = t.ProducerId, FirstOffset = t.FirstOffset })
                    .ToList()
                : null;
            return new FetchResponse.PartitionData
            {
                PartitionIndex = request.Partition,
                ErrorCode = 0,
                HighWatermark = highWatermark,
                LastStableOffset = lastStableOffset,
                LogStartOffset = result.LogStartOffset,
                AbortedTransactions = aborted ?? (readCommitted ? [] : null),
                PreferredReadReplica = -1,
                Records = result.Records,
            };
        }
        catch (OffsetOutOfRangeException)
        {
            return new FetchResponse.PartitionData
            {
                PartitionIndex = request.Partition,
                ErrorCode = (short)ErrorCode.OffsetOutOfRange,
                HighWatermark = log.LogEndOffset,
                LastStableOffset = log.LastStableOffset,
                LogStartOffset = log.LogStartOffset,
                PreferredReadReplica = -1,
                Records = MemoryRecords.Empty,
            };
        }
        catch (ObjectDisposedException) when (partition.IsDeleted)
        {
            // Deleted between the lookup and the read.
            return Failed(request.Partition, ErrorCode.UnknownTopicOrPartition);
        }
    }

    /// <summary>The offset after the records when they are only batches without records (not control batches); else null.</summary>
    private static long? OnlyEmptyBatches(Records records)
    {
        var size = records.SizeInBytes;
        if (size < RecordBatch.HeaderSize)
        {
            return null;
        }
        Span<byte> header = stackalloc byte[RecordBatch.HeaderSize];
        long next = -1;
        for (var position = 0; position + RecordBatch.HeaderSize <= size;)
        {
            records.CopyRange(position, header);
            if (RecordBatch.RecordsCount(header) != 0 || RecordBatch.IsControl(header))
            {
                return null;
            }
            next = RecordBatch.LastOffset(header) + 1;
            position += RecordBatch.TotalSize(header);
        }
        return next;
    }

    /// <summary>The offset after the last batch of <paramref name="records"/> (which is not empty).</summary>
    private static long EndOffset(Records records)
    {
        var size = records.SizeInBytes;
        Span<byte> header = stackalloc byte[RecordBatch.HeaderSize];
        long end = 0;
        for (var position = 0; position + RecordBatch.HeaderSize <= size;)
        {
            records.CopyRange(position, header);
            end = RecordBatch.LastOffset(header) + 1;
            position += RecordBatch.TotalSize(header);
        }
        return end;
    }

    private static FetchResponse.PartitionData Failed(int partition, ErrorCode error) => new()
    {
        PartitionIndex = partition,
        ErrorCode = (short)error,
        HighWatermark = -1,
        LastStableOffset = -1,
        LogStartOffset = -1,
        PreferredReadReplica = -1,
        Records = MemoryRecords.Empty,
    };
}
