using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage;

/// <summary>
/// The log of one partition: a directory of segments named by base offset, the last one active. This is the face the
/// broker holds; three parts do the work, as Kafka splits UnifiedLog, LocalLog and LogCleaner:
/// <see cref="LocalLog"/> (the core: the segment list, appends, reads, rolls, deletions, the producers' state and the
/// recovery on open), <see cref="FlushScheduler"/> (when files are fsynced: flush.messages, flush.ms, and the
/// background flush of each rolled segment) and <see cref="LogCompactor"/> (compaction and the swap of cleaned
/// segments). Its concurrency contract:
/// <list type="bullet">
/// <item>One lock, <see cref="LocalLog.Lock"/> (the log's lock), serializes every change of the log. This type takes it
/// for each append (batches and transaction markers), deletion (retention, DeleteRecords), producer expiry and
/// description, Flush, Dispose and DeleteLog, and calls the members the parts mark "under the lock" only inside it,
/// so an append is one critical section: the producer-state check and update (idempotence, transactions, the LSO),
/// the roll if one is due, the write, and the flush policy's decision. Besides this type only the flush.ms timer (for
/// its fsync) and the compactor (see below) take it. Producer state is rebuilt on open from the snapshot and the
/// batch headers after the snapshot's offset.</item>
/// <item>Reads, time lookups, the offset properties, <see cref="LastStableOffset"/> and <see cref="DirtyRatio"/> take
/// no lock and see only batches that were completely written (each segment publishes its end after the write).
/// Segments are replaced as a whole array (copy-on-write) when the log rolls, deletes or swaps, so a reader works on
/// one consistent list. <see cref="MaxTimestamp"/> takes the lock only to pick its candidate segments.</item>
/// <item>A roll does no fsync under the lock (Kafka flushes rolled segments asynchronously too): the core seals the
/// segment it leaves (final time index entry, indexes written whole to their files), creates the next one, takes the
/// producers' state as of the new base offset in memory, and hands both to the flush scheduler, which queues a
/// background flush that fsyncs the sealed segment's files and then writes that snapshot (temporary file, fsync,
/// rename). Background flushes run on the thread pool one at a time in roll order and never take the lock. Each holds
/// a reference to its segment's files, so retention or compaction deleting the segment meanwhile only makes its fsync
/// moot. Flush, the flush policy and Dispose wait for the queued flushes (under the lock, so no roll queues another)
/// before their own fsync and snapshot: the snapshot file only moves forward, and when they return everything up to
/// the log end is on disk. DeleteLog lets a queued flush skip its work and waits for one in progress before deleting
/// the directory. A background flush that fails is logged and its error is thrown by the next Flush, flush-policy
/// fsync or Dispose.</item>
/// <item>Compaction: one at a time, under the compactor's own lock, which is taken before the log's lock and never
/// while holding it. The compactor reads the log and writes each cleaned copy outside the log's lock, on files it holds
/// open; it takes the log's lock to see the log's settings, segments and LSO, to collect the transactions, and for
/// the second half of each swap (checking the replaced segments are still there, renaming their files .deleted and
/// the copy's to its final names, publishing the new list). Appends and reads go on meanwhile.</item>
/// <item>Crash safety. After a kill -9 at any point, the files hold every batch whose append returned; a segment
/// followed by another has whole indexes (written before the next segment exists); the snapshot is an old one or
/// the new one, and the replay from its offset rebuilds the same producer state; a swap is finished or undone on open
/// (<see cref="CleanerRecovery"/>). Against a power failure, the batches of a rolled segment are exposed until its
/// background fsync as the active segment's unflushed ones are; the loader's checks of a sealed segment (indexes
/// against its size, the batch chain after the last index entry) send a segment cut short to full recovery. Tests
/// stop the process at the named steps of a swap (<see cref="CompactionStepHook"/>) and of a background flush
/// (<see cref="RollFlushStepHook"/>).</item>
/// </list>
/// </summary>
public sealed class PartitionLog : IDisposable
{
    private readonly LocalLog _local;
    private readonly FlushScheduler _flush;
    private readonly LogCompactor _compactor;

    private PartitionLog(LocalLog local, TimeProvider time, ILogger logger)
    {
        _local = local;
        _flush = new FlushScheduler(local, time, logger);
        _compactor = new LogCompactor(local, logger);
    }

