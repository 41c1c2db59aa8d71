using System.Runtime.InteropServices;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Broker.Transactions;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage;
using Eddy.Storage.Producers;

namespace Eddy.Broker.Handlers;

/// <summary>
/// Produce: validates each partition's batch as Kafka does (the batch, then each record against its topic's rules, a
/// refusal naming the records at fault in record_errors), appends it, and answers with its base offset. The internal
/// topics are written by their coordinators only.
/// On a single node acks=1 and acks=all mean the same: the batch is in the log (written to the OS, so it survives
/// a crash of the broker process) before the answer; acks=0 gets no answer at all. Batches of idempotent and
/// transactional producers are checked against the producer's state by the log (a retried batch is answered with its
/// original offsets); a transactional batch must belong to its producer's open transaction on a partition added to it.
/// </summary>
internal sealed class ProduceHandler(TopicManager topics, TransactionCoordinator transactions, TimeProvider time) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (ProduceRequest)request;
        var version = context.ApiVersion;
        var response = new ProduceResponse();
        var acksValid = req.Acks is 0 or 1 or -1;
        foreach (var topicData in req.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topicData.Name };
            var topic = topics.Find(topicData.Name);
            foreach (var partitionData in topicData.PartitionData)
            {
                var result = !acksValid
                    ? Failed(partitionData.Index, ErrorCode.InvalidRequiredAcks, "Invalid required acks: only 0, 1 and -1 (all) are allowed")
                    : Append(topic, partitionData, version, req.TransactionalId);
                topicResponse.PartitionResponses.Add(result);
            }
            response.Responses.Add(topicResponse);
        }
        return ValueTask.FromResult<IApiMessage?>(req.Acks == 0 ? null : response);
    }

    private ProduceResponse.PartitionProduceResponse Append(Topic? topic, ProduceRequest.PartitionProduceData data, short version, string? transactionalId)
    {
        var partition = topic?.Partition(data.Index);
        if (topic is null || partition is null || partition.IsDeleted)
        {
            return Failed(data.Index, ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
        }
        if (topic.IsInternal)
        {
            // Only the coordinators write the internal topics (Kafka lets its own admin client id through; Eddy lets no client).
            return Failed(data.Index, ErrorCode.InvalidTopicException, $"Cannot append to internal topic {topic.Name}");
        }
        if (data.Records is not MemoryRecords records)
        {
            return Failed(data.Index, ErrorCode.CorruptMessage, "Produce request carries no records");
        }
        var validation = RecordBatchValidator.Validate(records.Buffer.Span, version, topic.Config.MaxMessageBytes);
        if (!validation.IsValid)
        {
            return Failed(data.Index, validation.Error, validation.Message);
        }
        var span = records.Buffer.Span;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var recordCheck = LogValidator.Validate(span, topic.Config.RecordRules(topic.Name, data.Index), now);
        if (!recordCheck.IsValid)
        {
            var refused = Failed(data.Index, recordCheck.Error, recordCheck.Message);
            refused.LogStartOffset = partition.Log.LogStartOffset;
            refused.RecordErrors = [.. recordCheck.RecordErrors.Select(e => new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = e.BatchIndex, BatchIndexErrorMessage = e.Message })];
            return refused;
        }
        var producerId = RecordBatch.ProducerId(span);
        if (producerId >= 0 && RecordBatch.BaseSequence(span) < 0)
        {
            return Failed(data.Index, ErrorCode.InvalidRecord, $"Invalid sequence number {RecordBatch.BaseSequence(span)} in record batch with producerId {producerId}");
        }
        if (RecordBatch.IsTransactional(span))
        {
            var error = producerId < 0
                ? ErrorCode.InvalidRecord
                : transactions.VerifyTransactionalWrite(transactionalId, producerId, RecordBatch.ProducerEpoch(span), topic.Name, data.Index);
            if (error != ErrorCode.None)
            {
                return Failed(data.Index, error, error switch
                {
                    ErrorCode.InvalidRecord => "A transactional record batch needs a producer id",
                    ErrorCode.InvalidTxnState => $"The partition {topic.Name}-{data.Index} is not part of an ongoing transaction of {transactionalId}",
                    ErrorCode.InvalidProducerEpoch => "The producer's epoch is not the current one of its transactional id: it has been fenced",
                    _ => $"Producer id {producerId} does not belong to transactional id {transactionalId}",
                });
            }
        }
        try
        {
            // The batch is a slice of this connection's receive buffer, which the broker owns: offsets are
            // assigned by rewriting it in place, then it is written to the log as is.
            var batch = MemoryMarshal.AsMemory(records.Buffer);
            var info = partition.Log.Append(batch, topic.Config.TimestampType, now);
            return new ProduceResponse.PartitionProduceResponse
            {
                Index = data.Index,
                ErrorCode = 0,
                BaseOffset = info.BaseOffset,
                LogAppendTimeMs = info.LogAppendTime,
                LogStartOffset = partition.Log.LogStartOffset,
            };
        }
        catch (ProducerStateException e)
        {
            return Failed(data.Index, e.Error, e.Message);
        }
        catch (ObjectDisposedException) when (partition.IsDeleted)
        {
            // Deleted between the lookup and the append.
            return Failed(data.Index, ErrorCode.UnknownTopicOrPartition, "The topic was deleted.");
        }
        catch (IOException e)
        {
            return Failed(data.Index, ErrorCode.KafkaStorageError, e.Message);
        }
    }

    private static ProduceResponse.PartitionProduceResponse Failed(int index, ErrorCode error, string? message) => new()
    {
        Index = index,
        ErrorCode = (short)error,
        BaseOffset = -1,
        LogAppendTimeMs = -1,
        LogStartOffset = -1,
        ErrorMessage = message,
    };
}
