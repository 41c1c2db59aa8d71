using Eddy.Broker.Groups;
using Eddy.Storage;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>
/// Commits of different groups take different locks; commits of one group, and the transaction markers that apply
/// its pending commits, are ordered by that group's lock. Whatever the interleaving, the offsets in memory are those
/// a replay of the log (a restarted broker) finds: checked after every round of writers racing on the same keys.
/// </summary>
public class OffsetStoreConcurrencyTests
{
    private const int Partitions = 3;

    [Fact]
    public async Task Concurrent_commits_of_many_groups_and_of_one_group_end_in_memory_as_the_replay_of_the_log()
    {
        using var data = new TempDirectory();
        using var log = OpenOffsetsLog(data.Path);
        var offsets = new OffsetStore(log, TimeProvider.System);
        const int Writers = 4;
        const int Rounds = 150;
        using var round = new Barrier(Writers, _ => AssertReplayMatches(log, offsets));

        await RunAll(Enumerable.Range(0, Writers).Select<int, Action>(writer => () =>
        {
            for (var r = 0; r < Rounds; r++)
            {
                // All writers race on the same partitions of "shared"; each also writes a group of its own.
                var partition = r % Partitions;
                offsets.Commit($"own-{writer}", [("t", partition, Offset(r, writer))]);
                offsets.Commit("shared", [("t", partition, Offset(r, writer)), ("t", (partition + 1) % Partitions, Offset(r, writer))]);
                if ((r + writer) % 7 == 0)
                {
                    offsets.Delete("shared", [("t", (partition + 2) % Partitions)]);
                }
                if ((r + writer) % 5 == 0)
                {
                    offsets.StoreGroup("shared", new StoredGroup("consumer", r, "range", $"leader-{writer}", r, []));
                }
                round.SignalAndWait();
            }
        }));

        for (var writer = 0; writer < Writers; writer++)
        {
            Assert.Equal(
                Enumerable.Range(Rounds - Partitions, Partitions).Select(r => (r % Partitions, Offset(r, writer).Offset)).Order(),
                offsets.Offsets($"own-{writer}").Select(o => (o.Key.Partition, o.Value.Offset)).Order());
        }
    }

    [Fact]
    public async Task Plain_commits_racing_transaction_markers_of_the_same_groups_end_in_memory_as_the_replay_of_the_log()
    {
        using var data = new TempDirectory();
        using var log = OpenOffsetsLog(data.Path);
        var offsets = new OffsetStore(log, TimeProvider.System);
        const int Producers = 3;
        const int PlainWriters = 2;
        const int Rounds = 120;
        using var round = new Barrier(Producers + PlainWriters, _ => AssertReplayMatches(log, offsets));

        // Transactional producers commit offsets of "shared" (and, every other round, of a second group in the same
        // transaction) and end the transaction, mostly committing it; plain writers commit the same partitions of
        // both groups meanwhile.
        var transactional = Enumerable.Range(1, Producers).Select<int, Action>(producer => () =>
        {
            for (var r = 0; r < Rounds; r++)
            {
                var partition = r % Partitions;
                offsets.CommitTransactional("shared", producer, 0, [("t", partition, Offset(r, 100 + producer))]);
                if (r % 2 == 0)
                {
                    offsets.CommitTransactional("second", producer, 0, [("t", partition, Offset(r, 100 + producer))]);
                }
                offsets.CompleteTransaction(producer, 0, commit: (r + producer) % 4 != 0, coordinatorEpoch: 0);
                round.SignalAndWait();
            }
        });
        var plain = Enumerable.Range(0, PlainWriters).Select<int, Action>(writer => () =>
        {
            for (var r = 0; r < Rounds; r++)
            {
                var partition = r % Partitions;
                offsets.Commit("shared", [("t", partition, Offset(r, writer))]);
                offsets.Commit("second", [("t", partition, Offset(r, writer))]);
                round.SignalAndWait();
            }
        });
        await RunAll([.. transactional, .. plain]);

        for (var partition = 0; partition < Partitions; partition++)
        {
            Assert.False(offsets.HasPendingTransactionalOffset("shared", "t", partition));
            Assert.False(offsets.HasPendingTransactionalOffset("second", "t", partition));
        }
        Assert.Equal(Partitions, offsets.Offsets("shared").Count);
    }

    /// <summary>Runs each on a thread of its own (they block on a barrier; the thread pool would add threads slowly).</summary>
    private static Task RunAll(IEnumerable<Action> writers) =>
        Task.WhenAll(writers.Select(w => Task.Factory.StartNew(w, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

    /// <summary>
    /// The offsets log, whose Appended event (raised after each write, before the store applies it in memory) now
    /// and then gives the processor away: it widens the window in which a write of the same group could slip in
    /// between another's append and its apply, were the store's locking wrong.
    /// </summary>
    private static PartitionLog OpenOffsetsLog(string dataDirectory)
    {
        var log = PartitionLog.Open(Path.Combine(dataDirectory, "__consumer_offsets-0"), new LogConfig { Compact = true, Delete = false, SegmentBytes = 64 * 1024 });
        var appends = 0;
        log.Appended += _ =>
        {
            if (Interlocked.Increment(ref appends) % 8 == 0)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        };
        return log;
    }

    private static CommittedOffset Offset(int round, int writer) => new((round * 1_000L) + writer, -1, $"w{writer}", round);

    /// <summary>A second store replays the same log: every group's offsets and metadata must equal the first's.</summary>
    private static void AssertReplayMatches(PartitionLog log, OffsetStore offsets)
    {
        var replayed = new OffsetStore(log, TimeProvider.System);
        var groups = offsets.Groups.Union(replayed.Groups).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            Assert.Equal(Sorted(offsets.Offsets(group)), Sorted(replayed.Offsets(group)));
        }
        Assert.Equal(offsets.StoredGroups.Keys.Order(), replayed.StoredGroups.Keys.Order());
        foreach (var (group, stored) in offsets.StoredGroups)
        {
            Assert.Equal((stored.Generation, stored.Leader), (replayed.StoredGroups[group].Generation, replayed.StoredGroups[group].Leader));
        }
    }

    private static List<string> Sorted(IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> offsets) =>
        [.. offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition).Select(o => $"{o.Key}={o.Value}")];
}
