using Eddy.Protocol;
using Xunit.Abstractions;

namespace Eddy.Storage.Tests;

public sealed class CompactionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_million_updates_of_ten_thousand_keys_compact_to_the_latest_value_of_each_key_at_its_offset()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 256 * 1024 };
        var random = new Random(42);
        var appended = new List<StoredRecord>(1_000_000);
        long bytesAppended = 0;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var b = 0; b < 10_000; b++)
            {
                var records = new TestRecord[100];
                for (var i = 0; i < records.Length; i++)
                {
                    var offset = (b * 100L) + i;
                    records[i] = new TestRecord($"k{random.Next(10_000)}", $"v{offset}", 1_000_000 + offset);
                    appended.Add(new StoredRecord(offset, records[i].Timestamp, records[i].Key, records[i].Value, []));
                }
                var batch = TestBatches.Create(records);
                bytesAppended += batch.Length;
                log.Append(batch, TimestampType.CreateTime, 0);
            }
            var segmentCount = log.SegmentCount;
            Assert.True(segmentCount > 50, $"{segmentCount} segments");
            var activeBase = TestLogs.SegmentBaseOffsets(_directory.Path)[^1];
            var expected = ExpectedAfterCompaction(appended, activeBase);
            Assert.Equal(1.0, log.DirtyRatio);

            var result = log.Compact(now: 2_000_000);

            output.WriteLine(
                $"compacted {result.BytesRead / 1e6:F1} MB read ({bytesAppended / 1e6:F1} MB of log), {result.BytesWritten / 1e6:F2} MB written, "
                + $"{result.RecordsRead} records read, {result.RecordsKept} kept, in {result.Elapsed.TotalMilliseconds:F0} ms: "
                + $"{bytesAppended / 1e6 / result.Elapsed.TotalSeconds:F1} MB/s of log, {result.RecordsRead / result.Elapsed.TotalSeconds / 1e6:F2} M records/s");
            Assert.Equal(segmentCount - 1, result.SegmentsCleaned);
            Assert.Equal(activeBase, result.RecordsRead);
            Assert.Equal(expected.Count(r => r.Offset < activeBase), result.RecordsKept);
            Assert.Equal(1_000_000, log.LogEndOffset);
            Assert.Equal(0, log.LogStartOffset);
            Assert.Equal(0.0, log.DirtyRatio);
            AssertRecords(expected, TestLogs.ReadAll(log));
            AssertLatestValues(appended, TestLogs.ReadAll(log));

            // The cleaned segments are small now: a second pass merges them and changes no record.
            var merge = log.Compact(now: 2_000_000);
            Assert.True(merge.SegmentsCleaned > 0);
            Assert.True(log.SegmentCount < segmentCount / 4, $"{log.SegmentCount} segments after merging");
            AssertRecords(expected, TestLogs.ReadAll(log));
            Assert.Equal(0, log.Compact(now: 2_000_000).BytesWritten);
        }
        using (var reopened = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(1_000_000, reopened.LogEndOffset);
            Assert.Equal(0.0, reopened.DirtyRatio);
            var activeBase = TestLogs.SegmentBaseOffsets(_directory.Path)[^1];
            AssertRecords(ExpectedAfterCompaction(appended, activeBase), TestLogs.ReadAll(reopened));
            // Reads from any offset, gaps included, land on the next surviving record.
            var first = TestBatches.ReadRecords(TestBatches.CopyOut(reopened.Read(1, 1).Records));
            Assert.True(first.Count == 0 || first[0].Offset >= 1);
            Assert.Equal(1_000_000, reopened.Append(TestBatches.Create(1), TimestampType.CreateTime, 0).BaseOffset);
        }
    }

    [Fact]
    public void Tombstones_stay_until_delete_retention_ms_after_their_first_cleaning_then_go()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 1, DeleteRetentionMs = 1_000 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Append(log, ("a", "a1", 100), ("b", "b1", 101), ("c", "c1", 102));
            Append(log, ("b", "b2", 103), ("a", "a2", 104));
            Append(log, ("b", null, 105), ("c", "c2", 106));
            Append(log, ("d", "d1", 107));

            log.Compact(now: 10_000);

            var records = TestLogs.ReadAll(log);
            var expected = new (long, string?, string?, long)[] { (4, "a", "a2", 104), (5, "b", null, 105), (6, "c", "c2", 106), (7, "d", "d1", 107) };
            Assert.Equal(expected, records.Select(r => (r.Offset, r.Key, r.Value, r.Timestamp)));
            var tombstoneBatch = TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(5, 1).Records)).Single();
            Assert.Equal(0x40, tombstoneBatch.Attributes & 0x40);
            Assert.Equal(5, tombstoneBatch.BaseOffset);
            Assert.Equal(6, tombstoneBatch.LastOffset);
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            // The horizon travels with the batch (KIP-534): it survives a restart.
            Assert.Equal(0, log.Compact(now: 10_999).SegmentsCleaned);
            Assert.Contains(TestLogs.ReadAll(log), r => r.Key == "b");

            Assert.Equal(1, log.Compact(now: 11_000).SegmentsCleaned);

            var expected = new (long, string?)[] { (4, "a2"), (6, "c2"), (7, "d1") };
            Assert.Equal(expected, TestLogs.ReadAll(log).Select(r => (r.Offset, r.Value)));
            Assert.Equal(8, log.LogEndOffset);
        }
    }

    [Fact]
    public void Min_compaction_lag_keeps_young_segments_as_they_are()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { Compact = true, SegmentBytes = 1, MinCompactionLagMs = 5_000 });
        for (var i = 0; i < 10; i++)
        {
            Append(log, ("k", $"v{i}", i * 1_000L));
        }

        // Segments whose newest record is at least 5 s old at 9.5 s: those of offsets 0 to 4.
        log.Compact(now: 9_500);

        Assert.Equal([4L, 5, 6, 7, 8, 9], TestLogs.ReadAll(log).Select(r => r.Offset));
        Assert.Equal(5, log.FirstDirtyOffset);
    }

    [Fact]
    public void Nothing_at_or_above_maxCompactableOffset_is_compacted()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { Compact = true, SegmentBytes = 1 });
        for (var i = 0; i < 10; i++)
        {
            Append(log, ("k", $"v{i}", i));
        }

        log.Compact(now: 100, maxCompactableOffset: 3);
        Assert.Equal([2L, 3, 4, 5, 6, 7, 8, 9], TestLogs.ReadAll(log).Select(r => r.Offset));

        log.Compact(now: 100);
        Assert.Equal([8L, 9], TestLogs.ReadAll(log).Select(r => r.Offset));
    }

    [Fact]
    public void A_log_without_the_compact_policy_is_not_compacted_and_compact_alone_disables_retention()
    {
        using (var log = PartitionLog.Open(_directory.Combine("delete"), new LogConfig { SegmentBytes = 1, RetentionMs = 10 }))
        {
            Append(log, ("k", "v0", 0));
            Append(log, ("k", "v1", 1));
            Append(log, ("k", "v2", 2));
            Assert.Equal(CompactionResult.None, log.Compact(now: 100));
            Assert.Equal(3, TestLogs.ReadAll(log).Count);
        }
        using (var log = PartitionLog.Open(_directory.Combine("compact"), new LogConfig { SegmentBytes = 1, RetentionMs = 10, Compact = true, Delete = false }))
        {
            Append(log, ("k", "v0", 0));
            Append(log, ("k", "v1", 1));
            Assert.Equal(0, log.EnforceRetention(now: 1_000_000));
            Assert.Equal(2, TestLogs.ReadAll(log).Count);

            log.Config = log.Config with { Delete = true };
            Assert.Equal(2, log.EnforceRetention(now: 1_000_000));
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip, false)]
    [InlineData(CompressionType.Snappy, true)]
    [InlineData(CompressionType.Snappy, false)]
    [InlineData(CompressionType.Lz4, false)]
    [InlineData(CompressionType.Zstd, false)]
    public void Compressed_batches_are_compacted_and_keep_their_codec(CompressionType codec, bool xerial)
    {
        var config = new LogConfig { Compact = true, SegmentBytes = 2_000, DeleteRetentionMs = 1_000 };
        var appended = new List<StoredRecord>();
        using var log = PartitionLog.Open(_directory.Path, config);
        for (var b = 0; b < 40; b++)
        {
            var records = new List<TestRecord>();
            for (var i = 0; i < 8; i++)
            {
                var offset = (b * 8) + i;
                var key = $"k{(b * 3 + i) % 13}";
                var value = offset % 17 == 0 ? null : $"value-{offset}-".PadRight(40, 'x');
                records.Add(new TestRecord(key, value, 5_000 + offset, [new("h", $"{offset}")]));
                appended.Add(new StoredRecord(offset, 5_000 + offset, key, value, [new("h", $"{offset}")]));
            }
            log.Append(TestBatches.CreateCompressed(records, codec, xerial), TimestampType.CreateTime, 0);
        }
        var activeBase = TestLogs.SegmentBaseOffsets(_directory.Path)[^1];
        Assert.True(activeBase > 100);

        var result = log.Compact(now: 10_000);

        Assert.True(result.SegmentsCleaned > 0);
        AssertRecords(ExpectedAfterCompaction(appended, activeBase), TestLogs.ReadAll(log), headers: true);
        var bytes = TestBatches.CopyOut(log.Read(0, int.MaxValue).Records);
        var batches = TestBatches.ReadBatches(bytes);
        Assert.All(batches.Where(batch => batch.RecordCount > 0), batch =>
        {
            Assert.Equal(codec, batch.Compression);
            if (codec == CompressionType.Snappy)
            {
                Assert.Equal(xerial, bytes[batch.Position + RecordBatch.HeaderSize] == 0x82);
            }
        });
        // Kept tombstones got their delete horizon; once it passes they go as well.
        log.Compact(now: 11_000);
        var expected = ExpectedAfterCompaction(appended, activeBase).Where(r => r.Value is not null || r.Offset >= activeBase).ToList();
        AssertRecords(expected, TestLogs.ReadAll(log), headers: true);
    }

    [Fact]
    public void A_batch_whose_payload_cannot_be_decompressed_is_left_as_it_is()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { Compact = true, SegmentBytes = 1 });
        // Compression bits over plain records: zstd cannot read it, so the cleaner must not touch it.
        var fake = TestBatches.Create([new TestRecord("k", "old", 1), new TestRecord("j", "old", 2)], CompressionType.Zstd);
        log.Append(fake, TimestampType.CreateTime, 0);
        Append(log, ("k", "new", 3));
        Append(log, ("k", "newer", 4));
        Append(log, ("tail", "x", 5));

        log.Compact(now: 100);

        Assert.Equal(fake.AsSpan(8).ToArray(), TestBatches.CopyOut(log.Read(0, 1).Records).AsSpan(8).ToArray());
        // Offset 2 lost its record to offset 3; its segment keeps an empty batch so that it still ends at offset 2.
        var emptied = TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(2, 1).Records)).Single();
        Assert.Equal((2L, 2L, 0), (emptied.BaseOffset, emptied.LastOffset, emptied.RecordCount));
        Assert.Equal([3L, 4], TestLogs.ReadAll(log, from: 2).Select(r => r.Offset));
    }

    [Fact]
    public void A_committed_transactional_record_is_compacted_and_its_producers_last_batch_and_marker_stay()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { Compact = true, SegmentBytes = 1 });
        var transactional = RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(1, "k"u8.ToArray(), "txn"u8.ToArray())], producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true);
        log.Append(transactional, TimestampType.CreateTime, 0);
        log.AppendEndTransactionMarker(7, 0, commit: true, coordinatorEpoch: 0, now: 2);
        Append(log, ("k", "plain", 3));
        Append(log, ("tail", "x", 4));

        log.Compact(now: 100);

        var batches = new List<StoredBatch>();
        for (var offset = 0L; offset < log.LogEndOffset; offset = batches[^1].LastOffset + 1)
        {
            batches.AddRange(TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(offset, int.MaxValue).Records)));
        }
        Assert.Equal([0L, 1, 2, 3], batches.Select(b => b.BaseOffset));
        // The committed "k" loses to the later one, but its batch is producer 7's last: it stays as an empty header
        // (Kafka keeps it for the producer's sequence). The marker stays whole.
        Assert.Equal([0, 1, 1, 1], batches.Select(b => b.RecordCount));
        Assert.Equal(RecordBatch.TransactionalMask | RecordBatch.ControlMask, batches[1].Attributes);
    }

    /// <summary>
    /// Kafka's cleaner removes a transaction's marker once nothing of the transaction is left before it: first a delete
    /// horizon (delete.retention.ms), then, past it, the marker (and an abort's index entry). Without this a compacted
    /// transactional topic (a changelog, __consumer_offsets) would keep a marker per transaction for ever.
    /// </summary>
    [Fact]
    public void Markers_of_emptied_transactions_get_a_delete_horizon_then_go_and_the_last_of_a_producer_stays()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 1, DeleteRetentionMs = 1_000 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            AppendTransactional(log, sequence: 0, ("k", "a", 1));
            log.AppendEndTransactionMarker(7, 0, commit: true, coordinatorEpoch: 0, now: 2);
            AppendTransactional(log, sequence: 1, ("k", "b", 3));
            log.AppendEndTransactionMarker(7, 0, commit: false, coordinatorEpoch: 0, now: 4);
            AppendTransactional(log, sequence: 2, ("j", "c", 5));
            log.AppendEndTransactionMarker(7, 0, commit: true, coordinatorEpoch: 0, now: 6);
            Append(log, ("k", "z", 7));
            Append(log, ("j", "y", 8));
            Append(log, ("tail", "x", 9));
            Assert.Single(log.CollectAbortedTransactions(0, log.LogEndOffset));

            // First pass: the data goes (superseded or aborted); the markers still have it before them, so they stay.
            log.Compact(now: 100);
            Assert.Equal([1, 3, 5], Markers(log));

            // Second pass: the first two transactions are empty now, so their markers get their delete horizon.
            log.Compact(now: 200);
            Assert.Equal([1, 3, 5], Markers(log));
            Assert.All(AllBatches(log).Where(b => b.BaseOffset is 1 or 3), b => Assert.NotEqual(0, b.Attributes & LogCleaner.DeleteHorizonMask));
            log.Compact(now: 1_100);
            Assert.Equal([1, 3, 5], Markers(log));

            // Past the horizon they go, the abort's index entry with its marker. The marker after producer 7's last
            // batch (kept as an empty header for its sequence) stays.
            log.Compact(now: 1_300);
            Assert.Equal([5], Markers(log));
            Assert.Empty(log.CollectAbortedTransactions(0, log.LogEndOffset));
            Assert.Equal(log.LogEndOffset, log.LastStableOffset);
            Assert.Equal(["k=z", "j=y", "tail=x"], TestLogs.ReadAll(log).Where(r => r.Offset != 5).Select(r => $"{r.Key}={r.Value}"));
        }
        // A rebuild from the log finds no transaction left open by what the cleaner removed.
        using var reopened = PartitionLog.Open(_directory.Path, config);
        Assert.Equal(9, reopened.LogEndOffset);
        Assert.Equal(9, reopened.LastStableOffset);
        Assert.Equal([5], Markers(reopened));
        Assert.Equal(["k=z", "j=y", "tail=x"], TestLogs.ReadAll(reopened).Where(r => r.Offset != 5).Select(r => $"{r.Key}={r.Value}"));

        static void AppendTransactional(PartitionLog log, int sequence, (string Key, string Value, long Timestamp) record) => log.Append(
            RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(record.Timestamp, System.Text.Encoding.UTF8.GetBytes(record.Key), System.Text.Encoding.UTF8.GetBytes(record.Value))],
                producerId: 7, producerEpoch: 0, baseSequence: sequence, transactional: true),
            TimestampType.CreateTime, 0);

        static List<long> Markers(PartitionLog log) =>
            [.. AllBatches(log).Where(b => (b.Attributes & RecordBatch.ControlMask) != 0 && b.RecordCount == 1).Select(b => b.BaseOffset)];
    }

    private static List<StoredBatch> AllBatches(PartitionLog log)
    {
        var batches = new List<StoredBatch>();
        for (var offset = 0L; offset < log.LogEndOffset; offset = batches[^1].LastOffset + 1)
        {
            batches.AddRange(TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(offset, int.MaxValue).Records)));
        }
        return batches;
    }

    [Fact]
    public void A_crash_at_any_step_of_the_swap_leaves_a_complete_log_that_a_later_compaction_finishes()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 2_500, IndexIntervalBytes = 200 };
        var snapshots = new List<(string Step, string Path, List<StoredRecord> Before, List<StoredRecord> After)>();
        var appended = new List<StoredRecord>();
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            List<StoredRecord> before = [];
            List<StoredRecord> after = [];
            log.CompactionStepHook = step =>
            {
                var path = _directory.Combine($"crash-{snapshots.Count:D3}-{step}");
                Directory.CreateDirectory(path);
                foreach (var file in Directory.GetFiles(log.Directory))
                {
                    File.Copy(file, Path.Combine(path, Path.GetFileName(file)));
                }
                snapshots.Add((step, path, before, after));
            };
            for (var round = 0; round < 2; round++)
            {
                AppendKeyed(log, appended, batches: 60, keys: 25);
                // The copies are crashes during the swap, not during the rolls' background flushes.
                log.WaitForRollFlushes();
                before = TestLogs.ReadAll(log);
                after = ExpectedAfterCompaction(before, TestLogs.SegmentBaseOffsets(log.Directory)[^1]);
                log.Compact(now: 1_000);
                AssertRecords(after, TestLogs.ReadAll(log));
            }
        }
        var steps = snapshots.Select(s => s.Step).ToHashSet();
        Assert.Superset(new HashSet<string> { "cleaned", "swap-indexes", "swap", "first-deleted", "deleted", "final-indexes", "final", "before-checkpoint" }, steps);

        foreach (var (step, path, before, after) in snapshots)
        {
            using var log = PartitionLog.Open(path, config);
            Assert.DoesNotContain(Directory.GetFiles(path), f => f.EndsWith(".cleaned") || f.EndsWith(".swap") || f.EndsWith(".deleted"));
            Assert.Equal(before[^1].Offset + 1, log.LogEndOffset);
            var records = TestLogs.ReadAll(log);
            // Nothing invented, nothing that must survive lost, and the same latest value for every key.
            Assert.Subset(before.ToHashSet(StoredRecordComparer.Instance), records.ToHashSet(StoredRecordComparer.Instance));
            Assert.Superset(after.ToHashSet(StoredRecordComparer.Instance), records.ToHashSet(StoredRecordComparer.Instance));
            AssertLatestValues(before, records);

            log.Compact(now: 1_000);
            AssertRecords(after, TestLogs.ReadAll(log));
        }
    }

    [Fact]
    public void A_compaction_that_fails_inside_the_swap_is_completed_when_the_log_is_reopened()
    {
        var config = new LogConfig { Compact = true, SegmentBytes = 2_500 };
        var appended = new List<StoredRecord>();
        List<StoredRecord> expected;
        var log = PartitionLog.Open(_directory.Path, config);
        try
        {
            AppendKeyed(log, appended, batches: 40, keys: 20);
            expected = ExpectedAfterCompaction(TestLogs.ReadAll(log), TestLogs.SegmentBaseOffsets(_directory.Path)[^1]);
            log.CompactionStepHook = step =>
            {
                if (step == "final-indexes")
                {
                    throw new IOException("simulated crash");
                }
            };
            Assert.Throws<IOException>(() => log.Compact(now: 1_000));
            // The log still serves everything from the segments it had.
            AssertLatestValues(appended, TestLogs.ReadAll(log));
        }
        finally
        {
            log.Dispose();
        }

        using var reopened = PartitionLog.Open(_directory.Path, config);
        AssertLatestValues(appended, TestLogs.ReadAll(reopened));
        reopened.Compact(now: 1_000);
        AssertRecords(expected, TestLogs.ReadAll(reopened));
    }

    [Fact]
    public async Task Appends_and_reads_go_on_during_compaction()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { Compact = true, SegmentBytes = 8_192, IndexIntervalBytes = 512 });
        var appended = new List<StoredRecord>();
        AppendKeyed(log, appended, batches: 20, keys: 50);
        var early = log.Read(0, int.MaxValue).Records;
        var earlyRecords = TestBatches.ReadRecords(TestBatches.CopyOut(early));
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var previous = -1L;
                foreach (var record in TestLogs.ReadAll(log))
                {
                    Assert.Equal($"{record.Key}@{record.Offset}", record.Value);
                    Assert.True(record.Offset > previous);
                    previous = record.Offset;
                }
                Interlocked.Increment(ref reads);
            }
        })).ToArray();
        var compactions = 0;
        var compactor = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (log.Compact(now: 1_000).SegmentsCleaned > 0)
                {
                    Interlocked.Increment(ref compactions);
                }
            }
        });

        for (var round = 0; round < 30; round++)
        {
            AppendKeyed(log, appended, batches: 50, keys: 50);
            await Task.Delay(5);
        }
        // On two cores the readers may only just have started: let them overlap a few compactions.
        var target = Volatile.Read(ref reads) + 3;
        while (Volatile.Read(ref reads) < target && !readers.Any(r => r.IsFaulted) && !compactor.IsFaulted)
        {
            AppendKeyed(log, appended, batches: 10, keys: 50);
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await Task.WhenAll([.. readers, compactor]);

        Assert.True(reads > 0 && compactions > 0, $"{reads} reads, {compactions} compactions");
        Assert.Equal(earlyRecords, TestBatches.ReadRecords(TestBatches.CopyOut(early)), StoredRecordComparer.Instance);
        log.Compact(now: 1_000);
        var activeBase = TestLogs.SegmentBaseOffsets(_directory.Path)[^1];
        AssertRecords(ExpectedAfterCompaction(appended, activeBase), TestLogs.ReadAll(log));
    }

    /// <summary>Kafka's result: below the active segment, only each key's latest record there (and keyless records); the rest as is.</summary>
    private static List<StoredRecord> ExpectedAfterCompaction(List<StoredRecord> records, long cleanableEnd)
    {
        var latest = new Dictionary<string, long>();
        foreach (var record in records.Where(r => r.Offset < cleanableEnd && r.Key is not null))
        {
            latest[record.Key!] = record.Offset;
        }
        return [.. records.Where(r => r.Offset >= cleanableEnd || r.Key is null || latest[r.Key] == r.Offset)];
    }

    private static void AssertRecords(List<StoredRecord> expected, List<StoredRecord> actual, bool headers = false)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Offset, expected[i].Key, expected[i].Value, expected[i].Timestamp), (actual[i].Offset, actual[i].Key, actual[i].Value, actual[i].Timestamp));
            if (headers)
            {
                Assert.Equal(expected[i].Headers, actual[i].Headers);
            }
        }
    }

    private static void AssertLatestValues(List<StoredRecord> all, List<StoredRecord> read)
    {
        static Dictionary<string, string?> State(IEnumerable<StoredRecord> records)
        {
            var state = new Dictionary<string, string?>();
            foreach (var record in records)
            {
                state[record.Key!] = record.Value;
            }
            return state;
        }
        Assert.Equal(State(all).OrderBy(p => p.Key), State(read).OrderBy(p => p.Key));
    }

    private static void Append(PartitionLog log, params (string Key, string? Value, long Timestamp)[] records) =>
        log.Append(TestBatches.Create([.. records.Select(r => new TestRecord(r.Key, r.Value, r.Timestamp))]), TimestampType.CreateTime, 0);

    /// <summary>Batches of 10 records over <paramref name="keys"/> keys, each value "{key}@{offset}".</summary>
    private static void AppendKeyed(PartitionLog log, List<StoredRecord> appended, int batches, int keys)
    {
        var random = new Random(appended.Count);
        for (var b = 0; b < batches; b++)
        {
            var next = log.LogEndOffset;
            var records = new TestRecord[10];
            for (var i = 0; i < records.Length; i++)
            {
                var key = $"key{random.Next(keys)}";
                records[i] = new TestRecord(key, $"{key}@{next + i}", 500 + next + i);
            }
            Assert.Equal(next, log.Append(TestBatches.Create(records), TimestampType.CreateTime, 0).BaseOffset);
            appended.AddRange(records.Select((r, i) => new StoredRecord(next + i, r.Timestamp, r.Key, r.Value, [])));
        }
    }
}
