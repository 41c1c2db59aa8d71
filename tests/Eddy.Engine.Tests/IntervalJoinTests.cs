using CsCheck;

namespace Eddy.Engine.Tests;

public class IntervalJoinTests
{
    private static JoinDriver Join(long lower, long upper, JoinType type, int partitions = 1) =>
        new(JoinInputs.Drive((left, right) => left.IntervalJoin(right, TimeSpan.FromMilliseconds(lower), TimeSpan.FromMilliseconds(upper),
            JoinInputs.Joined, Serdes.String, type, name: "join"), partitions));

    /// <summary>The brute-force answer: every pair in range, then each outer side's rows that no pair used.</summary>
    internal static IEnumerable<(string Key, string? Left, string? Right, long Timestamp)> Oracle(JoinRow[] lefts, JoinRow[] rights, long lower,
        long upper, JoinType type)
    {
        var leftMatched = new bool[lefts.Length];
        var rightMatched = new bool[rights.Length];
        for (var i = 0; i < lefts.Length; i++)
        {
            for (var j = 0; j < rights.Length; j++)
            {
                var (l, r) = (lefts[i], rights[j]);
                if (l.Key == r.Key && l.Timestamp + lower <= r.Timestamp && r.Timestamp <= l.Timestamp + upper)
                {
                    leftMatched[i] = rightMatched[j] = true;
                    yield return (l.Key, l.Value, r.Value, Math.Max(l.Timestamp, r.Timestamp));
                }
            }
        }

        for (var i = 0; i < lefts.Length; i++)
        {
            if (!leftMatched[i] && type is JoinType.Left or JoinType.FullOuter)
            {
                yield return (lefts[i].Key, lefts[i].Value, null, lefts[i].Timestamp);
            }
        }

        for (var j = 0; j < rights.Length; j++)
        {
            if (!rightMatched[j] && type is JoinType.Right or JoinType.FullOuter)
            {
                yield return (rights[j].Key, null, rights[j].Value, rights[j].Timestamp);
            }
        }
    }

    [Fact]
    public void A_row_joins_every_row_of_the_other_side_in_its_interval_on_arrival_stamped_with_the_later_timestamp()
    {
        using var join = Join(-2, 3, JoinType.Inner);
        join.Right("k", "x", 7); // before 10 - 2
        join.Right("k", "y", 8);
        join.Right("q", "y", 10); // another key
        join.Left("k", "a", 10);
        Assert.Equal(["k:a|y@10"], join.Read());

        join.Right("k", "z", 13);
        join.Right("k", "w", 14); // after 10 + 3
        Assert.Equal(["k:a|z@13"], join.Read());
    }

    [Fact]
    public void A_left_join_emits_an_unmatched_left_row_once_the_watermark_reaches_its_time_plus_upper_and_a_matched_one_never()
    {
        using var join = Join(0, 2, JoinType.Left);
        join.Left("k", "a", 10); // can match rights in [10, 12]
        join.Left("k", "b", 12);
        join.Right("k", "x", 14); // matches b only
        Assert.Equal(["k:b|x@14"], join.Read());

        join.AdvanceWatermark(11);
        Assert.Empty(join.Read()); // a right row at 12 could still come

        join.AdvanceWatermark(12);
        Assert.Equal(["k:a|-@10"], join.Read());

        join.AdvanceWatermark(100);
        Assert.Empty(join.Read());
    }

    [Fact]
    public void A_right_join_emits_an_unmatched_right_row_once_the_watermark_reaches_its_time_minus_lower()
    {
        using var join = Join(-3, 0, JoinType.Right); // a right row at tr matches lefts in [tr, tr + 3]
        join.Right("k", "x", 10);
        join.Right("k", "y", 12);
        join.Left("k", "a", 15); // matches y only
        Assert.Equal(["k:a|y@15"], join.Read());

        join.AdvanceWatermark(12);
        Assert.Empty(join.Read());

        join.AdvanceWatermark(13);
        Assert.Equal(["k:-|x@10"], join.Read());

        join.AdvanceWatermark(100);
        Assert.Empty(join.Read());
    }

