using Eddy.Protocol;

namespace Eddy.Storage.Tests;

public sealed class RetentionTests : IDisposable
{
    // Every batch made by Batch() has this size, so segment.bytes = BatchSize gives one batch per segment.
    private static readonly int BatchSize = Batch(0).Length;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Retention_by_time_deletes_expired_segments_and_advances_the_start_offset()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = BatchSize, RetentionMs = 1_000 });
        for (var i = 0; i < 10; i++)
        {
            log.Append(Batch(i, timestamp: 10_000 + (i * 100)), TimestampType.CreateTime, 0);
        }
        Assert.Equal(10, log.SegmentCount);
        // Batch i holds timestamps up to 10_001 + i * 100: at this time batches 0..5 are more than 1s old.
        var now = 10_001 + 500 + 1_000 + 1;

        Assert.Equal(6, log.EnforceRetention(now));

        Assert.Equal(12, log.LogStartOffset);
        Assert.Equal(20, log.LogEndOffset);
        Assert.Equal([12L, 14L, 16L, 18L], TestLogs.SegmentBaseOffsets(_directory.Path));
        Assert.False(File.Exists(TestLogs.SegmentPath(_directory.Path, 0, ".index")));
        Assert.False(File.Exists(TestLogs.SegmentPath(_directory.Path, 0, ".timeindex")));
        Assert.Equal(4L * BatchSize, log.SizeInBytes);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(11, 1000));
        Assert.Equal("b06-0", TestLogs.ReadAll(log)[0].Key);
        Assert.Equal(0, log.EnforceRetention(now));

        // Everything expired: the active segment is rolled so that it can go too.
        Assert.Equal(4, log.EnforceRetention(long.MaxValue / 2));
        Assert.Equal(1, log.SegmentCount);
        Assert.Equal(20, log.LogStartOffset);
    }

    [Fact]
    public void An_idle_active_segment_expires_too()
    {
        var config = new LogConfig { RetentionMs = 1_000 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 3; i++)
            {
                log.Append(Batch(i, timestamp: 5_000), TimestampType.CreateTime, 0);
            }
            Assert.Equal(0, log.EnforceRetention(6_001));

            Assert.Equal(1, log.EnforceRetention(6_002));

            Assert.Equal(6, log.LogStartOffset);
            Assert.Equal(6, log.LogEndOffset);
            Assert.Equal(0, log.SizeInBytes);
            Assert.Equal([6L], TestLogs.SegmentBaseOffsets(_directory.Path));
            Assert.Equal(0, log.Read(6, 1000).Records.SizeInBytes);
            Assert.Equal(6, log.Append(Batch(3, timestamp: 7_000), TimestampType.CreateTime, 0).BaseOffset);
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(6, log.LogStartOffset);
            Assert.Equal(8, log.LogEndOffset);
        }
    }

    [Fact]
    public void Retention_minus_one_keeps_everything()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = BatchSize, RetentionMs = -1, RetentionBytes = -1 });
        for (var i = 0; i < 5; i++)
        {
            log.Append(Batch(i, timestamp: 0), TimestampType.CreateTime, 0);
        }

        Assert.Equal(0, log.EnforceRetention(long.MaxValue / 2));
        Assert.Equal(5, log.SegmentCount);
        Assert.Equal(0, log.LogStartOffset);
    }

    [Fact]
    public void Retention_by_bytes_deletes_the_oldest_segments_while_the_rest_stays_above_the_limit()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = BatchSize, RetentionMs = -1, RetentionBytes = (3 * BatchSize) + (BatchSize / 2) });
        for (var i = 0; i < 10; i++)
        {
            log.Append(Batch(i), TimestampType.CreateTime, 0);
        }

        Assert.Equal(6, log.EnforceRetention(0));

        Assert.Equal(4L * BatchSize, log.SizeInBytes);
        Assert.Equal(12, log.LogStartOffset);
        Assert.Equal([12L, 14L, 16L, 18L], TestLogs.SegmentBaseOffsets(_directory.Path));

        log.Config = log.Config with { RetentionBytes = 0 };
        Assert.Equal(4, log.EnforceRetention(0));
        Assert.Equal(0, log.SizeInBytes);
        Assert.Equal(20, log.LogStartOffset);
        Assert.Equal(20, log.LogEndOffset);
    }

    [Fact]
    public void DeleteRecordsBefore_raises_the_start_offset_deletes_segments_and_survives_restart()
    {
        var config = new LogConfig { SegmentBytes = 3 * BatchSize };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 12; i++)
            {
                log.Append(Batch(i), TimestampType.CreateTime, 0);
            }
            Assert.Equal([0L, 6L, 12L, 18L], TestLogs.SegmentBaseOffsets(_directory.Path));

            Assert.Equal(13, log.DeleteRecordsBefore(13));

            Assert.Equal(13, log.LogStartOffset);
            Assert.Equal([12L, 18L], TestLogs.SegmentBaseOffsets(_directory.Path));
            Assert.Throws<OffsetOutOfRangeException>(() => log.Read(12, 1000));
            // The start offset may fall inside a batch: the read returns that batch whole.
            Assert.Equal(12, TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(13, 1000).Records))[0].BaseOffset);
            Assert.Equal(13, log.DeleteRecordsBefore(5));
            Assert.Throws<OffsetOutOfRangeException>(() => log.DeleteRecordsBefore(25));
            Assert.Throws<OffsetOutOfRangeException>(() => log.DeleteRecordsBefore(-1));
            Assert.Equal(13, log.LogStartOffset);
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(13, log.LogStartOffset);
            Assert.Equal(24, log.LogEndOffset);
            Assert.Throws<OffsetOutOfRangeException>(() => log.Read(12, 1000));
            Assert.Equal(Enumerable.Range(13, 11).Select(o => $"b{o / 2:D2}-{o % 2}"), TestLogs.ReadAll(log).Select(r => r.Key));

            Assert.Equal(24, log.DeleteRecordsBefore(24));

            Assert.Equal(0, log.SizeInBytes);
            Assert.Equal([24L], TestLogs.SegmentBaseOffsets(_directory.Path));
            Assert.Equal(24, log.Append(Batch(12), TimestampType.CreateTime, 0).BaseOffset);
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(24, log.LogStartOffset);
            Assert.Equal(26, log.LogEndOffset);
        }
    }

    [Fact]
    public void The_segment_rolls_once_older_than_segment_ms()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentMs = 1_000 });
        log.Append(Batch(0), TimestampType.CreateTime, now: 10_000);
        log.Append(Batch(1), TimestampType.CreateTime, now: 11_000);
        Assert.Equal(1, log.SegmentCount);

        log.Append(Batch(2), TimestampType.CreateTime, now: 11_001);
        log.Append(Batch(3), TimestampType.CreateTime, now: 12_001);
        Assert.Equal([0L, 4L], TestLogs.SegmentBaseOffsets(_directory.Path));

        log.Append(Batch(4), TimestampType.CreateTime, now: 12_002);
        Assert.Equal([0L, 4L, 8L], TestLogs.SegmentBaseOffsets(_directory.Path));
        Assert.Equal(10, TestLogs.ReadAll(log).Count);
    }

    [Fact]
    public void Records_read_before_their_segment_is_deleted_can_still_be_copied()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = BatchSize, RetentionMs = 1_000 });
        for (var i = 0; i < 5; i++)
        {
            log.Append(Batch(i, timestamp: i * 10_000), TimestampType.CreateTime, 0);
        }
        var records = log.Read(0, int.MaxValue).Records;
        Assert.Equal(BatchSize, records.SizeInBytes);

        Assert.Equal(2, log.EnforceRetention(21_000));
        Assert.False(File.Exists(TestLogs.SegmentPath(_directory.Path, 0)));

        Assert.Equal(["b00-0", "b00-1"], TestBatches.ReadRecords(TestBatches.CopyOut(records)).Select(r => r.Key));
    }

    [Fact]
    public void A_deleted_segment_stays_readable_for_file_delete_delay_ms()
    {
        var time = new FakeTimeProvider();
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = BatchSize, RetentionMs = -1, FileDeleteDelayMs = 1_000 }, time);
        for (var i = 0; i < 3; i++)
        {
            log.Append(Batch(i), TimestampType.CreateTime, 0);
        }
        // A roll's background flush holds the segment's files while it fsyncs them.
        log.WaitForRollFlushes();
        var records = log.Read(0, int.MaxValue).Records;
        log.DeleteRecordsBefore(4);

        time.Advance(TimeSpan.FromMilliseconds(999));
        log.EnforceRetention(time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(["b00-0", "b00-1"], TestBatches.ReadRecords(TestBatches.CopyOut(records)).Select(r => r.Key));

        time.Advance(TimeSpan.FromMilliseconds(1));
        log.EnforceRetention(time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Throws<ObjectDisposedException>(() => TestBatches.CopyOut(records));
    }

    [Theory]
    [InlineData(60_000)]
    [InlineData(0)]
    public async Task Reads_racing_with_retention_never_fail_unexpectedly(long fileDeleteDelayMs)
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig
        {
            SegmentBytes = 4 * BatchSize,
            RetentionMs = -1,
            RetentionBytes = 8 * BatchSize,
            IndexIntervalBytes = 100,
            FileDeleteDelayMs = fileDeleteDelayMs,
        });
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var copies = 0;
        var closedUnderCopy = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            started.TrySetResult();
            do
            {
                try
                {
                    var offset = log.LogStartOffset;
                    var result = log.Read(offset, 3 * BatchSize);
                    foreach (var record in TestBatches.ReadRecords(TestBatches.CopyOut(result.Records)))
                    {
                        Assert.Equal($"b{record.Offset / 2 % 100:D2}-{record.Offset % 2}", record.Key);
                    }
                    Interlocked.Increment(ref copies);
                }
                catch (OffsetOutOfRangeException)
                {
                    // Retention moved the start offset between reading it and reading the log.
                }
                catch (ObjectDisposedException) when (fileDeleteDelayMs == 0)
                {
                    // Without a delay the segment may close between Read and CopyTo: reported, never a crash.
                    Interlocked.Increment(ref closedUnderCopy);
                }
            }
            while (!stop.IsCancellationRequested);
        })).ToArray();
        await started.Task;

        for (var i = 0; i < 1_500; i++)
        {
            log.Append(Batch(i % 100), TimestampType.CreateTime, 0);
            if (i % 7 == 0)
            {
                log.EnforceRetention(0);
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.True(copies > 0);
        Assert.True(log.LogStartOffset > 2_000);
        Assert.InRange(log.SizeInBytes, 8 * BatchSize, 12 * BatchSize);
        if (fileDeleteDelayMs > 0)
        {
            Assert.Equal(0, closedUnderCopy);
        }
    }

    [Fact]
    public void DeleteLog_removes_the_directory_and_the_log_refuses_further_use()
    {
        var path = _directory.Combine("topic-0");
        var log = PartitionLog.Open(path, new LogConfig());
        log.Append(Batch(0), TimestampType.CreateTime, 0);
        var records = log.Read(0, 1000).Records;

        log.DeleteLog();

        Assert.False(Directory.Exists(path));
        Assert.Throws<ObjectDisposedException>(() => log.Append(Batch(1), TimestampType.CreateTime, 0));
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 1000));
        Assert.Throws<ObjectDisposedException>(() => log.OffsetForTimestamp(0));
        Assert.Throws<ObjectDisposedException>(() => TestBatches.CopyOut(records));
        log.Dispose();
    }

    [Fact]
    public void A_disposed_log_throws_ObjectDisposedException()
    {
        var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(Batch(0), TimestampType.CreateTime, 0);
        log.Dispose();
        log.Dispose();

        Assert.Throws<ObjectDisposedException>(() => log.Append(Batch(1), TimestampType.CreateTime, 0));
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 1000));
        Assert.Throws<ObjectDisposedException>(() => log.MaxTimestamp());
        Assert.Throws<ObjectDisposedException>(() => log.DeleteRecordsBefore(1));
        Assert.Throws<ObjectDisposedException>(() => log.EnforceRetention(0));
        Assert.Throws<ObjectDisposedException>(log.Flush);
        Assert.True(File.Exists(TestLogs.SegmentPath(_directory.Path, 0)));
    }

    private static byte[] Batch(int index, long timestamp = 1_000) => TestBatches.Create(2, $"b{index:D2}", firstTimestamp: timestamp);
}
