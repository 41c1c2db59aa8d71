using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class TemporalJoinTests
{
    private static readonly WatermarkStrategy Bounded = WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(TableJoinScenarios.Bound));

    // Far past every timestamp the tests use: every held-back record is final there.
    private const long End = 1_000_000;

    /// <summary>clicks ("user:page", keyed by user) joined with the "users" table's version valid at each click's time, into "out".</summary>
    private static JobTestDriver ClicksWithUserVersions(JoinType type = JoinType.Inner, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("t");
        var users = job.Table("users", Serdes.String, Serdes.String, Bounded, name: "users");
        job.Source("clicks", Serdes.String, Serdes.String, Bounded)
            .KeyBy((_, click) => click[..click.IndexOf(':', StringComparison.Ordinal)], Serdes.String, name: "by-user")
            .TemporalJoin(users, TableJoinScenarios.Joiner, Serdes.String, type, name: "as-of")
            .To("out");
        return new JobTestDriver(job.Build(), options);
    }

    private static void AdvanceBoth(JobTestDriver driver, long watermark)
    {
        driver.AdvanceWatermark("clicks", watermark);
        driver.AdvanceWatermark("users", watermark);
    }

    private static List<(string Value, long Timestamp)> Results(JobTestDriver driver) =>
        driver.Output<string, string>("out").ReadAll().Select(r => (r.Value, r.Timestamp)).ToList();

    private static int Entries(JobTestDriver driver, string state) => driver.Store($"t-as-of-{state}").Range([], null).Count();

    [Fact]
    public void A_record_joins_the_version_valid_at_its_event_time_not_the_latest()
    {
        using var driver = ClicksWithUserVersions();
        var users = driver.Input<string, string>("users");
        var clicks = driver.Input<string, string>("clicks");
        users.Pipe("ann", "paris", 10);
        users.Pipe("ann", "oslo", 20);
        clicks.Pipe("x", "ann:a", 15);
        clicks.Pipe("x", "ann:b", 20);
        clicks.Pipe("x", "ann:c", 5);

        AdvanceBoth(driver, End);

        // Held back records fire in time order; the one before any version has no row (inner: dropped).
        Assert.Equal([("ann:a+paris", 15L), ("ann:b+oslo", 20L)], Results(driver));
    }

    [Fact]
    public void Records_are_held_back_until_the_watermark_of_both_inputs_passes_them()
    {
        using var driver = ClicksWithUserVersions();
        var users = driver.Input<string, string>("users");
        var clicks = driver.Input<string, string>("clicks");
        users.Pipe("ann", "paris", 10);
        clicks.Pipe("x", "ann:a", 15);
        clicks.Pipe("x", "ann:b", 500); // the clicks' watermark is now 399, the users' still -91
        Assert.Empty(Results(driver));

        users.Pipe("bob", "rome", 200); // users' watermark 99: ann:a is final, ann:b not yet
        Assert.Equal([("ann:a+paris", 15L)], Results(driver));
        Assert.Equal(1, Entries(driver, "pending"));
    }

    [Fact]
    public void A_table_update_arriving_out_of_order_within_the_bound_still_counts_at_its_time()
    {
        using var driver = ClicksWithUserVersions();
        var users = driver.Input<string, string>("users");
        var clicks = driver.Input<string, string>("clicks");
        users.Pipe("ann", "oslo", 80);
        clicks.Pipe("x", "ann:a", 50);
        users.Pipe("ann", "paris", 30);
        clicks.Pipe("x", "ann:b", 85);

        AdvanceBoth(driver, End);

        Assert.Equal([("ann:a+paris", 50L), ("ann:b+oslo", 85L)], Results(driver));
    }

    [Theory]
    [InlineData(JoinType.Inner, new[] { "ann:a+paris" })]
    [InlineData(JoinType.Left, new[] { "ann:a+paris", "ann:b+none" })]
    public void A_delete_ends_the_rows_validity(JoinType type, string[] expected)
    {
        using var driver = ClicksWithUserVersions(type);
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 10);
        users.Pipe("ann", null!, 20);
        driver.Input<string, string>("clicks").Pipe("x", "ann:a", 15);
        driver.Input<string, string>("clicks").Pipe("x", "ann:b", 25);

        AdvanceBoth(driver, End);

        Assert.Equal(expected, Results(driver).Select(r => r.Value));
    }

    [Fact]
    public void Versions_older_than_the_one_valid_at_the_watermark_are_dropped_and_so_is_a_final_delete()
    {
        using var driver = ClicksWithUserVersions();
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 10);
        users.Pipe("ann", "oslo", 20);
        users.Pipe("ann", "rome", 30);
        users.Pipe("ann", "lima", 400);
        users.Pipe("bob", "kiev", 10);
        users.Pipe("bob", null!, 20);
        Assert.Equal(6, Entries(driver, "versions"));

        AdvanceBoth(driver, 100);

        // ann keeps rome (valid at the watermark) and lima (still ahead); bob's delete leaves nothing.
        Assert.Equal(2, Entries(driver, "versions"));
        driver.Input<string, string>("clicks").Pipe("x", "ann:a", 150);
        AdvanceBoth(driver, End);
        Assert.Equal([("ann:a+rome", 150L)], Results(driver));
        Assert.Equal(1, Entries(driver, "versions"));
        Assert.Equal(0, Entries(driver, "pending"));
        Assert.Equal(0, Entries(driver, "timers"));
    }

    [Fact]
    public void A_record_behind_the_watermark_is_joined_at_once_with_the_versions_kept()
    {
        using var driver = ClicksWithUserVersions();
        driver.Input<string, string>("users").Pipe("ann", "paris", 10);
        AdvanceBoth(driver, 1_000);

        driver.Input<string, string>("clicks").Pipe("x", "ann:late", 500);

        Assert.Equal([("ann:late+paris", 500L)], Results(driver));
    }

    [Fact]
    public void Retractions_of_an_updating_stream_are_joined_and_keep_their_kind()
    {
        var job = new JobBuilder("t");
        var users = job.Table("users", Serdes.String, Serdes.String, Bounded);
        job.Table("carts", Serdes.String, Serdes.String, Bounded).ToStream()
            .TemporalJoin(users, (_, cart, city) => $"{cart}->{city}", Serdes.String, name: "ship")
            .To("out");
        using var driver = new JobTestDriver(job.Build());
        driver.Input<string, string>("users").Pipe("ann", "paris", 1);
        var carts = driver.Input<string, string>("carts");
        carts.Pipe("ann", "book", 2);
        carts.Pipe("ann", "pen", 4);
        driver.AdvanceWatermark("users", End);
        driver.AdvanceWatermark("carts", End);

        Assert.Equal(
        [
            ("book->paris", RowKind.Insert),
            ("book->paris", RowKind.UpdateBefore),
            ("pen->paris", RowKind.UpdateAfter),
        ], driver.Output<string, string>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void A_versioned_table_without_a_watermark_strategy_fails_the_build_naming_the_operator_and_the_topic()
    {
        var job = new JobBuilder("t");
        job.Source("clicks", Serdes.String, Serdes.String, Bounded).KeyBy((k, _) => k, Serdes.String)
            .TemporalJoin(job.Table("users", Serdes.String, Serdes.String), TableJoinScenarios.Joiner, Serdes.String, name: "as-of")
            .To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("'as-of'", error.Message);
        Assert.Contains("'users'", error.Message);
        Assert.Contains("watermark", error.Message);
    }

    [Fact]
    public void Join_types_other_than_inner_and_left_fail_the_build_naming_the_operator()
    {
        var job = new JobBuilder("t");
        job.Source("clicks", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String)
            .TemporalJoin(job.Table("users", Serdes.String, Serdes.String, Bounded), TableJoinScenarios.Joiner, Serdes.String,
                JoinType.FullOuter, name: "as-of")
            .To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("'as-of'", error.Message);
        Assert.Contains("Inner or Left", error.Message);
    }

    [Fact]
    public void Held_back_records_and_versions_survive_a_restart()
    {
        using var driver = ClicksWithUserVersions();
        driver.Input<string, string>("users").Pipe("ann", "paris", 10);
        driver.Input<string, string>("users").Pipe("ann", "oslo", 20);
        driver.Input<string, string>("clicks").Pipe("x", "ann:a", 15);

        driver.RestartTasks();
        AdvanceBoth(driver, End);

        Assert.Equal([("ann:a+paris", 15L)], Results(driver));
    }

    [Theory]
    [InlineData(JoinType.Inner, 1)]
    [InlineData(JoinType.Left, 3)]
    [InlineData(JoinType.Inner, 4)]
    public void Random_clicks_and_user_versions_over_several_partitions_join_the_version_valid_at_each_click(JoinType type, int partitions)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var events = TableJoinScenarios.RandomEvents(new Random(seed), 200, 6);
            using var driver = ClicksWithUserVersions(type, new JobTestDriverOptions { Partitions = partitions });

            TableJoinScenarios.Pipe(driver, events);
            // Nothing comes out before the watermark of its task (the join's stage, 1, reads the clicks' repartition topic).
            var early = driver.Output<string, string>("out").ReadAll();
            Assert.All(early, r => Assert.True(r.Timestamp <= driver.Watermark(1, r.Partition), $"{r} came out before the watermark"));
            AdvanceBoth(driver, End);

            Assert.Equal(Changelogs.Sorted(TableJoinScenarios.VersionOracle(events, type == JoinType.Left)),
                TableJoinScenarios.Materialized([.. early, .. driver.Output<string, string>("out").ReadAll()], withTimestamps: true));
            Assert.Equal(0, Enumerable.Range(0, partitions).Sum(p => driver.Store("t-as-of-pending", p).Range([], null).Count()));
        }
    }

    [Fact]
    public void A_run_restarted_in_the_middle_joins_the_version_valid_at_each_click()
    {
        for (var seed = 0; seed < 10; seed++)
        {
            var events = TableJoinScenarios.RandomEvents(new Random(seed), 200, 6);
            using var driver = ClicksWithUserVersions(JoinType.Left, new JobTestDriverOptions { Partitions = 3 });

            TableJoinScenarios.Pipe(driver, events, restartAfter: events.Count / 2);
            AdvanceBoth(driver, End);

            Assert.Equal(Changelogs.Sorted(TableJoinScenarios.VersionOracle(events, left: true)),
                TableJoinScenarios.Materialized(driver, withTimestamps: true));
        }
    }

    [Fact]
    public void Any_interleaving_of_clicks_and_user_versions_over_any_partitions_joins_the_version_valid_at_each_click()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3], Gen.Int[0, 10]).List[0, 60], Gen.Int[1, 4], Gen.Bool)
            .Sample((choices, partitions, left) =>
            {
                var events = TableJoinScenarios.Events(choices);
                using var driver = ClicksWithUserVersions(left ? JoinType.Left : JoinType.Inner, new JobTestDriverOptions { Partitions = partitions });

                TableJoinScenarios.Pipe(driver, events);
                AdvanceBoth(driver, End);

                Assert.Equal(Changelogs.Sorted(TableJoinScenarios.VersionOracle(events, left)),
                    TableJoinScenarios.Materialized(driver, withTimestamps: true));
            }, iter: 100, threads: 1);
    }
}
