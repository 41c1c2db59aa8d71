using System.Runtime.InteropServices;
using Eddy.Protocol;

namespace Eddy.Storage.Producers;

/// <summary>A transaction that a marker ended: its producer, first offset, the marker's offset, and whether it aborted.</summary>
internal readonly record struct CompletedTransaction(long ProducerId, long FirstOffset, long LastOffset, bool Aborted);

/// <summary>
/// The producers of one partition (Kafka's ProducerStateManager): checks each batch against its producer's epoch,
/// sequence and transaction before the log writes it, and tracks the open transactions that hold back the last
/// stable offset. Called under the log's lock; only <see cref="FirstUnstableOffset"/> is read without it.
/// An append is checked into a staging area first (<see cref="StageAppend"/>, <see cref="StageMarker"/>) and only
/// applied once its bytes are written (<see cref="ApplyStaged"/>), so a refused or failed write changes nothing.
/// </summary>
internal sealed class ProducerStateManager
{
    private readonly Dictionary<long, ProducerStateEntry> _producers = [];

    // First offsets of the open transactions; unique, since each is the offset of a different batch.
    private readonly SortedSet<long> _ongoing = [];

    // Reused by every append (they are serialized by the log's lock): nothing is allocated per batch.
    private readonly List<(long ProducerId, ProducerStateEntry Entry)> _staged = [];

    private long _firstUnstableOffset = long.MaxValue;

    /// <summary>First offset of the oldest open transaction, long.MaxValue when none is; readable without the lock.</summary>
    public long FirstUnstableOffset => Volatile.Read(ref _firstUnstableOffset);

    public int Count => _producers.Count;

    /// <summary>
    /// Checks every batch of an append whose first batch gets <paramref name="baseOffset"/> and stages its effect.
    /// <paramref name="appendTime"/> is the broker's time when the topic uses LogAppendTime, else -1. True when a
    /// batch repeats one of its producer's retained batches: nothing is staged and <paramref name="duplicate"/>
    /// holds the original result.
    /// </summary>
    /// <exception cref="ProducerStateException">The append is refused; nothing is staged.</exception>
    public bool StageAppend(ReadOnlySpan<byte> batches, long baseOffset, long appendTime, AppendOrigin origin, out AppendInfo duplicate)
    {
        duplicate = default;
        _staged.Clear();
        var offset = baseOffset;
        var staged = false;
        for (var position = 0; position < batches.Length;)
        {
            var batch = batches[position..];
            var firstOffset = offset;
            var lastOffsetDelta = RecordBatch.LastOffsetDelta(batch);
            offset += lastOffsetDelta + 1L;
            position += RecordBatch.TotalSize(batch);
            var producerId = RecordBatch.ProducerId(batch);
            if (producerId < 0)
            {
                continue;
            }
            if (RecordBatch.IsControl(batch))
            {
                throw Refuse(ErrorCode.InvalidRecord, $"Control batches are written with the end transaction marker, not appended (producer {producerId}).");
            }
            var epoch = RecordBatch.ProducerEpoch(batch);
            var firstSequence = RecordBatch.BaseSequence(batch);
            if (firstSequence < 0 && origin == AppendOrigin.Client)
            {
                // Kafka's LogValidator: a client batch with a producer id must carry a sequence.
                throw Refuse(ErrorCode.InvalidRecord, $"Invalid sequence number {firstSequence} in a record batch with producer id {producerId}.");
            }
            var lastSequence = firstSequence < 0 ? -1 : IncrementSequence(firstSequence, lastOffsetDelta);
            ref var entry = ref StagedEntry(producerId);
            if (origin == AppendOrigin.Client && entry.TryFindDuplicate(epoch, firstSequence, lastSequence, out var original))
            {
                // Kafka answers a retry found anywhere in the append with the original and writes nothing.
                duplicate = new AppendInfo(original.FirstOffset, original.LastOffset, appendTime >= 0 ? original.Timestamp : -1, IsDuplicate: true);
                _staged.Clear();
                return true;
            }
            if (epoch < entry.Epoch)
            {
                throw Refuse(ErrorCode.InvalidProducerEpoch, $"Epoch {epoch} of producer {producerId} at offset {firstOffset} is older than its current epoch {entry.Epoch}.");
            }
            if (origin == AppendOrigin.Client)
            {
                CheckSequence(producerId, entry, epoch, firstSequence, firstOffset);
            }
            var transactional = RecordBatch.IsTransactional(batch);
            if (!transactional && entry.TransactionFirstOffset >= 0)
            {
                throw Refuse(ErrorCode.InvalidTxnState, $"Producer {producerId} wrote a non-transactional batch at offset {firstOffset} while its transaction from offset {entry.TransactionFirstOffset} is open.");
            }
            var timestamp = appendTime >= 0 ? appendTime : RecordBatch.MaxTimestamp(batch);
            ApplyData(ref entry, epoch, firstSequence, lastSequence, firstOffset, firstOffset + lastOffsetDelta, timestamp, transactional);
            staged = true;
        }
        if (staged)
        {
            PublishFirstUnstableOffset(includeStaged: true);
        }
        return false;
    }