    [Fact]
    public void A_full_outer_join_emits_the_pairs_and_each_unmatched_row_of_either_side_once()
    {
        using var join = Join(-1, 1, JoinType.FullOuter);
        join.Left("k", "a", 10);
        join.Right("k", "x", 11);
        join.Left("k", "b", 20);
        join.Right("k", "y", 30);
        join.Right("k", "z", 30);
        join.AdvanceWatermark(100);
        Assert.Equal(["k:-|y@30", "k:-|z@30", "k:a|x@11", "k:b|-@20"], join.Read().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_row_at_or_behind_the_watermark_is_late_counted_and_sent_to_its_sides_late_output_without_joining()
    {
        using var join = Join(0, 10, JoinType.FullOuter);
        join.Right("k", "x", 55);
        join.AdvanceWatermark(50);
        join.Left("k", "late", 50); // its interval [50, 60] holds x, but it is late
        join.Right("q", "late-too", 42);

        Assert.Equal(2, join.Driver.LateRecordCount);
        Assert.Empty(join.Read());
        // Without tags of the user's, each side's late rows go to the join's own side output, in the stream's serdes.
        Assert.Equal([("k", "late", 50L)], join.Driver.SideOutput(new OutputTag<string, string>("j-join-late-left")).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal([("q", "late-too", 42L)], join.Driver.SideOutput(new OutputTag<string, string>("j-join-late-right")).Select(r => (r.Key, r.Value, r.Timestamp)));
        join.AdvanceWatermark(100);
        Assert.Equal(["k:-|x@55"], join.Read());
    }

    [Fact]
    public void Late_rows_go_to_the_side_outputs_the_join_is_given_the_plan_declares_them_and_rows_ahead_of_the_watermark_join_as_before()
    {
        var job = new JobBuilder("j");
        var left = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "left");
        var right = job.Source("r", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String, name: "right");
        var lateLefts = new OutputTag<string, string>("late-lefts");
        var lateRights = new OutputTag<string, long>("late-rights");
        left.IntervalJoin(right, TimeSpan.FromMilliseconds(-5), TimeSpan.FromMilliseconds(5), (_, l, r) => $"{l}|{r}", Serdes.String, name: "join",
            lateLeft: lateLefts, lateRight: lateRights).To("out");
        var plan = job.Build();
        Assert.Equal(["late-lefts", "late-rights"], plan.Operators.Single(o => o.Name == "join").SideOutputs);
        using var driver = new Testing.JobTestDriver(plan);

        driver.Input<string, string>("l").Pipe("k", "a", 25);
        driver.AdvanceWatermark("l", 20);
        driver.AdvanceWatermark("r", 20);
        driver.Input<string, long>("r").Pipe("k", 7, 20); // at the watermark: late, though a is in its interval
        driver.Input<string, long>("r").Pipe("k", 8, 21); // just ahead of it: joins a
        driver.Input<string, string>("l").Pipe("k", "b", 19); // behind it: late
        driver.Input<string, string>("l").Pipe("k", "c", 24); // joins 8

        Assert.Equal(2, driver.LateRecordCount);
        Assert.Equal([("k", "b", 19L)], driver.SideOutput(lateLefts).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal([("k", 7L, 20L)], driver.SideOutput(lateRights).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal([("a|8", 25L), ("c|8", 24L)], driver.Output<string, string>("out").ReadAll().Select(r => (r.Value, r.Timestamp)));
        // Nothing else reached the default side outputs.
        Assert.Empty(driver.SideOutput(new OutputTag<string, string>("j-join-late-left")));
        Assert.Empty(driver.SideOutput(new OutputTag<string, long>("j-join-late-right")));
    }

    [Fact]
    public void A_stream_joined_with_itself_pairs_every_row_with_every_row_in_range_itself_included()
    {
        var job = new JobBuilder("j");
        var keyed = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "left");
        keyed.IntervalJoin(keyed, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1), JoinInputs.Joined, Serdes.String, name: "join").To("out");
        using var driver = new Testing.JobTestDriver(job.Build());
        var input = driver.Input<string, string>("l");
        input.Pipe("k", "a", 10);
        input.Pipe("k", "b", 11);
        input.Pipe("k", "c", 13);

        Assert.Equal(
            ["k:a|a@10", "k:a|b@11", "k:b|a@11", "k:b|b@11", "k:c|c@13"],
            JoinInputs.Results(driver).Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rows_wait_in_the_side_stores_and_are_all_gone_once_the_watermark_passes_them()
    {
        using var join = Join(-5, 5, JoinType.FullOuter, JoinInputs.Partitions);
        var rows = JoinInputs.Interleave(
            [new("k1", "a", 10, 0), new("k2", "b", 12, 1), new("k1", "c", 12, 2)],
            [new("k1", "x", 11, 1), new("k3", "y", 14, 0)], seed: 1);
        foreach (var (left, row) in rows)
        {
            (left ? join.LeftInput : join.RightInput).Pipe(row.Key, row.Value, row.Timestamp, row.Partition);
        }

        Assert.Equal(5, JoinInputs.StateEntries(join.Driver, "left", "right"));
        join.AdvanceWatermark(1_000);
        Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right"));
    }

    [Fact]
    public void Building_a_join_without_a_serde_for_the_rows_it_keeps_fails_naming_it()
    {
        var job = new JobBuilder("j");
        var left = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String).MapValues(v => v.Length);
        var right = job.Source("r", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String);
        left.IntervalJoin(right, TimeSpan.Zero, TimeSpan.FromSeconds(1), (_, l, r) => r + l, Serdes.String).To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);
        Assert.Contains("leftSerde", error.Message);
    }

    [Fact]
    public void A_lower_bound_above_the_upper_bound_is_refused()
    {
        var job = new JobBuilder("j");
        var keyed = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String);
        Assert.Throws<ArgumentException>(() => keyed.IntervalJoin(keyed, TimeSpan.FromSeconds(1), TimeSpan.Zero, JoinInputs.Joined, Serdes.String));
    }

    [Theory]
    [InlineData(JoinType.Inner)]
    [InlineData(JoinType.Left)]
    [InlineData(JoinType.Right)]
    [InlineData(JoinType.FullOuter)]
    public void Many_random_rows_out_of_order_on_several_partitions_give_the_nested_loop_answer(JoinType type)
    {
        Gen.Select(JoinInputs.Side("a", maxRows: 300, keys: 8), JoinInputs.Side("x", maxRows: 300, keys: 8), Gen.Int)
            .Sample(input =>
            {
                var (lefts, rights, seed) = input;
                using var join = Join(-4, 3, type, JoinInputs.Partitions);
                JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed));
                Assert.Equal(JoinInputs.Expected(Oracle(lefts, rights, -4, 3, type)), JoinInputs.Results(join.Driver));
                Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right"));
            }, iter: 5, threads: 1);
    }

    [Fact]
    public void The_result_does_not_depend_on_how_the_two_inputs_and_the_partitions_interleave()
    {
        Gen.Select(JoinInputs.Side("a"), JoinInputs.Side("x"), Gen.Int[-6, 3], Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int, Gen.Int)
            .Sample((lefts, rights, lower, width, type, first, second) =>
            {
                var expected = JoinInputs.Expected(Oracle(lefts, rights, lower, lower + width, (JoinType)type));
                foreach (var seed in new[] { first, second })
                {
                    using var join = Join(lower, lower + width, (JoinType)type, JoinInputs.Partitions);
                    JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed));
                    Assert.Equal(expected, JoinInputs.Results(join.Driver));
                }
            }, iter: 60, threads: 1);
    }

    [Fact]
    public void Tasks_restarted_from_their_stores_mid_run_still_give_the_nested_loop_answer()
    {
        Gen.Select(JoinInputs.Side("a", maxRows: 60), JoinInputs.Side("x", maxRows: 60), Gen.Int[0, 3], Gen.Int, Gen.Int[0, 120])
            .Sample((lefts, rights, type, seed, restartAfter) =>
            {
                using var join = Join(-3, 2, (JoinType)type, JoinInputs.Partitions);
                JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed), restartAfter);
                Assert.Equal(JoinInputs.Expected(Oracle(lefts, rights, -3, 2, (JoinType)type)), JoinInputs.Results(join.Driver));
            }, iter: 30, threads: 1);
    }
}
