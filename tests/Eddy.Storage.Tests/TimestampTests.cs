using Eddy.Protocol;

namespace Eddy.Storage.Tests;

public sealed class TimestampTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OffsetForTimestamp_finds_the_first_record_at_or_after_a_timestamp_across_segments()
    {
        var config = new LogConfig { SegmentBytes = 1500, IndexIntervalBytes = 150 };
        const int Records = 400;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var offset = 0; offset < Records; offset += 4)
            {
                log.Append(TestBatches.Create(4, $"b{offset}", firstTimestamp: 1_000 + (offset * 10), timestampStep: 10), TimestampType.CreateTime, 0);
            }
            Assert.True(log.SegmentCount > 10);
            AssertLookups(log);
        }

        // Again with rolled segments answering from their index files, and the last one rebuilt by recovery.
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            AssertLookups(log);
        }

        static void AssertLookups(PartitionLog log)
        {
            for (var offset = 0; offset < Records; offset++)
            {
                var timestamp = 1_000 + (offset * 10);
                Assert.Equal((offset, timestamp), log.OffsetForTimestamp(timestamp));
                Assert.Equal((offset, timestamp), log.OffsetForTimestamp(timestamp - 9));
            }
            Assert.Equal((0, 1_000), log.OffsetForTimestamp(0));
            Assert.Equal((0, 1_000), log.OffsetForTimestamp(long.MinValue));
            Assert.Null(log.OffsetForTimestamp(1_000 + (Records * 10) - 9));
            Assert.Null(log.OffsetForTimestamp(long.MaxValue));
        }
    }

    [Fact]
    public void OffsetForTimestamp_follows_offset_order_when_timestamps_go_back_and_forth()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { IndexIntervalBytes = 0 });
        Append(log, (100, "a"), (200, "b"));
        Append(log, (150, "c"), (900, "d"));
        Append(log, (300, "e"), (400, "f"));
        Append(log, (50, "g"));

        Assert.Equal((0, 100), log.OffsetForTimestamp(100));
        Assert.Equal((1, 200), log.OffsetForTimestamp(101));
        Assert.Equal((3, 900), log.OffsetForTimestamp(250));
        Assert.Equal((3, 900), log.OffsetForTimestamp(900));
        Assert.Equal((0, 100), log.OffsetForTimestamp(40));
        Assert.Null(log.OffsetForTimestamp(901));
    }

    [Fact]
    public void OffsetForTimestamp_answers_a_compressed_batch_with_its_base_offset_and_max_timestamp()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(3, "plain", firstTimestamp: 1_000), TimestampType.CreateTime, 0);
        var compressed = TestBatches.Create(
            [new TestRecord("k0", "v", 2_000), new TestRecord("k1", "v", 2_050), new TestRecord("k2", "v", 2_100)],
            CompressionType.Zstd);
        log.Append(compressed, TimestampType.CreateTime, 0);

        Assert.Equal((3, 2_100), log.OffsetForTimestamp(2_060));
        Assert.Equal((3, 2_100), log.OffsetForTimestamp(1_500));
        Assert.Equal((2, 1_002), log.OffsetForTimestamp(1_002));
    }

    [Fact]
    public void OffsetForTimestamp_with_LogAppendTime_uses_the_broker_time()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(3, firstTimestamp: 1), TimestampType.LogAppendTime, now: 5_000);
        log.Append(TestBatches.Create(3, firstTimestamp: 1), TimestampType.LogAppendTime, now: 6_000);

        Assert.Equal((0, 5_000), log.OffsetForTimestamp(2));
        Assert.Equal((3, 6_000), log.OffsetForTimestamp(5_001));
        Assert.Null(log.OffsetForTimestamp(6_001));
    }

    [Fact]
    public void OffsetForTimestamp_skips_records_below_the_log_start_offset()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(10, firstTimestamp: 1_000, timestampStep: 10), TimestampType.CreateTime, 0);
        log.DeleteRecordsBefore(4);

        Assert.Equal((4, 1_040), log.OffsetForTimestamp(0));
        Assert.Equal((6, 1_060), log.OffsetForTimestamp(1_055));
    }

    [Fact]
    public void MaxTimestamp_is_the_first_record_with_the_largest_timestamp()
    {
        var config = new LogConfig { SegmentBytes = 400, IndexIntervalBytes = 0 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Null(log.MaxTimestamp());
            for (var i = 0; i < 10; i++)
            {
                Append(log, (1_000 + i, $"a{i}"), (1_100 + i, $"b{i}"));
            }
            // The largest timestamp sits in the middle of a batch in a middle segment, and again later (a tie).
            Append(log, (5_000, "x"), (9_000, "max"), (7_000, "y"));
            for (var i = 0; i < 10; i++)
            {
                Append(log, (2_000 + i, $"c{i}"));
            }
            Append(log, (9_000, "tie"));
            Assert.True(log.SegmentCount > 3);
            Assert.Equal((21, 9_000), log.MaxTimestamp());
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal((21, 9_000), log.MaxTimestamp());
            log.DeleteRecordsBefore(22);
            Assert.Equal((33, 9_000), log.MaxTimestamp());
            log.DeleteRecordsBefore(34);
            Assert.Null(log.MaxTimestamp());
        }
    }

    [Fact]
    public void MaxTimestamp_ignores_a_maximum_below_the_log_start_offset()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        Append(log, (100, "a"), (900, "b"), (300, "c"), (500, "d"));
        Append(log, (400, "e"));

        log.DeleteRecordsBefore(2);

        Assert.Equal((3, 500), log.MaxTimestamp());
    }

    [Fact]
    public void MaxTimestamp_of_a_LogAppendTime_batch_is_its_first_offset()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(2, firstTimestamp: 1), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(3, firstTimestamp: 1), TimestampType.LogAppendTime, now: 70_000);

        Assert.Equal((2, 70_000), log.MaxTimestamp());
    }

    private static void Append(PartitionLog log, params (long Timestamp, string Key)[] records) =>
        log.Append(TestBatches.Create([.. records.Select(r => new TestRecord(r.Key, "v", r.Timestamp))]), TimestampType.CreateTime, 0);
}
