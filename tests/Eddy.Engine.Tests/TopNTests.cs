using System.Buffers;
using System.Buffers.Binary;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class TopNTests
{
    /// <summary>source "in" (group → points) → key by group → top <paramref name="n"/> points → "top".</summary>
    private static JobTestDriver Points(int n, bool descending = false, JobTestDriverOptions? options = null) =>
        new(PointsPlan(n, descending), options);

    private static Plan.JobPlan PointsPlan(int n, bool descending = false)
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((group, _) => group, Serdes.String, name: "by-group")
            .TopN(n, points => points, descending, name: "top")
            .To("top");
        return job.Build();
    }

    /// <summary>
    /// table "scores" (player → "team:points", a tombstone deletes) → its changes grouped by team → points → top
    /// <paramref name="n"/> → "top": an input with retractions.
    /// </summary>
    private static JobTestDriver TeamScores(int n, bool descending = true, JobTestDriverOptions? options = null) =>
        new(TeamScoresPlan(n, descending), options);

    private static Plan.JobPlan TeamScoresPlan(int n, bool descending = true)
    {
        var job = new JobBuilder("t");
        job.Table("scores", Serdes.String, Serdes.String, name: "scores")
            .GroupBy((_, row) => row.Split(':')[0], Serdes.String, name: "by-team")
            .MapValues(row => long.Parse(row.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), Serdes.Long)
            .TopN(n, points => points, descending, name: "top")
            .To("top");
        return job.Build();
    }

    private static string Show<T>(TestRecord<string, Ranked<T>> r) =>
        $"{r.Key} {r.Value.Rank}={r.Value.Value}{(r.Kind == RowKind.Insert ? "" : " " + r.Kind)}";

    private static List<string> Read<T>(JobTestDriver driver) => driver.Output<string, Ranked<T>>("top").ReadAll().Select(Show).ToList();

    [Fact]
    public void A_row_entering_the_top_n_is_inserted_at_its_rank_the_rows_it_pushes_down_move_and_the_row_pushed_out_is_deleted()
    {
        using var driver = Points(3);
        var input = driver.Input<string, long>("in");

        input.Pipe("a", 5, 1);
        Assert.Equal(["a 1=5"], Read<long>(driver));
        input.Pipe("a", 3, 2);
        Assert.Equal(["a 1=5 UpdateBefore", "a 2=5 UpdateAfter", "a 1=3"], Read<long>(driver));
        input.Pipe("a", 4, 3);
        Assert.Equal(["a 2=5 UpdateBefore", "a 3=5 UpdateAfter", "a 2=4"], Read<long>(driver));
        input.Pipe("a", 1, 4);
        Assert.Equal(
            ["a 3=5 Delete", "a 2=4 UpdateBefore", "a 3=4 UpdateAfter", "a 1=3 UpdateBefore", "a 2=3 UpdateAfter", "a 1=1"],
            Read<long>(driver));
    }

    [Fact]
    public void A_row_that_does_not_make_the_top_n_emits_nothing()
    {
        using var driver = Points(2);
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 1);
        input.Pipe("a", 2, 2);
        Read<long>(driver);

        input.Pipe("a", 3, 3);
        input.Pipe("a", 2, 4); // ties rank by arrival: the earlier 2 keeps rank 2

        Assert.Empty(Read<long>(driver));
    }

    [Fact]
    public void A_descending_top_n_ranks_the_largest_first_and_keys_are_ranked_apart()
    {
        using var driver = Points(2, descending: true);
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 1);
        input.Pipe("b", 7, 2);
        input.Pipe("a", 9, 3);

        Assert.Equal(["a 1=1", "b 1=7", "a 1=1 UpdateBefore", "a 2=1 UpdateAfter", "a 1=9"], Read<long>(driver));
    }

    [Fact]
    public void Rows_of_equal_sort_key_rank_by_arrival()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((group, _) => group, Serdes.String)
            .TopN(3, row => int.Parse(row.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), name: "top")
            .To("top");
        using var driver = new JobTestDriver(job.Build());
        var input = driver.Input<string, string>("in");
        input.Pipe("g", "x:5", 1);
        input.Pipe("g", "y:5", 2);
        input.Pipe("g", "z:1", 3);
        input.Pipe("g", "w:5", 4);

        var rows = Changelogs.Materialize(driver.Output<string, Ranked<string>>("top").ReadAll());
        Assert.Equal(["1=z:1", "2=x:5", "3=y:5"], rows.Select(r => $"{r.Value.Rank}={r.Value.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_retraction_takes_its_row_out_the_rows_below_move_up_and_the_best_row_beyond_the_top_n_enters_at_rank_n()
    {
        using var driver = TeamScores(2);
        var scores = driver.Input<string, string>("scores");
        scores.Pipe("ann", "red:30", 1);
        scores.Pipe("bob", "red:20", 2);
        scores.Pipe("cid", "red:10", 3);
        Read<long>(driver);

        scores.Pipe("ann", null!, 4);
        Assert.Equal(["red 1=30 Delete", "red 2=20 UpdateBefore", "red 1=20 UpdateAfter", "red 2=10"], Read<long>(driver));

        scores.Pipe("cid", "red:40", 5); // update-before 10 (beyond the top: nothing), update-after 40 (rank 1)
        Assert.Equal(["red 2=10 Delete", "red 1=20 UpdateBefore", "red 2=20 UpdateAfter", "red 1=40"], Read<long>(driver));
    }

    [Fact]
    public void A_retraction_of_a_row_beyond_the_top_n_emits_nothing_and_is_never_promoted()
    {
        using var driver = TeamScores(1);
        var scores = driver.Input<string, string>("scores");
        scores.Pipe("ann", "red:30", 1);
        scores.Pipe("bob", "red:20", 2);
        scores.Pipe("cid", "red:10", 3);
        scores.Pipe("bob", null!, 4);
        Assert.Equal(["red 1=30"], Read<long>(driver));

        scores.Pipe("ann", null!, 5);
        Assert.Equal(["red 1=30 Delete", "red 1=10"], Read<long>(driver));
    }

    [Fact]
    public void On_an_insert_only_input_only_the_top_n_rows_of_a_key_are_kept_in_state()
    {
        using var driver = Points(2);
        var input = driver.Input<string, long>("in");
        for (var i = 0; i < 50; i++)
        {
            input.Pipe("a", (i * 37) % 50, i);
            input.Pipe("b", i, i);
        }

        // Per key: its header and its two rows.
        Assert.Equal(6, ((State.InMemoryKeyValueStore)driver.Store("t-top-rows")).Count);
        Assert.Equal(["a 1=0", "a 2=1", "b 1=0", "b 2=1"],
            Changelogs.Materialize(driver.Output<string, Ranked<long>>("top").ReadAll()).Select(r => $"{r.Key} {r.Value.Rank}={r.Value.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_plan_shows_a_top_n_on_an_insert_only_input_as_append_only_and_one_on_a_table_as_keeping_every_row()
    {
        Assert.Contains("append-only", TopOf(PointsPlan(2)).Detail);
        Assert.DoesNotContain("append-only", TopOf(TeamScoresPlan(2)).Detail);

        static Plan.OperatorNode TopOf(Plan.JobPlan plan) => plan.Operators.Single(o => o.Name == "top");
    }

    [Theory]
    [InlineData("interval")]
    [InlineData("window")]
    public void A_top_n_after_a_join_of_insert_only_streams_runs_append_only_as_the_join_emits_only_inserts(string join)
    {
        var job = new JobBuilder("t");
        var left = job.Source("l", Serdes.String, Serdes.Long).KeyBy((key, _) => key, Serdes.String, name: "l-by-key");
        var right = job.Source("r", Serdes.String, Serdes.Long).KeyBy((key, _) => key, Serdes.String, name: "r-by-key");
        var joined = join == "interval"
            ? left.IntervalJoin(right, TimeSpan.Zero, TimeSpan.FromSeconds(1), (_, l, r) => l + r, Serdes.Long, name: "join")
            : left.WindowJoin(right, Windows.Tumbling(TimeSpan.FromSeconds(1)), (_, l, r) => l + r, Serdes.Long, name: "join");
        joined.TopN(3, sum => sum, name: "top").To("out");

        // Without it the Top-N would keep every row a key ever had, as if retractions could promote them.
        Assert.Contains("append-only", job.Build().Operators.Single(o => o.Name == "top").Detail);
    }

    [Fact]
    public void On_an_updating_input_rows_beyond_the_top_n_are_kept_so_they_can_be_promoted()
    {
        using var driver = TeamScores(1);
        var scores = driver.Input<string, string>("scores");
        for (var i = 0; i < 10; i++)
        {
            scores.Pipe($"p{i}", $"red:{i}", i);
        }

        Assert.Equal(11, ((State.InMemoryKeyValueStore)driver.Store("t-top-rows")).Count);
    }

    [Fact]
    public void A_top_n_declared_append_only_fails_on_a_retraction_naming_itself()
    {
        var job = new JobBuilder("t");
        job.Table("scores", Serdes.String, Serdes.Long)
            .ToStream()
            .TopN(2, points => points, appendOnly: true, name: "top")
            .To("top");
        using var driver = new JobTestDriver(job.Build());
        var scores = driver.Input<string, long>("scores");
        scores.Pipe("ann", 1, 1);

        // The job fails (the default processing-error policy) with the operator's own error inside.
        var error = Assert.IsType<InvalidOperationException>(Assert.Throws<ProcessingException>(() => scores.Pipe("ann", 2, 2)).InnerException);
        Assert.Contains("'top'", error.Message);
        Assert.Contains("UpdateBefore", error.Message);
    }

    [Fact]
    public void A_sort_key_without_a_built_in_encoding_is_refused_at_build_and_accepted_with_an_encoder()
    {
        var refused = new JobBuilder("t");
        refused.Source("in", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String)
            .TopN(2, v => (v.Length, v), name: "top").To("top");
        var error = Assert.Throws<JobDefinitionException>(refused.Build);
        Assert.Contains("ISortKeyEncoder", error.Message);

        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String)
            .TopN(2, v => (v.Length, v), sortKey: new LengthThenText(), name: "top").To("top");
        using var driver = new JobTestDriver(job.Build());
        var input = driver.Input<string, string>("in");
        foreach (var word in new[] { "pear", "fig", "apple", "kiwi", "banana" })
        {
            input.Pipe("k", word, 1);
        }

        Assert.Equal(["1=fig", "2=kiwi"],
            Changelogs.Materialize(driver.Output<string, Ranked<string>>("top").ReadAll()).Select(r => $"{r.Value.Rank}={r.Value.Value}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Numbers_strings_and_times_rank_in_their_natural_order(bool descending)
    {
        AssertRanks([-3.5, double.MinValue, 0.0, -0.0, 2.25, 1e300, -1e-300], descending);
        AssertRanks([-3.5m, 0m, 79228162514264337593543950335m, -0.0000000000000000000000000001m, 0.5m, 12.75m, -12.5m], descending);
        AssertRanks(["b", "", "a", "ab", "a\0", "é", "z"], descending, StringComparer.Ordinal);
        AssertRanks([long.MinValue, -1L, 0L, long.MaxValue, 42L], descending);
        AssertRanks([int.MinValue, -1, 0, int.MaxValue, 42], descending);
        AssertRanks([new DateTime(2026, 1, 1), DateTime.MinValue, new DateTime(1999, 12, 31), DateTime.MaxValue], descending);
        AssertRanks([TimeSpan.FromSeconds(-1), TimeSpan.Zero, TimeSpan.FromDays(2)], descending);
    }

    private static void AssertRanks<T>(T[] values, bool descending, IComparer<T>? order = null)
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Json<T>()).KeyBy((k, _) => k, Serdes.String)
            .TopN(values.Length, v => v, descending, name: "top").To("top");
        using var driver = new JobTestDriver(job.Build());
        var input = driver.Input<string, T>("in");
        foreach (var value in values)
        {
            input.Pipe("k", value, 1);
        }

        var expected = descending ? values.OrderDescending(order).ToList() : values.Order(order).ToList();
        var ranked = Changelogs.Materialize(driver.Output<string, Ranked<T>>("top").ReadAll()).OrderBy(r => r.Value.Rank).Select(r => r.Value.Value);
        Assert.Equal(expected, ranked);
    }

    [Fact]
    public void A_window_top_n_emits_each_windows_top_n_once_when_it_fires_and_drops_the_windows_rows()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Long, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(5)))
            .KeyBy((group, _) => group, Serdes.String)
            .WindowTopN(Windows.Tumbling(TimeSpan.FromMilliseconds(10)), 2, points => points, descending: true, name: "top")
            .To("top");
        using var driver = new JobTestDriver(job.Build());
        var input = driver.Input<string, long>("in");
        var output = driver.Output<Windowed<string>, Ranked<long>>("top");
        input.Pipe("a", 3, 1);
        input.Pipe("a", 7, 2);
        input.Pipe("a", 5, 3);
        input.Pipe("b", 1, 9);
        input.Pipe("a", 9, 12);
        Assert.Empty(output.ReadAll()); // watermark 12 - 5 - 1 = 6

        input.Pipe("a", 4, 15); // watermark 9: [0,10) fires
        Assert.Equal(["a[0,10) 1=7@9", "a[0,10) 2=5@9", "b[0,10) 1=1@9"], output.ReadAll().Select(ShowWindowed));
        Assert.Equal(3, ((State.InMemoryKeyValueStore)driver.Store("t-top-rows")).Count); // [10,20) of a: header and two rows

        input.Pipe("a", 8, 4); // [0,10) has fired: late, dropped
        Assert.Equal(1, driver.LateRecordCount);
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["a[10,20) 1=9@19", "a[10,20) 2=4@19"], output.ReadAll().Select(ShowWindowed));
        Assert.Equal(0, ((State.InMemoryKeyValueStore)driver.Store("t-top-rows")).Count);
    }

    [Fact]
    public void A_window_top_n_over_session_windows_is_refused_at_build()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String)
            .WindowTopN(Windows.Session(TimeSpan.FromSeconds(1)), 2, v => v).To("top");

        Assert.Contains("session", Assert.Throws<JobDefinitionException>(job.Build).Message);
    }

    private static string ShowWindowed(TestRecord<Windowed<string>, Ranked<long>> r) =>
        $"{r.Key.Key}[{r.Key.Start},{r.Key.End}) {r.Value.Rank}={r.Value.Value}@{r.Timestamp}{(r.Kind == RowKind.Insert ? "" : " " + r.Kind)}";

    /// <summary>An upsert of a player's row ("team:points") or its deletion (null).</summary>
    private readonly record struct Upsert(string Player, string? Row);

    private static readonly string[] Teams = ["red", "blue", "green"];

    private static Gen<Upsert> UpsertGen(int players) =>
        Gen.Select(Gen.Int[0, players - 1], Gen.Int[0, Teams.Length - 1], Gen.Int[0, 6], Gen.Int[0, 5],
            (player, team, points, deleteRoll) => new Upsert($"p{player}", deleteRoll == 0 ? null : $"{Teams[team]}:{points}"));

    /// <summary>The brute-force answer: the final rows of the table, grouped by team, sorted, cut at n, ranked.</summary>
    private static List<(string Key, Ranked<long> Value)> RankTeams(IEnumerable<Upsert> upserts, int n, bool descending)
    {
        var rows = new Dictionary<string, string>();
        foreach (var (player, row) in upserts)
        {
            if (row is null)
            {
                rows.Remove(player);
            }
            else
            {
                rows[player] = row;
            }
        }

        var ranked = new List<(string, Ranked<long>)>();
        foreach (var team in rows.Values.GroupBy(r => r.Split(':')[0]))
        {
            var points = team.Select(r => long.Parse(r.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            var sorted = (descending ? points.OrderDescending() : points.Order()).Take(n).ToList();
            ranked.AddRange(sorted.Select((p, i) => (team.Key, new Ranked<long>(i + 1, p))));
        }

        return ranked;
    }

    private static void RunTeams(IReadOnlyList<Upsert> upserts, int n, bool descending, int partitions, int restartEvery = 0)
    {
        using var driver = TeamScores(n, descending, new JobTestDriverOptions { Partitions = partitions });
        var scores = driver.Input<string, string>("scores");
        for (var i = 0; i < upserts.Count; i++)
        {
            scores.Pipe(upserts[i].Player, upserts[i].Row!, i);
            if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
            {
                driver.RestartTasks();
            }
        }

        var materialized = Changelogs.Materialize(driver.Output<string, Ranked<long>>("top").ReadAll());
        Assert.Equal(Changelogs.Sorted(RankTeams(upserts, n, descending)), Changelogs.Sorted(materialized));
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 3, true)]
    [InlineData(3, 4, false)]
    public void A_randomized_table_with_duplicates_and_retractions_materializes_to_the_brute_force_ranking(int seed, int partitions, bool descending)
    {
        var random = new Random(seed);
        var upserts = Enumerable.Range(0, 400).Select(_ => new Upsert($"p{random.Next(15)}",
            random.Next(5) == 0 ? null : $"{Teams[random.Next(Teams.Length)]}:{random.Next(6)}")).ToList();

        RunTeams(upserts, n: 3, descending, partitions);
    }

    [Fact]
    public void Tasks_restarted_from_their_stores_mid_run_still_materialize_to_the_brute_force_ranking()
    {
        var random = new Random(7);
        var upserts = Enumerable.Range(0, 300).Select(_ => new Upsert($"p{random.Next(12)}",
            random.Next(5) == 0 ? null : $"{Teams[random.Next(Teams.Length)]}:{random.Next(5)}")).ToList();

        RunTeams(upserts, n: 2, descending: true, partitions: 3, restartEvery: 37);
    }

    [Fact]
    public void Any_sequence_of_upserts_on_any_partitioning_materializes_to_the_brute_force_ranking()
    {
        Gen.Select(UpsertGen(8).Array[1, 60], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Bool, Gen.Int[0, 20])
            .Sample((upserts, n, partitions, descending, restartEvery) => RunTeams(upserts, n, descending, partitions, restartEvery), iter: 150);
    }

    [Fact]
    public void An_append_only_top_n_over_random_duplicates_on_several_partitions_materializes_to_the_brute_force_ranking()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 4], Gen.Long[0, 9]).Array[1, 80], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Bool, Gen.Int[0, 20])
            .Sample((records, n, partitions, descending, restartEvery) =>
            {
                using var driver = Points(n, descending, options: new JobTestDriverOptions { Partitions = partitions });
                PipeRestarting(driver, records, restartEvery);
                var expected = BruteForceRanking(records, n, descending);
                var materialized = Changelogs.Materialize(driver.Output<string, Ranked<long>>("top").ReadAll());
                Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(materialized));
            }, iter: 150);
    }

    [Fact]
    public void A_window_top_n_over_out_of_order_records_on_several_partitions_emits_each_windows_brute_force_top_n()
    {
        const long Size = 20;
        Gen.Select(Gen.Select(Gen.Int[0, 3], Gen.Long[0, 9], Gen.Long[0, 15]).Array[1, 60], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[0, 15])
            .Sample((records, n, partitions, restartEvery) =>
            {
                var job = new JobBuilder("t");
                // Disorder stays within the bound, so no record is late.
                job.Source("in", Serdes.String, Serdes.Long, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(16)))
                    .KeyBy((group, _) => group, Serdes.String)
                    .WindowTopN(Windows.Tumbling(TimeSpan.FromMilliseconds(Size)), n, points => points, name: "top")
                    .To("top");
                using var driver = new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
                var input = driver.Input<string, long>("in");
                var timestamps = new long[records.Length];
                for (var i = 0; i < records.Length; i++)
                {
                    timestamps[i] = (i * 3) - records[i].Item3;
                    input.Pipe($"g{records[i].Item1}", records[i].Item2, timestamps[i]);
                    if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
                    {
                        driver.RestartTasks();
                    }
                }

                driver.AdvanceWatermark("in", long.MaxValue - 1);
                var expected = records.Select((r, i) => (Key: $"g{r.Item1}[{FloorTo(timestamps[i], Size)}]", Points: r.Item2))
                    .GroupBy(r => r.Key)
                    .SelectMany(g => g.Select(r => r.Points).Order().Take(n).Select((p, i) => $"{g.Key} {i + 1}={p}"))
                    .Order(StringComparer.Ordinal);
                var output = driver.Output<Windowed<string>, Ranked<long>>("top").ReadAll();
                Assert.All(output, r => Assert.Equal(RowKind.Insert, r.Kind));
                Assert.Equal(expected, output.Select(r => $"{r.Key.Key}[{r.Key.Start}] {r.Value.Rank}={r.Value.Value}").Order(StringComparer.Ordinal));
                Assert.Equal(0, driver.LateRecordCount);
            }, iter: 100);
    }

    private static long FloorTo(long timestamp, long size) => timestamp - (((timestamp % size) + size) % size);

    /// <summary>Orders by length, then text: the length big-endian, then the text's UTF-8 (escaped by Top-N).</summary>
    private sealed class LengthThenText : ISortKeyEncoder<(int Length, string Text)>
    {
        public void Write((int Length, string Text) value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), value.Length);
            into.Advance(4);
            into.Write(System.Text.Encoding.UTF8.GetBytes(value.Text));
        }
    }

    /// <summary>Pipes (group, points) records into "in" at timestamps 0, 1, ..., restarting every task after each <paramref name="restartEvery"/>-th (0: never).</summary>
    internal static void PipeRestarting(JobTestDriver driver, (int Group, long Points)[] records, int restartEvery)
    {
        var input = driver.Input<string, long>("in");
        for (var i = 0; i < records.Length; i++)
        {
            input.Pipe($"g{records[i].Group}", records[i].Points, i);
            if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
            {
                driver.RestartTasks();
            }
        }
    }

    /// <summary>Each group's top <paramref name="n"/> points with their row numbers, computed by sorting: the oracle of the append-only Top-N.</summary>
    internal static IEnumerable<(string, Ranked<long>)> BruteForceRanking((int Group, long Points)[] records, int n, bool descending) =>
        records.GroupBy(r => $"g{r.Group}").SelectMany(g =>
            (descending ? g.Select(r => r.Points).OrderDescending() : g.Select(r => r.Points).Order()).Take(n)
            .Select((p, i) => (g.Key, new Ranked<long>(i + 1, p))));
}