    /// <summary>Checks an end transaction marker that is to get <paramref name="offset"/> and stages its effect.</summary>
    /// <exception cref="ProducerStateException">INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED; nothing is staged.</exception>
    public CompletedTransaction? StageMarker(long producerId, short epoch, int coordinatorEpoch, bool commit, long offset, long timestamp)
    {
        _staged.Clear();
        ref var entry = ref StagedEntry(producerId);
        if (epoch < entry.Epoch)
        {
            _staged.Clear();
            throw Refuse(ErrorCode.InvalidProducerEpoch, $"Marker epoch {epoch} of producer {producerId} is older than its current epoch {entry.Epoch}.");
        }
        if (coordinatorEpoch < entry.CoordinatorEpoch)
        {
            _staged.Clear();
            throw Refuse(ErrorCode.TransactionCoordinatorFenced, $"Coordinator epoch {coordinatorEpoch} of the marker for producer {producerId} is older than {entry.CoordinatorEpoch}.");
        }
        return ApplyMarker(producerId, ref entry, epoch, coordinatorEpoch, commit, offset, timestamp);
    }

    /// <summary>Makes the staged changes the producers' state, once the append they came from is written.</summary>
    public void ApplyStaged()
    {
        foreach (var (producerId, entry) in _staged)
        {
            ref var current = ref CollectionsMarshal.GetValueRefOrAddDefault(_producers, producerId, out var exists);
            if (exists && current.TransactionFirstOffset >= 0 && current.TransactionFirstOffset != entry.TransactionFirstOffset)
            {
                _ongoing.Remove(current.TransactionFirstOffset);
            }
            if (entry.TransactionFirstOffset >= 0)
            {
                _ongoing.Add(entry.TransactionFirstOffset);
            }
            current = entry;
        }
        _staged.Clear();
    }

    /// <summary>Drops what a refused or failed append staged.</summary>
    public void DiscardStaged()
    {
        _staged.Clear();
        PublishFirstUnstableOffset(includeStaged: false);
    }

    /// <summary>
    /// The partition's LSO as it stands in memory, before it is published: the oldest open transaction's first
    /// offset, else <paramref name="logEndOffset"/>. Recorded with an aborted transaction.
    /// </summary>
    public long LastStableOffset(long logEndOffset) => _ongoing.Count > 0 ? Math.Min(_ongoing.Min, logEndOffset) : logEndOffset;

    /// <summary>
    /// Publishes the first unstable offset to lock-free readers. With <paramref name="includeStaged"/> a transaction
    /// the pending append opens counts already: it must hold the LSO back before its bytes become readable.
    /// </summary>
    public void PublishFirstUnstableOffset(bool includeStaged)
    {
        var first = _ongoing.Count > 0 ? _ongoing.Min : long.MaxValue;
        if (includeStaged)
        {
            foreach (var (_, entry) in _staged)
            {
                if (entry.TransactionFirstOffset >= 0)
                {
                    first = Math.Min(first, entry.TransactionFirstOffset);
                }
            }
        }
        Volatile.Write(ref _firstUnstableOffset, first);
    }

    /// <summary>Rebuild: applies a data batch read back from the log, unchecked (it was checked when written).</summary>
    public void ReplayData(long producerId, short epoch, int firstSequence, int lastOffsetDelta, long firstOffset, long maxTimestamp, bool transactional)
    {
        ref var entry = ref EntryForReplay(producerId);
        var lastSequence = firstSequence < 0 ? -1 : IncrementSequence(firstSequence, lastOffsetDelta);
        var before = entry.TransactionFirstOffset;
        ApplyData(ref entry, epoch, firstSequence, lastSequence, firstOffset, firstOffset + lastOffsetDelta, maxTimestamp, transactional);
        if (before < 0 && entry.TransactionFirstOffset >= 0)
        {
            _ongoing.Add(entry.TransactionFirstOffset);
        }
    }

    /// <summary>Rebuild: applies a marker read back from the log; returns the transaction it ended, if one was open.</summary>
    public CompletedTransaction? ReplayMarker(long producerId, short epoch, int coordinatorEpoch, bool commit, long offset, long timestamp)
    {
        ref var entry = ref EntryForReplay(producerId);
        var completed = ApplyMarker(producerId, ref entry, epoch, coordinatorEpoch, commit, offset, timestamp);
        if (completed is { } transaction)
        {
            _ongoing.Remove(transaction.FirstOffset);
        }
        return completed;
    }

    /// <summary>Replaces all state with a snapshot's (on open, before replaying the log after it).</summary>
    public void Load(IEnumerable<(long ProducerId, ProducerStateEntry Entry)> entries)
    {
        _producers.Clear();
        _ongoing.Clear();
        foreach (var (producerId, entry) in entries)
        {
            _producers[producerId] = entry;
            if (entry.TransactionFirstOffset >= 0)
            {
                _ongoing.Add(entry.TransactionFirstOffset);
            }
        }
    }

