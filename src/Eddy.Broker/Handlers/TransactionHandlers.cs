using Eddy.Broker.Groups;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Broker.Transactions;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage.Producers;
using TxnState = Eddy.Broker.Transactions.TransactionState;

namespace Eddy.Broker.Handlers;

/// <summary>Error translation shared by the transaction handlers.</summary>
internal static class TransactionErrors
{
    /// <summary>PRODUCER_FENCED exists from these request versions on; older clients are told INVALID_PRODUCER_EPOCH.</summary>
    public static short ForVersion(ErrorCode error, short version, short fencedSince) =>
        (short)(error == ErrorCode.ProducerFenced && version < fencedSince ? ErrorCode.InvalidProducerEpoch : error);
}

/// <summary>InitProducerId: a producer id for an idempotent producer, or the (bumped) id and epoch of a transactional id.</summary>
internal sealed class InitProducerIdHandler(TransactionCoordinator transactions) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (InitProducerIdRequest)request;
        var (error, producerId, epoch) = context.ApiVersion >= 3
            ? transactions.InitProducerId(req.TransactionalId, req.TransactionTimeoutMs, req.ProducerId, req.ProducerEpoch)
            : transactions.InitProducerId(req.TransactionalId, req.TransactionTimeoutMs);
        return ValueTask.FromResult<IApiMessage?>(new InitProducerIdResponse
        {
            ErrorCode = TransactionErrors.ForVersion(error, context.ApiVersion, fencedSince: 4),
            ProducerId = error == ErrorCode.None ? producerId : -1,
            ProducerEpoch = error == ErrorCode.None ? epoch : (short)-1,
        });
    }
}

/// <summary>AddPartitionsToTxn v0–3 (the client form): adds partitions to the producer's open transaction.</summary>
internal sealed class AddPartitionsToTxnHandler(TransactionCoordinator transactions, TopicManager topics) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (AddPartitionsToTxnRequest)request;
        var requested = req.V3AndBelowTopics.SelectMany(t => t.Partitions.Select(p => (t.Name, p))).ToList();
        var unknown = requested.Where(p => topics.Find(p.Name)?.Partition(p.p) is null).ToHashSet();
        // Kafka's rule: if any partition is unknown, none is added and the others say so.
        var error = unknown.Count > 0
            ? ErrorCode.OperationNotAttempted
            : transactions.AddPartitions(req.V3AndBelowTransactionalId, req.V3AndBelowProducerId, req.V3AndBelowProducerEpoch, requested);
        var code = TransactionErrors.ForVersion(error, context.ApiVersion, fencedSince: 2);
        var response = new AddPartitionsToTxnResponse();
        foreach (var topic in req.V3AndBelowTopics)
        {
            response.ResultsByTopicV3AndBelow.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
            {
                Name = topic.Name,
                ResultsByPartition = [.. topic.Partitions.Select(p => new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult
                {
                    PartitionIndex = p,
                    PartitionErrorCode = unknown.Contains((topic.Name, p)) ? (short)ErrorCode.UnknownTopicOrPartition : code,
                })],
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>AddOffsetsToTxn: adds the group's offsets partition to the transaction, so TxnOffsetCommit may write to it.</summary>
internal sealed class AddOffsetsToTxnHandler(TransactionCoordinator transactions) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (AddOffsetsToTxnRequest)request;
        var error = string.IsNullOrEmpty(req.GroupId)
            ? ErrorCode.InvalidGroupId
            : transactions.AddPartitions(req.TransactionalId, req.ProducerId, req.ProducerEpoch, [TransactionMarkerWriter.OffsetsPartition]);
        return ValueTask.FromResult<IApiMessage?>(new AddOffsetsToTxnResponse { ErrorCode = TransactionErrors.ForVersion(error, context.ApiVersion, fencedSince: 2) });
    }
}

/// <summary>EndTxn: commits or aborts; answered once the decision is durable and every marker is written.</summary>
internal sealed class EndTxnHandler(TransactionCoordinator transactions) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (EndTxnRequest)request;
        var error = transactions.EndTransaction(req.TransactionalId, req.ProducerId, req.ProducerEpoch, req.Committed);
        return ValueTask.FromResult<IApiMessage?>(new EndTxnResponse { ErrorCode = TransactionErrors.ForVersion(error, context.ApiVersion, fencedSince: 2) });
    }
}

