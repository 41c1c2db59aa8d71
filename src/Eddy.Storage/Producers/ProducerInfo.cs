namespace Eddy.Storage.Producers;

/// <summary>
/// What a partition knows of one producer (DescribeProducers): its epoch, the sequence and timestamp of its last
/// batch, the epoch of the coordinator that last wrote a marker for it, and the first offset of its open
/// transaction (-1 when none is open).
/// </summary>
public readonly record struct ProducerInfo(
    long ProducerId,
    short ProducerEpoch,
    int LastSequence,
    long LastTimestamp,
    int CoordinatorEpoch,
    long CurrentTransactionStartOffset);
