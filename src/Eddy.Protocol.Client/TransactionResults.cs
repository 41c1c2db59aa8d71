namespace Eddy.Protocol.Client;

/// <summary>One row of ListTransactions: a transactional id, the broker coordinating it, its producer id and state.</summary>
/// <param name="TransactionalId">The transactional id.</param>
/// <param name="Coordinator">The node id of the broker that listed it (its coordinator).</param>
/// <param name="ProducerId">The producer id the coordinator gave it.</param>
/// <param name="State">Kafka's name of its state (Ongoing, CompleteCommit, ...).</param>
public sealed record ListedTransaction(string TransactionalId, int Coordinator, long ProducerId, string State);

/// <summary>ListTransactions on every broker: the listings, a line per broker that could not be asked, and the state filters no coordinator knew.</summary>
/// <param name="Listings">Every broker's transactions.</param>
/// <param name="Errors">One line per broker that could not be asked: <c>broker N: why</c>.</param>
/// <param name="UnknownStates">State filters some coordinator did not know.</param>
public sealed record TransactionListResult(IReadOnlyList<ListedTransaction> Listings, IReadOnlyList<string> Errors, IReadOnlyList<string> UnknownStates);

/// <summary>
/// DescribeTransactions' answer for one transactional id. <see cref="StartTimeMs"/> is -1 when no transaction is
/// open; <see cref="Partitions"/> are those in the open transaction (or still awaiting markers while it completes).
/// </summary>
/// <param name="CoordinatorId">The node id of the coordinator that described it.</param>
/// <param name="TransactionalId">The transactional id.</param>
/// <param name="ProducerId">Its producer id.</param>
/// <param name="ProducerEpoch">Its producer epoch.</param>
/// <param name="State">Kafka's name of its state.</param>
/// <param name="TimeoutMs">Its transaction timeout.</param>
/// <param name="StartTimeMs">When the open transaction started (Unix ms), -1 when none is open.</param>
/// <param name="Partitions">The partitions in the transaction, ordered.</param>
public sealed record DescribedTransaction(
    int CoordinatorId,
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    string State,
    int TimeoutMs,
    long StartTimeMs,
    IReadOnlyList<TopicPartitionId> Partitions);

/// <summary>
/// DescribeProducers' state for one producer on one partition. <see cref="CoordinatorEpoch"/> is -1 when unknown
/// and <see cref="CurrentTransactionStartOffset"/> -1 when the producer has no open transaction there.
/// </summary>
/// <param name="ProducerId">The producer id.</param>
/// <param name="ProducerEpoch">Its epoch.</param>
/// <param name="CoordinatorEpoch">The epoch of the coordinator that last wrote a marker for it, -1 when unknown.</param>
/// <param name="LastSequence">The last sequence number it wrote.</param>
/// <param name="LastTimestamp">The timestamp of its last write (Unix ms).</param>
/// <param name="CurrentTransactionStartOffset">The first offset of its open transaction, -1 when none.</param>
public sealed record ActiveProducer(
    long ProducerId,
    int ProducerEpoch,
    int CoordinatorEpoch,
    int LastSequence,
    long LastTimestamp,
    long CurrentTransactionStartOffset);
