using System.Diagnostics;
using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// The core of a partition log (Kafka's LocalLog): the segment list, appends at its end, reads, rolls, deletion of
/// old segments, the producers' state and the recovery on open. It decides nothing about fsync (see
/// <see cref="FlushScheduler"/>) or compaction (see <see cref="LogCompactor"/>); <see cref="PartitionLog"/> puts the
/// three together. Threads (the whole contract is on <see cref="PartitionLog"/>):
/// <list type="bullet">
/// <item><see cref="Lock"/> is the log's one lock. Members marked "under the lock" change the segment list, the log
/// start offset, the producers' state or the closed flag, and are called only by a thread holding it; this type
/// never takes it itself except in <see cref="MaxTimestamp"/>.</item>
/// <item>The other members take no lock, from any thread: <see cref="Read"/>, the time lookups, the offsets and
/// sizes. The segment list is replaced as a whole array (copy-on-write) and each segment publishes its end after its
/// write, so they see one consistent list of completely written batches.</item>
/// </list>
/// </summary>
internal sealed class LocalLog
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProducerStateManager _producers;
    private readonly List<(LogSegment Segment, long DeletedAt)> _deleted = [];
    private LogConfig _config;
    private LogSegment[] _segments;
    private long _logStartOffset;
    private bool _closed;

    private LocalLog(string directory, LogConfig config, TimeProvider time, ILogger logger, LogSegment[] segments, long logStartOffset, ProducerStateManager producers)
    {
        Directory = directory;
        _config = config;
        _time = time;
        _logger = logger;
        _segments = segments;
        _logStartOffset = logStartOffset;
        _producers = producers;
    }

    /// <summary>The log's one lock: see the members marked "under the lock".</summary>
    public Lock Lock { get; } = new();

    /// <summary>The partition directory (full path, no trailing separator).</summary>
    public string Directory { get; }

    /// <summary>
    /// Under the lock: receives each segment a roll sealed, with the producers' state as of the new segment's base
    /// offset (a snapshot to write once the sealed segment is durable). Set once, before the first append, by the
    /// owner of the flush policy; without one a sealed segment is left to the operating system.
    /// </summary>
    public Action<LogSegment, byte[]>? SegmentRolled { get; set; }

    /// <summary>The topic's settings; may be replaced at any time and apply from the next operation.</summary>
    public LogConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>Set (under the lock) once the log is closed; every operation then throws <see cref="ObjectDisposedException"/>.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    public long LogEndOffset => Volatile.Read(ref _segments)[^1].NextOffset;

    /// <summary>The current segment list, oldest first, the active one last; never changed in place.</summary>
    public LogSegment[] Segments => Volatile.Read(ref _segments);

    public long SizeInBytes
    {
        get
        {
            long total = 0;
            foreach (var segment in Volatile.Read(ref _segments))
            {
                total += segment.Size;
            }
            return total;
        }
    }

    /// <summary>See <see cref="PartitionLog.LastStableOffset"/>.</summary>
    public long LastStableOffset
    {
        get
        {
            // The end first: an append publishes the first offset of a transaction it opens before its bytes, so an
            // end that includes them comes with that offset. A start offset past the transaction's data bounds it, as in Kafka.
            var logEndOffset = LogEndOffset;
            var firstUnstable = _producers.FirstUnstableOffset;
            return Math.Min(logEndOffset, Math.Max(firstUnstable, LogStartOffset));
        }
    }

    /// <summary>
    /// Loads the log in <paramref name="directory"/> (a full path the caller has claimed in <see cref="OpenDirectories"/>):
    /// completes or undoes an interrupted compaction, recovers a torn tail, and rebuilds the producers' state from
    /// the snapshot and the batches after it.
    /// </summary>
    public static LocalLog Open(string directory, LogConfig config, TimeProvider time, ILogger logger)
    {
        var (segments, logStartOffset) = LogLoader.Load(directory, config, logger);
        ProducerStateManager producers;
        try
        {
            producers = ProducerStateLoader.Load(directory, segments, logger);
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Close();
            }
            throw;
        }
        StorageLog.Loaded(logger, directory, segments.Length, logStartOffset, segments[^1].NextOffset);
        return new LocalLog(directory, config, time, logger, segments, logStartOffset, producers);
    }

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> once the log is closed, naming <see cref="PartitionLog"/>: the
    /// object its callers hold.
    /// </summary>
    public void ThrowIfClosed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), typeof(PartitionLog));

    /// <summary>Offsets taken by the batches (sum of lastOffsetDelta + 1); rejects bytes that are not whole v2 batches.</summary>
    public static long CountOffsets(ReadOnlySpan<byte> batches)
    {
        if (batches.IsEmpty)
        {
            throw new ArgumentException("No record batch to append.", nameof(batches));
        }
        long offsets = 0;
        for (var position = 0; position < batches.Length;)
        {
            var batch = batches[position..];
            if (batch.Length < RecordBatch.HeaderSize || !BatchHeader.IsLengthPlausible(batch, batch.Length)
                || RecordBatch.Magic(batch) != RecordBatch.CurrentMagic || RecordBatch.LastOffsetDelta(batch) < 0)
            {
                throw new ArgumentException($"The bytes at position {position} are not a whole record batch (magic 2).", nameof(batches));
            }
            offsets += RecordBatch.LastOffsetDelta(batch) + 1L;
            position += RecordBatch.TotalSize(batch);
        }
        return offsets;
    }

    /// <summary>
    /// Under the lock: see <see cref="PartitionLog.Append(Memory{byte}, TimestampType, long, AppendOrigin)"/>, without
    /// the flush policy. Returns false, with the original offsets in <paramref name="info"/>, for a duplicate.
    /// </summary>
    public bool Append(Span<byte> batches, long offsetCount, TimestampType timestampType, long now, AppendOrigin origin, LogConfig config, out AppendInfo info)
    {
        AssertLocked();
        var baseOffset = _segments[^1].NextOffset;
        var appendTime = timestampType == TimestampType.LogAppendTime ? now : -1;
        try
        {
            if (_producers.StageAppend(batches, baseOffset, appendTime, origin, out info))
            {
                return false;
            }
            Write(batches, offsetCount, timestampType, now, config);
        }
        catch
        {
            _producers.DiscardStaged();
            throw;
        }
        _producers.ApplyStaged();
        _producers.PublishFirstUnstableOffset(includeStaged: false);
        info = new AppendInfo(baseOffset, baseOffset + offsetCount - 1, appendTime);
        return true;
    }

    /// <summary>
    /// Under the lock: see <see cref="PartitionLog.AppendEndTransactionMarker"/>, without the flush policy. Returns
    /// the marker's offset.
    /// </summary>
    public long AppendEndTransactionMarker(Span<byte> marker, long producerId, short producerEpoch, bool commit, int coordinatorEpoch, long now, LogConfig config)
    {
        AssertLocked();
        var offset = _segments[^1].NextOffset;
        CompletedTransaction? completed;
        try
        {
            completed = _producers.StageMarker(producerId, producerEpoch, coordinatorEpoch, commit, offset, now);
            Write(marker, 1, TimestampType.CreateTime, now, config);
        }
        catch
        {
            _producers.DiscardStaged();
            throw;
        }
        _producers.ApplyStaged();
        try
        {
            if (completed is { Aborted: true } aborted)
            {
                // Entered before the LSO moves past the transaction: a read_committed fetch up to the new LSO
                // must find it. The marker's segment is the active one (the write may have rolled).
                _segments[^1].Transactions.Append(new AbortedTxn(producerId, aborted.FirstOffset, offset, _producers.LastStableOffset(offset + 1)));
            }
        }
        finally
        {
            _producers.PublishFirstUnstableOffset(includeStaged: false);
        }
        return offset;
    }

    /// <summary>No lock: see <see cref="PartitionLog.Read"/>.</summary>
    public LogReadResult Read(long offset, int maxBytes, bool minOneBatch, long maxOffset)
    {
        while (true)
        {
            ThrowIfClosed();
            // Segments before the start offset: deletion publishes the start offset first, so this pair is consistent.
            var segments = Volatile.Read(ref _segments);
            var logStartOffset = Volatile.Read(ref _logStartOffset);
            var logEndOffset = segments[^1].NextOffset;
            if (offset < logStartOffset || offset > logEndOffset)
            {
                throw new OffsetOutOfRangeException(offset, logStartOffset, logEndOffset);
            }
            var limit = Math.Min(maxOffset, logEndOffset);
            var retry = false;
            for (var i = FindSegment(segments, offset); i < segments.Length && offset < limit; i++)
            {
                var segment = segments[i];
                var status = segment.Read(Math.Max(offset, segment.BaseOffset), maxBytes, minOneBatch, limit, out var position, out var size);
                if (status == SegmentReadStatus.NotFound)
                {
                    continue;
                }
                if (status == SegmentReadStatus.Closed)
                {
                    retry = true;
                }
                else if (size > 0)
                {
                    return new LogReadResult
                    {
                        Records = new FileRecords(segment.Files, position, size),
                        LogStartOffset = logStartOffset,
                        LogEndOffset = logEndOffset,
                    };
                }
                break;
            }
            if (!retry)
            {
                return new LogReadResult { Records = MemoryRecords.Empty, LogStartOffset = logStartOffset, LogEndOffset = logEndOffset };
            }
            // The segment was deleted under the read: look again, which now reports the new start offset.
        }
    }

    /// <summary>No lock: see <see cref="PartitionLog.OffsetForTimestamp"/>.</summary>
    public (long Offset, long Timestamp)? OffsetForTimestamp(long timestamp)
    {
        while (true)
        {
            ThrowIfClosed();
            var segments = Volatile.Read(ref _segments);
            var logStartOffset = Volatile.Read(ref _logStartOffset);
            var retry = false;
            foreach (var segment in segments)
            {
                var status = segment.FindOffsetForTimestamp(timestamp, logStartOffset, out var offset, out var recordTimestamp);
                if (status == SegmentReadStatus.Found)
                {
                    return (offset, recordTimestamp);
                }
                if (status == SegmentReadStatus.Closed)
                {
                    retry = true;
                    break;
                }
            }
            if (!retry)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Takes the lock itself to pick the candidate segments, and rescans a segment cut by DeleteRecords outside it:
    /// see <see cref="PartitionLog.MaxTimestamp"/>.
    /// </summary>
    public (long Offset, long Timestamp)? MaxTimestamp()
    {
        while (true)
        {
            LogSegment? best = null;
            LogSegment? cut = null;
            var bestTimestamp = long.MinValue;
            var bestBatch = -1L;
            long logStartOffset;
            lock (Lock)
            {
                ThrowIfClosed();
                logStartOffset = _logStartOffset;
                foreach (var segment in _segments)
                {
                    if (segment.Size == 0 || segment.NextOffset <= logStartOffset)
                    {
                        continue;
                    }
                    if (segment.OffsetOfMaxTimestamp < logStartOffset)
                    {
                        // DeleteRecords cut into this segment before its largest timestamp: rescan what is left of it.
                        cut = segment;
                    }
                    else if (segment.MaxTimestamp > bestTimestamp)
                    {
                        best = segment;
                        bestTimestamp = segment.MaxTimestamp;
                        bestBatch = segment.OffsetOfMaxTimestamp;
                    }
                }
            }
            if (cut is not null)
            {
                var scan = cut.ScanMaxTimestamp(logStartOffset, out var cutTimestamp, out var cutBatch);
                if (scan == SegmentReadStatus.Closed)
                {
                    continue;
                }
                // The cut segment comes first, so it wins a tie.
                if (scan == SegmentReadStatus.Found && cutTimestamp >= bestTimestamp)
                {
                    (best, bestTimestamp, bestBatch) = (cut, cutTimestamp, cutBatch);
                }
            }
            if (best is null)
            {
                return null;
            }
            switch (best.ResolveTimestampInBatch(bestBatch, bestTimestamp, logStartOffset, out var offset, out var timestamp))
            {
                case SegmentReadStatus.Found:
                    return (offset, timestamp);
                case SegmentReadStatus.NotFound:
                    return (Math.Max(bestBatch, logStartOffset), bestTimestamp);
                default:
                    continue;
            }
        }
    }

    /// <summary>No lock: see <see cref="PartitionLog.CollectAbortedTransactions"/>.</summary>
    public IReadOnlyList<AbortedTransaction> CollectAbortedTransactions(long fetchOffset, long upperBoundOffset)
    {
        var segments = Volatile.Read(ref _segments);
        List<AbortedTransaction>? found = null;
        // A marker at or after the fetch offset is in the segment holding that offset or a later one.
        for (var i = FindSegment(segments, fetchOffset); i < segments.Length; i++)
        {
            foreach (var entry in segments[i].Transactions.Entries)
            {
                if (entry.LastOffset >= fetchOffset && entry.FirstOffset < upperBoundOffset)
                {
                    (found ??= []).Add(entry.ToPublic());
                }
                if (entry.LastStableOffset >= upperBoundOffset)
                {
                    // Every transaction still open when this one ended started at or after that LSO: none later matters.
                    return Sorted(found);
                }
            }
        }
        return Sorted(found);

        static IReadOnlyList<AbortedTransaction> Sorted(List<AbortedTransaction>? found)
        {
            if (found is null)
            {
                return [];
            }
            found.Sort(static (a, b) => a.FirstOffset.CompareTo(b.FirstOffset));
            return found;
        }
    }

    /// <summary>Under the lock: see <see cref="PartitionLog.DeleteRecordsBefore"/>.</summary>
    public long DeleteRecordsBefore(long offset)
    {
        AssertLocked();
        var segments = _segments;
        var logEndOffset = segments[^1].NextOffset;
        if (offset < 0 || offset > logEndOffset)
        {
            throw new OffsetOutOfRangeException(offset, _logStartOffset, logEndOffset);
        }
        if (offset <= _logStartOffset)
        {
            return _logStartOffset;
        }
        // Persisted before anything is deleted: after a crash the old segments may linger, their records may not.
        LogStartOffsetCheckpoint.Write(Directory, offset);
        Volatile.Write(ref _logStartOffset, offset);
        var count = 0;
        while (count < segments.Length - 1 && segments[count + 1].BaseOffset <= offset)
        {
            count++;
        }
        if (offset == logEndOffset && segments[^1].Size > 0)
        {
            count = segments.Length;
        }
        DeleteOldestSegments(count, "below the log start offset");
        CloseDeletedSegments(force: false);
        return _logStartOffset;
    }

    /// <summary>Under the lock: see <see cref="PartitionLog.EnforceRetention"/>.</summary>
    public int EnforceRetention(long now)
    {
        AssertLocked();
        var config = _config;
        var deleted = 0;
        if (!config.Delete)
        {
            // cleanup.policy=compact alone: nothing expires.
            CloseDeletedSegments(force: false);
            return 0;
        }
        if (config.RetentionMs >= 0)
        {
            var segments = _segments;
            var count = 0;
            while (count < segments.Length && segments[count].Size > 0
                && now - segments[count].LargestTimestampForRetention() > config.RetentionMs)
            {
                count++;
            }
            deleted += DeleteOldestSegments(count, "retention.ms");
        }
        if (config.RetentionBytes >= 0)
        {
            var segments = _segments;
            var excess = SizeInBytes - config.RetentionBytes;
            var count = 0;
            while (count < segments.Length && segments[count].Size > 0 && excess - segments[count].Size >= 0)
            {
                excess -= segments[count].Size;
                count++;
            }
            deleted += DeleteOldestSegments(count, "retention.bytes");
        }
        CloseDeletedSegments(force: false);
        return deleted;
    }

    /// <summary>Under the lock: the producers this partition keeps state for.</summary>
    public IReadOnlyList<ProducerInfo> DescribeProducers()
    {
        AssertLocked();
        return _producers.Describe();
    }

    /// <summary>Under the lock: see <see cref="PartitionLog.ExpireProducers"/>.</summary>
    public int ExpireProducers(long now, long expirationMs)
    {
        AssertLocked();
        return _producers.Expire(now, expirationMs);
    }

    /// <summary>Under the lock: fsyncs the active segment's log file, and its indexes when asked.</summary>
    public void FlushActiveSegment(bool indexes)
    {
        AssertLocked();
        _segments[^1].Flush(indexes);
    }

    /// <summary>Under the lock: snapshots the producers' state as of the log end offset (temporary file, fsync, rename).</summary>
    public void WriteProducerSnapshot()
    {
        AssertLocked();
        ProducerStateSnapshot.Write(Directory, _segments[^1].NextOffset, _producers);
    }

    /// <summary>
    /// Under the lock, for the cleaner: the aborted transactions of the whole log (a transaction's data may lie
    /// segments before its marker) and each producer's last batch.
    /// </summary>
    public CleanerTransactions TransactionsForCleaning()
    {
        AssertLocked();
        var aborted = new List<AbortedTxn>();
        foreach (var segment in _segments)
        {
            aborted.AddRange(segment.Transactions.Entries);
        }
        return aborted.Count == 0 && _producers.Count == 0 ? CleanerTransactions.None : new CleanerTransactions(aborted, _producers.LastBatchOffsets());
    }

    /// <summary>
    /// Under the lock, for the compaction swap: whether <paramref name="group"/> is still a run of consecutive
    /// sealed (non-active) segments of the open log, which retention or DeleteRecords may have cut meanwhile.
    /// </summary>
    public bool HoldsSealedRun(LogSegment[] group)
    {
        AssertLocked();
        var segments = _segments;
        var index = _closed ? -1 : Array.IndexOf(segments, group[0]);
        return index >= 0 && index + group.Length <= segments.Length - 1 && segments.AsSpan(index, group.Length).SequenceEqual(group);
    }

    /// <summary>
    /// Under the lock, for the compaction swap, once <see cref="HoldsSealedRun"/> said yes and the files took their
    /// new names: publishes <paramref name="replacement"/> in place of <paramref name="group"/> and deletes the
    /// replaced segments' files; readers holding one keep it for file.delete.delay.ms, as after retention.
    /// </summary>
    public void ReplaceSegments(LogSegment[] group, LogSegment replacement)
    {
        AssertLocked();
        var segments = _segments;
        var index = Array.IndexOf(segments, group[0]);
        Volatile.Write(ref _segments, [.. segments.AsSpan(0, index), replacement, .. segments.AsSpan(index + group.Length)]);
        var deletedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var segment in group)
        {
            try
            {
                segment.DeleteFiles();
            }
            catch (IOException e)
            {
                StorageLog.DeleteFailed(_logger, segment.Files.LogPath, e);
            }
            _deleted.Add((segment, deletedAt));
        }
        CloseDeletedSegments(force: false);
    }

    /// <summary>Under the lock: marks the log closed; every later operation throws, reads already copying finish.</summary>
    public void MarkClosed()
    {
        AssertLocked();
        Volatile.Write(ref _closed, true);
    }

    /// <summary>Debug builds: the members marked "under the lock" check their caller holds it.</summary>
    [Conditional("DEBUG")]
    public void AssertLocked() => Debug.Assert(Lock.IsHeldByCurrentThread, "The caller must hold the log's lock.");

    /// <summary>Under the lock, after <see cref="MarkClosed"/>: drops the log's hold on every segment, deleted ones included.</summary>
    public void CloseSegments()
    {
        AssertLocked();
        foreach (var segment in _segments)
        {
            segment.Close();
        }
        CloseDeletedSegments(force: true);
    }

    /// <summary>
    /// Writes checked batches at the log end (under the lock): rolls first if needed, assigns offsets by rewriting
    /// each BaseOffset in place, stamps LogAppendTime, and writes them with one positional write.
    /// </summary>
    private void Write(Span<byte> span, long offsetCount, TimestampType timestampType, long now, LogConfig config)
    {
        var active = _segments[^1];
        var baseOffset = active.NextOffset;
        var lastOffset = baseOffset + offsetCount - 1;
        if (ShouldRoll(active, span.Length, lastOffset, now, config))
        {
            active = Roll();
        }
        if (lastOffset - active.BaseOffset >= int.MaxValue)
        {
            throw new ArgumentException("The batches span more offsets than a segment can hold.", nameof(span));
        }
        var offset = baseOffset;
        for (var position = 0; position < span.Length;)
        {
            var batch = span[position..];
            var size = RecordBatch.TotalSize(batch);
            RecordBatch.SetBaseOffset(batch, offset);
            if (timestampType == TimestampType.LogAppendTime)
            {
                RecordBatch.SetLogAppendTime(batch[..size], now);
            }
            offset += RecordBatch.LastOffsetDelta(batch) + 1L;
            position += size;
        }
        active.Append(span, now, config.IndexIntervalBytes);
    }

    private static bool ShouldRoll(LogSegment active, int appendBytes, long lastOffset, long now, LogConfig config)
    {
        var size = active.Size;
        if (size == 0)
        {
            return false;
        }
        return size + (long)appendBytes > Math.Min(config.SegmentBytes, int.MaxValue)
            || (active.RollingBaseTime >= 0 && now - active.RollingBaseTime > config.SegmentMs)
            || lastOffset - active.BaseOffset >= int.MaxValue;
    }

    private static int FindSegment(LogSegment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1, found = 0;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            if (segments[middle].BaseOffset <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    /// <summary>
    /// Seals the active segment and starts a new one at the log end offset (under the lock; active not empty), then
    /// hands the sealed segment and the producers' state at the new base offset to <see cref="SegmentRolled"/>. No
    /// fsync here: the flush policy's owner makes the sealed segment durable off the lock.
    /// </summary>
    private LogSegment Roll()
    {
        var active = _segments[^1];
        // Indexes whole in their files before the next segment exists: the loader trusts a segment another follows.
        active.Seal();
        var next = LogSegment.Create(Directory, active.NextOffset);
        Volatile.Write(ref _segments, [.. _segments, next]);
        active.ServeIndexesFromFiles();
        StorageLog.Rolled(_logger, Directory, next.BaseOffset);
        // Taken now, written after the fsync: a restart then replays only the new segment to rebuild the producers' state.
        SegmentRolled?.Invoke(active, ProducerStateSnapshot.Serialize(next.BaseOffset, _producers));
        return next;
    }

    /// <summary>Deletes the first <paramref name="count"/> segments, rolling first if that is all of them (under the lock).</summary>
    private int DeleteOldestSegments(int count, string reason)
    {
        var segments = _segments;
        if (count == segments.Length && segments[^1].Size == 0)
        {
            count--;
        }
        if (count <= 0)
        {
            return 0;
        }
        if (count == segments.Length)
        {
            Roll();
            segments = _segments;
        }
        var newStart = segments[count].BaseOffset;
        if (newStart > _logStartOffset)
        {
            Volatile.Write(ref _logStartOffset, newStart);
        }
        Volatile.Write(ref _segments, segments[count..]);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var segment = segments[i];
            try
            {
                segment.DeleteFiles();
                StorageLog.DeletedSegment(_logger, segment.Files.LogPath, reason);
            }
            catch (IOException e)
            {
                StorageLog.DeleteFailed(_logger, segment.Files.LogPath, e);
            }
            _deleted.Add((segment, now));
        }
        return count;
    }

    /// <summary>Drops the log's hold on deleted segments once file.delete.delay.ms has passed (or all, on close).</summary>
    private void CloseDeletedSegments(bool force)
    {
        if (_deleted.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var delay = _config.FileDeleteDelayMs;
        for (var i = _deleted.Count - 1; i >= 0; i--)
        {
            if (force || now - _deleted[i].DeletedAt >= delay)
            {
                _deleted[i].Segment.Close();
                _deleted.RemoveAt(i);
            }
        }
    }
}
