namespace Eddy.Broker.Transactions;

/// <summary>
/// What the coordinator knows of one transactional id. Mutated only under <see cref="Sync"/>, and each change is
/// written to the transaction log before it is applied (<see cref="TransactionLog"/>).
/// </summary>
internal sealed class TransactionMetadata(string transactionalId)
{
    public Lock Sync { get; } = new();

    public string TransactionalId { get; } = transactionalId;

    public long ProducerId { get; set; } = -1;

    /// <summary>The id before the last rotation (epoch exhausted), so a retry of that rotation is recognised.</summary>
    public long PreviousProducerId { get; set; } = -1;

    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The epoch before the last bump asked for by the producer itself (KIP-360), so its retry is recognised.</summary>
    public short LastProducerEpoch { get; set; } = -1;

    public int TimeoutMs { get; set; }

    public TransactionState State { get; set; } = TransactionState.Empty;

    public HashSet<(string Topic, int Partition)> Partitions { get; } = [];

    /// <summary>When the open transaction began (its first AddPartitionsToTxn or AddOffsetsToTxn); -1 when none is open.</summary>
    public long StartTimestamp { get; set; } = -1;

    public long LastUpdateTimestamp { get; set; }

    public TransactionDescription Describe() => new(
        TransactionalId, ProducerId, ProducerEpoch, TimeoutMs, State, StartTimestamp, LastUpdateTimestamp,
        [.. Partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)]);
}

/// <summary>A transactional id's state at one moment, for DescribeTransactions, ListTransactions and the CLI.</summary>
public sealed record TransactionDescription(
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    int TimeoutMs,
    TransactionState State,
    long StartTimestamp,
    long LastUpdateTimestamp,
    IReadOnlyList<(string Topic, int Partition)> Partitions);
