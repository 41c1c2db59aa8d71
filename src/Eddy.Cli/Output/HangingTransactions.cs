namespace Eddy.Cli.Output;

/// <summary>
/// kafka-transactions.sh find-hanging's rules. A partition's producer has an open transaction when its
/// CurrentTxnStartOffset is set; it is a candidate when its last write is older than the largest transaction timeout
/// the cluster allows (no live transaction can be open that long). A candidate is hanging unless its coordinator
/// still has that partition in the producer's transaction: when no transactional id has the producer id
/// (ListTransactions), when the coordinator no longer knows the id (DescribeTransactions), or when the coordinator's
/// transaction does not include the partition, nobody will ever write the marker that closes it.
/// </summary>
public static class HangingTransactions
{
    /// <summary>The producers with an open transaction whose last write is more than <paramref name="maxTransactionTimeoutMs"/> old.</summary>
    public static List<OpenTransaction> Candidates(
        IEnumerable<KeyValuePair<TopicPartitionKey, IReadOnlyList<ProducerStateInfo>>> producersByPartition, long nowMs, long maxTransactionTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(producersByPartition);
        return [.. producersByPartition
            .SelectMany(p => p.Value.Select(producer => new OpenTransaction(p.Key, producer)))
            .Where(t => t.Producer.CurrentTransactionStartOffset >= 0 && nowMs - t.Producer.LastTimestamp > maxTransactionTimeoutMs)
            .OrderBy(t => t.Partition)
            .ThenBy(t => t.Producer.ProducerId)];
    }

    /// <summary>
    /// The candidates the coordinators do not vouch for. <paramref name="transactionalIds"/> maps producer ids to
    /// their transactional id (ListTransactions filtered by producer id); <paramref name="descriptions"/> has each of
    /// those ids' DescribeTransactions answer, null for TRANSACTIONAL_ID_NOT_FOUND.
    /// </summary>
    public static List<OpenTransaction> Confirm(
        IEnumerable<OpenTransaction> candidates,
        IReadOnlyDictionary<long, string> transactionalIds,
        IReadOnlyDictionary<string, TransactionDescription?> descriptions)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(transactionalIds);
        ArgumentNullException.ThrowIfNull(descriptions);
        return [.. candidates.Where(candidate =>
            !transactionalIds.TryGetValue(candidate.Producer.ProducerId, out var transactionalId)
            || !descriptions.TryGetValue(transactionalId, out var description)
            || description is null
            || !description.Partitions.Contains(candidate.Partition))];
    }

    /// <summary>Whole minutes since the producer's last write (Kafka's Duration(min) column).</summary>
    public static long DurationMinutes(OpenTransaction transaction, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return (nowMs - transaction.Producer.LastTimestamp) / 60_000;
    }
}
