using CsCheck;

namespace Eddy.Engine.Tests;

public class WindowJoinTests
{
    private const int Gap = 4;

    private static readonly Windows[] Kinds =
    [
        Windows.Tumbling(TimeSpan.FromMilliseconds(10)),
        Windows.Hopping(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)),
        Windows.Cumulating(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(15)),
        Windows.Session(TimeSpan.FromMilliseconds(Gap)),
    ];

    private static JoinDriver Join(Windows windows, JoinType type, int partitions = 1) =>
        new(JoinInputs.Drive((left, right) => left.WindowJoin(right, windows, JoinInputs.Joined, Serdes.String, type, name: "join"), partitions));

    /// <summary>The windows of the fixed kinds holding a row at <paramref name="t"/>, worked out here from their definitions.</summary>
    private static IEnumerable<TimeWindow> FixedWindows(int kind, long t) => kind switch
    {
        0 => [new TimeWindow(t / 10 * 10, (t / 10 * 10) + 10)],
        1 => new[] { t / 5 * 5, (t / 5 * 5) - 5 }.Select(start => new TimeWindow(start, start + 10)),
        _ => new[] { 5L, 10, 15 }.Select(size => new TimeWindow(t / 15 * 15, (t / 15 * 15) + size)).Where(w => t < w.End),
    };

    /// <summary>A key's sessions over both sides' rows: consecutive timestamps less than the gap apart share one.</summary>
    private static IEnumerable<TimeWindow> Sessions(IEnumerable<long> timestamps)
    {
        TimeWindow? open = null;
        foreach (var t in timestamps.Order())
        {
            if (open is { } session && t < session.End)
            {
                open = session with { End = t + Gap };
                continue;
            }

            if (open is { } done)
            {
                yield return done;
            }

            open = new TimeWindow(t, t + Gap);
        }

        if (open is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The brute-force answer: per key and window, every pair, or an outer side's rows when the other side has none.</summary>
    private static IEnumerable<(string Key, string? Left, string? Right, long Timestamp)> Oracle(JoinRow[] lefts, JoinRow[] rights, int kind,
        JoinType type)
    {
        foreach (var key in lefts.Concat(rights).Select(r => r.Key).Distinct())
        {
            var keyLefts = lefts.Where(r => r.Key == key).ToList();
            var keyRights = rights.Where(r => r.Key == key).ToList();
            var windows = kind == 3
                ? Sessions(keyLefts.Concat(keyRights).Select(r => r.Timestamp))
                : keyLefts.Concat(keyRights).SelectMany(r => FixedWindows(kind, r.Timestamp)).Distinct();
            foreach (var window in windows)
            {
                var l = keyLefts.Where(r => window.Start <= r.Timestamp && r.Timestamp < window.End).ToList();
                var r = keyRights.Where(r => window.Start <= r.Timestamp && r.Timestamp < window.End).ToList();
                var at = window.End - 1;
                if (l.Count > 0 && r.Count > 0)
                {
                    foreach (var pair in l.SelectMany(left => r.Select(right => (key, (string?)left.Value, (string?)right.Value, at))))
                    {
                        yield return pair;
                    }
                }
                else if (r.Count == 0 && type is JoinType.Left or JoinType.FullOuter)
                {
                    foreach (var left in l)
                    {
                        yield return (key, left.Value, null, at);
                    }
                }
                else if (l.Count == 0 && type is JoinType.Right or JoinType.FullOuter)
                {
                    foreach (var right in r)
                    {
                        yield return (key, null, right.Value, at);
                    }
                }
            }
        }
    }

    [Fact]
    public void Rows_of_both_sides_in_one_window_are_paired_when_it_fires_stamped_with_its_max_timestamp()
    {
        using var join = Join(Kinds[0], JoinType.Inner);
        join.Left("k", "a", 1);
        join.Left("k", "b", 5);
        join.Right("k", "x", 8);
        join.Right("q", "x", 8); // another key
        join.Right("k", "y", 12); // the next window
        join.Left("k", "c", 13);
        join.AdvanceWatermark(8);
        Assert.Empty(join.Read());

        join.AdvanceWatermark(9);
        Assert.Equal(["k:a|x@9", "k:b|x@9"], join.Read().Order(StringComparer.Ordinal));

        join.AdvanceWatermark(19);
        Assert.Equal(["k:c|y@19"], join.Read());
    }

    [Theory]
    [InlineData(JoinType.Inner, new[] { "k:a|x@9" })]
    [InlineData(JoinType.Left, new[] { "k:a|x@9", "k:b|-@19" })]
    [InlineData(JoinType.Right, new[] { "k:-|y@29", "k:a|x@9" })]
    [InlineData(JoinType.FullOuter, new[] { "k:-|y@29", "k:a|x@9", "k:b|-@19" })]
    public void An_outer_side_emits_its_rows_alone_from_a_window_where_the_other_side_has_none(JoinType type, string[] expected)
    {
        using var join = Join(Kinds[0], type);
        join.Left("k", "a", 1);
        join.Right("k", "x", 2);
        join.Left("k", "b", 11);
        join.Right("k", "y", 25);
        join.AdvanceWatermark(100);
        Assert.Equal(expected, join.Read().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_pair_in_two_hopping_windows_is_emitted_once_per_window()
    {
        using var join = Join(Kinds[1], JoinType.Inner);
        join.Left("k", "a", 7); // [0,10) and [5,15)
        join.Right("k", "x", 8); // [0,10) and [5,15)
        join.Left("k", "b", 12); // [5,15) and [10,20)
        join.AdvanceWatermark(100);
        Assert.Equal(["k:a|x@14", "k:a|x@9", "k:b|x@14"], join.Read().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_session_gathers_both_sides_rows_less_than_the_gap_apart_and_rows_a_gap_apart_start_a_new_one()
    {
        using var join = Join(Kinds[3], JoinType.FullOuter);
        join.Left("k", "a", 0);
        join.Left("k", "b", 6); // 6 apart from a: its own session, until x bridges them
        join.Right("k", "x", 3);
        join.Right("k", "y", 20);
        join.Left("k", "c", 30);
        join.Right("k", "z", 34); // exactly a gap after c: a session of its own
        join.AdvanceWatermark(100);
        Assert.Equal(["k:-|y@23", "k:-|z@37", "k:a|x@9", "k:b|x@9", "k:c|-@33"], join.Read().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_row_whose_every_window_has_fired_is_late_counted_and_sent_to_its_sides_late_output_and_one_with_a_window_left_joins_there_only()
    {
        using var join = Join(Kinds[1], JoinType.FullOuter);
        join.AdvanceWatermark(10); // [0,10) is over, [5,15) is not
        join.Left("k", "late", 3); // [0,10) and [-5,5): both over
        join.Left("k", "a", 7); // [0,10) is over; joins in [5,15)
        join.Right("k", "x", 11);
        join.Right("k", "late-too", 4);
        Assert.Equal(2, join.Driver.LateRecordCount);
        // Without tags of the user's, each side's late rows go to the join's own side output, in the stream's serdes.
        Assert.Equal([("k", "late", 3L)], join.Driver.SideOutput(new OutputTag<string, string>("j-join-late-left")).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal([("k", "late-too", 4L)], join.Driver.SideOutput(new OutputTag<string, string>("j-join-late-right")).Select(r => (r.Key, r.Value, r.Timestamp)));

        join.AdvanceWatermark(100);
        Assert.Equal(["k:-|x@19", "k:a|x@14"], join.Read().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Late_rows_go_to_the_side_outputs_the_join_is_given_and_the_plan_declares_them()
    {
        var job = new JobBuilder("j");
        var left = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "left");
        var right = job.Source("r", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String, name: "right");
        var lateLefts = new OutputTag<string, string>("late-lefts");
        var lateRights = new OutputTag<string, long>("late-rights");
        left.WindowJoin(right, Kinds[0], (_, l, r) => $"{l}|{r}", Serdes.String, name: "join", lateLeft: lateLefts, lateRight: lateRights).To("out");
        var plan = job.Build();
        Assert.Equal(["late-lefts", "late-rights"], plan.Operators.Single(o => o.Name == "join").SideOutputs);
        using var driver = new Testing.JobTestDriver(plan);

        driver.Input<string, string>("l").Pipe("k", "a", 25);
        driver.Input<string, long>("r").Pipe("k", 7, 26);
        driver.AdvanceWatermark("l", 30);
        driver.AdvanceWatermark("r", 30);
        driver.Input<string, string>("l").Pipe("k", "b", 12);
        driver.Input<string, long>("r").Pipe("k", 8, 5);
        driver.Input<string, long>("r").Pipe("k", 9, 21);

        Assert.Equal([("k", "b", 12L)], driver.SideOutput(lateLefts).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal([("k", 8L, 5L), ("k", 9L, 21L)], driver.SideOutput(lateRights).Select(r => (r.Key, r.Value, r.Timestamp)));
        Assert.Equal(["a|7"], driver.Output<string, string>("out").ReadValues());
    }

    [Fact]
    public void A_stream_window_joined_with_itself_pairs_every_row_of_a_window_with_every_row_itself_included()
    {
        var job = new JobBuilder("j");
        var keyed = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "left");
        keyed.WindowJoin(keyed, Kinds[0], JoinInputs.Joined, Serdes.String, name: "join").To("out");
        using var driver = new Testing.JobTestDriver(job.Build());
        var input = driver.Input<string, string>("l");
        input.Pipe("k", "a", 1);
        input.Pipe("k", "b", 2);
        input.Pipe("k", "c", 12);
        driver.AdvanceWatermark("l", 100);

        Assert.Equal(
            ["k:a|a@9", "k:a|b@9", "k:b|a@9", "k:b|b@9", "k:c|c@19"],
            JoinInputs.Results(driver).Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rows_and_windows_wait_in_the_stores_and_are_all_gone_once_every_window_fired(int kind)
    {
        using var join = Join(Kinds[kind], JoinType.FullOuter, JoinInputs.Partitions);
        var rows = JoinInputs.Interleave(
            [new("k1", "a", 10, 0), new("k2", "b", 12, 1), new("k1", "c", 12, 2)],
            [new("k1", "x", 11, 1), new("k3", "y", 14, 0)], seed: 1);
        foreach (var (left, row) in rows)
        {
            (left ? join.LeftInput : join.RightInput).Pipe(row.Key, row.Value, row.Timestamp, row.Partition);
        }

        Assert.Equal(5, JoinInputs.StateEntries(join.Driver, "left", "right"));
        Assert.NotEqual(0, JoinInputs.StateEntries(join.Driver, "windows"));
        join.AdvanceWatermark(1_000);
        Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right", "windows"));
    }

    [Fact]
    public void Building_a_join_without_a_serde_for_the_rows_it_keeps_fails_naming_it()
    {
        var job = new JobBuilder("j");
        var left = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String);
        var right = job.Source("r", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String).MapValues(v => v.Length);
        left.WindowJoin(right, Kinds[0], (_, l, r) => l + r, Serdes.String).To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);
        Assert.Contains("rightSerde", error.Message);
    }

    [Theory]
    [InlineData(JoinType.Inner)]
    [InlineData(JoinType.Left)]
    [InlineData(JoinType.Right)]
    [InlineData(JoinType.FullOuter)]
    public void Many_random_rows_out_of_order_on_several_partitions_give_the_nested_loop_answer_in_every_kind_of_window(JoinType type)
    {
        Gen.Select(JoinInputs.Side("a", maxRows: 200, keys: 8), JoinInputs.Side("x", maxRows: 200, keys: 8), Gen.Int[0, 3], Gen.Int)
            .Sample((lefts, rights, kind, seed) =>
            {
                using var join = Join(Kinds[kind], type, JoinInputs.Partitions);
                JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed));
                Assert.Equal(JoinInputs.Expected(Oracle(lefts, rights, kind, type)), JoinInputs.Results(join.Driver));
                Assert.Equal(0, JoinInputs.StateEntries(join.Driver, "left", "right", "windows"));
            }, iter: 8, threads: 1);
    }

    [Fact]
    public void The_result_does_not_depend_on_how_the_two_inputs_and_the_partitions_interleave()
    {
        Gen.Select(JoinInputs.Side("a"), JoinInputs.Side("x"), Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int, Gen.Int)
            .Sample((lefts, rights, kind, type, first, second) =>
            {
                var expected = JoinInputs.Expected(Oracle(lefts, rights, kind, (JoinType)type));
                foreach (var seed in new[] { first, second })
                {
                    using var join = Join(Kinds[kind], (JoinType)type, JoinInputs.Partitions);
                    JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed));
                    Assert.Equal(expected, JoinInputs.Results(join.Driver));
                }
            }, iter: 60, threads: 1);
    }

    [Fact]
    public void Tasks_restarted_from_their_stores_mid_run_still_give_the_nested_loop_answer()
    {
        Gen.Select(JoinInputs.Side("a", maxRows: 60), JoinInputs.Side("x", maxRows: 60), Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int, Gen.Int[0, 120])
            .Sample((lefts, rights, kind, type, seed, restartAfter) =>
            {
                using var join = Join(Kinds[kind], (JoinType)type, JoinInputs.Partitions);
                JoinInputs.Pipe(join.Driver, JoinInputs.Interleave(lefts, rights, seed), restartAfter);
                Assert.Equal(JoinInputs.Expected(Oracle(lefts, rights, kind, (JoinType)type)), JoinInputs.Results(join.Driver));
            }, iter: 30, threads: 1);
    }
}