    /// <summary>Every producer's state, for a snapshot.</summary>
    public IEnumerable<(long ProducerId, ProducerStateEntry Entry)> Entries()
    {
        foreach (var (producerId, entry) in _producers)
        {
            yield return (producerId, entry);
        }
    }

    public IReadOnlyList<ProducerInfo> Describe()
    {
        var producers = new List<ProducerInfo>(_producers.Count);
        foreach (var (producerId, entry) in _producers)
        {
            producers.Add(entry.ToInfo(producerId));
        }
        producers.Sort(static (a, b) => a.ProducerId.CompareTo(b.ProducerId));
        return producers;
    }

    /// <summary>
    /// Last offset of each producer's newest batch: the cleaner keeps that batch (as an empty header if need be), as
    /// Kafka does, so that a rebuild from the log still knows the producer's last sequence.
    /// </summary>
    public Dictionary<long, long> LastBatchOffsets()
    {
        var offsets = new Dictionary<long, long>(_producers.Count);
        foreach (var (producerId, entry) in _producers)
        {
            if (entry.BatchCount > 0)
            {
                offsets[producerId] = entry.Batch(entry.BatchCount - 1).LastOffset;
            }
        }
        return offsets;
    }

    /// <summary>Forgets producers idle for more than <paramref name="expirationMs"/>, never one with an open transaction.</summary>
    public int Expire(long now, long expirationMs)
    {
        var expired = 0;
        foreach (var (producerId, entry) in _producers)
        {
            if (entry.TransactionFirstOffset < 0 && now - entry.LastTimestamp > expirationMs)
            {
                _producers.Remove(producerId);
                expired++;
            }
        }
        return expired;
    }

    /// <summary>Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Int32.MaxValue to 0.</summary>
    public static int IncrementSequence(int sequence, int increment) =>
        sequence > int.MaxValue - increment ? increment - (int.MaxValue - sequence) - 1 : sequence + increment;

    private static void CheckSequence(long producerId, in ProducerStateEntry entry, short epoch, int firstSequence, long offset)
    {
        if (entry.Epoch == -1)
        {
            // No state (never seen, expired, or its batches deleted): Kafka accepts any sequence.
            return;
        }
        if (epoch != entry.Epoch)
        {
            if (firstSequence != 0)
            {
                throw Refuse(ErrorCode.OutOfOrderSequenceNumber,
                    $"Producer {producerId} started epoch {epoch} at offset {offset} with sequence {firstSequence}, not 0.");
            }
            return;
        }
        var lastSequence = entry.LastSequence;
        if (!(firstSequence == lastSequence + 1L || (firstSequence == 0 && lastSequence == int.MaxValue)))
        {
            throw Refuse(ErrorCode.OutOfOrderSequenceNumber,
                $"Out of order sequence number for producer {producerId} at offset {offset}: {firstSequence} (incoming), {lastSequence} (current end).");
        }
    }

    private static void ApplyData(ref ProducerStateEntry entry, short epoch, int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp, bool transactional)
    {
        entry.SetEpoch(epoch);
        if (firstSequence >= 0)
        {
            entry.AddBatch(new BatchMetadata(firstSequence, lastSequence, firstOffset, lastOffset, timestamp));
        }
        entry.LastTimestamp = timestamp;
        if (transactional && entry.TransactionFirstOffset < 0)
        {
            entry.TransactionFirstOffset = firstOffset;
        }
    }

    private static CompletedTransaction? ApplyMarker(long producerId, ref ProducerStateEntry entry, short epoch, int coordinatorEpoch, bool commit, long offset, long timestamp)
    {
        // As in Kafka, a marker without an open transaction ends nothing: it neither moves the LSO nor enters the index.
        CompletedTransaction? completed = entry.TransactionFirstOffset >= 0
            ? new CompletedTransaction(producerId, entry.TransactionFirstOffset, offset, !commit)
            : null;
        entry.SetEpoch(epoch);
        entry.CoordinatorEpoch = coordinatorEpoch;
        entry.LastTimestamp = timestamp;
        entry.TransactionFirstOffset = -1;
        return completed;
    }

    private static ProducerStateException Refuse(ErrorCode error, string message) => new(error, message);

    /// <summary>The producer's entry as staged so far in this append, staging a copy of its current one first.</summary>
    private ref ProducerStateEntry StagedEntry(long producerId)
    {
        var staged = CollectionsMarshal.AsSpan(_staged);
        for (var i = 0; i < staged.Length; i++)
        {
            if (staged[i].ProducerId == producerId)
            {
                return ref staged[i].Entry;
            }
        }
        _staged.Add((producerId, _producers.TryGetValue(producerId, out var current) ? current : ProducerStateEntry.Unknown));
        return ref CollectionsMarshal.AsSpan(_staged)[^1].Entry;
    }

    private ref ProducerStateEntry EntryForReplay(long producerId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_producers, producerId, out var exists);
        if (!exists)
        {
            entry = ProducerStateEntry.Unknown;
        }
        return ref entry;
    }
}
