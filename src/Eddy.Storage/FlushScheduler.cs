using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// When a partition log's files are fsynced: the flush policy (flush.messages, flush.ms, with a timer for a log that
/// goes idle) and the background flushes of rolled segments, which it makes durable off the lock in roll order and
/// then writes the producer snapshot taken at the roll. It calls <see cref="LocalLog"/> to fsync the active segment;
/// the rest of the log's work is not its business. Threads (the whole contract is on <see cref="PartitionLog"/>):
/// <list type="bullet">
/// <item>Members marked "under the lock" read and change the policy's counters, the timer and the queue of
/// background flushes, and are called only by a thread holding <see cref="LocalLog.Lock"/>: the one doing the append,
/// Flush or close that the log's owner serializes there.</item>
/// <item>The flush.ms timer callback runs on a timer thread and takes the lock itself.</item>
/// <item>A background flush runs on the thread pool, one at a time in roll order, and never takes the lock: it touches
/// only its own segment's files, the snapshot file, <see cref="FsyncCount"/> and the failure it leaves for the next
/// wait (both interlocked).</item>
/// </list>
/// </summary>
internal sealed class FlushScheduler
{
    // System.Threading.Timer rejects due times above 0xFFFFFFFE ms; longer flush.ms values are only checked on append.
    private const long MaxTimerDueMs = 0xFFFFFFFEL;

    private readonly LocalLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _unflushedMessages;
    private long _firstUnflushedAt;
    private ITimer? _timer;
    private bool _timerArmed;
    private long _fsyncCount;

    // The background flushes of rolled segments, chained in roll order (replaced under the lock), and the first error
    // one of them met, thrown by the next flush that waits for them.
    private Task _rollFlushes = Task.CompletedTask;
    private Exception? _rollFlushFailure;
    private bool _skipRollFlushes;

    /// <summary>Schedules the flushes of <paramref name="log"/>, taking over its rolled segments from now on.</summary>
    public FlushScheduler(LocalLog log, TimeProvider time, ILogger logger)
    {
        _log = log;
        _time = time;
        _logger = logger;
        log.SegmentRolled = QueueRolled;
    }

    /// <summary>
    /// Tests: called on the background flush of a rolled segment at each step: "rolled" (nothing of it done yet),
    /// "segment-flushed" (the sealed segment fsynced), "snapshot-temporary" (the snapshot's temporary file durable,
    /// not yet renamed) and "snapshot-written".
    /// </summary>
    public Action<string>? StepHook { get; set; }

    /// <summary>How many times a log file was fsynced (flush policy, Flush, a roll's background flush).</summary>
    public long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>Under the lock: records appended since the last fsync of the active segment, rolled segments' included.</summary>
    public long UnflushedMessages => _unflushedMessages;

