using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// Finishes or undoes a compaction that a crash interrupted, before the loader looks at the segments. The cleaner's
/// protocol for each group of segments it replaces (see <see cref="PartitionLog.Compact"/>):
/// <list type="number">
/// <item>write the cleaned segment as {base}.log.cleaned (+ .index.cleaned, .timeindex.cleaned, and .txnindex.cleaned
/// holding the transaction index entries of every segment it replaces) and fsync it;</item>
/// <item>rename the indexes, then the log, to .swap: a {base}.log.swap is a complete cleaned segment (commit point);</item>
/// <item>rename the replaced segments' files to .deleted;</item>
/// <item>rename the .swap files to their final names, the log last;</item>
/// <item>delete the .deleted files.</item>
/// </list>
/// So on open: .cleaned files are an unfinished copy and go; a .log.swap replaces every segment whose base offset
/// lies in [its base offset, its end offset) (cleaning keeps a segment's end offset, so that is exactly the group it
/// replaces), whether those are still in place or already renamed .deleted, and takes its final name; any other
/// .swap (an index whose log had not been renamed yet) and every .deleted file go.
/// </summary>
internal static class CleanerRecovery
{
    public static void Run(string directory, ILogger logger)
    {
        foreach (var path in Directory.GetFiles(directory, "*" + SegmentFileNames.CleanedSuffix))
        {
            File.Delete(path);
        }
        foreach (var swap in Directory.GetFiles(directory, "*" + SegmentFileNames.LogSuffix + SegmentFileNames.SwapSuffix))
        {
            var name = Path.GetFileName(swap)[..^SegmentFileNames.SwapSuffix.Length];
            if (SegmentFileNames.TryParse(name, out var baseOffset, out _))
            {
                CompleteSwap(directory, swap, baseOffset, logger);
            }
        }
        foreach (var path in Directory.GetFiles(directory, "*" + SegmentFileNames.SwapSuffix))
        {
            File.Delete(path);
        }
        foreach (var path in Directory.GetFiles(directory, "*" + SegmentFileNames.DeletedSuffix))
        {
            File.Delete(path);
        }
    }

    private static void CompleteSwap(string directory, string swapPath, long baseOffset, ILogger logger)
    {
        RecoveryResult result;
        using (var file = File.OpenHandle(swapPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            result = SegmentRecovery.Scan(file, baseOffset, static (_, _) => { });
        }
        if (result.Reason is not null || result.ValidBytes == 0)
        {
            // Cannot happen after a killed process (the copy was fsynced before its rename); after a power loss
            // without directory fsyncs it might: the replaced segments are still whole, under their .deleted names.
            StorageLog.DiscardingTornSwap(logger, swapPath, result.Reason ?? "it is empty");
            foreach (var suffix in SegmentFileNames.SegmentSuffixes)
            {
                File.Delete(SegmentFileNames.PathOf(directory, baseOffset, suffix, SegmentFileNames.SwapSuffix));
            }
            foreach (var deleted in Directory.GetFiles(directory, "*" + SegmentFileNames.DeletedSuffix))
            {
                var original = deleted[..^SegmentFileNames.DeletedSuffix.Length];
                if (!File.Exists(original))
                {
                    File.Move(deleted, original);
                }
            }
            return;
        }
        StorageLog.CompletingSwap(logger, swapPath, baseOffset, result.NextOffset);
        // The cleaned segment's transaction index holds every entry of the segments it replaces, and unlike the other
        // indexes it cannot be rebuilt from a log whose aborted data is gone. Without a .txnindex.swap, a final-named
        // one at the base offset is either the cleaned one (renamed before the crash) or one the cleaned segment has
        // all entries of: keep it either way.
        var transactionIndex = Path.GetFileName(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.TransactionIndexSuffix));
        var keepTransactionIndex = !File.Exists(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.TransactionIndexSuffix, SegmentFileNames.SwapSuffix));
        foreach (var path in Directory.GetFiles(directory))
        {
            if (SegmentFileNames.TryParse(Path.GetFileName(path), out var segmentBase, out _)
                && segmentBase >= baseOffset && segmentBase < result.NextOffset
                && !(keepTransactionIndex && Path.GetFileName(path) == transactionIndex))
            {
                File.Delete(path);
            }
        }
        // The log last, as in the cleaner: until it is renamed the .log.swap still marks an unfinished swap.
        foreach (var suffix in (ReadOnlySpan<string>)[SegmentFileNames.OffsetIndexSuffix, SegmentFileNames.TimeIndexSuffix, SegmentFileNames.TransactionIndexSuffix, SegmentFileNames.LogSuffix])
        {
            var swap = SegmentFileNames.PathOf(directory, baseOffset, suffix, SegmentFileNames.SwapSuffix);
            if (File.Exists(swap))
            {
                File.Move(swap, SegmentFileNames.PathOf(directory, baseOffset, suffix), overwrite: true);
            }
        }
    }
}