    /// <summary>Raised after each append, outside the log's lock.</summary>
    public event Action<PartitionLog>? Appended;

    public string Directory => _local.Directory;

    /// <summary>The topic's settings; may be replaced at any time (AlterConfigs) and apply from the next operation.</summary>
    public LogConfig Config
    {
        get => _local.Config;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _local.Config = value;
        }
    }

    /// <summary>First readable offset.</summary>
    public long LogStartOffset => _local.LogStartOffset;

    /// <summary>Next offset to be assigned.</summary>
    public long LogEndOffset => _local.LogEndOffset;

    public long SizeInBytes => _local.SizeInBytes;

    /// <summary>How many segments the log has (the active one included).</summary>
    public int SegmentCount => _local.Segments.Length;

    /// <summary>
    /// Compaction: the share of the bytes of the non-active segments that lie at or above the cleaned point, from 0
    /// (all cleaned) to 1 (never cleaned). A cleaner compacts the log with the highest ratio once it reaches
    /// min.cleanable.dirty.ratio (Kafka's choice).
    /// </summary>
    public double DirtyRatio => _compactor.DirtyRatio;

    /// <summary>
    /// The first offset of the oldest transaction still open on this partition, or the log end offset when none is:
    /// read_committed consumers read only below it.
    /// </summary>
    public long LastStableOffset => _local.LastStableOffset;

    /// <summary>The first offset the cleaner has not compacted yet (persisted in cleaner-offset.checkpoint).</summary>
    internal long FirstDirtyOffset => _compactor.FirstDirtyOffset;

    /// <summary>
    /// Tests: called at each step of a compaction's swap protocol with the step's name: "cleaned" (the copy whole
    /// under its .cleaned names), "swap-indexes" (after each index renamed .swap), "swap" (the log renamed .swap: the
    /// commit point), "first-deleted" and "deleted" (after each replaced segment renamed .deleted), "final-indexes"
    /// (after each index of the copy took its final name), "final" (the copy's log too) and "before-checkpoint"
    /// (every group swapped, the cleaned point not yet persisted). The first three run outside the log's lock, the
    /// next four under it.
    /// </summary>
    internal Action<string>? CompactionStepHook
    {
        get => _compactor.StepHook;
        set => _compactor.StepHook = value;
    }

    /// <summary>
    /// Tests: called on the background flush of a rolled segment at each step: "rolled" (nothing of it done yet),
    /// "segment-flushed" (the sealed segment fsynced), "snapshot-temporary" (the snapshot's temporary file durable,
    /// not yet renamed) and "snapshot-written".
    /// </summary>
    internal Action<string>? RollFlushStepHook
    {
        get => _flush.StepHook;
        set => _flush.StepHook = value;
    }

    /// <summary>How many times a log file was fsynced (flush policy, Flush, a roll's background flush): lets tests see the policy work.</summary>
    internal long FsyncCount => _flush.FsyncCount;

    /// <summary>Opens the log in <paramref name="directory"/>, creating it if missing and recovering a torn tail.</summary>
    public static PartitionLog Open(string directory, LogConfig config, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(config);
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        var fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        OpenDirectories.Claim(fullPath);
        try
        {
            return new PartitionLog(LocalLog.Open(fullPath, config, time, logger), time, logger);
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
        var offsetCount = LocalLog.CountOffsets(span);
        AppendInfo info;
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            var config = _local.Config;
            if (!_local.Append(span, offsetCount, timestampType, now, origin, config, out info))
            {
                // A duplicate: nothing written, nothing to flush or announce.
                return info;
            }
            _flush.Appended(config, offsetCount, now);
        }
        Appended?.Invoke(this);
        return info;
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
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            var config = _local.Config;
            offset = _local.AppendEndTransactionMarker(marker, producerId, producerEpoch, commit, coordinatorEpoch, now, config);
            _flush.Appended(config, 1, now);
        }
        Appended?.Invoke(this);
        return new AppendInfo(offset, offset, -1);
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
        return _local.Read(offset, maxBytes, minOneBatch, maxOffset);
    }

    /// <summary>
    /// ListOffsets by timestamp: the first record (from the log start offset on) whose timestamp is at least
    /// <paramref name="timestamp"/>, or null. Exact for uncompressed batches; a compressed batch answers with its
    /// first offset and its max timestamp.
    /// </summary>
    public (long Offset, long Timestamp)? OffsetForTimestamp(long timestamp) => _local.OffsetForTimestamp(timestamp);

    /// <summary>ListOffsets MAX_TIMESTAMP: the first record holding the largest timestamp in the log, or null when it is empty.</summary>
    public (long Offset, long Timestamp)? MaxTimestamp() => _local.MaxTimestamp();

    /// <summary>
    /// The aborted transactions with data in [<paramref name="fetchOffset"/>, <paramref name="upperBoundOffset"/>):
    /// those whose ABORT marker is at or after the fetch offset and whose first offset is below the bound, in
    /// first-offset order.
    /// </summary>
    public IReadOnlyList<AbortedTransaction> CollectAbortedTransactions(long fetchOffset, long upperBoundOffset) =>
        _local.CollectAbortedTransactions(fetchOffset, upperBoundOffset);

    /// <summary>
    /// DeleteRecords: raises the log start offset to <paramref name="offset"/> (never lowers it), persists it, and
    /// deletes the segments wholly below it. Returns the log start offset.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is negative or past the log end offset.</exception>
    public long DeleteRecordsBefore(long offset)
    {
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            return _local.DeleteRecordsBefore(offset);
        }
    }

    /// <summary>
    /// Deletes the oldest segments whose newest record is older than retention.ms, then the oldest while the log
    /// stays at least retention.bytes without them (Kafka's rule). An expired active segment is rolled first, so an
    /// idle topic expires too. Returns how many segments were deleted.
    /// </summary>
    public int EnforceRetention(long now)
    {
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            return _local.EnforceRetention(now);
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
    public CompactionResult Compact(long now, long maxCompactableOffset = long.MaxValue) => _compactor.Compact(now, maxCompactableOffset);

    /// <summary>The producers this partition keeps state for (DescribeProducers).</summary>
    public IReadOnlyList<ProducerInfo> Producers()
    {
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            return _local.DescribeProducers();
        }
    }

    /// <summary>
    /// Forgets producers whose last batch is more than <paramref name="expirationMs"/> old (producer.id.expiration.ms)
    /// and that have no open transaction. Returns how many were forgotten.
    /// </summary>
    public int ExpireProducers(long now, long expirationMs)
    {
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            return _local.ExpireProducers(now, expirationMs);
        }
    }

    /// <summary>
    /// Waits for the background flushes of rolled segments, fsyncs the active segment and its indexes, then snapshots
    /// the producers' state at the log end: everything up to the log end offset is then on disk.
    /// </summary>
    /// <exception cref="IOException">This or a background flush of a rolled segment failed.</exception>
    public void Flush()
    {
        lock (_local.Lock)
        {
            _local.ThrowIfClosed();
            _flush.FlushActive(indexes: true);
            _local.WriteProducerSnapshot();
        }
    }

    /// <summary>Tests: waits for the background flushes of rolled segments, throwing the error of a failed one.</summary>
    internal void WaitForRollFlushes()
    {
        lock (_local.Lock)
        {
            _flush.WaitForRollFlushes();
        }
    }

    /// <summary>Flushes and closes (clean shutdown). Reads still copying records finish; later ones fail.</summary>
    public void Dispose()
    {
        lock (_local.Lock)
        {
            if (_local.IsClosed)
            {
                return;
            }
            _local.MarkClosed();
            try
            {
                // The queued flushes first: the final snapshot must stay the newest.
                var failure = _flush.FlushForClose();
                _local.WriteProducerSnapshot();
                _flush.ThrowIfFailed(failure);
            }
            finally
            {
                _local.CloseSegments();
                OpenDirectories.Release(Directory);
            }
        }
    }

    /// <summary>Closes the log and deletes its directory (DeleteTopics).</summary>
    public void DeleteLog()
    {
        lock (_local.Lock)
        {
            if (!_local.IsClosed)
            {
                _local.MarkClosed();
                // Nothing is worth fsyncing any more.
                _flush.Abandon();
                _local.CloseSegments();
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
}
