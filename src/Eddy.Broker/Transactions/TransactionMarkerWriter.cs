using Eddy.Broker.Groups;
using Eddy.Broker.Topics;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Transactions;

/// <summary>
/// Writes a transaction's COMMIT or ABORT markers to every partition it touched: topic partitions through their logs,
/// the group offsets partition through the offset store (which makes the transaction's offsets visible or drops
/// them). Kafka's coordinator sends WriteTxnMarkers to each partition leader; on one node it is a local append.
/// </summary>
internal sealed partial class TransactionMarkerWriter(TopicManager topics, OffsetStore offsets, TimeProvider time, ILogger logger)
{
    /// <summary>The partition AddOffsetsToTxn adds for every group: Eddy keeps all committed offsets in one log.</summary>
    public static readonly (string Topic, int Partition) OffsetsPartition = ("__consumer_offsets", 0);

    /// <summary>The coordinator epoch written in markers; one node, one coordinator, so it never changes.</summary>
    public const int CoordinatorEpoch = 0;

    /// <summary>Writes every marker; false when a disk error left some unwritten (the caller retries later).</summary>
    public bool Write(string transactionalId, long producerId, short producerEpoch, bool commit, IEnumerable<(string Topic, int Partition)> partitions)
    {
        var complete = true;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (topic, index) in partitions)
        {
            Partition? partition = null;
            try
            {
                if ((topic, index) == OffsetsPartition)
                {
                    offsets.CompleteTransaction(producerId, producerEpoch, commit, CoordinatorEpoch);
                    continue;
                }
                // A partition deleted since it was added needs no marker.
                partition = topics.Find(topic)?.Partition(index);
                if (partition is not null && !partition.IsDeleted)
                {
                    partition.Log.AppendEndTransactionMarker(producerId, producerEpoch, commit, CoordinatorEpoch, now);
                }
            }
            catch (ObjectDisposedException) when (partition is { IsDeleted: true })
            {
                // Deleted between the lookup and the append: no marker needed either.
            }
            catch (ProducerStateException e)
            {
                // The partition has seen a newer epoch of this producer: a later transaction already ended this one.
                LogMarkerRefused(transactionalId, topic, index, e.Message);
            }
            catch (IOException e)
            {
                LogMarkerFailed(transactionalId, topic, index, e);
                complete = false;
            }
        }
        return complete;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction {TransactionalId}: marker for {Topic}-{Partition} refused: {Reason}")]
    private partial void LogMarkerRefused(string transactionalId, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transaction {TransactionalId}: marker for {Topic}-{Partition} could not be written; retrying later")]
    private partial void LogMarkerFailed(string transactionalId, string topic, int partition, Exception error);
}
