using Eddy.Protocol;

namespace Eddy.Storage.Tests;

public sealed class AppendReadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_directory_open_by_one_log_cannot_be_opened_by_a_second_until_the_first_closes()
    {
        var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(3, "first"), TimestampType.CreateTime, now: 0);

        // Also through another spelling of the same path.
        var second = Assert.Throws<IOException>(() => PartitionLog.Open(_directory.Path + "/./", new LogConfig()));
        Assert.Contains("already open", second.Message, StringComparison.Ordinal);
        Assert.Equal(3, log.LogEndOffset);
        log.Append(TestBatches.Create(2, "still-mine"), TimestampType.CreateTime, now: 0);

        log.Dispose();
        using var reopened = PartitionLog.Open(_directory.Path, new LogConfig());
        Assert.Equal(5, reopened.LogEndOffset);
    }

    [Fact]
    public void A_deleted_log_frees_its_directory_for_a_new_log()
    {
        var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(3, "gone"), TimestampType.CreateTime, now: 0);
        log.DeleteLog();
        using var recreated = PartitionLog.Open(_directory.Path, new LogConfig());
        Assert.Equal(0, recreated.LogEndOffset);
    }

    [Fact]
    public void Appends_over_many_segments_read_back_record_by_record()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 2048, IndexIntervalBytes = 256 });
        var random = new Random(42);
        var expected = new List<(string Key, string Value, long Timestamp)>();
        for (var b = 0; b < 300; b++)
        {
            var count = random.Next(1, 6);
            var name = $"b{b}";
            var info = log.Append(TestBatches.Create(count, name, firstTimestamp: 10_000 + expected.Count), TimestampType.CreateTime, now: 0);
            Assert.Equal(expected.Count, info.BaseOffset);
            Assert.Equal(expected.Count + count - 1, info.LastOffset);
            Assert.Equal(-1, info.LogAppendTime);
            for (var i = 0; i < count; i++)
            {
                expected.Add(($"{name}-{i}", TestBatches.ValueFor(name, i), 10_000 + expected.Count));
            }
        }
        Assert.Equal(expected.Count, log.LogEndOffset);
        Assert.Equal(0, log.LogStartOffset);
        Assert.True(log.SegmentCount > 20, $"only {log.SegmentCount} segments");
        Assert.Equal(log.SegmentCount, TestLogs.SegmentBaseOffsets(_directory.Path).Count);
        Assert.Equal(TestLogs.SegmentBaseOffsets(_directory.Path).Sum(b => new FileInfo(TestLogs.SegmentPath(_directory.Path, b)).Length), log.SizeInBytes);

        var records = TestLogs.ReadAll(log, maxBytes: 700);
        Assert.Equal(expected.Count, records.Count);
        for (var offset = 0; offset < expected.Count; offset++)
        {
            Assert.Equal(offset, records[offset].Offset);
            Assert.Equal(expected[offset].Key, records[offset].Key);
            Assert.Equal(expected[offset].Value, records[offset].Value);
            Assert.Equal(expected[offset].Timestamp, records[offset].Timestamp);
            Assert.Equal([new KeyValuePair<string, string?>("h", expected[offset].Key.Replace('-', '/'))], records[offset].Headers);
        }

        // Every offset, not only batch starts, begins a read at the batch that holds it.
        for (var offset = 0; offset < expected.Count; offset++)
        {
            var result = log.Read(offset, 1);
            var batches = TestBatches.ReadBatches(TestBatches.CopyOut(result.Records));
            var only = Assert.Single(batches);
            Assert.InRange(offset, only.BaseOffset, only.LastOffset);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4096)]
    public void Read_returns_whole_batches_within_maxBytes(int indexIntervalBytes)
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { IndexIntervalBytes = indexIntervalBytes });
        var batch = TestBatches.Create(3);
        var size = batch.Length;
        for (var i = 0; i < 10; i++)
        {
            log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
        }

        Assert.Equal([(0L, 2L), (3L, 5L)], Batches(log.Read(0, (2 * size) + (size / 2))));
        Assert.Equal([(0L, 2L), (3L, 5L)], Batches(log.Read(0, 2 * size)));
        Assert.Equal([(3L, 5L), (6L, 8L), (9L, 11L)], Batches(log.Read(4, (3 * size) + 1)));
        Assert.Equal([(0L, 2L)], Batches(log.Read(0, size - 1, minOneBatch: true)));
        Assert.Equal([(0L, 2L)], Batches(log.Read(1, 0, minOneBatch: true)));
        Assert.Empty(Batches(log.Read(0, size - 1, minOneBatch: false)));
        Assert.Equal(0, log.Read(0, size - 1, minOneBatch: false).Records.SizeInBytes);
        Assert.Equal(10, Batches(log.Read(0, int.MaxValue)).Count);
        Assert.Equal(10 * size, log.Read(0, int.MaxValue).Records.SizeInBytes);
    }

    [Fact]
    public void Read_stops_at_the_batch_whose_base_offset_reaches_maxOffset()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { IndexIntervalBytes = 0 });
        for (var i = 0; i < 4; i++)
        {
            log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
        }

        Assert.Equal([(0L, 2L), (3L, 5L)], Batches(log.Read(0, int.MaxValue, maxOffset: 6)));
        Assert.Equal([(0L, 2L), (3L, 5L), (6L, 8L)], Batches(log.Read(0, int.MaxValue, maxOffset: 7)));
        Assert.Equal([(3L, 5L)], Batches(log.Read(4, int.MaxValue, maxOffset: 6)));
        Assert.Empty(Batches(log.Read(0, int.MaxValue, maxOffset: 0)));
        Assert.Empty(Batches(log.Read(3, int.MaxValue, maxOffset: 3)));
        Assert.Equal(4, Batches(log.Read(0, int.MaxValue, maxOffset: 1000)).Count);
    }

    [Fact]
    public void Read_at_the_log_end_is_empty_and_outside_the_log_throws()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        var empty = log.Read(0, 1000);
        Assert.Equal(0, empty.Records.SizeInBytes);
        Assert.Equal(0, empty.LogEndOffset);

        log.Append(TestBatches.Create(5), TimestampType.CreateTime, 0);
        var atEnd = log.Read(5, 1000);
        Assert.Equal(0, atEnd.Records.SizeInBytes);
        Assert.Equal(5, atEnd.LogEndOffset);
        Assert.Equal(0, atEnd.LogStartOffset);

        var past = Assert.Throws<OffsetOutOfRangeException>(() => log.Read(6, 1000));
        Assert.Equal(6, past.Offset);
        Assert.Equal(5, past.LogEndOffset);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(-1, 1000));
    }

    [Fact]
    public void LogAppendTime_stamps_the_batches_and_keeps_their_CRC_valid()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        var stamped = log.Append(TestBatches.Concat(TestBatches.Create(2, "a"), TestBatches.Create(3, "b")), TimestampType.LogAppendTime, now: 123_456);
        var plain = log.Append(TestBatches.Create(2, "c", firstTimestamp: 50), TimestampType.CreateTime, now: 999_999);

        Assert.Equal(new AppendInfo(0, 4, 123_456), stamped);
        Assert.Equal(new AppendInfo(5, 6, -1), plain);
        var bytes = TestBatches.CopyOut(log.Read(0, int.MaxValue).Records);
        var batches = TestBatches.ReadBatches(bytes);
        Assert.Equal([TimestampType.LogAppendTime, TimestampType.LogAppendTime, TimestampType.CreateTime], batches.Select(b => b.TimestampType));
        Assert.Equal([123_456L, 123_456L, 51L], batches.Select(b => b.MaxTimestamp));
        Assert.Equal([123_456L, 123_456L, 123_456L, 123_456L, 123_456L, 50L, 51L], TestBatches.ReadRecords(bytes).Select(r => r.Timestamp));
    }

    [Fact]
    public void Append_rewrites_base_offsets_in_the_callers_buffer()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(4), TimestampType.CreateTime, 0);
        var first = TestBatches.Create(2);
        var second = TestBatches.Create(3);
        var buffer = TestBatches.Concat(first, second);

        log.Append(buffer, TimestampType.CreateTime, 0);

        Assert.Equal(4, RecordBatch.BaseOffset(buffer));
        Assert.Equal(6, RecordBatch.BaseOffset(buffer.AsSpan(first.Length)));
        Assert.Equal(9, log.LogEndOffset);
    }

    [Fact]
    public void Append_rejects_bytes_that_are_not_whole_batches_and_changes_nothing()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        var batch = TestBatches.Create(3);

        Assert.Throws<ArgumentException>(() => log.Append(batch.AsMemory(0, batch.Length - 1), TimestampType.CreateTime, 0));
        Assert.Throws<ArgumentException>(() => log.Append(TestBatches.Concat(batch, new byte[10]), TimestampType.CreateTime, 0));
        Assert.Throws<ArgumentException>(() => log.Append(Memory<byte>.Empty, TimestampType.CreateTime, 0));
        var wrongMagic = TestBatches.Create(1);
        wrongMagic[RecordBatch.MagicOffset] = 1;
        Assert.Throws<ArgumentException>(() => log.Append(wrongMagic, TimestampType.CreateTime, 0));

        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(0, RecordBatch.BaseOffset(batch));
    }

    [Fact]
    public void Appended_is_raised_after_each_append_with_the_new_end_visible()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        var seen = new List<long>();
        log.Appended += l => seen.Add(l.LogEndOffset);

        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);

        Assert.Equal([2L, 5L], seen);
    }

    [Fact]
    public void Config_changes_apply_to_the_next_append()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        for (var i = 0; i < 5; i++)
        {
            log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        }
        Assert.Equal(1, log.SegmentCount);

        log.Config = log.Config with { SegmentBytes = 100 };
        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);

        Assert.Equal(3, log.SegmentCount);
        Assert.Equal([0L, 10L, 12L], TestLogs.SegmentBaseOffsets(_directory.Path));
    }

    [Fact]
    public async Task Concurrent_appends_get_unique_contiguous_offsets_while_readers_see_only_whole_batches()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 4096, IndexIntervalBytes = 512 });
        const int Writers = 4;
        const int AppendsPerWriter = 250;
        var infos = new AppendInfo[Writers][];
        using var stop = new CancellationTokenSource();
        var readerErrors = new List<Exception>();
        var readerPasses = 0;
        var readerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            readerStarted.SetResult();
            try
            {
                do
                {
                    var records = TestLogs.ReadAll(log, maxBytes: 2000);
                    for (var i = 0; i < records.Count; i++)
                    {
                        Assert.Equal(i, records[i].Offset);
                    }
                    readerPasses++;
                }
                while (!stop.IsCancellationRequested);
            }
            catch (Exception e)
            {
                readerErrors.Add(e);
            }
        });
        await readerStarted.Task;

        Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, w =>
        {
            infos[w] = new AppendInfo[AppendsPerWriter];
            for (var i = 0; i < AppendsPerWriter; i++)
            {
                infos[w][i] = log.Append(TestBatches.Create(1 + (i % 3), $"w{w}.{i}"), TimestampType.CreateTime, 0);
            }
        });
        await stop.CancelAsync();
        await reader;

        Assert.Empty(readerErrors);
        Assert.True(readerPasses > 0);
        var all = infos.SelectMany(i => i).OrderBy(i => i.BaseOffset).ToList();
        var next = 0L;
        foreach (var info in all)
        {
            Assert.Equal(next, info.BaseOffset);
            next = info.LastOffset + 1;
        }
        Assert.Equal(next, log.LogEndOffset);
        Assert.True(log.SegmentCount > 10);

        var stored = TestLogs.ReadAll(log);
        Assert.Equal(next, stored.Count);
        for (var w = 0; w < Writers; w++)
        {
            for (var i = 0; i < AppendsPerWriter; i++)
            {
                var info = infos[w][i];
                for (var offset = info.BaseOffset; offset <= info.LastOffset; offset++)
                {
                    Assert.Equal($"w{w}.{i}-{offset - info.BaseOffset}", stored[(int)offset].Key);
                }
            }
        }
    }

    private static List<(long BaseOffset, long LastOffset)> Batches(LogReadResult result) =>
        [.. TestBatches.ReadBatches(TestBatches.CopyOut(result.Records)).Select(b => (b.BaseOffset, b.LastOffset))];
}
