using System.Diagnostics;
using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage;

/// <summary>
/// The log of one partition: a directory of segments named by base offset, the last one active. Its concurrency
/// contract:
/// <list type="bullet">
/// <item>Appends (batches and transaction markers), deletions (retention, DeleteRecords), producer expiry, Flush,
/// Dispose and the swap of a compacted segment are serialized by one lock. Producer state (idempotence,
/// transactions, the LSO) is checked and updated under it, and rebuilt on open from the snapshot and the batch
/// headers after the snapshot's offset.</item>
/// <item>Reads, time lookups and the offset properties take no lock and see only batches that were completely
/// written (each segment publishes its end after the write). Segments are replaced as a whole array
/// (copy-on-write) when the log rolls, deletes or swaps, so a reader works on one consistent list.</item>
/// <item>A roll does no fsync under the lock (Kafka flushes rolled segments asynchronously too): it seals the
/// segment it leaves (final time index entry, indexes written whole to their files), creates the next one, takes the
/// producers' state as of the new base offset in memory, and queues a background flush that fsyncs the sealed
/// segment's files and then writes that snapshot (temporary file, fsync, rename). Background flushes run one at a
/// time in roll order and never take the lock. Each holds a reference to its segment's files, so retention or
/// compaction deleting the segment meanwhile only makes its fsync moot. Flush, the flush policy (flush.messages,
/// flush.ms) and Dispose wait for the queued flushes (under the lock, so no roll queues another) before their own
/// fsync and snapshot: the snapshot file only moves forward, and when they return everything up to the log end is
/// on disk. DeleteLog lets a queued flush skip its work and waits for one in progress before deleting the directory.
/// A background flush that fails is logged and its error is thrown by the next Flush, flush-policy fsync or Dispose.</item>
/// <item>Compaction reads outside the lock (one compaction at a time, under a second lock) and swaps each cleaned
/// segment in under the lock.</item>
/// <item>Crash safety. After a kill -9 at any point, the files hold every batch whose append returned; a segment
/// followed by another has whole indexes (written before the next segment exists); the snapshot is an old one or
/// the new one, and the replay from its offset rebuilds the same producer state. Against a power failure, the
/// batches of a rolled segment are exposed until its background fsync as the active segment's unflushed ones are;
/// the loader's checks of a sealed segment (indexes against its size, the batch chain after the last index entry)
/// send a segment cut short to full recovery.</item>
/// </list>
/// </summary>
public sealed class PartitionLog : IDisposable
{
    // System.Threading.Timer rejects due times above 0xFFFFFFFE ms; longer flush.ms values are only checked on append.
    private const long MaxTimerDueMs = 0xFFFFFFFEL;

    private readonly Lock _lock = new();
    private readonly Lock _cleanerLock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<(LogSegment Segment, long DeletedAt)> _deleted = [];
    private readonly ProducerStateManager _producers;
    private LogConfig _config;
    private LogSegment[] _segments;
    private long _logStartOffset;
    private bool _disposed;
    private long _unflushedMessages;
    private long _firstUnflushedAt;
    private ITimer? _flushTimer;
    private bool _flushTimerArmed;
    private long _fsyncCount;
    private long _firstDirtyOffset;

    // The background flushes of rolled segments, chained in roll order (replaced under the lock), and the first error
    // one of them met, thrown by the next flush that waits for them.
    private Task _rollFlushes = Task.CompletedTask;
    private Exception? _rollFlushFailure;
    private bool _skipRollFlushes;

    private PartitionLog(string directory, LogConfig config, TimeProvider time, ILogger logger, LogSegment[] segments, long logStartOffset, ProducerStateManager producers)
    {
        _producers = producers;
        _firstDirtyOffset = LogStartOffsetCheckpoint.Read(directory, logger, LogStartOffsetCheckpoint.CleanerFileName) ?? 0;
        Directory = directory;
        _config = config;
        _time = time;
        _logger = logger;
        _segments = segments;
        _logStartOffset = logStartOffset;
    }

    /// <summary>Raised after each append, outside the log's lock.</summary>
    public event Action<PartitionLog>? Appended;

    public string Directory { get; }