    /// <summary>
    /// Under the lock, after each append of <paramref name="offsetCount"/> offsets: fsyncs now once flush.messages
    /// records are unflushed or the oldest unflushed one is flush.ms old, else makes sure a timer will notice flush.ms.
    /// </summary>
    /// <exception cref="IOException">The fsync, or a background flush it waited for, failed.</exception>
    public void Appended(LogConfig config, long offsetCount, long now)
    {
        _log.AssertLocked();
        if (_unflushedMessages == 0)
        {
            _firstUnflushedAt = now;
        }
        _unflushedMessages += offsetCount;
        if (_unflushedMessages >= config.FlushMessages || now - _firstUnflushedAt >= config.FlushMs)
        {
            FlushActive(indexes: false);
        }
        else if (!_timerArmed && config.FlushMs <= MaxTimerDueMs)
        {
            // Without further appends nothing else would notice that flush.ms has passed.
            _timer ??= _time.CreateTimer(static state => ((FlushScheduler)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var due = Math.Max(0, config.FlushMs - (now - _firstUnflushedAt));
            _timer.Change(TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan);
            _timerArmed = true;
        }
    }

    /// <summary>
    /// Under the lock: fsyncs the active log file, its indexes only when asked since recovery rebuilds them anyway,
    /// after waiting for the background flushes of rolled segments (whose batches the policy still counts as unflushed).
    /// </summary>
    /// <exception cref="IOException">The fsync, or a background flush it waited for, failed.</exception>
    public void FlushActive(bool indexes)
    {
        _log.AssertLocked();
        ThrowIfFailed(DrainRollFlushes());
        _log.FlushActiveSegment(indexes);
        _unflushedMessages = 0;
        Interlocked.Increment(ref _fsyncCount);
    }

    /// <summary>Under the lock: waits for the background flushes of rolled segments, throwing the error of a failed one.</summary>
    public void WaitForRollFlushes() => ThrowIfFailed(DrainRollFlushes());

    /// <summary>
    /// Under the lock, as the log closes cleanly: stops the timer, waits for the queued background flushes (the final
    /// snapshot must not be replaced by an older one from a roll) and fsyncs the active segment with its indexes.
    /// Returns the error a background flush met, for the caller to throw once its final snapshot is written.
    /// </summary>
    public Exception? FlushForClose()
    {
        _log.AssertLocked();
        _timer?.Dispose();
        var failure = DrainRollFlushes();
        _log.FlushActiveSegment(indexes: true);
        return failure;
    }

    /// <summary>
    /// Under the lock, as the log is deleted: stops the timer, lets queued background flushes skip their work and
    /// waits for one in progress, which must not write into the directory after it is gone (or recreate it).
    /// </summary>
    public void Abandon()
    {
        _log.AssertLocked();
        _timer?.Dispose();
        Volatile.Write(ref _skipRollFlushes, true);
        DrainRollFlushes();
    }

    /// <summary>Throws the error a background flush met, wrapped to name the log, if there is one.</summary>
    public void ThrowIfFailed(Exception? rollFlushFailure)
    {
        if (rollFlushFailure is not null)
        {
            throw new IOException($"The background flush of a rolled segment of {_log.Directory} failed.", rollFlushFailure);
        }
    }

    /// <summary>
    /// Under the lock (a roll of the log): queues the sealed segment's fsync, then the producer snapshot taken at the
    /// roll, behind the flushes already queued. The sealed segment's batches stay counted as unflushed.
    /// </summary>
    private void QueueRolled(LogSegment segment, byte[] snapshot)
    {
        _log.AssertLocked();
        _rollFlushes = _rollFlushes.ContinueWith(
            static (_, state) =>
            {
                var (scheduler, segment, snapshot) = ((FlushScheduler, LogSegment, byte[]))state!;
                scheduler.FlushRolled(segment, snapshot);
            },
            (this, segment, snapshot), CancellationToken.None, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default);
    }

    /// <summary>
    /// The background flush of a rolled segment (never under the lock, one at a time): fsyncs its files, then writes
    /// the producer snapshot taken at the roll. Never throws; a failure is logged and kept for the next flush to throw.
    /// </summary>
    private void FlushRolled(LogSegment segment, byte[] snapshot)
    {
        try
        {
            Step("rolled");
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
            Step("segment-flushed");
            if (Volatile.Read(ref _skipRollFlushes))
            {
                return;
            }
            ProducerStateSnapshot.WriteFile(_log.Directory, snapshot, Step);
            Step("snapshot-written");
        }
        catch (Exception e)
        {
            StorageLog.RollFlushFailed(_logger, segment.Files.LogPath, e);
            Interlocked.CompareExchange(ref _rollFlushFailure, e, null);
        }
    }

    private void Step(string step) => StepHook?.Invoke(step);

    /// <summary>
    /// Under the lock, so that no roll queues another meanwhile: waits for the queued background flushes and returns
    /// the first error one of them met since the last call, if any.
    /// </summary>
    private Exception? DrainRollFlushes()
    {
        _log.AssertLocked();
        var pending = _rollFlushes;
        if (!pending.IsCompleted)
        {
            // Never faults: FlushRolled catches everything.
            pending.Wait();
        }
        _rollFlushes = Task.CompletedTask;
        return Interlocked.Exchange(ref _rollFlushFailure, null);
    }

    /// <summary>The flush.ms timer (a timer thread): fsyncs unflushed data of a log no append came to since.</summary>
    private void OnTimer()
    {
        lock (_log.Lock)
        {
            _timerArmed = false;
            if (_log.IsClosed || _unflushedMessages == 0)
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
                StorageLog.ScheduledFlushFailed(_logger, _log.Directory, e);
            }
        }
    }
}
