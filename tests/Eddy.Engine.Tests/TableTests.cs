using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class TableTests
{
    private static JobTestDriver Drive(Action<JobBuilder> define, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("t");
        define(job);
        return new JobTestDriver(job.Build(), options);
    }

    [Fact]
    public void A_topic_read_as_a_table_emits_inserts_update_pairs_and_deletes_and_skips_identical_upserts()
    {
        using var driver = Drive(job => job.Table("users", Serdes.String, Serdes.String, name: "users").ToChangelog("changes"));
        var users = driver.Input<string, string>("users");
        var changes = driver.Output<string, string>("changes");

        users.Pipe("ann", "paris", 1);
        users.Pipe("ann", "paris", 2);
        users.Pipe("ann", "oslo", 3);
        users.Pipe("bob", "rome", 4);
        users.Pipe("ann", null!, 5);
        users.Pipe("cid", null!, 6);

        Assert.Equal(
        [
            ("ann", "paris", RowKind.Insert),
            ("ann", "paris", RowKind.UpdateBefore),
            ("ann", "oslo", RowKind.UpdateAfter),
            ("bob", "rome", RowKind.Insert),
            ("ann", "oslo", RowKind.Delete),
        ], changes.ReadAll().Select(r => (r.Key, r.Value, r.Kind)));
    }

    [Fact]
    public void A_tombstone_deletes_a_row_of_a_value_type_too()
    {
        using var driver = Drive(job => job.Table("counts", Serdes.String, Serdes.Long).ToChangelog("changes"));
        var counts = driver.Input<string, long>("counts");
        counts.Pipe("a", 0, 1);
        driver.Input<string, string>("counts", Serdes.String, Serdes.String).Pipe("a", null!, 2);

        Assert.Equal([RowKind.Insert, RowKind.Delete], driver.Output<string, long>("changes").ReadAll().Select(r => r.Kind));
    }

    [Fact]
    public void A_table_written_to_a_topic_is_upserts_and_tombstones_without_retractions()
    {
        using var driver = Drive(job => job.Table("users", Serdes.String, Serdes.String).MapValues(v => v.ToUpperInvariant(), Serdes.String).To("upper"));
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 1);
        users.Pipe("ann", "oslo", 2);
        users.Pipe("ann", null!, 3);

        Assert.Equal(
        [
            ("ann", "PARIS", RowKind.Insert),
            ("ann", "OSLO", RowKind.Insert),
            ("ann", null, RowKind.Insert),
        ], driver.Output<string, string>("upper").ReadAll().Select(r => (r.Key, (string?)r.Value, r.Kind)));
    }

    [Fact]
    public void A_filtered_table_retracts_a_row_that_stops_matching()
    {
        using var driver = Drive(job => job.Table("users", Serdes.String, Serdes.String).Filter((_, city) => city.StartsWith('p')).ToChangelog("p"));
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 1);
        users.Pipe("ann", "oslo", 2);
        users.Pipe("ann", "prague", 3);

        Assert.Equal(
        [
            ("paris", RowKind.Insert),
            ("paris", RowKind.UpdateBefore),
            ("prague", RowKind.UpdateAfter),
        ], driver.Output<string, string>("p").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void A_keyed_stream_read_as_a_table_upserts_per_key()
    {
        using var driver = Drive(job => job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, v) => v[..1], Serdes.String)
            .ToTable(name: "latest")
            .ToChangelog("latest-changes"));
        var input = driver.Input<string, string>("in");
        input.Pipe("x", "apple", 1);
        input.Pipe("x", "avocado", 2);
        input.Pipe("x", "banana", 3);

        Assert.Equal(
        [
            ("a", "apple", RowKind.Insert),
            ("a", "apple", RowKind.UpdateBefore),
            ("a", "avocado", RowKind.UpdateAfter),
            ("b", "banana", RowKind.Insert),
        ], driver.Output<string, string>("latest-changes").ReadAll().Select(r => (r.Key, r.Value, r.Kind)));
        Assert.Equal("avocado", Serdes.String.Deserialize(driver.Store("t-latest-rows").Get(Serdes.String.Serialize("a"))));
    }

    [Fact]
    public void A_tables_changes_regrouped_by_another_key_carry_their_row_kinds_through_the_repartition_topic()
    {
        using var driver = Drive(job => job.Table("users", Serdes.String, Serdes.String)
            .GroupBy((_, city) => city, Serdes.String, name: "by-city")
            .To("by-city-changes"), new JobTestDriverOptions { Partitions = 3 });
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 1);
        users.Pipe("ann", "oslo", 2);

        Assert.Equal(
        [
            ("paris", "paris", RowKind.Insert),
            ("paris", "paris", RowKind.UpdateBefore),
            ("oslo", "oslo", RowKind.UpdateAfter),
        ], driver.Output<string, string>("by-city-changes").ReadAll().Select(r => (r.Key, r.Value, r.Kind)));
    }

    [Fact]
    public void A_table_without_a_watermark_strategy_does_not_hold_back_the_stream_it_is_read_with()
    {
        using var driver = Drive(job =>
        {
            var clicks = job.Source("clicks", Serdes.String, Serdes.String).KeyBy((user, _) => user, Serdes.String, name: "by-user");
            var users = job.Table("users", Serdes.String, Serdes.String, name: "users");
            clicks.Union(users.ToStream(), name: "both").To("out");
        });
        driver.Input<string, string>("users").Pipe("ann", "paris", 1);
        driver.Input<string, string>("clicks").Pipe("ann", "home", 1_000);

        Assert.Equal(1_000 - 1, driver.Watermark(1));
    }

    [Fact]
    public void A_stage_reading_a_repartition_topic_and_a_table_runs_a_task_per_partition_of_the_table()
    {
        var job = new JobBuilder("t");
        var clicks = job.Source("clicks", Serdes.String, Serdes.String).KeyBy((user, _) => user, Serdes.String, name: "by-user");
        clicks.Union(job.Table("users", Serdes.String, Serdes.String, name: "users").ToStream()).To("out");
        var plan = job.Build();

        var partitions = StagePartitioning.Resolve(plan, topic => topic switch { "clicks" => 2, "users" => 5, _ => null });

        var joinStage = plan.Stages.Single(s => s.Inputs.Any(i => i.Topic == "users"));
        Assert.Equal(5, partitions[joinStage.Id]);
        Assert.Equal(2, partitions[plan.Stages.Single(s => s.Inputs.Any(i => i.Topic == "clicks")).Id]);
    }

    [Fact]
    public void Two_topics_with_different_partition_counts_read_by_one_stage_are_refused_naming_both()
    {
        var job = new JobBuilder("t");
        job.Table("users", Serdes.String, Serdes.String).ToStream()
            .Union(job.Table("accounts", Serdes.String, Serdes.String).ToStream())
            .To("out");
        var plan = job.Build();

        var error = Assert.Throws<JobDefinitionException>(() => StagePartitioning.Resolve(plan, topic => topic == "users" ? 3 : 4));

        Assert.Contains("'users' (3 partitions)", error.Message);
        Assert.Contains("'accounts' (4 partitions)", error.Message);
        Assert.Contains("KeyBy", error.Message);
    }

    [Fact]
    public void Stages_are_numbered_so_that_each_comes_after_the_stages_it_reads_from()
    {
        var job = new JobBuilder("t");
        var left = job.Source("a", Serdes.String, Serdes.String).KeyBy((_, v) => v, Serdes.String, name: "left");
        var right = job.Source("b", Serdes.String, Serdes.String).KeyBy((_, v) => v, Serdes.String, name: "right");
        left.Union(right).To("out");

        var plan = job.Build();

        foreach (var stage in plan.Stages)
        {
            Assert.All(stage.Inputs.Where(i => i.IsRepartition), input => Assert.True(input.UpstreamStage < stage.Id));
        }
    }

    [Fact]
    public void A_table_restarted_from_its_store_still_retracts_the_row_it_had_before_the_restart()
    {
        using var driver = Drive(job => job.Table("users", Serdes.String, Serdes.String).ToChangelog("changes"));
        var users = driver.Input<string, string>("users");
        users.Pipe("ann", "paris", 1);
        driver.RestartTasks();
        users.Pipe("ann", "oslo", 2);

        Assert.Equal(
        [
            ("paris", RowKind.Insert),
            ("paris", RowKind.UpdateBefore),
            ("oslo", RowKind.UpdateAfter),
        ], driver.Output<string, string>("changes").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void A_source_taken_as_keyed_shares_a_stage_with_a_table_of_its_partition_count_without_a_repartition_topic()
    {
        var job = new JobBuilder("t");
        var clicks = job.Source("clicks", Serdes.String, Serdes.String).Filter((_, v) => v.Length > 0).AsKeyed();
        clicks.Union(job.Table("users", Serdes.String, Serdes.String).ToStream()).To("out");

        var plan = job.Build();

        var stage = Assert.Single(plan.Stages);
        Assert.Equal(["clicks", "users"], stage.Inputs.Select(i => i.Topic).Order());
        var error = Assert.Throws<JobDefinitionException>(() => StagePartitioning.Resolve(plan, topic => topic == "clicks" ? 2 : 3));
        Assert.Contains("'clicks' (2 partitions)", error.Message);
    }

    [Fact]
    public void A_stream_whose_keys_a_map_may_have_changed_cannot_be_taken_as_keyed()
    {
        var mapped = new JobBuilder("t").Source("in", Serdes.String, Serdes.String).Map((k, v) => (v, k), Serdes.String, Serdes.String, name: "swap");

        var error = Assert.Throws<JobDefinitionException>(() => mapped.AsKeyed());

        Assert.Contains("'swap'", error.Message);
        Assert.Contains("KeyBy", error.Message);
    }
}