    /// <summary>The topic's settings; may be replaced at any time (AlterConfigs) and apply from the next operation.</summary>
    public LogConfig Config
    {
        get => Volatile.Read(ref _config);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref _config, value);
        }
    }

    /// <summary>First readable offset.</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>Next offset to be assigned.</summary>
    public long LogEndOffset => Volatile.Read(ref _segments)[^1].NextOffset;

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

    internal int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>
    /// Compaction: the share of the bytes of the non-active segments that lie at or above the cleaned point, from 0
    /// (all cleaned) to 1 (never cleaned). A cleaner compacts the log with the highest ratio once it reaches
    /// min.cleanable.dirty.ratio (Kafka's choice).
    /// </summary>
    public double DirtyRatio
    {
        get
        {
            var segments = Volatile.Read(ref _segments);
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

    /// <summary>The first offset the cleaner has not compacted yet (persisted in cleaner-offset.checkpoint).</summary>
    internal long FirstDirtyOffset => Volatile.Read(ref _firstDirtyOffset);

    /// <summary>Tests: called at each step of a compaction's swap protocol with the step's name.</summary>
    internal Action<string>? CompactionStepHook { get; set; }

    /// <summary>
    /// Tests: called on the background flush of a rolled segment at each step: "rolled" (nothing of it done yet),
    /// "segment-flushed" (the sealed segment fsynced), "snapshot-temporary" (the snapshot's temporary file durable,
    /// not yet renamed) and "snapshot-written".
    /// </summary>
    internal Action<string>? RollFlushStepHook { get; set; }

    /// <summary>How many times a log file was fsynced (flush policy, Flush, a roll's background flush): lets tests see the policy work.</summary>
    internal long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>Opens the log in <paramref name="directory"/>, creating it if missing and recovering a torn tail.</summary>
    public static PartitionLog Open(string directory, LogConfig config, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(config);
        logger ??= NullLogger.Instance;
        var fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        OpenDirectories.Claim(fullPath);
        try
        {
            var (segments, logStartOffset) = LogLoader.Load(fullPath, config, logger);
            ProducerStateManager producers;
            try
            {
                producers = ProducerStateLoader.Load(fullPath, segments, logger);
            }
            catch
            {
                foreach (var segment in segments)
                {
                    segment.Close();
                }
                throw;
            }
            StorageLog.Loaded(logger, fullPath, segments.Length, logStartOffset, segments[^1].NextOffset);
            return new PartitionLog(fullPath, config, time ?? TimeProvider.System, logger, segments, logStartOffset, producers);
        }
        catch
        {
            OpenDirectories.Release(fullPath);
            throw;
        }
    }

    /// <summary>
    /// Appends complete, already validated record batches (magic 2): assigns offsets from the log end offset by
    /// rewriting each batch's BaseOffset in place, stamps <paramref name="now"/> when the topic uses LogAppendTime,
    /// rolls the segment first if needed, and writes all batches with one positional write. When this returns the
    /// bytes are in the operating system (a killed process cannot lose them), and fsynced if the flush policy says so.
    /// A batch with a producer id (idempotent or transactional) is first checked against that producer's state, as
    /// Kafka does: a repeat of one of its last five batches writes nothing and returns the original offsets
    /// (<see cref="AppendInfo.IsDuplicate"/>); a transactional batch opens the producer's transaction if none is open.
    /// </summary>
    /// <exception cref="ProducerStateException">
    /// INVALID_PRODUCER_EPOCH (older epoch), OUT_OF_ORDER_SEQUENCE_NUMBER (a gap, or a new epoch not starting at 0),
    /// INVALID_TXN_STATE (a non-transactional batch while the producer's transaction is open), INVALID_RECORD (a
    /// batch with a producer id but no sequence, or a control batch, as Kafka's LogValidator refuses from clients).
    /// Nothing is written.
    /// </exception>
    public AppendInfo Append(Memory<byte> batches, TimestampType timestampType, long now) => Append(batches, timestampType, now, AppendOrigin.Client);

    /// <summary>
    /// <see cref="Append(Memory{byte}, TimestampType, long)"/> for a given writer: <see cref="AppendOrigin.Coordinator"/>
    /// (the broker writing transactional offset commits for a producer) checks only epochs and transaction state.
    /// </summary>
    public AppendInfo Append(Memory<byte> batches, TimestampType timestampType, long now, AppendOrigin origin)
    {
        var span = batches.Span;
        var offsetCount = CountOffsets(span);
        AppendInfo info;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var config = _config;
            var baseOffset = _segments[^1].NextOffset;
            var appendTime = timestampType == TimestampType.LogAppendTime ? now : -1;
            try
            {
                if (_producers.StageAppend(span, baseOffset, appendTime, origin, out var duplicate))
                {
                    return duplicate;
                }
                WriteLocked(span, offsetCount, timestampType, now, config);
            }
            catch
            {
                _producers.DiscardStaged();
                throw;
            }
            _producers.ApplyStaged();
            _producers.PublishFirstUnstableOffset(includeStaged: false);
            ApplyFlushPolicy(config, offsetCount, now);
            info = new AppendInfo(baseOffset, baseOffset + offsetCount - 1, appendTime);
        }
        Appended?.Invoke(this);
        return info;
    }

    /// <summary>
    /// Whole batches starting with the one that holds <paramref name="offset"/>, at most <paramref name="maxBytes"/>
    /// (the first batch whole regardless with <paramref name="minOneBatch"/>), none whose base offset is at or past
    /// <paramref name="maxOffset"/> (capped at the log end offset). Reads stay within one segment, as Kafka's do.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is below the log start offset or past the log end offset.</exception>
    public LogReadResult Read(long offset, int maxBytes, bool minOneBatch = true, long maxOffset = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
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

    /// <summary>
    /// ListOffsets by timestamp: the first record (from the log start offset on) whose timestamp is at least
    /// <paramref name="timestamp"/>, or null. Exact for uncompressed batches; a compressed batch answers with its
    /// first offset and its max timestamp.
    /// </summary>
    public (long Offset, long Timestamp)? OffsetForTimestamp(long timestamp)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
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

    /// <summary>ListOffsets MAX_TIMESTAMP: the first record holding the largest timestamp in the log, or null when it is empty.</summary>
    public (long Offset, long Timestamp)? MaxTimestamp()
    {
        while (true)
        {
            LogSegment? best = null;
            LogSegment? cut = null;
            var bestTimestamp = long.MinValue;
            var bestBatch = -1L;
            long logStartOffset;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
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

    /// <summary>
    /// DeleteRecords: raises the log start offset to <paramref name="offset"/> (never lowers it), persists it, and
    /// deletes the segments wholly below it. Returns the log start offset.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is negative or past the log end offset.</exception>
    public long DeleteRecordsBefore(long offset)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
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
    }

    /// <summary>
    /// Deletes the oldest segments whose newest record is older than retention.ms, then the oldest while the log
    /// stays at least retention.bytes without them (Kafka's rule). An expired active segment is rolled first, so an
    /// idle topic expires too. Returns how many segments were deleted.
    /// </summary>
    public int EnforceRetention(long now)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
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
    }

    /// <summary>
    /// Log compaction (cleanup.policy=compact), as Kafka's log cleaner does it for one log; a no-op unless
    /// <see cref="LogConfig.Compact"/> is set. Cleans the longest run of non-active segments from the start that lie
    /// wholly below <paramref name="maxCompactableOffset"/> and hold no record newer than min.compaction.lag.ms
    /// (by their largest timestamp, against <paramref name="now"/>): builds a map of each key's latest offset in the
    /// dirty part of that range, then rewrites the range keeping only those records (records without a key stay,
    /// tombstones stay until delete.retention.ms after they were first cleaned). Offsets never change; the log start
    /// and end offsets stay. Consecutive segments are merged while they fit segment.bytes. Appends and reads go on
    /// meanwhile: each cleaned segment is swapped in under the log's lock, and a reader still holding a replaced one
    /// keeps it for file.delete.delay.ms. Crash-safe at every step (see <see cref="CleanerRecovery"/>).
    /// </summary>
    public CompactionResult Compact(long now, long maxCompactableOffset = long.MaxValue)
    {
        lock (_cleanerLock)
        {
            var stopwatch = Stopwatch.StartNew();
            LogConfig config;
            LogSegment[] segments;
            long lastStableOffset;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                config = _config;
                segments = _segments;
                lastStableOffset = LastStableOffset;
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
    /// The first offset of the oldest transaction still open on this partition, or the log end offset when none is:
    /// read_committed consumers read only below it.
    /// </summary>
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
    /// Ends the producer's open transaction with a COMMIT or ABORT control batch (one record, key {0, type}, value
    /// {0, coordinatorEpoch}) carrying the producer's id and epoch; an ABORT also enters the transaction into the
    /// aborted-transaction index. Without an open transaction the marker is still written (a coordinator completing
    /// markers again after a restart), and changes nothing else than the producer's epoch and coordinator epoch,
    /// which Kafka takes from every marker.
    /// </summary>
    /// <exception cref="ProducerStateException">
    /// INVALID_PRODUCER_EPOCH when <paramref name="producerEpoch"/> is older than the producer's epoch;
    /// TRANSACTION_COORDINATOR_FENCED when <paramref name="coordinatorEpoch"/> is older than the last one seen.
    /// </exception>
    public AppendInfo AppendEndTransactionMarker(long producerId, short producerEpoch, bool commit, int coordinatorEpoch, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(producerId);
        var marker = ControlRecord.BuildMarker(producerId, producerEpoch, commit, coordinatorEpoch, now);
        long offset;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var config = _config;
            offset = _segments[^1].NextOffset;
            CompletedTransaction? completed;
            try
            {
                completed = _producers.StageMarker(producerId, producerEpoch, coordinatorEpoch, commit, offset, now);
                WriteLocked(marker, 1, TimestampType.CreateTime, now, config);
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
            ApplyFlushPolicy(config, 1, now);
        }
        Appended?.Invoke(this);
        return new AppendInfo(offset, offset, -1);
    }

    /// <summary>
    /// The aborted transactions with data in [<paramref name="fetchOffset"/>, <paramref name="upperBoundOffset"/>):
    /// those whose ABORT marker is at or after the fetch offset and whose first offset is below the bound, in
    /// first-offset order.
    /// </summary>
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

    /// <summary>The producers this partition keeps state for (DescribeProducers).</summary>
    public IReadOnlyList<ProducerInfo> Producers()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _producers.Describe();
        }
    }

    /// <summary>
    /// Forgets producers whose last batch is more than <paramref name="expirationMs"/> old (producer.id.expiration.ms)
    /// and that have no open transaction. Returns how many were forgotten.
    /// </summary>
    public int ExpireProducers(long now, long expirationMs)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _producers.Expire(now, expirationMs);
        }
    }

    /// <summary>
    /// Waits for the background flushes of rolled segments, fsyncs the active segment and its indexes, then snapshots
    /// the producers' state at the log end: everything up to the log end offset is then on disk.
    /// </summary>
    /// <exception cref="IOException">This or a background flush of a rolled segment failed.</exception>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FlushActive(indexes: true);
            WriteProducerSnapshot();
        }
    }

    /// <summary>Flushes and closes (clean shutdown). Reads still copying records finish; later ones fail.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            Volatile.Write(ref _disposed, true);
            _flushTimer?.Dispose();
            try
            {
                // Before the final snapshot, which must not be replaced by an older one from a roll.
                var failure = DrainRollFlushes();
                _segments[^1].Flush(indexes: true);
                WriteProducerSnapshot();
                ThrowIfFailed(failure);
            }
            finally
            {
                CloseAll();
                OpenDirectories.Release(Directory);
            }
        }
    }

    /// <summary>Closes the log and deletes its directory (DeleteTopics).</summary>
    public void DeleteLog()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                Volatile.Write(ref _disposed, true);
                _flushTimer?.Dispose();
                // Nothing is worth fsyncing any more, but a flush in progress must not write into the directory
                // after it is gone (or recreate it).
                Volatile.Write(ref _skipRollFlushes, true);
                DrainRollFlushes();
                CloseAll();
            }
        }
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        finally
        {
            OpenDirectories.Release(Directory);
        }
    }

    /// <summary>
    /// The aborted transactions of the whole log (a transaction's data may lie segments before its marker) and each
    /// producer's last batch. Taken after the cleanable segments were chosen below the LSO, so every transaction
    /// with data in them has ended and is known here.
    /// </summary>
    private CleanerTransactions TransactionsForCleaning()
    {
        lock (_lock)
        {
            var aborted = new List<AbortedTxn>();
            foreach (var segment in _segments)
            {
                aborted.AddRange(segment.Transactions.Entries);
            }
            return aborted.Count == 0 && _producers.Count == 0 ? CleanerTransactions.None : new CleanerTransactions(aborted, _producers.LastBatchOffsets());
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
            var replacement = cleaner.WriteCleaned(Directory, group);
            if (!SwapIn(group, replacement))
            {
                complete = false;
                break;
            }
            cleaned += group.Length;
        }
        if (complete && cleanableEnd > Volatile.Read(ref _firstDirtyOffset))
        {
            CompactionStep("before-checkpoint");
            LogStartOffsetCheckpoint.Write(Directory, cleanableEnd, LogStartOffsetCheckpoint.CleanerFileName);
            Volatile.Write(ref _firstDirtyOffset, cleanableEnd);
        }
        var result = new CompactionResult(cleaned, mapBytes + cleaner.BytesRead, cleaner.BytesWritten, cleaner.RecordsRead, cleaner.RecordsKept, stopwatch.Elapsed);
        StorageLog.Compacted(_logger, Directory, result.SegmentsCleaned, result.RecordsKept, result.RecordsRead, result.BytesRead, result.BytesWritten, (long)result.Elapsed.TotalMilliseconds);
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
    /// Swaps a cleaned segment in for <paramref name="group"/> (see <see cref="CleanerRecovery"/> for the protocol).
    /// False, with the cleaned files deleted, when the group is no longer in the log (retention or DeleteRecords
    /// removed some of it meanwhile) or the log was closed.
    /// </summary>
    private bool SwapIn(LogSegment[] group, LogSegment replacement)
    {
        try
        {
            CompactionStep("cleaned");
            replacement.Files.Rename(SegmentFileNames.SwapSuffix, _ => CompactionStep("swap-indexes"));
            CompactionStep("swap");
        }
        catch
        {
            LogCleaner.Discard(replacement);
            throw;
        }
        lock (_lock)
        {
            var segments = _segments;
            var index = _disposed ? -1 : Array.IndexOf(segments, group[0]);
            if (index < 0 || index + group.Length > segments.Length - 1 || !segments.AsSpan(index, group.Length).SequenceEqual(group))
            {
                LogCleaner.Discard(replacement);
                return false;
            }
            for (var i = 0; i < group.Length; i++)
            {
                group[i].Files.Rename(SegmentFileNames.DeletedSuffix);
                CompactionStep(i == 0 ? "first-deleted" : "deleted");
            }
            replacement.Files.Rename("", _ => CompactionStep("final-indexes"));
            CompactionStep("final");
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
                // Readers holding the replaced segment keep it for file.delete.delay.ms, as after retention.
                _deleted.Add((segment, deletedAt));
            }
            CloseDeletedSegments(force: false);
            return true;
        }
    }

    private void CompactionStep(string step) => CompactionStepHook?.Invoke(step);

    /// <summary>
    /// Writes checked batches at the log end (under the lock): rolls first if needed, assigns offsets by rewriting
    /// each BaseOffset in place, stamps LogAppendTime, and writes them with one positional write.
    /// </summary>
    private void WriteLocked(Span<byte> span, long offsetCount, TimestampType timestampType, long now, LogConfig config)
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

    /// <summary>Snapshots the producers' state as of the log end offset (under the lock).</summary>
    private void WriteProducerSnapshot() => ProducerStateSnapshot.Write(Directory, _segments[^1].NextOffset, _producers);

    /// <summary>Offsets taken by the batches (sum of lastOffsetDelta + 1); rejects bytes that are not whole v2 batches.</summary>
    private static long CountOffsets(ReadOnlySpan<byte> batches)
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
    /// queues the sealed segment's fsync and the producer snapshot at the new base offset to the background. The
    /// sealed segment's batches stay counted as unflushed for the flush policy, which waits for that fsync.
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
        var snapshot = ProducerStateSnapshot.Serialize(next.BaseOffset, _producers);
        _rollFlushes = _rollFlushes.ContinueWith(
            static (_, state) =>
            {
                var (log, segment, snapshot) = ((PartitionLog, LogSegment, byte[]))state!;
                log.FlushRolled(segment, snapshot);
            },
            (this, active, snapshot), CancellationToken.None, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default);
        return next;
    }

    /// <summary>
    /// The background flush of a rolled segment (never under the lock, one at a time): fsyncs its files, then writes
    /// the producer snapshot taken at the roll. Never throws; a failure is logged and kept for the next flush to throw.
    /// </summary>
    private void FlushRolled(LogSegment segment, byte[] snapshot)
    {
        try
        {
            RollFlushStep("rolled");
            if (Volatile.Read(ref _skipRollFlushes))
            {
                return;
            }
            // Retention or compaction may have deleted the segment meanwhile: with its files closed there is nothing
            // to keep; with them open (readers, file.delete.delay.ms) the fsync is harmless.
            if (segment.Files.TryAcquire())
            {
                try
                {
                    segment.FlushSealed();
                }
                finally
                {
                    segment.Files.Release();
                }
                Interlocked.Increment(ref _fsyncCount);
            }
            RollFlushStep("segment-flushed");
            if (Volatile.Read(ref _skipRollFlushes))
            {
                return;
            }
            ProducerStateSnapshot.WriteFile(Directory, snapshot, RollFlushStep);
            RollFlushStep("snapshot-written");
        }
        catch (Exception e)
        {
            StorageLog.RollFlushFailed(_logger, segment.Files.LogPath, e);
            Interlocked.CompareExchange(ref _rollFlushFailure, e, null);
        }
    }

    private void RollFlushStep(string step) => RollFlushStepHook?.Invoke(step);

    /// <summary>
    /// Waits for the queued background flushes (under the lock, so that no roll queues another) and returns the
    /// first error one of them met since the last call, if any.
    /// </summary>
    private Exception? DrainRollFlushes()
    {
        var pending = _rollFlushes;
        if (!pending.IsCompleted)
        {
            // Never faults: FlushRolled catches everything.
            pending.Wait();
        }
        _rollFlushes = Task.CompletedTask;
        return Interlocked.Exchange(ref _rollFlushFailure, null);
    }

    private void ThrowIfFailed(Exception? rollFlushFailure)
    {
        if (rollFlushFailure is not null)
        {
            throw new IOException($"The background flush of a rolled segment of {Directory} failed.", rollFlushFailure);
        }
    }

    /// <summary>Tests: waits for the background flushes of rolled segments, throwing the error of a failed one.</summary>
    internal void WaitForRollFlushes()
    {
        lock (_lock)
        {
            ThrowIfFailed(DrainRollFlushes());
        }
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

    private void CloseAll()
    {
        foreach (var segment in _segments)
        {
            segment.Close();
        }
        CloseDeletedSegments(force: true);
    }

    private void ApplyFlushPolicy(LogConfig config, long offsetCount, long now)
    {
        if (_unflushedMessages == 0)
        {
            _firstUnflushedAt = now;
        }
        _unflushedMessages += offsetCount;
        if (_unflushedMessages >= config.FlushMessages || now - _firstUnflushedAt >= config.FlushMs)
        {
            FlushActive(indexes: false);
        }
        else if (!_flushTimerArmed && config.FlushMs <= MaxTimerDueMs)
        {
            // Without further appends nothing else would notice that flush.ms has passed.
            _flushTimer ??= _time.CreateTimer(static state => ((PartitionLog)state!).OnFlushTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var due = Math.Max(0, config.FlushMs - (now - _firstUnflushedAt));
            _flushTimer.Change(TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan);
            _flushTimerArmed = true;
        }
    }

    /// <summary>
    /// fsyncs the active log file, its indexes only when asked since recovery rebuilds them anyway, after waiting for
    /// the background flushes of rolled segments (whose batches the flush policy still counts as unflushed).
    /// </summary>
    private void FlushActive(bool indexes)
    {
        ThrowIfFailed(DrainRollFlushes());
        _segments[^1].Flush(indexes);
        _unflushedMessages = 0;
        Interlocked.Increment(ref _fsyncCount);
    }

    private void OnFlushTimer()
    {
        lock (_lock)
        {
            _flushTimerArmed = false;
            if (_disposed || _unflushedMessages == 0)
            {
                return;
            }
            try
            {
                FlushActive(indexes: false);
            }
            catch (Exception e)
            {
                // A timer callback must not throw; the next append or Flush meets the same disk error.
                StorageLog.ScheduledFlushFailed(_logger, Directory, e);
            }
        }
    }
}
