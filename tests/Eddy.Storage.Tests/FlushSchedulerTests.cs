using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage.Tests;

/// <summary>
/// The flush policy's decisions, driven on the scheduler itself (as the log's owner drives it, under the log's lock)
/// with the clock in the test's hands.
/// </summary>
public sealed class FlushSchedulerTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    private readonly LocalLog _log;
    private readonly FlushScheduler _scheduler;

    public FlushSchedulerTests()
    {
        _log = LocalLog.Open(_directory.Path, new LogConfig(), _time, NullLogger.Instance);
        _scheduler = new FlushScheduler(_log, _time, NullLogger.Instance);
    }

    public void Dispose()
    {
        lock (_log.Lock)
        {
            if (!_log.IsClosed)
            {
                _log.MarkClosed();
            }
            _log.CloseSegments();
        }
        _directory.Dispose();
    }

    [Fact]
    public void Flush_messages_counts_from_the_last_fsync_whoever_made_it()
    {
        var config = new LogConfig { FlushMessages = 5 };
        Append(config, 3);
        Assert.Equal(0, _scheduler.FsyncCount);

        lock (_log.Lock)
        {
            _scheduler.FlushActive(indexes: false);
        }
        Assert.Equal(1, _scheduler.FsyncCount);
        Append(config, 3);
        Assert.Equal(1, _scheduler.FsyncCount);
        Append(config, 2);

        Assert.Equal(2, _scheduler.FsyncCount);
        Assert.Equal(0, UnflushedMessages());
    }

    [Fact]
    public void The_timer_falls_due_flush_ms_after_the_oldest_unflushed_record_not_the_newest()
    {
        var config = new LogConfig { FlushMs = 1_000 };
        Append(config, 1);
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Append(config, 1);

        _time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Equal(0, _scheduler.FsyncCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _scheduler.FsyncCount);
        Assert.Equal(0, UnflushedMessages());
    }

    [Fact]
    public void A_flush_ms_beyond_the_timers_range_is_checked_only_on_append()
    {
        // One millisecond more than a timer accepts as its due time (and no segment.ms roll, whose fsync would count).
        var config = new LogConfig { FlushMs = 0xFFFFFFFFL, SegmentMs = long.MaxValue };
        Append(config, 1);

        _time.Advance(TimeSpan.FromMilliseconds(0xFFFFFFFFL));
        Assert.Equal(0, _scheduler.FsyncCount);
        Assert.Equal(1, UnflushedMessages());

        Append(config, 1);
        Assert.Equal(1, _scheduler.FsyncCount);
    }

    [Fact]
    public void A_timer_falling_due_after_the_log_closed_fsyncs_nothing()
    {
        Append(new LogConfig { FlushMs = 1_000 }, 1);
        lock (_log.Lock)
        {
            // Closed without the scheduler's own close, which would have stopped the timer.
            _log.MarkClosed();
        }

        _time.Advance(TimeSpan.FromMilliseconds(1_000));

        Assert.Equal(0, _scheduler.FsyncCount);
    }

    [Fact]
    public void A_rolled_segment_stays_unflushed_for_the_policy_until_the_next_fsync_waits_for_its_background_flush()
    {
        var batch = TestBatches.Create(1);
        var config = new LogConfig { SegmentBytes = batch.Length, FlushMessages = 10 };
        using var held = new ManualResetEventSlim();
        var steps = new List<string>();
        _scheduler.StepHook = step =>
        {
            held.Wait(TimeSpan.FromSeconds(30));
            lock (steps)
            {
                steps.Add(step);
            }
        };
        Append(config, 1);
        Append(config, 1);
        Assert.Equal(2, _log.Segments.Length);
        Assert.Equal(2, UnflushedMessages());

        held.Set();
        lock (_log.Lock)
        {
            _scheduler.FlushActive(indexes: false);
        }

        // The background flush of segment 0 finished first (its fsync and snapshot), then the active segment's fsync.
        Assert.Equal(["rolled", "segment-flushed", "snapshot-temporary", "snapshot-written"], steps);
        Assert.Equal(2, _scheduler.FsyncCount);
        Assert.Equal(1, ProducerStateSnapshot.Read(_directory.Path, NullLogger.Instance)?.Offset);
    }

    private void Append(LogConfig config, int records)
    {
        lock (_log.Lock)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            Assert.True(_log.Append(TestBatches.Create(records), records, TimestampType.CreateTime, now, AppendOrigin.Client, config, out _));
            _scheduler.Appended(config, records, now);
        }
    }

    private long UnflushedMessages()
    {
        lock (_log.Lock)
        {
            return _scheduler.UnflushedMessages;
        }
    }
}
