using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Client;

/// <summary>
/// The transaction admin operations kafka-transactions.sh performs through Kafka's Java Admin client, over
/// <see cref="KafkaProtocolClient"/>: ListTransactions on every broker, DescribeTransactions on each transactional
/// id's coordinator, DescribeProducers on each partition's leader (or a chosen broker), and aborting a hanging
/// transaction with WriteTxnMarkers on the partition's leader.
/// </summary>
public sealed class TransactionsAdmin(KafkaProtocolClient client)
{
    /// <summary>Partitions per DescribeProducers request, as Kafka's tool batches them.</summary>
    public const int MaxPartitionsPerRequest = 500;

    /// <summary>
    /// ListTransactions on every broker. A broker that cannot be asked (down, too old, an error) adds an
    /// <see cref="TransactionListResult.Errors"/> line; the others' listings are still returned.
    /// </summary>
    public async Task<TransactionListResult> ListTransactionsAsync(
        IReadOnlyList<string> states, IReadOnlyList<long> producerIds, long durationMs, CancellationToken cancellationToken)
    {
        var metadata = await client.MetadataAsync([], cancellationToken);
        var answers = await Task.WhenAll(metadata.Brokers.Select(b => ListOnBrokerAsync(b, states, producerIds, durationMs, cancellationToken)));
        return new TransactionListResult(
            [.. answers.SelectMany(a => a.Listings)],
            [.. answers.Where(a => a.Error is not null).Select(a => a.Error!)],
            [.. answers.SelectMany(a => a.UnknownStates).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// DescribeTransactions for each id, asked of its coordinator; a transactional id the coordinator does not know
    /// maps to null. Any other error is a <see cref="KafkaClientException"/>.
    /// </summary>
    public async Task<Dictionary<string, DescribedTransaction?>> DescribeTransactionsAsync(IReadOnlyCollection<string> transactionalIds, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, DescribedTransaction?>(StringComparer.Ordinal);
        var pending = transactionalIds.Distinct(StringComparer.Ordinal).ToList();
        var retry = new RetryBackoff(client.RequestTimeout);
        while (pending.Count > 0)
        {
            var coordinators = new List<(BrokerAddress Coordinator, string Id)>();
            foreach (var id in pending)
            {
                coordinators.Add((await client.FindCoordinatorAsync(id, KafkaProtocolClient.TransactionKeyType, cancellationToken), id));
            }
            var again = new List<string>();
            (ErrorCode Code, string Message)? lastError = null;
            foreach (var group in coordinators.GroupBy(c => c.Coordinator))
            {
                var coordinator = group.Key;
                var ids = group.Select(g => g.Id).ToList();
                var connection = await client.ConnectAsync(coordinator, cancellationToken);
                var version = connection.RequireVersion(ApiKey.DescribeTransactions, "DescribeTransactions (Kafka 3.0 or later)");
                var response = await connection.SendAsync<DescribeTransactionsResponse>(
                    new DescribeTransactionsRequest { TransactionalIds = ids }, version, cancellationToken);
                foreach (var id in ids)
                {
                    var state = response.TransactionStates.FirstOrDefault(s => s.TransactionalId == id)
                        ?? throw new KafkaClientException(ErrorCode.UnknownServerError, $"the coordinator {coordinator} did not describe transactional-id '{id}'");
                    switch ((ErrorCode)state.ErrorCode)
                    {
                        case ErrorCode.None:
                            results[id] = ToDescription(coordinator.NodeId ?? -1, state);
                            break;
                        case ErrorCode.TransactionalIdNotFound:
                            results[id] = null;
                            break;
                        case var _ when ProtocolErrors.IsRetriable(state.ErrorCode):
                            again.Add(id);
                            lastError = ((ErrorCode)state.ErrorCode, DescribeFailure(id, state.ErrorCode));
                            break;
                        default:
                            throw new KafkaClientException((ErrorCode)state.ErrorCode, DescribeFailure(id, state.ErrorCode));
                    }
                }
            }
            if (again.Count > 0 && !await retry.WaitAsync(cancellationToken))
            {
                throw new KafkaClientException(lastError!.Value.Code, lastError.Value.Message);
            }
            pending = again;
        }
        return results;
    }

    /// <summary>Kafka's tool's words for a failed describe, with the error's name and message.</summary>
    public static string DescribeFailure(string transactionalId, short errorCode) =>
        $"Failed to describe transaction state of transactional-id '{transactionalId}': {ProtocolErrors.Format(errorCode, null)}";

    /// <summary>
    /// DescribeProducers for the partitions: on each partition's leader, or on <paramref name="brokerId"/> (any
    /// replica) when given. Every partition gets an answer: its producers, or the error that stopped it.
    /// </summary>
    public async Task<Dictionary<TopicPartitionId, PartitionProducerStates>> DescribeProducersAsync(
        IReadOnlyList<TopicPartitionId> partitions, int? brokerId, CancellationToken cancellationToken)
    {
        var results = new Dictionary<TopicPartitionId, PartitionProducerStates>();
        var pending = partitions.Distinct().ToList();
        var retry = new RetryBackoff(client.RequestTimeout);
        while (pending.Count > 0)
        {
            var again = new Dictionary<TopicPartitionId, string>();
            var targets = new List<(BrokerAddress Broker, TopicPartitionId Partition)>();
            if (brokerId is { } id)
            {
                var metadata = await client.MetadataAsync([], cancellationToken);
                var broker = metadata.Broker(id) ?? throw new KafkaClientException(ErrorCode.BrokerNotAvailable,
                    $"broker {id} is not in the cluster (brokers: {string.Join(", ", metadata.Brokers.Select(b => b.NodeId))})");
                targets.AddRange(pending.Select(p => (broker, p)));
            }
            else
            {
                var metadata = await client.MetadataAsync([.. pending.Select(p => p.Topic).Distinct(StringComparer.Ordinal)], cancellationToken);
                foreach (var partition in pending)
                {
                    var (leader, error, retriable) = Leader(metadata, partition);
                    if (leader is not null)
                    {
                        targets.Add((leader, partition));
                    }
                    else if (retriable)
                    {
                        again[partition] = error!;
                    }
                    else
                    {
                        results[partition] = PartitionProducerStates.Failed(error!);
                    }
                }
            }
            foreach (var byBroker in targets.GroupBy(t => t.Broker))
            {
                foreach (var batch in byBroker.Select(t => t.Partition).Chunk(MaxPartitionsPerRequest))
                {
                    await DescribeBatchAsync(byBroker.Key, batch, results, again, cancellationToken);
                }
            }
            if (again.Count > 0 && !await retry.WaitAsync(cancellationToken))
            {
                foreach (var (partition, error) in again)
                {
                    results[partition] = PartitionProducerStates.Failed(error);
                }
                break;
            }
            pending = [.. again.Keys];
        }
        return results;
    }

    private async Task DescribeBatchAsync(BrokerAddress broker, TopicPartitionId[] batch, Dictionary<TopicPartitionId, PartitionProducerStates> results,
        Dictionary<TopicPartitionId, string> again, CancellationToken cancellationToken)
    {
        DescribeProducersResponse response;
        try
        {
            var connection = await client.ConnectAsync(broker, cancellationToken);
            var version = connection.RequireVersion(ApiKey.DescribeProducers, "DescribeProducers (Kafka 3.0 or later)");
            var request = new DescribeProducersRequest
            {
                Topics = [.. batch.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => new DescribeProducersRequest.TopicRequest
                {
                    Name = g.Key,
                    PartitionIndexes = [.. g.Select(p => p.Partition)],
                })],
            };
            response = await connection.SendAsync<DescribeProducersResponse>(request, version, cancellationToken);
        }
        catch (KafkaClientException e)
        {
            foreach (var partition in batch)
            {
                results[partition] = PartitionProducerStates.Failed(e.Message);
            }
            return;
        }
        var answered = response.Topics
            .SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartitionId(t.Name, p.PartitionIndex), Answer: p)))
            .GroupBy(a => a.Key)
            .ToDictionary(g => g.Key, g => g.First().Answer);
        foreach (var partition in batch)
        {
            if (!answered.TryGetValue(partition, out var answer))
            {
                results[partition] = PartitionProducerStates.Failed($"broker {broker} did not answer for partition {partition}");
            }
            else if (answer.ErrorCode != 0 && ProtocolErrors.IsRetriable(answer.ErrorCode))
            {
                again[partition] = $"partition {partition}: {ProtocolErrors.Format(answer.ErrorCode, answer.ErrorMessage)}";
            }
            else if (answer.ErrorCode != 0)
            {
                results[partition] = PartitionProducerStates.Failed($"partition {partition}: {ProtocolErrors.Format(answer.ErrorCode, answer.ErrorMessage)}");
            }
            else
            {
                results[partition] = new PartitionProducerStates([.. answer.ActiveProducers.Select(p => new ActiveProducer(
                    p.ProducerId, p.ProducerEpoch, p.CoordinatorEpoch, p.LastSequence, p.LastTimestamp, p.CurrentTxnStartOffset))], null);
            }
        }
    }

    /// <summary>
    /// Aborts a producer's open transaction on one partition, as kafka-transactions.sh abort does for a hanging
    /// transaction: an abort marker (WriteTxnMarkers) written by the partition's leader, with the producer's id and
    /// epoch and the coordinator epoch from <see cref="DescribeProducersAsync"/>. A broker error on the partition is a
    /// <see cref="KafkaClientException"/> carrying it.
    /// </summary>
    public async Task AbortTransactionAsync(TopicPartitionId partition, long producerId, short producerEpoch, int coordinatorEpoch, CancellationToken cancellationToken)
    {
        var metadata = await client.MetadataAsync([partition.Topic], cancellationToken);
        var (leader, error, retriable) = Leader(metadata, partition);
        if (leader is null)
        {
            // Retriable: no leader yet; otherwise the topic or partition is missing (or the topic is in error).
            throw new KafkaClientException(retriable ? ErrorCode.LeaderNotAvailable : ErrorCode.UnknownTopicOrPartition, $"cannot abort the transaction of producer {producerId} on {partition}: {error}");
        }
        var connection = await client.ConnectAsync(leader, cancellationToken);
        var version = connection.RequireVersion(ApiKey.WriteTxnMarkers, "WriteTxnMarkers (aborting a transaction)");
        var response = await connection.SendAsync<WriteTxnMarkersResponse>(AbortMarkerRequest(partition, producerId, producerEpoch, coordinatorEpoch), version, cancellationToken);
        var answer = response.Markers.Where(m => m.ProducerId == producerId)
            .SelectMany(m => m.Topics.Where(t => t.Name == partition.Topic).SelectMany(t => t.Partitions))
            .FirstOrDefault(p => p.PartitionIndex == partition.Partition)
            ?? throw new KafkaClientException(ErrorCode.UnknownServerError, $"broker {leader} did not answer for partition {partition}");
        if (answer.ErrorCode != 0)
        {
            throw new KafkaClientException((ErrorCode)answer.ErrorCode,
                $"could not abort the transaction of producer {producerId} on {partition}: {ProtocolErrors.Format(answer.ErrorCode, null)}");
        }
    }

    /// <summary>The WriteTxnMarkers request that writes one abort marker for the producer on the partition.</summary>
    internal static WriteTxnMarkersRequest AbortMarkerRequest(TopicPartitionId partition, long producerId, short producerEpoch, int coordinatorEpoch) => new()
    {
        Markers =
        [
            new WriteTxnMarkersRequest.WritableTxnMarker
            {
                ProducerId = producerId,
                ProducerEpoch = producerEpoch,
                TransactionResult = false, // false: abort
                CoordinatorEpoch = coordinatorEpoch,
                Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = partition.Topic, PartitionIndexes = [partition.Partition] }],
            },
        ],
    };

    // The partition's leader from Metadata, or why there is none (and whether asking again may help).
    private static (BrokerAddress? Leader, string? Error, bool Retriable) Leader(ClusterMetadata metadata, TopicPartitionId partition)
    {
        var topic = metadata.Topics.FirstOrDefault(t => t.Name == partition.Topic);
        if (topic is null || topic.ErrorCode == (short)ErrorCode.UnknownTopicOrPartition)
        {
            return (null, $"Topic '{partition.Topic}' does not exist", false);
        }
        if (topic.ErrorCode != 0)
        {
            return (null, $"topic '{partition.Topic}': {ProtocolErrors.Format(topic.ErrorCode, null)}", ProtocolErrors.IsRetriable(topic.ErrorCode));
        }
        var info = topic.Partitions.FirstOrDefault(p => p.Partition == partition.Partition);
        if (info is null)
        {
            return (null, $"partition {partition} does not exist (topic '{partition.Topic}' has {topic.Partitions.Count} partitions)", false);
        }
        var leader = info.Leader >= 0 ? metadata.Broker(info.Leader) : null;
        return leader is null
            ? (null, $"partition {partition}: {ProtocolErrors.Format((short)ErrorCode.LeaderNotAvailable, null)}", true)
            : (leader, null, false);
    }

    private async Task<BrokerListing> ListOnBrokerAsync(
        BrokerAddress broker, IReadOnlyList<string> states, IReadOnlyList<long> producerIds, long durationMs, CancellationToken cancellationToken)
    {
        var brokerId = broker.NodeId ?? -1;
        var retry = new RetryBackoff(client.RequestTimeout);
        while (true)
        {
            ListTransactionsResponse response;
            try
            {
                var connection = await client.ConnectAsync(broker, cancellationToken);
                var version = durationMs >= 0
                    ? connection.RequireVersion(ApiKey.ListTransactions, "--duration-ms (ListTransactions v1, Kafka 3.8 or later)", minimum: 1)
                    : connection.RequireVersion(ApiKey.ListTransactions, "ListTransactions (Kafka 3.0 or later)");
                var request = new ListTransactionsRequest
                {
                    StateFilters = [.. states],
                    ProducerIdFilters = [.. producerIds],
                    DurationFilter = durationMs,
                };
                response = await connection.SendAsync<ListTransactionsResponse>(request, version, cancellationToken);
            }
            catch (KafkaClientException e)
            {
                return BrokerListing.Failed($"broker {brokerId}: {e.Message}");
            }
            if (response.ErrorCode == (short)ErrorCode.None)
            {
                return new BrokerListing(
                    [.. response.TransactionStates.Select(s => new ListedTransaction(s.TransactionalId, brokerId, s.ProducerId, s.TransactionStateValue))],
                    null,
                    response.UnknownStateFilters);
            }
            if (response.ErrorCode == (short)ErrorCode.CoordinatorNotAvailable)
            {
                // As Kafka's admin client: a broker that is not (yet) a transaction coordinator has nothing to list.
                return new BrokerListing([], null, []);
            }
            if (!ProtocolErrors.IsRetriable(response.ErrorCode) || !await retry.WaitAsync(cancellationToken))
            {
                return BrokerListing.Failed($"broker {brokerId} ({broker}): {ProtocolErrors.Format(response.ErrorCode, null)}");
            }
        }
    }

    private static DescribedTransaction ToDescription(int coordinatorId, DescribeTransactionsResponse.TransactionState state) => new(
        coordinatorId,
        state.TransactionalId,
        state.ProducerId,
        state.ProducerEpoch,
        state.TransactionStateValue,
        state.TransactionTimeoutMs,
        state.TransactionStartTimeMs,
        [.. state.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartitionId(t.Topic, p))).Distinct().Order()]);

    private sealed record BrokerListing(IReadOnlyList<ListedTransaction> Listings, string? Error, IReadOnlyList<string> UnknownStates)
    {
        public static BrokerListing Failed(string error) => new([], error, []);
    }
}

/// <summary>One partition's DescribeProducers answer: the active producers, or why they could not be described.</summary>
/// <param name="Producers">The producers with state on the partition (empty when <paramref name="Error"/> is set).</param>
/// <param name="Error">Why the partition could not be described, as one line; null on success.</param>
public sealed record PartitionProducerStates(IReadOnlyList<ActiveProducer> Producers, string? Error)
{
    /// <summary>A partition that could not be described.</summary>
    public static PartitionProducerStates Failed(string error) => new([], error);
}
