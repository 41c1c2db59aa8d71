using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// Log compaction of one partition log (Kafka's cleaner, for one log): which segments to clean, the cleaner's pass
/// over them (<see cref="LogCleaner"/> writes each cleaned copy as .cleaned files), and the crash-safe swap of each copy
/// for the segments it replaces (.swap, .deleted, final names: the protocol <see cref="CleanerRecovery"/> completes
/// or undoes on open). It keeps the cleaned point, persisted in cleaner-offset.checkpoint. It changes the segment list
/// only through <see cref="LocalLog.HoldsSealedRun"/> and <see cref="LocalLog.ReplaceSegments"/>. Threads (the whole
/// contract is on <see cref="PartitionLog"/>):
/// <list type="bullet">
/// <item>One compaction at a time: <see cref="Compact"/> holds the compactor's own lock throughout, and alone writes
/// the cleaned point (others read it without a lock).</item>
/// <item>It takes <see cref="LocalLog.Lock"/> only briefly: to see the log's settings, segments and LSO, to collect
/// the transactions, and for the second half of each swap (the check that the replaced segments are still in the log,
/// their renames, the publication). Reading and writing segments happens outside it, on files it holds open.</item>
/// </list>
/// </summary>
internal sealed class LogCompactor
{
    private readonly Lock _cleanerLock = new();
    private readonly LocalLog _log;
    private readonly ILogger _logger;
    private long _firstDirtyOffset;

    /// <summary>Compacts <paramref name="log"/>, resuming from the cleaned point its directory's checkpoint holds.</summary>
    public LogCompactor(LocalLog log, ILogger logger)
    {
        _log = log;
        _logger = logger;
        _firstDirtyOffset = LogStartOffsetCheckpoint.Read(log.Directory, logger, LogStartOffsetCheckpoint.CleanerFileName) ?? 0;
    }

    /// <summary>The first offset the cleaner has not compacted yet (persisted in cleaner-offset.checkpoint).</summary>
    public long FirstDirtyOffset => Volatile.Read(ref _firstDirtyOffset);

    /// <summary>Tests: called at each step of a compaction's swap protocol with the step's name.</summary>
    public Action<string>? StepHook { get; set; }

