using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// Opens a partition directory: finishes or undoes an interrupted compaction swap (<see cref="CleanerRecovery"/>),
/// removes leftovers of interrupted deletions, trusts every segment that another one
/// follows once its indexes fit its size (a roll writes the indexes whole before it creates the next segment), and
/// fully validates the last segment,
/// truncating a torn or corrupt tail. A middle segment that fails its check is validated in full too; if it then
/// does not end where the next one starts, everything after it is dropped rather than served with a gap.
/// </summary>
internal static class LogLoader
{
    public static (LogSegment[] Segments, long LogStartOffset) Load(string directory, LogConfig config, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        CleanerRecovery.Run(directory, logger);
        var checkpoint = LogStartOffsetCheckpoint.Read(directory, logger);
        var baseOffsets = FindSegments(directory, logger);
        var segments = new List<LogSegment>(baseOffsets.Count + 1);
        try
        {
            for (var i = 0; i < baseOffsets.Count; i++)
            {
                var segment = LogSegment.Open(directory, baseOffsets[i], logger);
                segments.Add(segment);
                if (i == baseOffsets.Count - 1)
                {
                    segment.Recover(config.IndexIntervalBytes, logger);
                    break;
                }
                var nextBaseOffset = baseOffsets[i + 1];
                if (segment.TryLoadSealed(nextBaseOffset, out var problem))
                {
                    continue;
                }
                StorageLog.RecoveringSegment(logger, segment.Files.LogPath, problem);
                segment.Recover(config.IndexIntervalBytes, logger);
                if (segment.NextOffset == nextBaseOffset)
                {
                    segment.Seal();
                    segment.FlushSealed();
                    segment.ServeIndexesFromFiles();
                    continue;
                }
                StorageLog.DroppingSegmentsAfterCorruption(logger, baseOffsets.Count - i - 1, segment.Files.LogPath, segment.NextOffset, nextBaseOffset);
                for (var j = i + 1; j < baseOffsets.Count; j++)
                {
                    DeleteSegmentFiles(directory, baseOffsets[j]);
                }
                break;
            }

            var logStartOffset = checkpoint ?? 0;
            if (segments.Count == 0)
            {
                segments.Add(LogSegment.Create(directory, logStartOffset));
            }
            var logEndOffset = segments[^1].NextOffset;
            if (logStartOffset > logEndOffset)
            {
                // The start offset was persisted for records a crash then lost: nothing below it may be served again.
                StorageLog.StartOffsetPastEnd(logger, logStartOffset, logEndOffset, directory);
                foreach (var segment in segments)
                {
                    segment.DeleteFiles();
                    segment.Close();
                }
                segments.Clear();
                segments.Add(LogSegment.Create(directory, logStartOffset));
            }
            return ([.. segments], Math.Max(logStartOffset, segments[0].BaseOffset));
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Close();
            }
            throw;
        }
    }

    /// <summary>Base offsets of the .log files, sorted; index files without a log are deleted.</summary>
    private static List<long> FindSegments(string directory, ILogger logger)
    {
        var logs = new List<long>();
        var indexes = new List<(long BaseOffset, string Path)>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (!SegmentFileNames.TryParse(Path.GetFileName(path), out var baseOffset, out var suffix))
            {
                continue;
            }
            if (suffix == SegmentFileNames.LogSuffix)
            {
                logs.Add(baseOffset);
            }
            else
            {
                indexes.Add((baseOffset, path));
            }
        }
        logs.Sort();
        foreach (var (baseOffset, path) in indexes)
        {
            if (logs.BinarySearch(baseOffset) < 0)
            {
                File.Delete(path);
                StorageLog.DeletedOrphan(logger, path);
            }
        }
        return logs;
    }

    private static void DeleteSegmentFiles(string directory, long baseOffset)
    {
        File.Delete(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.LogSuffix));
        File.Delete(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.OffsetIndexSuffix));
        File.Delete(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.TimeIndexSuffix));
        File.Delete(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.TransactionIndexSuffix));
    }
}
