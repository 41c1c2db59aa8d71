using CsCheck;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Tests;

/// <summary>
/// The interval join's in-memory mirror of its side stores (<see cref="JoinSideRows"/>): it answers as the store does,
/// gives way to the store when over budget and comes back, and is rebuilt from the stores when a task restarts.
/// </summary>
public class IntervalJoinMirrorTests
{
    private static JoinDriver Join(long lower, long upper, JoinType type, long mirrorBytes, int partitions = 1) =>
        new(JoinInputs.Drive((left, right) => left.IntervalJoin(right, TimeSpan.FromMilliseconds(lower), TimeSpan.FromMilliseconds(upper),
            JoinInputs.Joined, Serdes.String, type, leftSerde: null, rightSerde: null, name: "join", mirrorBytes), partitions));

    private static byte[] Key(int key) => [(byte)'k', (byte)key];

    private static byte[] Rows(string value)
    {
        var rows = new System.Buffers.ArrayBufferWriter<byte>();
        JoinRows.Append(rows, new System.Buffers.ArrayBufferWriter<byte>(), [], matched: false, Serdes.String, value);
        return rows.WrittenSpan.ToArray();
    }

    private static List<(long Timestamp, string Rows)> Scan(JoinSideRows side, byte[] key, long from, long to)
    {
        var entries = new List<(long Timestamp, byte[] Rows)>();
        side.Scan(key, from, to, entries);
        return entries.Select(e => (e.Timestamp, Convert.ToHexString(e.Rows))).ToList();
    }

    [Fact]
    public void A_side_over_its_budget_reads_its_store_and_mirrors_it_again_once_its_entries_have_halved()
    {
        // Each entry costs its rows plus about 50 bytes and a key about 100: room for a key with three entries.
        var side = new JoinSideRows(new InMemoryKeyValueStore("left"), budgetBytes: 300);
        side.Load((_, _) => { });
        for (var t = 1; t <= 3; t++)
        {
            side.Insert(Key(1), t, Rows($"a{t}"));
        }

        Assert.True(side.Mirrored);
        for (var t = 4; t <= 8; t++)
        {
            side.Insert(Key(1), t, Rows($"a{t}"));
        }

        Assert.False(side.Mirrored);
        Assert.Equal(8, side.Entries);
        Assert.Equal([3L, 4, 5], Scan(side, Key(1), 3, 5).Select(e => e.Timestamp));
        Assert.Equal(Convert.ToHexString(Rows("a4")), Convert.ToHexString(side.Get(Key(1), 4)!));

        // It overflowed at 4 entries (more than 300 bytes), so it mirrors again once they are down to 2.
        for (var t = 1; t <= 5; t++)
        {
            side.Delete(Key(1), t);
            Assert.False(side.Mirrored);
        }

        side.Delete(Key(1), 6);
        Assert.True(side.Mirrored);
        Assert.Equal([(7L, Convert.ToHexString(Rows("a7"))), (8L, Convert.ToHexString(Rows("a8")))], Scan(side, Key(1), 0, 100));
    }

    [Fact]
    public void A_side_loaded_from_its_store_mirrors_every_entry_and_reports_each_once_for_its_expiry()
    {
        var store = new InMemoryKeyValueStore("right");
        var before = new JoinSideRows(store, budgetBytes: 1 << 20);
        before.Load((_, _) => { });
        before.Insert(Key(1), 10, Rows("x"));
        before.Insert(Key(1), 12, Rows("y"));
        before.Insert(Key(2), 11, Rows("z"));

        var reported = new List<(string Key, long Timestamp)>();
        var after = new JoinSideRows(store, budgetBytes: 1 << 20);
        after.Load((key, timestamp) => reported.Add((Convert.ToHexString(key), timestamp)));

        Assert.True(after.Mirrored);
        Assert.Equal(3, after.Entries);
        Assert.Equal([(Convert.ToHexString(Key(1)), 10L), (Convert.ToHexString(Key(1)), 12L), (Convert.ToHexString(Key(2)), 11L)],
            reported.Order());
        Assert.Equal(Scan(before, Key(1), 0, 20), Scan(after, Key(1), 0, 20));
        Assert.Equal(Scan(before, Key(2), 11, 11), Scan(after, Key(2), 11, 11));
    }