    /// <summary>No lock: see <see cref="PartitionLog.DirtyRatio"/>.</summary>
    public double DirtyRatio
    {
        get
        {
            var segments = _log.Segments;
            var firstDirty = Volatile.Read(ref _firstDirtyOffset);
            long total = 0;
            long dirty = 0;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                var size = segments[i].Size;
                total += size;
                if (segments[i].BaseOffset >= firstDirty)
                {
                    dirty += size;
                }
            }
            return total == 0 ? 0 : (double)dirty / total;
        }
    }

    /// <summary>Any thread, never holding <see cref="LocalLog.Lock"/>: see <see cref="PartitionLog.Compact"/>.</summary>
    public CompactionResult Compact(long now, long maxCompactableOffset)
    {
        lock (_cleanerLock)
        {
            var stopwatch = Stopwatch.StartNew();
            LogConfig config;
            LogSegment[] segments;
            long lastStableOffset;
            lock (_log.Lock)
            {
                _log.ThrowIfClosed();
                config = _log.Config;
                segments = _log.Segments;
                lastStableOffset = _log.LastStableOffset;
            }
            if (!config.Compact)
            {
                return CompactionResult.None;
            }
            // Records of a transaction still open may yet be aborted: nothing at or past the LSO is cleaned.
            maxCompactableOffset = Math.Min(maxCompactableOffset, lastStableOffset);
            var count = 0;
            while (count < segments.Length - 1
                && segments[count].NextOffset <= maxCompactableOffset
                && (config.MinCompactionLagMs <= 0 || now - segments[count].LargestTimestampForRetention() >= config.MinCompactionLagMs))
            {
                count++;
            }
            if (count == 0)
            {
                return CompactionResult.None;
            }
            var cleanable = segments[..count];
            // The cleaner reads these without the lock: hold their files open even if retention deletes them meanwhile.
            var held = 0;
            try
            {
                while (held < cleanable.Length && cleanable[held].Files.TryAcquire())
                {
                    held++;
                }
                if (held < cleanable.Length)
                {
                    return CompactionResult.None;
                }
                return CompactHeld(cleanable, config, now, stopwatch, TransactionsForCleaning());
            }
            finally
            {
                for (var i = 0; i < held; i++)
                {
                    cleanable[i].Files.Release();
                }
            }
        }
    }

    /// <summary>
    /// The aborted transactions of the whole log and each producer's last batch. Taken after the cleanable segments
    /// were chosen below the LSO, so every transaction with data in them has ended and is known here.
    /// </summary>
    private CleanerTransactions TransactionsForCleaning()
    {
        lock (_log.Lock)
        {
            return _log.TransactionsForCleaning();
        }
    }

    private CompactionResult CompactHeld(LogSegment[] cleanable, LogConfig config, long now, Stopwatch stopwatch, CleanerTransactions transactions)
    {
        var cleanableEnd = cleanable[^1].NextOffset;
        var firstDirty = Math.Max(Volatile.Read(ref _firstDirtyOffset), cleanable[0].BaseOffset);
        transactions = transactions.WithEmptyTransactionMarkers(LogCleaner.FindEmptyTransactionMarkers(cleanable));
        var map = new OffsetMap();
        long mapBytes = 0;
        foreach (var segment in cleanable)
        {
            if (segment.NextOffset > firstDirty)
            {
                mapBytes += LogCleaner.AddToMap(map, segment, firstDirty, cleanableEnd, transactions);
            }
        }
        var cleaner = new LogCleaner(map, now, config, transactions);
        var cleaned = 0;
        var complete = true;
        foreach (var group in GroupForCleaning(cleanable, config))
        {
            // A lone segment of the clean section that cleaning would leave as it is (nothing newer supersedes its
            // records, no tombstone expired) is not rewritten; a dry run is cheaper than a copy.
            if (group.Length == 1 && group[0].NextOffset <= firstDirty && !cleaner.WouldChange(group[0]))
            {
                continue;
            }
            var replacement = cleaner.WriteCleaned(_log.Directory, group);
            if (!SwapIn(group, replacement))
            {
                complete = false;
                break;
            }
            cleaned += group.Length;
        }
        if (complete && cleanableEnd > Volatile.Read(ref _firstDirtyOffset))
        {
            Step("before-checkpoint");
            LogStartOffsetCheckpoint.Write(_log.Directory, cleanableEnd, LogStartOffsetCheckpoint.CleanerFileName);
            Volatile.Write(ref _firstDirtyOffset, cleanableEnd);
        }
        var result = new CompactionResult(cleaned, mapBytes + cleaner.BytesRead, cleaner.BytesWritten, cleaner.RecordsRead, cleaner.RecordsKept, stopwatch.Elapsed);
        StorageLog.Compacted(_logger, _log.Directory, result.SegmentsCleaned, result.RecordsKept, result.RecordsRead, result.BytesRead, result.BytesWritten, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>Runs of consecutive segments whose sizes add up to at most segment.bytes (Kafka's grouping), merged into one each.</summary>
    private static List<LogSegment[]> GroupForCleaning(LogSegment[] segments, LogConfig config)
    {
        var maxSize = Math.Min(config.SegmentBytes, int.MaxValue);
        var groups = new List<LogSegment[]>();
        for (var start = 0; start < segments.Length;)
        {
            var end = start + 1;
            long size = segments[start].Size;
            while (end < segments.Length
                && size + segments[end].Size <= maxSize
                && segments[end].NextOffset - segments[start].BaseOffset < int.MaxValue)
            {
                size += segments[end].Size;
                end++;
            }
            groups.Add(segments[start..end]);
            start = end;
        }
        return groups;
    }

    /// <summary>
    /// Swaps a cleaned segment in for <paramref name="group"/> (see <see cref="CleanerRecovery"/> for the protocol):
    /// its files to .swap outside the log's lock (the commit point), then under it the replaced segments' files to
    /// .deleted, the .swap files to their final names and the new segment list. False, with the cleaned files deleted,
    /// when the group is no longer in the log (retention or DeleteRecords removed some of it meanwhile) or the log
    /// was closed.
    /// </summary>
    private bool SwapIn(LogSegment[] group, LogSegment replacement)
    {
        try
        {
            Step("cleaned");
            replacement.Files.Rename(SegmentFileNames.SwapSuffix, _ => Step("swap-indexes"));
            Step("swap");
        }
        catch
        {
            LogCleaner.Discard(replacement);
            throw;
        }
        lock (_log.Lock)
        {
            if (!_log.HoldsSealedRun(group))
            {
                LogCleaner.Discard(replacement);
                return false;
            }
            for (var i = 0; i < group.Length; i++)
            {
                group[i].Files.Rename(SegmentFileNames.DeletedSuffix);
                Step(i == 0 ? "first-deleted" : "deleted");
            }
            replacement.Files.Rename("", _ => Step("final-indexes"));
            Step("final");
            _log.ReplaceSegments(group, replacement);
            return true;
        }
    }

    private void Step(string step) => StepHook?.Invoke(step);
}
