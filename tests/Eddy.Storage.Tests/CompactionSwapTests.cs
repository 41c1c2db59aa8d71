using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage.Tests;

/// <summary>
/// The compactor swaps cleaned segments in only through the core's check that the segments it replaces are still a
/// sealed run of the open log: retention, DeleteRecords or a close between the copy and the swap make it drop the copy.
/// </summary>
public sealed class CompactionSwapTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Only_a_run_of_sealed_segments_still_in_the_log_can_be_replaced()
    {
        var batch = TestBatches.Create(1);
        var log = LocalLog.Open(_directory.Path, new LogConfig { SegmentBytes = batch.Length }, TimeProvider.System, NullLogger.Instance);
        try
        {
            lock (log.Lock)
            {
                for (var i = 0; i < 4; i++)
                {
                    log.Append(TestBatches.Create(1), 1, TimestampType.CreateTime, 0, AppendOrigin.Client, log.Config, out _);
                }
                var segments = log.Segments;
                Assert.Equal(4, segments.Length);

                Assert.True(log.HoldsSealedRun(segments[..3]));
                Assert.True(log.HoldsSealedRun(segments[1..3]));
                Assert.False(log.HoldsSealedRun(segments[2..]));
                Assert.False(log.HoldsSealedRun([segments[0], segments[2]]));
                Assert.False(log.HoldsSealedRun([segments[1], segments[0]]));

                log.DeleteRecordsBefore(1);
                Assert.False(log.HoldsSealedRun(segments[..2]));
                Assert.True(log.HoldsSealedRun(segments[1..3]));

                log.MarkClosed();
                Assert.False(log.HoldsSealedRun(segments[1..3]));
            }
        }
        finally
        {
            lock (log.Lock)
            {
                log.CloseSegments();
            }
        }
    }

    [Fact]
    public void A_swap_whose_segments_DeleteRecords_removed_meanwhile_drops_the_copy_and_keeps_the_cleaned_point()
    {
        var config = new LogConfig { Compact = true, SegmentBytes = 600 };
        using var log = PartitionLog.Open(_directory.Path, config);
        AppendUpdates(log, rounds: 30);
        var deleteBefore = TestLogs.SegmentBaseOffsets(_directory.Path)[1];
        var swaps = 0;
        log.CompactionStepHook = step =>
        {
            // The copy is whole under its .swap names; the log's lock is not held yet.
            if (step == "swap" && swaps++ == 0)
            {
                log.DeleteRecordsBefore(deleteBefore);
            }
        };
        var expected = TestLogs.ReadAll(log, from: deleteBefore);

        var result = log.Compact(now: 1_000);

        Assert.Equal(0, result.SegmentsCleaned);
        Assert.Equal(0, log.FirstDirtyOffset);
        Assert.Empty(LeftoverFiles());
        Assert.Equal(expected, TestLogs.ReadAll(log), StoredRecordComparer.Instance);

        // Nothing stays stuck: the next pass cleans what is left.
        log.CompactionStepHook = null;
        Assert.True(log.Compact(now: 1_000).SegmentsCleaned > 0);
        Assert.True(log.FirstDirtyOffset > deleteBefore);
    }

    [Fact]
    public void A_swap_after_the_log_closed_drops_the_copy_and_the_log_reopens_as_it_was()
    {
        var config = new LogConfig { Compact = true, SegmentBytes = 600 };
        List<StoredRecord> before;
        var log = PartitionLog.Open(_directory.Path, config);
        try
        {
            AppendUpdates(log, rounds: 30);
            before = TestLogs.ReadAll(log);
            log.CompactionStepHook = step =>
            {
                if (step == "swap")
                {
                    log.Dispose();
                }
            };

            Assert.Equal(0, log.Compact(now: 1_000).SegmentsCleaned);
        }
        finally
        {
            log.Dispose();
        }

        Assert.Empty(LeftoverFiles());
        using var reopened = PartitionLog.Open(_directory.Path, config);
        Assert.Equal(before, TestLogs.ReadAll(reopened), StoredRecordComparer.Instance);
        Assert.Equal(0, reopened.FirstDirtyOffset);
    }

    /// <summary>Each round updates the same three keys, so every sealed segment has records the cleaner drops.</summary>
    private static void AppendUpdates(PartitionLog log, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            log.Append(TestBatches.Create([new TestRecord("a", $"a{round}", 1_000), new TestRecord("b", $"b{round}", 1_000), new TestRecord("c", $"c{round}", 1_000)]), TimestampType.CreateTime, 0);
        }
        Assert.True(log.SegmentCount > 3, $"{log.SegmentCount} segments");
    }

    private string[] LeftoverFiles() =>
        [.. Directory.GetFiles(_directory.Path).Where(f => f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal))];
}
