using Eddy.Storage.Producers;

namespace Eddy.Storage;

/// <summary>
/// What the cleaner needs to know of transactions (Kafka's LogCleaner does the same): which transactional batches
/// belong to aborted transactions (their producer's aborted range holds them, from the aborted-transaction indexes),
/// and each producer's last batch, which is kept even when emptied so that a rebuild from the log still knows its
/// last sequence. Taken under the log's lock when a compaction starts; the cleaner never goes past the LSO, so every
/// transaction with data in its range has ended by then.
/// </summary>
internal sealed class CleanerTransactions
{
    private readonly Dictionary<long, List<(long First, long Last)>> _aborted = [];
    private readonly Dictionary<long, long> _lastBatchOffsets;

    public CleanerTransactions(IEnumerable<AbortedTxn> aborted, Dictionary<long, long> lastBatchOffsets)
    {
        foreach (var entry in aborted)
        {
            if (!_aborted.TryGetValue(entry.ProducerId, out var ranges))
            {
                ranges = [];
                _aborted[entry.ProducerId] = ranges;
            }
            ranges.Add((entry.FirstOffset, entry.LastOffset));
        }
        foreach (var ranges in _aborted.Values)
        {
            ranges.Sort();
        }
        _lastBatchOffsets = lastBatchOffsets;
    }

    public static CleanerTransactions None { get; } = new([], []);

    /// <summary>
    /// Base offsets of the markers whose transaction has no batch left in the log (all of its data compacted or
    /// aborted away in earlier passes): Kafka's cleaner removes such a marker once its delete horizon has passed.
    /// </summary>
    public IReadOnlySet<long> EmptyTransactionMarkers { get; private init; } = new HashSet<long>();

    public CleanerTransactions WithEmptyTransactionMarkers(IReadOnlySet<long> markers) => markers.Count == 0 ? this : new CleanerTransactions(this, markers);

    private CleanerTransactions(CleanerTransactions other, IReadOnlySet<long> markers)
    {
        _aborted = other._aborted;
        _lastBatchOffsets = other._lastBatchOffsets;
        EmptyTransactionMarkers = markers;
    }

    /// <summary>
    /// True for a transactional data batch of an aborted transaction: a producer has one transaction open at a time,
    /// so its transactional batches between an aborted transaction's first offset and its marker are that transaction's.
    /// </summary>
    public bool IsAborted(in BatchHeader header)
    {
        if (!header.IsTransactional || header.IsControl || !_aborted.TryGetValue(header.ProducerId, out var ranges))
        {
            return false;
        }
        // The last range starting at or before the batch; ranges of one producer never overlap.
        int low = 0, high = ranges.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            if (ranges[middle].First <= header.BaseOffset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found >= 0 && header.BaseOffset <= ranges[found].Last;
    }

    public bool IsLastBatchOfProducer(in BatchHeader header) =>
        header.ProducerId >= 0 && _lastBatchOffsets.TryGetValue(header.ProducerId, out var last) && last == header.LastOffset;
}
