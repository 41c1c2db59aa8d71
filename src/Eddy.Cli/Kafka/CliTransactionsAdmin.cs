using Eddy.Cli.Output;
using Eddy.Protocol.Client;

namespace Eddy.Cli.Kafka;

/// <summary>
/// The transaction admin operations of <c>eddy transactions</c>: <see cref="TransactionsAdmin"/>'s answers as the
/// CLI's output records.
/// </summary>
internal sealed class CliTransactionsAdmin(KafkaProtocolClient client)
{
    private readonly TransactionsAdmin _admin = new(client);

    /// <summary>ListTransactions on every broker; see <see cref="TransactionsAdmin.ListTransactionsAsync"/>.</summary>
    public async Task<ListResult> ListTransactionsAsync(
        IReadOnlyList<string> states, IReadOnlyList<long> producerIds, long durationMs, CancellationToken cancellationToken)
    {
        var result = await _admin.ListTransactionsAsync(states, producerIds, durationMs, cancellationToken);
        return new ListResult(
            [.. result.Listings.Select(l => new TransactionListing(l.TransactionalId, l.Coordinator, l.ProducerId, l.State))],
            result.Errors,
            result.UnknownStates);
    }

    /// <summary>DescribeTransactions for each id; see <see cref="TransactionsAdmin.DescribeTransactionsAsync"/>.</summary>
    public async Task<Dictionary<string, TransactionDescription?>> DescribeTransactionsAsync(IReadOnlyCollection<string> transactionalIds, CancellationToken cancellationToken)
    {
        var described = await _admin.DescribeTransactionsAsync(transactionalIds, cancellationToken);
        return described.ToDictionary(d => d.Key, d => d.Value is { } t ? ToOutput(t) : null, StringComparer.Ordinal);
    }

    /// <summary>DescribeProducers for the partitions; see <see cref="TransactionsAdmin.DescribeProducersAsync"/>.</summary>
    public async Task<Dictionary<TopicPartitionKey, PartitionProducers>> DescribeProducersAsync(
        IReadOnlyList<TopicPartitionKey> partitions, int? brokerId, CancellationToken cancellationToken)
    {
        var described = await _admin.DescribeProducersAsync([.. partitions.Select(ToId)], brokerId, cancellationToken);
        return described.ToDictionary(
            d => ToKey(d.Key),
            d => new PartitionProducers([.. d.Value.Producers.Select(ToOutput)], d.Value.Error));
    }

    public static TopicPartitionId ToId(TopicPartitionKey key) => new(key.Topic, key.Partition);

    public static TopicPartitionKey ToKey(TopicPartitionId id) => new(id.Topic, id.Partition);

    private static TransactionDescription ToOutput(DescribedTransaction t) => new(
        t.CoordinatorId, t.TransactionalId, t.ProducerId, t.ProducerEpoch, t.State, t.TimeoutMs, t.StartTimeMs, [.. t.Partitions.Select(ToKey)]);

    private static ProducerStateInfo ToOutput(ActiveProducer p) => new(
        p.ProducerId, p.ProducerEpoch, p.CoordinatorEpoch, p.LastSequence, p.LastTimestamp, p.CurrentTransactionStartOffset);

    public sealed record ListResult(IReadOnlyList<TransactionListing> Listings, IReadOnlyList<string> Errors, IReadOnlyList<string> UnknownStates);
}

/// <summary>One partition's DescribeProducers answer: the active producers, or why they could not be described.</summary>
internal sealed record PartitionProducers(IReadOnlyList<ProducerStateInfo> Producers, string? Error);
