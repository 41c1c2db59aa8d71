using Eddy.Protocol;
using Eddy.Storage.Producers;

namespace Eddy.Storage.Tests;

public sealed class TransactionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_last_stable_offset_follows_two_interleaved_transactions()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        Assert.Equal(0, log.LastStableOffset);
        log.Append(TestBatches.Create(3), TimestampType.CreateTime, 0);
        Assert.Equal(3, log.LastStableOffset);

        log.Append(ProducerBatches.Create(1, 0, 0, transactional: true), TimestampType.CreateTime, 0);
        Assert.Equal(3, log.LastStableOffset);
        log.Append(ProducerBatches.Create(2, 0, 0, transactional: true), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(1, 0, 1, transactional: true), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
        Assert.Equal((7L, 3L), (log.LogEndOffset, log.LastStableOffset));

        log.AppendEndTransactionMarker(1, 0, commit: true, coordinatorEpoch: 0, now: 1); // 7
        Assert.Equal(4, log.LastStableOffset);
        log.Append(ProducerBatches.Create(1, 0, 2, transactional: true), TimestampType.CreateTime, 0); // 8
        Assert.Equal(4, log.LastStableOffset);
        log.AppendEndTransactionMarker(2, 0, commit: false, coordinatorEpoch: 0, now: 2); // 9
        Assert.Equal(8, log.LastStableOffset);
        log.AppendEndTransactionMarker(1, 0, commit: true, coordinatorEpoch: 0, now: 3); // 10
        Assert.Equal((11L, 11L), (log.LogEndOffset, log.LastStableOffset));

        Assert.Equal([new AbortedTransaction(2, 4, 9)], log.CollectAbortedTransactions(0, 11));
    }

    [Fact]
    public async Task A_reader_without_the_lock_never_sees_a_last_stable_offset_past_an_open_transactions_data()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 64 * 1024 });
        using var done = new CancellationTokenSource();
        var checks = 0;
        var writer = Task.Run(() =>
        {
            // Appends do not wait for rolls' fsyncs: on a busy machine the writer could finish before the reader checks
            // at all, so it goes on (within a bound) until the reader has checked often enough.
            for (var i = 0; i < 3_000 || (Volatile.Read(ref checks) <= 100 && i < 100_000); i++)
            {
                log.Append(ProducerBatches.Create(1, 0, 2 * i, transactional: true), TimestampType.CreateTime, 0);
                log.Append(ProducerBatches.Create(1, 0, (2 * i) + 1, transactional: true), TimestampType.CreateTime, 0);
                log.AppendEndTransactionMarker(1, 0, commit: true, coordinatorEpoch: 0, now: 1);
            }
            done.Cancel();
        });
        while (!done.IsCancellationRequested)
        {
            var lso = log.LastStableOffset;
            if (lso < 4)
            {
                continue;
            }
            // One producer, one transaction at a time. Data below the LSO must belong to a transaction already decided
            // when the LSO was read: its marker is in the log by then (it may lie at or past the LSO, since the
            // transaction was committed between the reader's two loads, which is still stable data).
            var end = log.LogEndOffset;
            var batches = new List<StoredBatch>();
            for (var offset = lso - 4; offset < end; offset = batches[^1].LastOffset + 1)
            {
                // A read stays within one segment: go on in the next.
                batches.AddRange(TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(offset, 4096, maxOffset: end).Records)));
            }
            var last = batches.FindLastIndex(b => (b.Attributes & RecordBatch.ControlMask) == 0 && b.BaseOffset < lso);
            Assert.True(last < 0 || batches.Skip(last).Any(b => (b.Attributes & RecordBatch.ControlMask) != 0), $"LSO {lso} exposes an open transaction's data");
            Volatile.Write(ref checks, checks + 1);
        }
        await writer;
        Assert.True(checks > 100, $"{checks} checks");
    }

    [Fact]
    public void Aborted_transactions_are_collected_by_marker_and_first_offset_across_segments()
    {
        // Every batch gets a segment of its own.
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 1 });
        Txn(log, 1, 0);                      // 0
        Txn(log, 1, 1);                      // 1
        Txn(log, 2, 0);                      // 2
        Abort(log, 1);                       // 3
        Txn(log, 2, 1);                      // 4
        Txn(log, 3, 0);                      // 5
        Abort(log, 2);                       // 6
        Commit(log, 3);                      // 7
        Txn(log, 4, 0);                      // 8
        Abort(log, 4);                       // 9
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0); // 10
        Assert.Equal(11, log.SegmentCount);
        AbortedTransaction p1 = new(1, 0, 3), p2 = new(2, 2, 6), p4 = new(4, 8, 9);

        Assert.Equal([p1, p2, p4], log.CollectAbortedTransactions(0, 11));
        Assert.Equal([p1, p2, p4], log.CollectAbortedTransactions(3, 11));
        Assert.Equal([p2, p4], log.CollectAbortedTransactions(4, 11));
        Assert.Equal([p2], log.CollectAbortedTransactions(5, 7));
        Assert.Equal([p1], log.CollectAbortedTransactions(0, 2));
        Assert.Equal([p1, p2], log.CollectAbortedTransactions(1, 3));
        Assert.Empty(log.CollectAbortedTransactions(7, 8));
        Assert.Empty(log.CollectAbortedTransactions(10, 11));
        Assert.Equal(3, Directory.GetFiles(_directory.Path, "*.txnindex").Length);
        Assert.True(File.Exists(TestLogs.SegmentPath(_directory.Path, 3, ".txnindex")));
        Assert.Equal(TransactionIndex.EntrySize, new FileInfo(TestLogs.SegmentPath(_directory.Path, 9, ".txnindex")).Length);
    }

    [Fact]
    public void Random_interleaved_transactions_give_the_modelled_lso_and_aborted_lists_live_after_a_restart_and_after_a_crash()
    {
        var config = new LogConfig { SegmentBytes = 600 };
        var model = new Model();
        var random = new Random(7);
        var crashCopy = _directory.Combine("crash");
        (long End, long LastStableOffset, List<AbortedTransaction> Aborted) atCrash;
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            for (var step = 0; step < 300; step++)
            {
                model.Step(log, random);
                Assert.Equal(model.LastStableOffset, log.LastStableOffset);
            }
            Assert.True(log.SegmentCount > 10, $"{log.SegmentCount} segments");
            Assert.True(model.Aborted.Count > 10, $"{model.Aborted.Count} aborted transactions");
            model.AssertCollects(log);
            for (var step = 0; step < 5; step++)
            {
                model.Step(log, random);
            }
            // A copy of quiet files: crashes during a roll's background flush are RollFlushTests' subject.
            log.WaitForRollFlushes();
            ProducerBatches.CopyDirectory(log.Directory, crashCopy);
            atCrash = (model.End, model.LastStableOffset, [.. model.Aborted]);
        }
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            Assert.Equal(model.LastStableOffset, log.LastStableOffset);
            model.AssertCollects(log);
            for (var step = 0; step < 50; step++)
            {
                model.Step(log, random);
            }
            model.AssertCollects(log);
        }
        using (var log = PartitionLog.Open(crashCopy, config))
        {
            Assert.Equal(atCrash.LastStableOffset, log.LastStableOffset);
            Model.AssertCollects(log, atCrash.End, atCrash.Aborted);
        }
    }

    [Fact]
    public void A_restart_keeps_open_transactions_aborted_transactions_and_answers_retries_with_the_original_offsets()
    {
        var config = new LogConfig { SegmentBytes = 200 };
        (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) before;
        AppendInfo last;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            last = BuildHistory(log);
            before = StateOf(log);
        }

        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
            var retry = log.Append(ProducerBatches.Create(3, 0, 5, count: 2), TimestampType.CreateTime, 0);
            Assert.Equal(last with { IsDuplicate = true }, retry);
            Assert.Equal(ErrorCode.InvalidTxnState, Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(1, 0, 4), TimestampType.CreateTime, 0)).Error);
            log.AppendEndTransactionMarker(1, 0, commit: true, coordinatorEpoch: 0, now: 9);
            Assert.Equal(log.LogEndOffset, log.LastStableOffset);
        }
    }

    public enum Crash
    {
        CopiedWhileOpen,
        SnapshotDeleted,
        SnapshotGarbage,
        SnapshotTruncated,
        SnapshotTemporaryLeftBehind,
        LastIndexEntryNotWritten,
        IndexWithTornTail,
    }

    [Theory]
    [InlineData(Crash.CopiedWhileOpen)]
    [InlineData(Crash.SnapshotDeleted)]
    [InlineData(Crash.SnapshotGarbage)]
    [InlineData(Crash.SnapshotTruncated)]
    [InlineData(Crash.SnapshotTemporaryLeftBehind)]
    [InlineData(Crash.LastIndexEntryNotWritten)]
    [InlineData(Crash.IndexWithTornTail)]
    public void A_crash_loses_no_producer_state(Crash crash)
    {
        var config = new LogConfig { SegmentBytes = 200 };
        var copy = _directory.Combine("copy");
        (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) before;
        AppendInfo last;
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            last = BuildHistory(log);
            before = StateOf(log);
            // A copy of quiet files: crashes during a roll's background flush are RollFlushTests' subject.
            log.WaitForRollFlushes();
            ProducerBatches.CopyDirectory(log.Directory, copy);
        }
        var snapshot = Path.Combine(copy, "producer-state.snapshot");
        var sealedIndex = Directory.GetFiles(copy, "*.txnindex").Order().First();
        var activeIndex = TestLogs.SegmentPath(copy, TestLogs.SegmentBaseOffsets(copy)[^1], ".txnindex");
        switch (crash)
        {
            case Crash.SnapshotDeleted:
                File.Delete(snapshot);
                break;
            case Crash.SnapshotGarbage:
                File.WriteAllBytes(snapshot, [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 37))]);
                break;
            case Crash.SnapshotTruncated:
                File.WriteAllBytes(snapshot, File.ReadAllBytes(snapshot)[..^5]);
                break;
            case Crash.SnapshotTemporaryLeftBehind:
                File.WriteAllBytes(snapshot + ".tmp", [1, 2, 3]);
                break;
            case Crash.LastIndexEntryNotWritten:
                // The last ABORT marker is in the active segment, after the last snapshot: its entry is re-derived.
                Assert.Equal(TransactionIndex.EntrySize, new FileInfo(activeIndex).Length);
                File.Delete(activeIndex);
                break;
            case Crash.IndexWithTornTail:
                File.AppendAllText(sealedIndex, "torn");
                break;
        }

        using (var log = PartitionLog.Open(copy, config))
        {
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
            Assert.Equal(last with { IsDuplicate = true }, log.Append(ProducerBatches.Create(3, 0, 5, count: 2), TimestampType.CreateTime, 0));
            Assert.Equal(0, new FileInfo(sealedIndex).Length % TransactionIndex.EntrySize);
            Assert.False(File.Exists(snapshot + ".tmp"));
        }
        using (var log = PartitionLog.Open(copy, config))
        {
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
        }
    }

    [Fact]
    public void A_marker_lost_with_the_torn_tail_reopens_its_transaction_and_drops_its_index_entry()
    {
        var config = new LogConfig();
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Txn(log, 1, 0);
            Txn(log, 2, 0);
            Abort(log, 1);
            log.Flush();
            Txn(log, 2, 1);
            Abort(log, 2);
            Assert.Equal(2 * TransactionIndex.EntrySize, new FileInfo(TestLogs.SegmentPath(_directory.Path, 0, ".txnindex")).Length);
        }
        var path = TestLogs.SegmentPath(_directory.Path, 0);
        var markerSize = ControlBatchSize();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^(markerSize - 3)]);

        // The snapshot (at offset 5) is past the cut log (4 offsets): the whole log is replayed.
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(4, log.LogEndOffset);
            Assert.Equal(1, log.LastStableOffset);
            Assert.Equal([new AbortedTransaction(1, 0, 2)], log.CollectAbortedTransactions(0, 10));
            Assert.Equal([(1L, -1L), (2L, 1L)], log.Producers().Select(p => (p.ProducerId, p.CurrentTransactionStartOffset)));
            Assert.Equal(TransactionIndex.EntrySize, new FileInfo(TestLogs.SegmentPath(_directory.Path, 0, ".txnindex")).Length);
            Assert.True(log.Append(ProducerBatches.Create(2, 0, 1, transactional: true), TimestampType.CreateTime, 0).IsDuplicate);
            Abort(log, 2);
            Assert.Equal([new AbortedTransaction(1, 0, 2), new AbortedTransaction(2, 1, 4)], log.CollectAbortedTransactions(0, 10));
        }
    }

    [Fact]
    public void Retention_and_delete_records_delete_the_transaction_indexes_of_their_segments()
    {
        var time = new FakeTimeProvider();
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 1, RetentionMs = 1_000, FileDeleteDelayMs = 0 }, time);
        Txn(log, 1, 0, timestamp: 1_000);
        Abort(log, 1, now: 1_000);
        Txn(log, 2, 0, timestamp: 1_000);
        Abort(log, 2, now: 5_000);
        Txn(log, 3, 0, timestamp: 5_000);
        Abort(log, 3, now: 5_000);
        log.Append(TestBatches.Create(1, firstTimestamp: 9_000), TimestampType.CreateTime, 0);
        Assert.Equal(3, Directory.GetFiles(_directory.Path, "*.txnindex").Length);

        Assert.Equal(3, log.EnforceRetention(now: 4_000));

        Assert.False(File.Exists(TestLogs.SegmentPath(_directory.Path, 1, ".txnindex")));
        Assert.Equal([new AbortedTransaction(2, 2, 3), new AbortedTransaction(3, 4, 5)], log.CollectAbortedTransactions(3, 7));
        log.DeleteRecordsBefore(5);
        Assert.Equal([TestLogs.SegmentPath(_directory.Path, 5, ".txnindex")], Directory.GetFiles(_directory.Path, "*.txnindex"));
        Assert.Equal([new AbortedTransaction(3, 4, 5)], log.CollectAbortedTransactions(5, 7));
    }

    [Fact]
    public void Compaction_removes_aborted_data_compacts_committed_data_keeps_markers_and_stops_at_the_lso()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 1 };
        var directory = _directory.Combine("log");
        (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) before;
        using (var log = PartitionLog.Open(directory, config))
        {
            log.Append(ProducerBatches.Keyed(1, 0, 0, true, ("a", "aborted"), ("b", "aborted")), TimestampType.CreateTime, 0); // 0-1
            log.Append(ProducerBatches.Keyed(2, 0, 0, true, ("a", "committed"), ("c", "committed")), TimestampType.CreateTime, 0); // 2-3
            Abort(log, 1);                                                                                  // 4
            Commit(log, 2);                                                                                 // 5
            log.Append(ProducerBatches.Keyed(1, 0, 2, true, ("d", "aborted-too")), TimestampType.CreateTime, 0); // 6
            log.Append(ProducerBatches.Keyed(-1, -1, -1, false, ("a", "plain")), TimestampType.CreateTime, 0); // 7
            Abort(log, 1);                                                                                  // 8
            log.Append(ProducerBatches.Keyed(3, 0, 0, true, ("c", "open")), TimestampType.CreateTime, 0);  // 9
            log.Append(ProducerBatches.Keyed(-1, -1, -1, false, ("z", "1")), TimestampType.CreateTime, 0); // 10
            log.Append(ProducerBatches.Keyed(-1, -1, -1, false, ("z", "2")), TimestampType.CreateTime, 0); // 11
            log.Append(ProducerBatches.Keyed(-1, -1, -1, false, ("tail", "x")), TimestampType.CreateTime, 0); // 12
            Assert.Equal(9, log.LastStableOffset);
            before = StateOf(log);

            var result = log.Compact(now: 100);

            Assert.True(result.SegmentsCleaned > 0);
            Assert.Equal(9, log.FirstDirtyOffset);
            var batches = ReadBatches(log);
            Assert.Equal([0L, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12], batches.Select(b => b.BaseOffset));
            var records = TestLogs.ReadAll(log).Where(r => !IsMarkerOffset(r.Offset)).Select(r => (r.Offset, r.Key, r.Value));
            // Aborted records are gone (producer 1's last batch stays as an empty header); "a" committed loses to
            // the plain "a"; "c" committed stays; nothing from the LSO (9) on is touched, so "z" 1 stays too.
            Assert.Equal([(3L, "c", "committed"), (7, "a", "plain"), (9, "c", "open"), (10, "z", "1"), (11, "z", "2"), (12, "tail", "x")], records);
            Assert.Equal(0, batches.Single(b => b.BaseOffset == 6).RecordCount);
            Assert.All(batches.Where(b => IsMarkerOffset(b.BaseOffset)), b => Assert.Equal(RecordBatch.TransactionalMask | RecordBatch.ControlMask, b.Attributes));
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
        }

        using (var log = PartitionLog.Open(directory, config))
        {
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
            File.Delete(Path.Combine(directory, "producer-state.snapshot"));
        }
        using (var log = PartitionLog.Open(directory, config))
        {
            // Rebuilt from the compacted log alone: the same open transaction, LSO and aborted transactions.
            var (lso, aborted, producers) = StateOf(log);
            Assert.Equal(before.Item1, lso);
            Assert.Equal(before.Item2, aborted);
            Assert.Equal([(1L, -1L), (2L, -1L), (3L, 9L)], producers.Select(p => (p.ProducerId, p.CurrentTransactionStartOffset)));

            Commit(log, 3);
            log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
            log.Compact(now: 100);
            var records = TestLogs.ReadAll(log).Where(r => !IsMarkerOffset(r.Offset) && r.Offset < 14).Select(r => (r.Offset, r.Key, r.Value));
            Assert.Equal([(7L, "a", "plain"), (9, "c", "open"), (11, "z", "2"), (12, "tail", "x")], records);
        }

        static bool IsMarkerOffset(long offset) => offset is 4 or 5 or 8 or 13;
    }

    [Fact]
    public void A_crash_at_any_step_of_compaction_keeps_every_aborted_transaction()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 1 };
        var copies = new List<string>();
        (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) before;
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            for (var i = 0; i < 4; i++)
            {
                log.Append(ProducerBatches.Keyed(1, 0, i, true, ("k", $"aborted{i}")), TimestampType.CreateTime, 0);
                Abort(log, 1);
                log.Append(ProducerBatches.Keyed(-1, -1, -1, false, ("k", $"plain{i}")), TimestampType.CreateTime, 0);
            }
            log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
            before = StateOf(log);
            Assert.Equal(4, before.Item2.Count);
            // Merge the one-batch segments in groups, so that indexes of several segments go into one.
            log.Config = config with { SegmentBytes = 400 };
            log.WaitForRollFlushes();
            log.CompactionStepHook = step =>
            {
                var path = _directory.Combine($"crash-{copies.Count:D2}-{step}");
                ProducerBatches.CopyDirectory(log.Directory, path);
                copies.Add(path);
            };

            Assert.True(log.Compact(now: 100).SegmentsCleaned > 4);
            Assert.Equal(before, StateOf(log), StateComparer.Instance);
        }
        Assert.Contains(copies, c => c.EndsWith("swap-indexes", StringComparison.Ordinal));
        Assert.Contains(copies, c => c.EndsWith("final-indexes", StringComparison.Ordinal));
        foreach (var copy in copies)
        {
            using var log = PartitionLog.Open(copy, config);
            Assert.True(before.Item2.SequenceEqual(log.CollectAbortedTransactions(0, long.MaxValue)), copy);
            Assert.Equal(before.Item1, log.LastStableOffset);
        }
    }

    /// <summary>
    /// Idempotent producer 3 and transactional producers 1 (left open, spanning segments) and 2 (aborted twice),
    /// ending with producer 2's abort marker and producer 3's retried batch (sequences 5-6) in the active segment.
    /// </summary>
    private static AppendInfo BuildHistory(PartitionLog log)
    {
        var config = log.Config;
        for (var i = 0; i < 3; i++)
        {
            log.Append(ProducerBatches.Create(3, 0, i), TimestampType.CreateTime, 0);
            log.Append(ProducerBatches.Create(2, 0, i, transactional: true), TimestampType.CreateTime, 0);
            log.Append(ProducerBatches.Create(1, 0, i, transactional: true), TimestampType.CreateTime, 0);
            if (i == 1)
            {
                Abort(log, 2, coordinatorEpoch: 4);
            }
        }
        Assert.True(log.SegmentCount > 3);
        log.Config = config with { SegmentBytes = 1 << 20 };
        log.Append(ProducerBatches.Create(1, 0, 3, transactional: true), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(3, 0, 3, count: 2), TimestampType.CreateTime, 0);
        Abort(log, 2, coordinatorEpoch: 5);
        var last = log.Append(ProducerBatches.Create(3, 0, 5, count: 2), TimestampType.CreateTime, 0);
        log.Config = config;
        return last;
    }

    private static (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) StateOf(PartitionLog log) =>
        (log.LastStableOffset, log.CollectAbortedTransactions(0, long.MaxValue), log.Producers());

    private static List<StoredBatch> ReadBatches(PartitionLog log)
    {
        var batches = new List<StoredBatch>();
        for (var offset = log.LogStartOffset; offset < log.LogEndOffset; offset = batches[^1].LastOffset + 1)
        {
            batches.AddRange(TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(offset, int.MaxValue).Records)));
        }
        return batches;
    }

    private static int ControlBatchSize() => RecordBatchBuilder.Build(
        [Eddy.Protocol.Record.Create(0, new byte[4], new byte[6])], 0, 1, 0, -1, transactional: true, control: true).Length;

    private static void Txn(PartitionLog log, long producerId, int sequence, long timestamp = 1_000) =>
        log.Append(ProducerBatches.Create(producerId, 0, sequence, transactional: true, timestamp: timestamp), TimestampType.CreateTime, 0);

    private static void Abort(PartitionLog log, long producerId, int coordinatorEpoch = 0, long now = 1) =>
        log.AppendEndTransactionMarker(producerId, 0, commit: false, coordinatorEpoch, now);

    private static void Commit(PartitionLog log, long producerId) =>
        log.AppendEndTransactionMarker(producerId, 0, commit: true, coordinatorEpoch: 0, now: 1);

    private sealed class StateComparer : IEqualityComparer<(long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>)>
    {
        public static readonly StateComparer Instance = new();

        public bool Equals((long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) x, (long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) y) =>
            x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2) && x.Item3.SequenceEqual(y.Item3);

        public int GetHashCode((long, IReadOnlyList<AbortedTransaction>, IReadOnlyList<ProducerInfo>) obj) => obj.Item1.GetHashCode();
    }

    /// <summary>Three transactional producers and plain appends at random, and what the log must then answer.</summary>
    private sealed class Model
    {
        private readonly int[] _sequences = new int[4];
        private readonly long[] _open = [-1, -1, -1, -1];

        public List<AbortedTransaction> Aborted { get; } = [];

        public long End { get; private set; }

        public long LastStableOffset => _open.Where(o => o >= 0).DefaultIfEmpty(End).Min();

        public void Step(PartitionLog log, Random random)
        {
            var producer = random.Next(1, 4);
            var choice = random.Next(10);
            if (choice < 2)
            {
                End = log.Append(TestBatches.Create(random.Next(1, 4)), TimestampType.CreateTime, 0).LastOffset + 1;
            }
            else if (choice < 7)
            {
                var info = log.Append(ProducerBatches.Create(producer, 0, _sequences[producer], count: 2, transactional: true), TimestampType.CreateTime, 0);
                _sequences[producer] += 2;
                if (_open[producer] < 0)
                {
                    _open[producer] = info.BaseOffset;
                }
                End = info.LastOffset + 1;
            }
            else
            {
                var commit = choice == 9;
                var marker = log.AppendEndTransactionMarker(producer, 0, commit, coordinatorEpoch: 0, now: 1).BaseOffset;
                if (_open[producer] >= 0 && !commit)
                {
                    Aborted.Add(new AbortedTransaction(producer, _open[producer], marker));
                }
                _open[producer] = -1;
                End = marker + 1;
            }
        }

        public void AssertCollects(PartitionLog log) => AssertCollects(log, End, Aborted);

        public static void AssertCollects(PartitionLog log, long end, List<AbortedTransaction> aborted)
        {
            Assert.Equal(end, log.LogEndOffset);
            for (var fetch = 0L; fetch <= end; fetch++)
            {
                for (var upper = fetch + 1; upper <= end + 1; upper++)
                {
                    var expected = aborted.Where(a => a.LastOffset >= fetch && a.FirstOffset < upper).OrderBy(a => a.FirstOffset);
                    var actual = log.CollectAbortedTransactions(fetch, upper);
                    if (!expected.SequenceEqual(actual))
                    {
                        Assert.Fail($"fetch {fetch}, upper bound {upper}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
                    }
                }
            }
        }
    }
}