    [Fact]
    public void A_side_whose_store_is_over_budget_when_loaded_reads_its_store_and_still_reports_every_entry()
    {
        var store = new InMemoryKeyValueStore("left");
        var writer = new JoinSideRows(store, budgetBytes: 1 << 20);
        writer.Load((_, _) => { });
        for (var t = 0; t < 10; t++)
        {
            writer.Insert(Key(t % 3), t, Rows($"a{t}"));
        }

        var reported = 0;
        var side = new JoinSideRows(store, budgetBytes: 200);
        side.Load((_, _) => reported++);

        Assert.False(side.Mirrored);
        Assert.Equal(10, reported);
        Assert.Equal(10, side.Entries);
        Assert.Equal(Scan(writer, Key(0), 0, 9), Scan(side, Key(0), 0, 9));
    }

    [Fact]
    public void Mirrored_and_store_read_sides_answer_every_scan_and_read_alike_through_random_writes()
    {
        var operation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Long[0, 20], Gen.Long[0, 6], Gen.Int[0, 9]);
        Gen.Select(operation.Array[1, 120], Gen.Int[0, 600])
            .Sample((operations, budget) =>
            {
                var mirrored = new JoinSideRows(new InMemoryKeyValueStore("m"), budgetBytes: long.MaxValue);
                var bounded = new JoinSideRows(new InMemoryKeyValueStore("b"), budget);
                mirrored.Load((_, _) => { });
                bounded.Load((_, _) => { });
                foreach (var (kind, keyNumber, timestamp, width, value) in operations)
                {
                    var key = Key(keyNumber);
                    var exists = mirrored.Get(key, timestamp) is not null;
                    foreach (var side in new[] { mirrored, bounded })
                    {
                        switch (kind)
                        {
                            case 0 when !exists:
                                side.Insert(key, timestamp, Rows($"v{value}"));
                                break;
                            case 1 when exists:
                                side.Update(key, timestamp, Rows($"w{value}"));
                                break;
                            case 2 when exists:
                                side.Delete(key, timestamp);
                                break;
                        }
                    }

                    Assert.Equal(mirrored.Entries, bounded.Entries);
                    Assert.Equal(Scan(mirrored, key, timestamp - width, timestamp + width), Scan(bounded, key, timestamp - width, timestamp + width));
                    Assert.Equal(mirrored.Get(key, timestamp), bounded.Get(key, timestamp));
                }
            }, iter: 200, threads: 1);
    }

    [Fact]
    public void A_restarted_task_rebuilds_its_mirror_from_the_stores_so_rows_stored_before_still_match_and_expire_as_outer_rows()
    {
        using var join = Join(-2, 2, JoinType.FullOuter, IntervalJoinDefinition.DefaultMirrorBytes);
        join.Left("k", "a", 10);
        join.Left("k", "b", 12);
        join.Right("q", "x", 11);
        join.Left("k", "c", 30); // the watermark stays at the right side's 11 - 5: nothing expires yet
        Assert.Empty(join.Read());

        join.Driver.RestartTasks();
        join.Right("k", "y", 11); // matches a and b, stored before the restart
        Assert.Equal(["k:a|y@11", "k:b|y@12"], join.Read());

        join.AdvanceWatermark(100);
        Assert.Equal(["k:c|-@30", "q:-|x@11"], join.Read().Order(StringComparer.Ordinal));
        Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right"));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(400L)]
    [InlineData(3_000L)]
    public void Joins_whose_mirrors_overflow_and_come_back_mid_run_give_the_nested_loop_answer_across_restarts(long mirrorBytes)
    {
        Gen.Select(JoinInputs.Side("a", maxRows: 120, keys: 6), JoinInputs.Side("x", maxRows: 120, keys: 6), Gen.Int[0, 3], Gen.Int, Gen.Int[0, 240])
            .Sample((lefts, rights, type, seed, restartAfter) =>
            {
                using var join = Join(-4, 3, (JoinType)type, mirrorBytes, JoinInputs.Partitions);
                JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed), restartAfter);
                Assert.Equal(JoinInputs.Expected(IntervalJoinTests.Oracle(lefts, rights, -4, 3, (JoinType)type)), JoinInputs.Results(join.Driver));
                Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right"));
            }, iter: 25, threads: 1);
    }
}
