using Microsoft.Extensions.Logging;

namespace Eddy.Storage.Producers;

/// <summary>
/// Rebuilds a partition's producer state on open, after the segments were recovered: drops index entries of
/// markers the recovery cut off, loads the snapshot, and replays the batch headers from its offset to the log end
/// (from the log start when there is no snapshot, it is unreadable, or it covers offsets the log no longer has).
/// The replay re-derives the aborted transactions of the markers it meets and restores those missing from their
/// segment's index (a crash between a marker and its index entry); an entry already there is kept as it is, since
/// compaction may have removed the aborted data a replay would need to re-derive it.
/// </summary>
internal static class ProducerStateLoader
{
    public static ProducerStateManager Load(string directory, LogSegment[] segments, ILogger logger)
    {
        foreach (var segment in segments)
        {
            segment.Transactions.TruncateFrom(segment.NextOffset);
        }
        var producers = new ProducerStateManager();
        var logEndOffset = segments[^1].NextOffset;
        var from = segments[0].BaseOffset;
        if (ProducerStateSnapshot.Read(directory, logger) is { } snapshot)
        {
            if (snapshot.Offset <= logEndOffset)
            {
                producers.Load(snapshot.Entries);
                from = Math.Max(from, snapshot.Offset);
            }
            else
            {
                StorageLog.ProducerSnapshotPastEnd(logger, directory, snapshot.Offset, logEndOffset);
            }
        }
        var restored = 0;
        foreach (var segment in segments)
        {
            if (segment.NextOffset <= from)
            {
                continue;
            }
            var found = new List<AbortedTxn>();
            segment.ScanBatches(from, (in BatchHeader header, ReadOnlySpan<byte> control) =>
            {
                if (header.ProducerId < 0)
                {
                    return;
                }
                if (!header.IsControl)
                {
                    producers.ReplayData(header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.LastOffsetDelta,
                        header.BaseOffset, header.MaxTimestamp, header.IsTransactional);
                }
                else if (ControlRecord.TryReadMarker(control, out var commit, out var coordinatorEpoch)
                    && producers.ReplayMarker(header.ProducerId, header.ProducerEpoch, coordinatorEpoch, commit, header.BaseOffset, header.MaxTimestamp) is { Aborted: true } aborted)
                {
                    found.Add(new AbortedTxn(aborted.ProducerId, aborted.FirstOffset, aborted.LastOffset, producers.LastStableOffset(aborted.LastOffset + 1)));
                }
            });
            restored += Restore(segment.Transactions, found);
        }
        producers.PublishFirstUnstableOffset(includeStaged: false);
        StorageLog.RebuiltProducerState(logger, directory, producers.Count, from, logEndOffset, restored);
        return producers;
    }

    /// <summary>Adds the entries the index lacks (matched by producer and marker offset), keeping marker order.</summary>
    private static int Restore(TransactionIndex index, List<AbortedTxn> found)
    {
        var existing = index.Entries;
        var missing = found.FindAll(f => !Array.Exists(existing, e => e.ProducerId == f.ProducerId && e.LastOffset == f.LastOffset));
        if (missing.Count > 0)
        {
            AbortedTxn[] merged = [.. existing, .. missing];
            Array.Sort(merged, static (a, b) => a.LastOffset.CompareTo(b.LastOffset));
            index.Rewrite(merged);
        }
        return missing.Count;
    }
}
