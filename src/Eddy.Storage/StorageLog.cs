using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Truncated {Path} from {FileBytes} to {ValidBytes} bytes: {Reason}")]
    public static partial void TruncatedSegment(ILogger logger, string path, long fileBytes, int validBytes, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Recovering {Path} in full: {Problem}")]
    public static partial void RecoveringSegment(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
        Message = "Deleting {Count} segments after {Path}: its recovered end offset {RecoveredEnd} does not meet the next segment's base offset {NextBaseOffset}")]
    public static partial void DroppingSegmentsAfterCorruption(ILogger logger, int count, string path, long recoveredEnd, long nextBaseOffset);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Deleted orphan file {Path}")]
    public static partial void DeletedOrphan(ILogger logger, string path);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Ignoring unreadable log start offset checkpoint {Path}")]
    public static partial void UnreadableCheckpoint(ILogger logger, string path, Exception? exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Log start offset {LogStartOffset} is past the recovered log end offset {LogEndOffset} in {Directory}: starting an empty log there")]
    public static partial void StartOffsetPastEnd(ILogger logger, long logStartOffset, long logEndOffset, string directory);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Rolled {Directory} to a new segment at offset {BaseOffset}")]
    public static partial void Rolled(ILogger logger, string directory, long baseOffset);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Deleted segment {Path} ({Reason})")]
    public static partial void DeletedSegment(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Could not delete the files of segment {Path}")]
    public static partial void DeleteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Opened {Directory}: {Segments} segments, offsets {LogStartOffset} to {LogEndOffset}")]
    public static partial void Loaded(ILogger logger, string directory, int segments, long logStartOffset, long logEndOffset);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Scheduled flush (flush.ms) of {Directory} failed")]
    public static partial void ScheduledFlushFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Completing the interrupted swap of cleaned segment {Path} (offsets {BaseOffset} to {NextOffset})")]
    public static partial void CompletingSwap(ILogger logger, string path, long baseOffset, long nextOffset);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Discarding the cleaned segment {Path}, which is not whole ({Reason}); restoring the segments it was to replace")]
    public static partial void DiscardingTornSwap(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information,
        Message = "Compacted {Directory}: {Segments} segments, {RecordsKept} of {RecordsRead} records kept, {BytesRead} bytes read, {BytesWritten} written in {ElapsedMs} ms")]
    public static partial void Compacted(ILogger logger, string directory, int segments, long recordsKept, long recordsRead, long bytesRead, long bytesWritten, long elapsedMs);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Ignoring producer state snapshot {Path} ({Problem}): replaying the whole log")]
    public static partial void UnreadableProducerSnapshot(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning,
        Message = "Ignoring the producer state snapshot of {Directory}: it covers offsets up to {SnapshotOffset}, past the recovered log end offset {LogEndOffset}")]
    public static partial void ProducerSnapshotPastEnd(ILogger logger, string directory, long snapshotOffset, long logEndOffset);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "Truncated transaction index {Path} from {FileBytes} to {ValidBytes} bytes")]
    public static partial void TruncatedTransactionIndex(ILogger logger, string path, long fileBytes, int validBytes);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Debug,
        Message = "Producer state of {Directory}: {Producers} producers, replayed offsets {From} to {To}, {Restored} aborted transactions restored to the index")]
    public static partial void RebuiltProducerState(ILogger logger, string directory, int producers, long from, long to, int restored);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Error, Message = "The background flush of rolled segment {Path} failed")]
    public static partial void RollFlushFailed(ILogger logger, string path, Exception exception);
}
