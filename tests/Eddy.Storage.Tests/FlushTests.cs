using Eddy.Protocol;

namespace Eddy.Storage.Tests;

public sealed class FlushTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Flush_messages_1_fsyncs_every_append()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { FlushMessages = 1 });
        for (var i = 1; i <= 5; i++)
        {
            log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
            Assert.Equal(i, log.FsyncCount);
        }
    }

    [Fact]
    public void By_default_fsync_is_left_to_the_OS_until_Flush()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig(), new FakeTimeProvider());
        for (var i = 0; i < 5; i++)
        {
            log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
        }
        Assert.Equal(0, log.FsyncCount);

        log.Flush();

        Assert.Equal(1, log.FsyncCount);
    }

    [Fact]
    public void Flush_messages_counts_records_not_appends()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { FlushMessages = 10 });
        var counts = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
            counts.Add(log.FsyncCount);
        }

        Assert.Equal([0L, 0L, 0L, 1L, 1L, 1L, 1L, 2L], counts);
    }

    [Fact]
    public void Flush_ms_fsyncs_the_append_that_finds_unflushed_data_old_enough()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { FlushMs = 1_000 }, new FakeTimeProvider());
        var counts = new List<long>();
        foreach (var now in new long[] { 0, 500, 1_000, 1_200, 2_199, 2_200 })
        {
            log.Append(TestBatches.Create(1), TimestampType.CreateTime, now);
            counts.Add(log.FsyncCount);
        }

        Assert.Equal([0L, 0L, 1L, 1L, 1L, 2L], counts);
    }

    [Fact]
    public void Flush_ms_fsyncs_an_idle_log_from_a_timer()
    {
        var time = new FakeTimeProvider();
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { FlushMs = 1_000 }, time);
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, time.GetUtcNow().ToUnixTimeMilliseconds());

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, log.FsyncCount);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, log.FsyncCount);
        time.Advance(TimeSpan.FromMilliseconds(5_000));
        Assert.Equal(1, log.FsyncCount);

        log.Append(TestBatches.Create(1), TimestampType.CreateTime, time.GetUtcNow().ToUnixTimeMilliseconds());
        time.Advance(TimeSpan.FromMilliseconds(1_000));
        Assert.Equal(2, log.FsyncCount);
    }

    [Fact]
    public void Rolling_fsyncs_the_segment_it_leaves_in_the_background()
    {
        var batch = TestBatches.Create(2);
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 2 * batch.Length });
        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        Assert.Equal(0, log.FsyncCount);

        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        Assert.Equal(2, log.SegmentCount);
        log.WaitForRollFlushes();

        Assert.Equal(1, log.FsyncCount);
    }
}
