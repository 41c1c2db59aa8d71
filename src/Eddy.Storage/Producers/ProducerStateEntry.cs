using System.Runtime.CompilerServices;

namespace Eddy.Storage.Producers;

/// <summary>
/// What a partition remembers of one producer. A value type so that an append can check a copy and the log keep the
/// original until the bytes are written; the last batches live inline, so neither costs an allocation.
/// </summary>
internal struct ProducerStateEntry
{
    /// <summary>Kafka's NUM_BATCHES_TO_RETAIN: clients keep at most five requests in flight per connection.</summary>
    public const int BatchesToRetain = 5;

    private BatchWindow _batches;
    private int _oldest;
    private int _count;

    /// <summary>-1 until the producer wrote something this partition still knows of.</summary>
    public short Epoch { get; private set; }

    public int CoordinatorEpoch { get; set; }

    public long LastTimestamp { get; set; }

    /// <summary>First offset of the open transaction, -1 when none is open.</summary>
    public long TransactionFirstOffset { get; set; }

    /// <summary>A producer the partition knows nothing of: any epoch and any sequence are accepted from it.</summary>
    public static ProducerStateEntry Unknown => new() { Epoch = -1, CoordinatorEpoch = -1, LastTimestamp = -1, TransactionFirstOffset = -1 };

    public readonly bool IsUnknown => Epoch == -1 && _count == 0;

    public readonly int BatchCount => _count;

    /// <summary>Last sequence of the newest retained batch; -1 when none is retained (nothing yet in this epoch).</summary>
    public readonly int LastSequence => _count == 0 ? -1 : Batch(_count - 1).LastSequence;

    /// <summary>The retained batches, oldest first.</summary>
    public readonly BatchMetadata Batch(int index) => _batches[(_oldest + index) % BatchesToRetain];

    public readonly bool TryFindDuplicate(short epoch, int firstSequence, int lastSequence, out BatchMetadata batch)
    {
        if (epoch == Epoch)
        {
            for (var i = 0; i < _count; i++)
            {
                batch = Batch(i);
                if (batch.FirstSequence == firstSequence && batch.LastSequence == lastSequence)
                {
                    return true;
                }
            }
        }
        batch = default;
        return false;
    }

    /// <summary>Moves to <paramref name="epoch"/>; the sequences of an older epoch say nothing about a newer one.</summary>
    public void SetEpoch(short epoch)
    {
        if (epoch != Epoch)
        {
            Epoch = epoch;
            _oldest = 0;
            _count = 0;
        }
    }

    public void AddBatch(BatchMetadata batch)
    {
        if (_count < BatchesToRetain)
        {
            _batches[(_oldest + _count) % BatchesToRetain] = batch;
            _count++;
        }
        else
        {
            _batches[_oldest] = batch;
            _oldest = (_oldest + 1) % BatchesToRetain;
        }
    }

    public readonly ProducerInfo ToInfo(long producerId) =>
        new(producerId, Epoch, LastSequence, LastTimestamp, CoordinatorEpoch, TransactionFirstOffset);

    [InlineArray(BatchesToRetain)]
    private struct BatchWindow
    {
        private BatchMetadata _element;
    }
}