/// <summary>
/// TxnOffsetCommit (to the group coordinator): the consumed offsets of a consume-transform-produce transaction,
/// pending until it commits. v3+ carries the consumer's generation and member id, checked so a zombie whose
/// partitions were reassigned cannot commit for them (KIP-447).
/// </summary>
internal sealed class TxnOffsetCommitHandler(GroupCoordinator groups, TransactionCoordinator transactions, TopicManager topics, TimeProvider time) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (TxnOffsetCommitRequest)request;
        var (offsetsTopic, offsetsPartition) = TransactionMarkerWriter.OffsetsPartition;
        var error = string.IsNullOrEmpty(req.GroupId) ? ErrorCode.InvalidGroupId
            : transactions.VerifyTransactionalWrite(req.TransactionalId, req.ProducerId, req.ProducerEpoch, offsetsTopic, offsetsPartition);
        if (error == ErrorCode.None && context.ApiVersion >= 3)
        {
            error = groups.ValidateTransactionalCommit(req.GroupId, req.GenerationId, req.MemberId, req.GroupInstanceId);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var commits = new List<(string, int, CommittedOffset)>();
        var response = new TxnOffsetCommitResponse();
        foreach (var t in req.Topics)
        {
            var topicResponse = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = t.Name };
            var topic = topics.Find(t.Name);
            foreach (var p in t.Partitions)
            {
                var partitionError = OffsetCommitChecks.PartitionError(error, topic, p.PartitionIndex, p.CommittedMetadata);
                if (partitionError == ErrorCode.None)
                {
                    var leaderEpoch = context.ApiVersion >= 2 ? p.CommittedLeaderEpoch : -1;
                    commits.Add((t.Name, p.PartitionIndex, new CommittedOffset(p.CommittedOffset, leaderEpoch, p.CommittedMetadata, now)));
                }
                topicResponse.Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)partitionError });
            }
            response.Topics.Add(topicResponse);
        }
        try
        {
            groups.Offsets.CommitTransactional(req.GroupId, req.ProducerId, req.ProducerEpoch, commits);
        }
        catch (ProducerStateException e)
        {
            foreach (var partition in response.Topics.SelectMany(t => t.Partitions).Where(p => p.ErrorCode == 0))
            {
                partition.ErrorCode = (short)e.Error;
            }
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>DescribeTransactions: the state of each transactional id (kafka-transactions.sh describe).</summary>
internal sealed class DescribeTransactionsHandler(TransactionCoordinator transactions) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DescribeTransactionsRequest)request;
        var response = new DescribeTransactionsResponse();
        foreach (var id in req.TransactionalIds)
        {
            var state = transactions.Describe(id);
            response.TransactionStates.Add(state is null
                ? new DescribeTransactionsResponse.TransactionState { TransactionalId = id, ErrorCode = (short)ErrorCode.TransactionalIdNotFound, ProducerId = -1, ProducerEpoch = -1, TransactionStartTimeMs = -1 }
                : new DescribeTransactionsResponse.TransactionState
                {
                    TransactionalId = id,
                    TransactionStateValue = state.State.Name(),
                    TransactionTimeoutMs = state.TimeoutMs,
                    TransactionStartTimeMs = state.StartTimestamp,
                    ProducerId = state.ProducerId,
                    ProducerEpoch = state.ProducerEpoch,
                    Topics = [.. state.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => new DescribeTransactionsResponse.TopicData
                    {
                        Topic = g.Key,
                        Partitions = [.. g.Select(p => p.Partition)],
                    })],
                });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>ListTransactions: every transactional id, filtered by state, producer id and (v1) minimum open duration.</summary>
internal sealed class ListTransactionsHandler(TransactionCoordinator transactions, TimeProvider time) : IRequestHandler
{
    private static readonly HashSet<string> KnownStates = [.. Enum.GetValues<TxnState>().Select(s => s.Name())];

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (ListTransactionsRequest)request;
        var response = new ListTransactionsResponse { UnknownStateFilters = [.. req.StateFilters.Where(s => !KnownStates.Contains(s))] };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var minDuration = context.ApiVersion >= 1 ? req.DurationFilter : -1;
        foreach (var state in transactions.List())
        {
            if ((req.StateFilters.Count > 0 && !req.StateFilters.Contains(state.State.Name()))
                || (req.ProducerIdFilters.Count > 0 && !req.ProducerIdFilters.Contains(state.ProducerId))
                || (minDuration >= 0 && (state.StartTimestamp < 0 || now - state.StartTimestamp < minDuration)))
            {
                continue;
            }
            response.TransactionStates.Add(new ListTransactionsResponse.TransactionState
            {
                TransactionalId = state.TransactionalId,
                ProducerId = state.ProducerId,
                TransactionStateValue = state.State.Name(),
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>DescribeProducers: the producer state each partition keeps (kafka-transactions.sh find-hanging uses it).</summary>
internal sealed class DescribeProducersHandler(TopicManager topics) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DescribeProducersRequest)request;
        var response = new DescribeProducersResponse();
        foreach (var t in req.Topics)
        {
            var topic = topics.Find(t.Name);
            var topicResponse = new DescribeProducersResponse.TopicResponse { Name = t.Name };
            foreach (var index in t.PartitionIndexes)
            {
                var partitionResponse = new DescribeProducersResponse.PartitionResponse { PartitionIndex = index };
                if (topic?.Partition(index) is not { } partition)
                {
                    partitionResponse.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    partitionResponse.ErrorMessage = "This server does not host this topic-partition.";
                }
                else
                {
                    partitionResponse.ActiveProducers = [.. partition.Log.Producers().Select(p => new DescribeProducersResponse.ProducerState
                    {
                        ProducerId = p.ProducerId,
                        ProducerEpoch = p.ProducerEpoch,
                        LastSequence = p.LastSequence,
                        LastTimestamp = p.LastTimestamp,
                        CoordinatorEpoch = p.CoordinatorEpoch,
                        CurrentTxnStartOffset = p.CurrentTransactionStartOffset,
                    })];
                }
                topicResponse.Partitions.Add(partitionResponse);
            }
            response.Topics.Add(topicResponse);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}
