using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage.Tests;

/// <summary>
/// A roll fsyncs the segment it leaves and writes the producer snapshot in the background, off the log's lock:
/// appends go on meanwhile, a kill -9 at any step of it recovers the same log and producer state, and closing,
/// deleting, retention and compaction cope with a flush still queued or running.
/// </summary>
public sealed class RollFlushTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_crash_at_any_step_of_a_rolls_background_flush_recovers_the_same_log_and_producer_state()
    {
        var config = new LogConfig { SegmentBytes = 300 };
        var copies = new List<(string Path, int Step)>();
        var expected = new List<State>();
        // The flush starts while the append that rolled still writes its batch: copies wait for that append to
        // return, after which the test thread only reads until WaitForRollFlushes returns.
        using var appended = new ManualResetEventSlim(initialState: true);
        using (var log = PartitionLog.Open(_directory.Combine("log"), config))
        {
            log.RollFlushStepHook = step =>
            {
                Assert.True(appended.Wait(Patience));
                var path = _directory.Combine($"crash-{copies.Count:D3}-{step}");
                ProducerBatches.CopyDirectory(log.Directory, path);
                copies.Add((path, expected.Count));
            };
            var random = new Random(11);
            var sequences = new int[4];
            var open = new bool[4];
            for (var step = 0; step < 60; step++)
            {
                var segments = log.SegmentCount;
                var producer = random.Next(1, 4);
                appended.Reset();
                if (producer == 1 && open[1] && random.Next(3) == 0)
                {
                    log.AppendEndTransactionMarker(1, 0, commit: random.Next(2) == 0, coordinatorEpoch: 0, now: step);
                    open[1] = false;
                }
                else
                {
                    // Producer 1 is transactional, 2 and 3 idempotent.
                    log.Append(ProducerBatches.Create(producer, 0, sequences[producer], count: 2, transactional: producer == 1, key: $"s{step}"), TimestampType.CreateTime, step);
                    sequences[producer] += 2;
                    open[producer] |= producer == 1;
                }
                appended.Set();
                if (log.SegmentCount > segments)
                {
                    // Copies taken from now until the wait returns are crashes in the state after this append.
                    var state = State.Of(log);
                    log.WaitForRollFlushes();
                    expected.Add(state);
                }
            }
            Assert.True(log.SegmentCount > 10, $"{log.SegmentCount} segments");
        }

        foreach (var step in new[] { "rolled", "segment-flushed", "snapshot-temporary", "snapshot-written" })
        {
            Assert.True(copies.Count(c => c.Path.EndsWith(step, StringComparison.Ordinal)) > 5, step);
        }
        foreach (var (path, step) in copies)
        {
            using var log = PartitionLog.Open(path, config);
            expected[step].AssertSame(log, path);
            Assert.False(File.Exists(Path.Combine(path, "producer-state.snapshot.tmp")));
        }
    }

    [Fact]
    public void Appends_go_on_while_a_rolled_segment_is_being_flushed()
    {
        var batch = TestBatches.Create(2);
        using var held = new ManualResetEventSlim();
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 2 * batch.Length });
        log.RollFlushStepHook = step =>
        {
            if (step == "rolled")
            {
                held.Wait(Patience);
            }
        };
        for (var i = 0; i < 3; i++)
        {
            log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        }
        Assert.Equal(2, log.SegmentCount);

        // The roll's flush waits on the hook; appends, reads and a second roll do not wait for it.
        for (var i = 0; i < 3; i++)
        {
            log.Append(TestBatches.Create(2), TimestampType.CreateTime, 0);
        }
        Assert.Equal(3, log.SegmentCount);
        Assert.Equal(12, TestLogs.ReadAll(log).Count);
        Assert.Equal(0, log.FsyncCount);

        held.Set();
        log.WaitForRollFlushes();
        Assert.Equal(2, log.FsyncCount);
        Assert.Equal(8, SnapshotOffset(log.Directory));
    }

    [Fact]
    public void The_flush_policy_waits_for_the_rolled_segment_it_still_counts_as_unflushed()
    {
        var batch = TestBatches.Create(1);
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = 2 * batch.Length, FlushMessages = 3 });
        var flushedSegment = false;
        log.RollFlushStepHook = step => flushedSegment |= step == "segment-flushed";
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);

        // Rolls: the two records before it are still unflushed, so this third one reaches flush.messages.
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);

        Assert.Equal(2, log.SegmentCount);
        Assert.True(flushedSegment);
        Assert.Equal(2, log.FsyncCount);
    }

    [Fact]
    public void A_failed_background_flush_is_thrown_by_the_next_Flush_once()
    {
        var batch = TestBatches.Create(1);
        using var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = batch.Length });
        log.RollFlushStepHook = step =>
        {
            if (step == "segment-flushed")
            {
                throw new IOException("simulated disk error");
            }
        };
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);

        var error = Assert.Throws<IOException>(log.Flush);
        Assert.Equal("simulated disk error", error.InnerException?.Message);
        log.Flush();
    }

    [Fact]
    public async Task Dispose_waits_for_a_rolls_flush_so_that_its_final_snapshot_stays_the_newest()
    {
        var batch = TestBatches.Create(1);
        using var held = new ManualResetEventSlim();
        var log = PartitionLog.Open(_directory.Path, new LogConfig { SegmentBytes = batch.Length });
        log.RollFlushStepHook = step =>
        {
            if (step == "segment-flushed")
            {
                held.Wait(Patience);
            }
        };
        log.Append(ProducerBatches.Create(7, 0, 0), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(7, 0, 1), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(7, 0, 2), TimestampType.CreateTime, 0);

        var closing = Task.Run(log.Dispose);
        await Task.WhenAny(closing, Task.Delay(200));
        Assert.False(closing.IsCompleted);
        held.Set();
        await closing.WaitAsync(Patience);

        Assert.Equal(3, SnapshotOffset(_directory.Path));
        using var reopened = PartitionLog.Open(_directory.Path, log.Config);
        Assert.Equal(2, Assert.Single(reopened.Producers()).LastSequence);
    }

    [Fact]
    public async Task DeleteLog_with_a_rolls_flush_in_progress_leaves_no_directory_behind()
    {
        var batch = TestBatches.Create(1);
        using var held = new ManualResetEventSlim();
        var log = PartitionLog.Open(_directory.Combine("log"), new LogConfig { SegmentBytes = batch.Length });
        log.RollFlushStepHook = step =>
        {
            if (step == "rolled")
            {
                held.Wait(Patience);
            }
        };
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
        log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);

        var deleting = Task.Run(log.DeleteLog);
        await Task.WhenAny(deleting, Task.Delay(200));
        Assert.False(deleting.IsCompleted);
        held.Set();
        await deleting.WaitAsync(Patience);

        Assert.False(Directory.Exists(_directory.Combine("log")));
    }

    [Fact]
    public void A_segment_deleted_by_retention_while_its_flush_waits_is_skipped_harmlessly()
    {
        var batch = TestBatches.Create(1);
        using var held = new ManualResetEventSlim();
        var config = new LogConfig { SegmentBytes = batch.Length, FileDeleteDelayMs = 0 };
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            log.RollFlushStepHook = step =>
            {
                if (step == "rolled")
                {
                    held.Wait(Patience);
                }
            };
            for (var i = 0; i < 3; i++)
            {
                log.Append(TestBatches.Create(1), TimestampType.CreateTime, 0);
            }
            Assert.Equal(2, log.DeleteRecordsBefore(2));
            Assert.Equal([2L], TestLogs.SegmentBaseOffsets(_directory.Path));

            held.Set();
            log.WaitForRollFlushes();

            // Both deleted segments were closed before their flush ran: nothing to fsync, nothing recreated.
            Assert.Equal(0, log.FsyncCount);
            Assert.Equal([2L], TestLogs.SegmentBaseOffsets(_directory.Path));
            Assert.Equal(2, SnapshotOffset(_directory.Path));
        }
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(2, log.LogStartOffset);
            Assert.Equal(3, log.LogEndOffset);
        }
    }

    [Fact]
    public void A_segment_compacted_away_while_its_flush_waits_is_flushed_harmlessly()
    {
        var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 1 };
        using var held = new ManualResetEventSlim();
        List<StoredRecord> compacted;
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            for (var i = 0; i < 4; i++)
            {
                log.Append(TestBatches.Create([new TestRecord("k", $"v{i}", 1_000)]), TimestampType.CreateTime, 0);
            }
            log.WaitForRollFlushes();
            log.RollFlushStepHook = step =>
            {
                if (step == "rolled")
                {
                    held.Wait(Patience);
                }
            };
            // Rolls segment 3; its flush waits while compaction replaces it (and the segments before it).
            log.Append(TestBatches.Create([new TestRecord("other", "x", 1_000)]), TimestampType.CreateTime, 0);
            Assert.True(log.Compact(now: 1_000).SegmentsCleaned >= 4);
            compacted = TestLogs.ReadAll(log);
            Assert.Equal(["3:v3", "4:x"], compacted.Select(r => $"{r.Offset}:{r.Value}"));

            held.Set();
            log.WaitForRollFlushes();
            Assert.Equal(compacted, TestLogs.ReadAll(log), StoredRecordComparer.Instance);
        }
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.deleted"));
        using (var log = PartitionLog.Open(_directory.Path, config))
        {
            Assert.Equal(compacted, TestLogs.ReadAll(log), StoredRecordComparer.Instance);
        }
    }

    private static long SnapshotOffset(string directory) => ProducerStateSnapshot.Read(directory, NullLogger.Instance)?.Offset ?? -1;

    /// <summary>What a recovered log must reproduce: its records, offsets, LSO, aborted transactions and producers.</summary>
    private sealed record State(long LogEndOffset, long LastStableOffset, List<string> Records, List<AbortedTransaction> Aborted, List<ProducerInfo> Producers)
    {
        public static State Of(PartitionLog log) => new(
            log.LogEndOffset,
            log.LastStableOffset,
            [.. TestLogs.ReadAll(log).Select(r => $"{r.Offset}:{r.Key}")],
            [.. log.CollectAbortedTransactions(0, long.MaxValue)],
            [.. log.Producers().OrderBy(p => p.ProducerId)]);

        public void AssertSame(PartitionLog log, string because)
        {
            var actual = Of(log);
            Assert.True(LogEndOffset == actual.LogEndOffset, $"{because}: log end offset {actual.LogEndOffset}, expected {LogEndOffset}");
            Assert.True(LastStableOffset == actual.LastStableOffset, $"{because}: last stable offset {actual.LastStableOffset}, expected {LastStableOffset}");
            Assert.True(Records.SequenceEqual(actual.Records), because);
            Assert.True(Aborted.SequenceEqual(actual.Aborted), because);
            Assert.True(Producers.SequenceEqual(actual.Producers), because);
        }
    }
}
