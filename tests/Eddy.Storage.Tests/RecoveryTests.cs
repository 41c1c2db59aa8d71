using Eddy.Protocol;

namespace Eddy.Storage.Tests;

public sealed class RecoveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public enum Damage
    {
        TruncatedMidBatch,
        TruncatedMidHeader,
        GarbageAppended,
        ZeroFilledTail,
        FlippedPayloadByte,
        RewoundBaseOffset,
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Restart_keeps_every_record_segment_and_offset()
    {
        var config = new LogConfig { SegmentBytes = 1024, IndexIntervalBytes = 128 };
        List<StoredRecord> before;
        int segments;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 100; i++)
            {
                log.Append(TestBatches.Create(1 + (i % 4), $"b{i}", firstTimestamp: 5_000 + (i * 10)), TimestampType.CreateTime, 0);
            }
            before = TestLogs.ReadAll(log);
            segments = log.SegmentCount;
        }

        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(before.Count, log.LogEndOffset);
            Assert.Equal(0, log.LogStartOffset);
            Assert.Equal(segments, log.SegmentCount);
            Assert.Equal(before, TestLogs.ReadAll(log), StoredRecordComparer.Instance);
            var info = log.Append(TestBatches.Create(2, "after"), TimestampType.CreateTime, 0);
            Assert.Equal(before.Count, info.BaseOffset);
        }

        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            var records = TestLogs.ReadAll(log);
            Assert.Equal(before.Count + 2, records.Count);
            Assert.Equal(["after-0", "after-1"], records.TakeLast(2).Select(r => r.Key));
        }
    }

    [Theory]
    [InlineData(Damage.TruncatedMidBatch, 12)]
    [InlineData(Damage.TruncatedMidHeader, 12)]
    [InlineData(Damage.FlippedPayloadByte, 12)]
    [InlineData(Damage.RewoundBaseOffset, 12)]
    [InlineData(Damage.GarbageAppended, 15)]
    [InlineData(Damage.ZeroFilledTail, 15)]
    public void A_torn_or_corrupt_tail_is_cut_at_the_last_good_batch(Damage damage, long expectedEnd)
    {
        var sizes = new List<int>();
        using (var log = PartitionLog.Open(_directory.Path, new LogConfig()))
        {
            for (var i = 0; i < 5; i++)
            {
                var batch = TestBatches.Create(3, $"b{i}");
                sizes.Add(batch.Length);
                log.Append(batch, TimestampType.CreateTime, 0);
            }
        }
        var path = TestLogs.SegmentPath(_directory.Path, 0);
        var lastStart = sizes.Take(4).Sum();
        Corrupt(path, damage, lastStart, sizes[4]);

        using (var log = PartitionLog.Open(_directory.Path, new LogConfig()))
        {
            Assert.Equal(expectedEnd, log.LogEndOffset);
            Assert.Equal(sizes.Take((int)expectedEnd / 3).Sum(), new FileInfo(path).Length);
            var records = TestLogs.ReadAll(log);
            Assert.Equal(Enumerable.Range(0, (int)expectedEnd).Select(o => $"b{o / 3}-{o % 3}"), records.Select(r => r.Key));
            var info = log.Append(TestBatches.Create(2, "after"), TimestampType.CreateTime, 0);
            Assert.Equal(expectedEnd, info.BaseOffset);
        }

        using (var log = PartitionLog.Open(_directory.Path, new LogConfig()))
        {
            Assert.Equal(expectedEnd + 2, log.LogEndOffset);
            Assert.Equal(["after-0", "after-1"], TestLogs.ReadAll(log).TakeLast(2).Select(r => r.Key));
        }
    }

    [Fact]
    public void Only_the_last_segment_loses_its_torn_tail()
    {
        var config = new LogConfig { SegmentBytes = 600 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 30; i++)
            {
                log.Append(TestBatches.Create(2, $"b{i}"), TimestampType.CreateTime, 0);
            }
        }
        var bases = TestLogs.SegmentBaseOffsets(_directory.Path);
        Assert.True(bases.Count > 3);
        var last = TestLogs.SegmentPath(_directory.Path, bases[^1]);
        var length = new FileInfo(last).Length;
        using (var file = new FileStream(last, FileMode.Open))
        {
            file.SetLength(length - 5);
        }

        using var reopened = PartitionLog.Open(_directory.Path, config);
        Assert.Equal(58, reopened.LogEndOffset);
        Assert.Equal(bases, TestLogs.SegmentBaseOffsets(_directory.Path));
        Assert.Equal(Enumerable.Range(0, 58).Select(o => $"b{o / 2}-{o % 2}"), TestLogs.ReadAll(reopened).Select(r => r.Key));
    }

    [Fact]
    public void A_killed_process_loses_nothing_it_appended()
    {
        var logDirectory = _directory.Combine("log");
        var crashed = _directory.Combine("crashed");
        var config = new LogConfig { SegmentBytes = 1500, IndexIntervalBytes = 200 };
        var log = PartitionLog.Open(logDirectory, config);
        try
        {
            for (var i = 0; i < 60; i++)
            {
                log.Append(TestBatches.Create(2, $"b{i}", firstTimestamp: 100_000 + (i * 20), timestampStep: 10), TimestampType.CreateTime, 0);
            }
            // What kill -9 leaves behind: every written byte (it is in the OS), but no flush or clean close since. The
            // rolls' background flushes are let finish first so that the copy reads quiet files (a kill during one
            // is RollFlushTests' subject).
            log.WaitForRollFlushes();
            Directory.CreateDirectory(crashed);
            foreach (var file in Directory.GetFiles(logDirectory))
            {
                File.Copy(file, Path.Combine(crashed, Path.GetFileName(file)));
            }
        }
        finally
        {
            log.Dispose();
        }

        using var recovered = PartitionLog.Open(crashed, config);
        Assert.Equal(120, recovered.LogEndOffset);
        Assert.Equal(Enumerable.Range(0, 120).Select(o => $"b{o / 2}-{o % 2}"), TestLogs.ReadAll(recovered).Select(r => r.Key));
        for (var offset = 0; offset < 120; offset++)
        {
            Assert.Equal((offset, 100_000 + (offset * 10)), recovered.OffsetForTimestamp(100_000 + (offset * 10)));
        }
        Assert.Equal((119, 100_000 + 1190), recovered.MaxTimestamp());
    }

    [Fact]
    public void Broken_indexes_of_a_rolled_segment_are_rebuilt()
    {
        var config = new LogConfig { SegmentBytes = 2000, IndexIntervalBytes = 100 };
        List<StoredRecord> before;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 60; i++)
            {
                log.Append(TestBatches.Create(2, $"b{i}", firstTimestamp: 1_000 + (i * 2)), TimestampType.CreateTime, 0);
            }
            before = TestLogs.ReadAll(log);
        }
        var bases = TestLogs.SegmentBaseOffsets(_directory.Path);
        var middle = bases[2];
        var offsetIndex = TestLogs.SegmentPath(_directory.Path, middle, ".index");
        var timeIndex = TestLogs.SegmentPath(_directory.Path, middle, ".timeindex");
        var goodOffsetIndex = File.ReadAllBytes(offsetIndex);
        var goodTimeIndex = File.ReadAllBytes(timeIndex);
        Assert.NotEmpty(goodOffsetIndex);
        File.Delete(offsetIndex);
        File.WriteAllBytes(timeIndex, new byte[5]);

        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(before, TestLogs.ReadAll(log), StoredRecordComparer.Instance);
            for (var offset = middle; offset < bases[3]; offset++)
            {
                var batch = TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(offset, 1).Records)).Single();
                Assert.InRange(offset, batch.BaseOffset, batch.LastOffset);
                Assert.Equal(offset, log.OffsetForTimestamp(before[(int)offset].Timestamp)!.Value.Offset);
            }
        }
        Assert.Equal(goodOffsetIndex, File.ReadAllBytes(offsetIndex));
        Assert.Equal(goodTimeIndex, File.ReadAllBytes(timeIndex));
    }

    [Fact]
    public void A_rolled_segment_cut_short_drops_the_segments_after_it()
    {
        var config = new LogConfig { SegmentBytes = 600 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 30; i++)
            {
                log.Append(TestBatches.Create(2, $"b{i}"), TimestampType.CreateTime, 0);
            }
        }
        var bases = TestLogs.SegmentBaseOffsets(_directory.Path);
        var middle = TestLogs.SegmentPath(_directory.Path, bases[1]);
        var batchSize = TestBatches.Create(2, "b0").Length;
        using (var file = new FileStream(middle, FileMode.Open))
        {
            file.SetLength(file.Length - (batchSize / 2));
        }

        using var reopened = PartitionLog.Open(_directory.Path, config);
        // Everything up to the torn batch survives; the later segments cannot be joined to it without a gap.
        Assert.Equal(bases[2] - 2, reopened.LogEndOffset);
        Assert.Equal(bases.Take(2), TestLogs.SegmentBaseOffsets(_directory.Path));
        Assert.Equal(bases[2] - 2, TestLogs.ReadAll(reopened).Count);
        Assert.Equal(bases[2] - 2, reopened.Append(TestBatches.Create(1), TimestampType.CreateTime, 0).BaseOffset);
    }

    [Fact]
    public void Orphan_index_files_and_temporary_checkpoints_are_removed()
    {
        var orphanIndex = TestLogs.SegmentPath(_directory.Path, 999_999, ".index");
        var orphanTimeIndex = TestLogs.SegmentPath(_directory.Path, 999_999, ".timeindex");
        var temporary = _directory.Combine("log-start-offset.checkpoint.tmp");
        var unrelated = _directory.Combine("leader-epoch-checkpoint");
        File.WriteAllBytes(orphanIndex, new byte[8]);
        File.WriteAllBytes(orphanTimeIndex, new byte[12]);
        File.WriteAllText(temporary, "0\n7");
        File.WriteAllText(unrelated, "keep me");

        using var log = PartitionLog.Open(_directory.Path, new LogConfig());

        Assert.False(File.Exists(orphanIndex));
        Assert.False(File.Exists(orphanTimeIndex));
        Assert.False(File.Exists(temporary));
        Assert.True(File.Exists(unrelated));
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void A_start_offset_past_the_recovered_end_starts_an_empty_log_there()
    {
        using (var log = PartitionLog.Open(_directory.Path, new LogConfig()))
        {
            log.Append(TestBatches.Create(10), TimestampType.CreateTime, 0);
        }
        File.WriteAllText(_directory.Combine("log-start-offset.checkpoint"), "0\n500\n");

        using var reopened = PartitionLog.Open(_directory.Path, new LogConfig());

        Assert.Equal(500, reopened.LogStartOffset);
        Assert.Equal(500, reopened.LogEndOffset);
        Assert.Equal(0, reopened.SizeInBytes);
        Assert.Equal([500L], TestLogs.SegmentBaseOffsets(_directory.Path));
        Assert.Equal(500, reopened.Append(TestBatches.Create(1), TimestampType.CreateTime, 0).BaseOffset);
    }

    [Fact]
    public void Open_creates_a_missing_directory()
    {
        var path = _directory.Combine("a", "b", "topic-0");

        using var log = PartitionLog.Open(path, new LogConfig());

        Assert.True(Directory.Exists(path));
        Assert.Equal(Path.GetFullPath(path), log.Directory);
        Assert.True(File.Exists(TestLogs.SegmentPath(path, 0)));
    }

    private static void Corrupt(string path, Damage damage, int lastStart, int lastSize)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        switch (damage)
        {
            case Damage.TruncatedMidBatch:
                file.SetLength(lastStart + (lastSize / 2));
                break;
            case Damage.TruncatedMidHeader:
                file.SetLength(lastStart + 30);
                break;
            case Damage.GarbageAppended:
                var garbage = new byte[100];
                new Random(7).NextBytes(garbage);
                file.Seek(0, SeekOrigin.End);
                file.Write(garbage);
                break;
            case Damage.ZeroFilledTail:
                file.Seek(0, SeekOrigin.End);
                file.Write(new byte[4096]);
                break;
            case Damage.FlippedPayloadByte:
                file.Seek(lastStart + RecordBatch.HeaderSize + 10, SeekOrigin.Begin);
                var b = file.ReadByte();
                file.Seek(-1, SeekOrigin.Current);
                file.WriteByte((byte)(b ^ 0x40));
                break;
            case Damage.RewoundBaseOffset:
                // The base offset is outside the CRC: only the offset check catches this.
                file.Seek(lastStart, SeekOrigin.Begin);
                file.Write(new byte[8]);
                break;
        }
    }
}
