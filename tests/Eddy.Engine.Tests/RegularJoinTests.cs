using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>
/// The regular join of updating keyed streams and the table–table join. The updating streams are two tables' rows
/// regrouped by the group before their value's ':' ("a:1" is in group "a"), so a group holds a multiset of rows
/// (two table keys may hold equal rows) that updates and deletes of the tables retract.
/// </summary>
public class RegularJoinTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static string Group(string row) => row[..row.IndexOf(':', StringComparison.Ordinal)];

    private static string Joined(string? left, string? right) => $"{left ?? "-"}|{right ?? "-"}";

    /// <summary>tables "l" and "r" (key → "group:value") → by group → regular join → "out".</summary>
    private static JobTestDriver GroupJoin(JoinType type, TimeSpan? ttl = null, int partitions = 1)
    {
        var job = new JobBuilder("t");
        var left = job.Table("l", Serdes.String, Serdes.String, name: "l").GroupBy((_, row) => Group(row), Serdes.String, name: "l-by-group");
        var right = job.Table("r", Serdes.String, Serdes.String, name: "r").GroupBy((_, row) => Group(row), Serdes.String, name: "r-by-group");
        left.Join(right, (_, l, r) => Joined(l, r), Serdes.String, type, ttl, name: "join").To("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    /// <summary>tables "l" and "r" joined on their key → "out".</summary>
    private static JobTestDriver TableJoin(JoinType type, TimeSpan? ttl = null, int partitions = 1)
    {
        var job = new JobBuilder("t");
        var left = job.Table("l", Serdes.String, Serdes.String, name: "l");
        var right = job.Table("r", Serdes.String, Serdes.String, name: "r");
        left.Join(right, (_, l, r) => Joined(l, r), Serdes.String, type, ttl, name: "join").ToChangelog("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    private static List<(string Value, RowKind Kind)> Read(JobTestDriver driver) =>
        driver.Output<string, string>("out").ReadAll().Select(r => (r.Value, r.Kind)).ToList();

    [Fact]
    public void An_inner_join_emits_each_match_and_forwards_an_updates_kinds_to_its_results()
    {
        using var driver = GroupJoin(JoinType.Inner);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k1", "a:1", 1);
        Assert.Empty(Read(driver));
        r.Pipe("k9", "a:x", 2);
        Assert.Equal([("a:1|a:x", RowKind.Insert)], Read(driver));
        r.Pipe("k8", "a:y", 3);
        Assert.Equal([("a:1|a:y", RowKind.Insert)], Read(driver));
        l.Pipe("k1", "a:2", 4);
        Assert.Equal(
        [
            ("a:1|a:x", RowKind.UpdateBefore),
            ("a:1|a:y", RowKind.UpdateBefore),
            ("a:2|a:x", RowKind.UpdateAfter),
            ("a:2|a:y", RowKind.UpdateAfter),
        ], Read(driver));
        r.Pipe("k9", null!, 5);
        Assert.Equal([("a:2|a:x", RowKind.Delete)], Read(driver));
    }

    [Fact]
    public void A_left_join_retracts_the_padded_row_at_the_first_match_and_emits_it_again_when_the_last_match_goes()
    {
        using var driver = GroupJoin(JoinType.Left);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k1", "a:1", 1);
        Assert.Equal([("a:1|-", RowKind.Insert)], Read(driver));
        r.Pipe("k9", "a:x", 2);
        Assert.Equal([("a:1|-", RowKind.Delete), ("a:1|a:x", RowKind.Insert)], Read(driver));
        r.Pipe("k8", "a:y", 3);
        Assert.Equal([("a:1|a:y", RowKind.Insert)], Read(driver));
        r.Pipe("k9", null!, 4);
        Assert.Equal([("a:1|a:x", RowKind.Delete)], Read(driver));
        r.Pipe("k8", null!, 5);
        Assert.Equal([("a:1|a:y", RowKind.Delete), ("a:1|-", RowKind.Insert)], Read(driver));
        l.Pipe("k1", null!, 6);
        Assert.Equal([("a:1|-", RowKind.Delete)], Read(driver));
    }

    [Fact]
    public void A_right_join_keeps_unmatched_right_rows_and_drops_unmatched_left_rows()
    {
        using var driver = GroupJoin(JoinType.Right);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k1", "a:1", 1);
        Assert.Empty(Read(driver));
        r.Pipe("k9", "b:x", 2);
        Assert.Equal([("-|b:x", RowKind.Insert)], Read(driver));
        l.Pipe("k2", "b:2", 3);
        Assert.Equal([("-|b:x", RowKind.Delete), ("b:2|b:x", RowKind.Insert)], Read(driver));
    }

    [Fact]
    public void A_full_join_pads_either_side_and_swaps_padded_and_joined_rows_both_ways()
    {
        using var driver = GroupJoin(JoinType.FullOuter);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        r.Pipe("k9", "a:x", 1);
        Assert.Equal([("-|a:x", RowKind.Insert)], Read(driver));
        l.Pipe("k1", "a:1", 2);
        Assert.Equal([("-|a:x", RowKind.Delete), ("a:1|a:x", RowKind.Insert)], Read(driver));
        l.Pipe("k1", null!, 3);
        Assert.Equal([("a:1|a:x", RowKind.Delete), ("-|a:x", RowKind.Insert)], Read(driver));
        l.Pipe("k2", "b:2", 4);
        Assert.Equal([("b:2|-", RowKind.Insert)], Read(driver));
    }

    [Fact]
    public void Equal_rows_on_one_side_are_a_multiset_each_copy_joining_and_retracting_once()
    {
        using var driver = GroupJoin(JoinType.Inner);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k1", "a:1", 1);
        l.Pipe("k2", "a:1", 2);
        r.Pipe("k9", "a:x", 3);
        Assert.Equal([("a:1|a:x", RowKind.Insert), ("a:1|a:x", RowKind.Insert)], Read(driver));
        l.Pipe("k1", null!, 4);
        Assert.Equal([("a:1|a:x", RowKind.Delete)], Read(driver));
        Assert.Single(driver.Store("t-join-left").Range([], null));
    }

    [Fact]
    public void A_table_join_emits_an_update_pair_when_either_row_changes()
    {
        using var driver = TableJoin(JoinType.Inner);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k", "1", 1);
        Assert.Empty(Read(driver));
        r.Pipe("k", "x", 2);
        Assert.Equal([("1|x", RowKind.Insert)], Read(driver));
        l.Pipe("k", "2", 3);
        Assert.Equal([("1|x", RowKind.UpdateBefore), ("2|x", RowKind.UpdateAfter)], Read(driver));
        r.Pipe("k", "y", 4);
        Assert.Equal([("2|x", RowKind.UpdateBefore), ("2|y", RowKind.UpdateAfter)], Read(driver));
        r.Pipe("k", null!, 5);
        Assert.Equal([("2|y", RowKind.Delete)], Read(driver));
    }

    [Fact]
    public void A_left_table_join_keeps_one_row_per_key_padded_until_the_right_row_comes_and_after_it_goes()
    {
        using var driver = TableJoin(JoinType.Left);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k", "1", 1);
        Assert.Equal([("1|-", RowKind.Insert)], Read(driver));
        r.Pipe("k", "x", 2);
        Assert.Equal([("1|-", RowKind.UpdateBefore), ("1|x", RowKind.UpdateAfter)], Read(driver));
        r.Pipe("k", null!, 3);
        Assert.Equal([("1|x", RowKind.UpdateBefore), ("1|-", RowKind.UpdateAfter)], Read(driver));
        l.Pipe("k", null!, 4);
        Assert.Equal([("1|-", RowKind.Delete)], Read(driver));
        r.Pipe("j", "y", 5);
        Assert.Empty(Read(driver));
    }

    [Fact]
    public void A_full_table_join_keeps_a_key_while_either_row_is_there()
    {
        using var driver = TableJoin(JoinType.FullOuter);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        r.Pipe("k", "x", 1);
        Assert.Equal([("-|x", RowKind.Insert)], Read(driver));
        l.Pipe("k", "1", 2);
        Assert.Equal([("-|x", RowKind.UpdateBefore), ("1|x", RowKind.UpdateAfter)], Read(driver));
        r.Pipe("k", null!, 3);
        Assert.Equal([("1|x", RowKind.UpdateBefore), ("1|-", RowKind.UpdateAfter)], Read(driver));
        l.Pipe("k", null!, 4);
        Assert.Equal([("1|-", RowKind.Delete)], Read(driver));
    }

    [Theory]
    [InlineData(JoinType.Inner)]
    [InlineData(JoinType.Left)]
    [InlineData(JoinType.Right)]
    [InlineData(JoinType.FullOuter)]
    public void A_regular_join_of_randomly_updated_rows_materializes_to_the_join_of_the_final_rows(JoinType type)
    {
        var random = new Random(1300 + (int)type);
        var ops = RandomOps(random, 400);
        using var driver = GroupJoin(type, partitions: 3);
        Run(driver, ops, restartAt: null);
        AssertMaterialized(driver, GroupOracle(type, ops));
    }

    [Theory]
    [InlineData(JoinType.Inner)]
    [InlineData(JoinType.Left)]
    [InlineData(JoinType.Right)]
    [InlineData(JoinType.FullOuter)]
    public void A_table_join_of_random_upserts_and_deletes_materializes_to_the_join_of_the_final_tables(JoinType type)
    {
        var random = new Random(1310 + (int)type);
        var ops = RandomOps(random, 400);
        using var driver = TableJoin(type, partitions: 3);
        Run(driver, ops, restartAt: null);
        AssertMaterialized(driver, TableOracle(type, ops));
    }

    [Fact]
    public void Joins_restarted_from_their_stores_mid_run_still_materialize_to_the_join_of_the_final_rows()
    {
        var random = new Random(1320);
        var ops = RandomOps(random, 300);
        using (var driver = GroupJoin(JoinType.FullOuter, partitions: 3))
        {
            Run(driver, ops, restartAt: 150);
            AssertMaterialized(driver, GroupOracle(JoinType.FullOuter, ops));
        }

        using (var driver = TableJoin(JoinType.Left, partitions: 2))
        {
            Run(driver, ops, restartAt: 150);
            AssertMaterialized(driver, TableOracle(JoinType.Left, ops));
        }
    }

    [Fact]
    public void Regular_and_table_joins_agree_with_the_oracle_over_random_interleavings_types_and_partitions()
    {
        var op = Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.Int[0, 6]);
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 3], op.Array[0, 40], Gen.Int[0, 40]).Sample(sample =>
        {
            var (typeIndex, partitions, raw, restartAt) = sample;
            var type = (JoinType)typeIndex;
            var ops = raw.Select(o => new Op(o.Item1, $"k{o.Item2}", o.Item3 == 6 ? null : $"{"abc"[o.Item3 % 3]}:{o.Item3 / 3}")).ToList();
            using (var driver = GroupJoin(type, partitions: partitions))
            {
                Run(driver, ops, restartAt);
                AssertMaterialized(driver, GroupOracle(type, ops));
            }

            using (var driver = TableJoin(type, partitions: partitions))
            {
                Run(driver, ops, restartAt);
                AssertMaterialized(driver, TableOracle(type, ops));
            }
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void A_regular_join_with_a_ttl_forgets_rows_not_written_for_the_ttl_without_retracting_their_results()
    {
        using var driver = GroupJoin(JoinType.Inner, ttl: Minute);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k1", "a:1", 1);
        r.Pipe("k9", "a:x", 2);
        Assert.Equal([("a:1|a:x", RowKind.Insert)], Read(driver));
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(30));
        l.Pipe("k2", "a:2", 3);
        Assert.Equal([("a:2|a:x", RowKind.Insert)], Read(driver));
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(40));

        // a:1 and a:x expired (written 70 s ago): only a:2 (written 40 s ago) is left.
        Assert.Empty(Read(driver));
        Assert.Single(driver.Store("t-join-left").Range([], null));
        Assert.Empty(driver.Store("t-join-right").Range([], null));
        r.Pipe("k8", "a:y", 4);
        Assert.Equal([("a:2|a:y", RowKind.Insert)], Read(driver));

        driver.AdvanceProcessingTime(Minute);
        Assert.Empty(driver.Store("t-join-left").Range([], null));
        Assert.Empty(driver.Store("t-join-right").Range([], null));
        Assert.Empty(driver.Store("t-join-timers").Range([], null));
    }

    [Fact]
    public void A_table_join_row_is_dropped_once_its_ttl_has_passed_and_joined_until_then()
    {
        using var driver = TableJoin(JoinType.Inner, ttl: Minute);
        driver.Input<string, string>("l").Pipe("k", "1", 1);
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(59));
        var store = driver.Store("t-join-left");
        Assert.Single(store.Range([], null));
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(1));
        Assert.Empty(store.Range([], null));

        driver.Input<string, string>("l").Pipe("j", "2", 2);
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(59));
        driver.Input<string, string>("r").Pipe("j", "y", 3);
        Assert.Equal([("2|y", RowKind.Insert)], Read(driver));
    }

    [Fact]
    public void A_row_past_its_ttl_is_not_joined_even_before_its_timer_fires()
    {
        var job = new JobBuilder("t");
        job.Table("l", Serdes.String, Serdes.String).Join(job.Table("r", Serdes.String, Serdes.String), (_, l, r) => Joined(l, r), Serdes.String,
            stateTtl: Minute, name: "join").ToChangelog("out");
        var plan = job.Build();
        using var state = new State.InMemoryStateBackend();
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        // Driven directly: the clock moves without the processing-time tick that would fire the timers.
        var task = new Runtime.StageTask(Assert.Single(plan.Stages), 0, state, clock, _ => 1);
        Runtime.InputRecord Row(string key, string value, long timestamp) => new(Serdes.String.Serialize(key), Serdes.String.Serialize(value), timestamp);

        task.ProcessBatch("l", [Row("k", "1", 1), Row("j", "2", 1)]);
        clock.Advance(TimeSpan.FromSeconds(30));
        task.ProcessBatch("l", [Row("j", "3", 2)]);
        clock.Advance(TimeSpan.FromSeconds(30));
        task.ProcessBatch("r", [Row("k", "x", 3), Row("j", "y", 3)]);

        Assert.Equal(2, state.Store("t-join-left", 0).Range([], null).Count());
        var joined = Assert.Single(task.Outputs.Records, r => r.Topic == "out");
        Assert.Equal("3|y", Serdes.String.Deserialize(joined.Value));
    }

    [Fact]
    public void A_table_join_row_written_again_lives_a_full_ttl_from_its_last_write()
    {
        using var driver = TableJoin(JoinType.Inner, ttl: Minute);
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");

        l.Pipe("k", "1", 1);
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(40));
        l.Pipe("k", "2", 2);
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(40));
        r.Pipe("k", "x", 3);
        Assert.Equal([("2|x", RowKind.Insert)], Read(driver));

        driver.AdvanceProcessingTime(TimeSpan.FromMinutes(2));
        r.Pipe("k", "y", 4);
        Assert.Empty(Read(driver));
        Assert.Empty(driver.Store("t-join-left").Range([], null));
    }

    [Fact]
    public void Joining_streams_of_two_jobs_is_refused_when_the_job_is_built()
    {
        var job = new JobBuilder("t");
        var other = new JobBuilder("u");
        var left = job.Table("l", Serdes.String, Serdes.String);
        var right = other.Table("r", Serdes.String, Serdes.String);
        left.Join(right, (_, l, r) => l + r, Serdes.String).To("out");

        var error = Assert.Throws<JobDefinitionException>(() => job.Build());

        Assert.Contains("another job", error.Message);
    }

    internal sealed record Op(bool Left, string Key, string? Row);

    private static List<Op> RandomOps(Random random, int count) =>
        Enumerable.Range(0, count)
            .Select(_ => new Op(random.Next(2) == 0, $"k{random.Next(8)}",
                random.Next(5) == 0 ? null : $"{"abcd"[random.Next(4)]}:{random.Next(3)}"))
            .ToList();

    private static void Run(JobTestDriver driver, List<Op> ops, int? restartAt)
    {
        var l = driver.Input<string, string>("l");
        var r = driver.Input<string, string>("r");
        for (var i = 0; i < ops.Count; i++)
        {
            if (i == restartAt)
            {
                driver.RestartTasks();
            }

            (ops[i].Left ? l : r).Pipe(ops[i].Key, ops[i].Row!, i);
        }
    }

    private static void AssertMaterialized(JobTestDriver driver, List<(string Key, string Value)> expected) =>
        Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(Changelogs.Materialize(driver.Output<string, string>("out").ReadAll())));

    private static Dictionary<string, string> Final(IEnumerable<Op> ops, bool left)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in ops.Where(o => o.Left == left))
        {
            if (op.Row is null)
            {
                rows.Remove(op.Key);
            }
            else
            {
                rows[op.Key] = op.Row;
            }
        }

        return rows;
    }

    /// <summary>The multiset join, per group, of the final rows of both tables.</summary>
    private static List<(string Key, string Value)> GroupOracle(JoinType type, List<Op> ops)
    {
        var lefts = Final(ops, left: true).Values.ToLookup(Group);
        var rights = Final(ops, left: false).Values.ToLookup(Group);
        var result = new List<(string, string)>();
        foreach (var g in lefts.Select(g => g.Key).Union(rights.Select(g => g.Key)))
        {
            var ls = lefts[g].ToList();
            var rs = rights[g].ToList();
            if (ls.Count > 0 && rs.Count > 0)
            {
                result.AddRange(from l in ls from r in rs select (g, Joined(l, r)));
            }
            else if (ls.Count > 0 && type is JoinType.Left or JoinType.FullOuter)
            {
                result.AddRange(ls.Select(l => (g, Joined(l, null))));
            }
            else if (rs.Count > 0 && type is JoinType.Right or JoinType.FullOuter)
            {
                result.AddRange(rs.Select(r => (g, Joined(null, r))));
            }
        }

        return result;
    }

    /// <summary>The join, per key, of the final rows of both tables.</summary>
    private static List<(string Key, string Value)> TableOracle(JoinType type, List<Op> ops)
    {
        var lefts = Final(ops, left: true);
        var rights = Final(ops, left: false);
        var result = new List<(string, string)>();
        foreach (var key in lefts.Keys.Union(rights.Keys))
        {
            var l = lefts.GetValueOrDefault(key);
            var r = rights.GetValueOrDefault(key);
            var keep = type switch
            {
                JoinType.Inner => l is not null && r is not null,
                JoinType.Left => l is not null,
                JoinType.Right => r is not null,
                _ => true,
            };
            if (keep)
            {
                result.Add((key, Joined(l, r)));
            }
        }

        return result;
    }
}
