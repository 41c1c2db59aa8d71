using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>Non-windowed aggregations into tables: what they emit and when, and what they keep.</summary>
public class AggregateTests
{
    internal sealed record Player(string Team, long Score);

    internal sealed record ScoreRange(long Low, long High);

    private static JobTestDriver Drive(Action<JobBuilder> define, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("t");
        define(job);
        return new JobTestDriver(job.Build(), options);
    }

    /// <summary>"players" (player → team and score) as a table, grouped by team.</summary>
    private static KeyedStream<string, Player> ByTeam(JobBuilder job) =>
        job.Table("players", Serdes.String, Serdes.Json<Player>(), name: "players").GroupBy((_, p) => p.Team, Serdes.String, name: "by-team");

    private static JobTestDriver SumPerKey(IAggregateFunction<long, long, long> function) =>
        Drive(job => job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((k, _) => k, Serdes.String, name: "by-key")
            .Aggregate(function, Serdes.Long, name: "sum")
            .ToChangelog("out"));

    [Fact]
    public void A_stream_aggregated_per_key_emits_an_insert_for_a_new_key_then_update_pairs_with_the_input_timestamps()
    {
        using var driver = SumPerKey(Aggregates.Sum<long>(v => v));
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 10);
        input.Pipe("a", 2, 20);
        input.Pipe("b", 5, 30);

        Assert.Equal(
        [
            ("a", 1L, 10L, RowKind.Insert),
            ("a", 1L, 20L, RowKind.UpdateBefore),
            ("a", 3L, 20L, RowKind.UpdateAfter),
            ("b", 5L, 30L, RowKind.Insert),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Key, r.Value, r.Timestamp, r.Kind)));
    }

    [Fact]
    public void A_row_that_leaves_the_result_unchanged_emits_nothing()
    {
        using var driver = Drive(job => job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((k, _) => k, Serdes.String)
            .Aggregate(Aggregates.Max<long, long>(v => v, Serdes.Long), Serdes.Long)
            .ToChangelog("out"));
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 5, 1);
        input.Pipe("a", 3, 2);
        input.Pipe("a", 5, 3);
        input.Pipe("a", 7, 4);

        Assert.Equal(
        [
            (5L, RowKind.Insert),
            (5L, RowKind.UpdateBefore),
            (7L, RowKind.UpdateAfter),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void A_group_whose_last_row_is_retracted_is_deleted_with_its_state()
    {
        using var driver = Drive(job => ByTeam(job).Count(name: "count").ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("bob", new Player("red", 2), 2);
        players.Pipe("ann", null!, 3);
        players.Pipe("bob", null!, 4);

        Assert.Equal(
        [
            ("red", 1L, RowKind.Insert),
            ("red", 1L, RowKind.UpdateBefore),
            ("red", 2L, RowKind.UpdateAfter),
            ("red", 2L, RowKind.UpdateBefore),
            ("red", 1L, RowKind.UpdateAfter),
            ("red", 1L, RowKind.Delete),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Key, r.Value, r.Kind)));
        Assert.Empty(driver.Store("t-count-accumulators").Range([], null));
    }

    [Fact]
    public void A_row_moving_to_another_group_is_retracted_from_the_old_one_and_added_to_the_new_one()
    {
        using var driver = Drive(job => ByTeam(job).Aggregate(Aggregates.Sum<Player>(p => p.Score), Serdes.Long, name: "sum").ToChangelog("out"),
            new JobTestDriverOptions { Partitions = 3 });
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("bob", new Player("red", 2), 2);
        players.Pipe("ann", new Player("blue", 4), 3);

        var changes = driver.Output<string, long>("out").ReadAll();
        Assert.Equal(
        [
            (1L, RowKind.Insert),
            (1L, RowKind.UpdateBefore),
            (3L, RowKind.UpdateAfter),
            (3L, RowKind.UpdateBefore),
            (2L, RowKind.UpdateAfter),
        ], changes.Where(r => r.Key == "red").Select(r => (r.Value, r.Kind)));
        Assert.Equal([(4L, RowKind.Insert)], changes.Where(r => r.Key == "blue").Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void Reduce_without_a_subtractor_fails_on_a_retraction_naming_the_operator()
    {
        using var driver = Drive(job => ByTeam(job)
            .MapValues(p => p.Score, Serdes.Long)
            .Reduce((a, b) => a + b, name: "total")
            .ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("bob", new Player("red", 2), 2);

        // The job fails (the default processing-error policy) with the operator's own error inside.
        var error = Assert.IsType<NotSupportedException>(Assert.Throws<ProcessingException>(() => players.Pipe("ann", new Player("red", 5), 3)).InnerException);

        Assert.Contains("'total'", error.Message);
        Assert.Contains("subtractor", error.Message);
    }

    [Fact]
    public void Reduce_without_a_subtractor_still_deletes_a_key_whose_only_row_is_retracted()
    {
        using var driver = Drive(job => ByTeam(job).MapValues(p => p.Score, Serdes.Long).Reduce((a, b) => a + b).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("ann", null!, 2);

        Assert.Equal([(1L, RowKind.Insert), (1L, RowKind.Delete)], driver.Output<string, long>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void Reduce_with_a_subtractor_takes_a_retracted_row_back()
    {
        using var driver = Drive(job => ByTeam(job).MapValues(p => p.Score, Serdes.Long).Reduce((a, b) => a + b, (a, b) => a - b).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("bob", new Player("red", 2), 2);
        players.Pipe("ann", new Player("red", 5), 3);

        Assert.Equal(
        [
            (1L, RowKind.Insert),
            (1L, RowKind.UpdateBefore),
            (3L, RowKind.UpdateAfter),
            (3L, RowKind.UpdateBefore),
            (2L, RowKind.UpdateAfter),
            (2L, RowKind.UpdateBefore),
            (7L, RowKind.UpdateAfter),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void Retracting_the_minimum_makes_the_next_smallest_value_the_result()
    {
        using var driver = Drive(job => ByTeam(job).Aggregate(Aggregates.Min<Player, long>(p => p.Score, Serdes.Long), Serdes.Long).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 3), 1);
        players.Pipe("bob", new Player("red", 1), 2);
        players.Pipe("cid", new Player("red", 1), 3);
        players.Pipe("dan", new Player("red", 2), 4);
        players.Pipe("bob", null!, 5);
        players.Pipe("cid", null!, 6);

        Assert.Equal(
        [
            (3L, RowKind.Insert),
            (3L, RowKind.UpdateBefore),
            (1L, RowKind.UpdateAfter),
            (1L, RowKind.UpdateBefore),
            (2L, RowKind.UpdateAfter),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void An_average_follows_rows_added_and_retracted()
    {
        using var driver = Drive(job => ByTeam(job).Aggregate(Aggregates.Average<Player>(p => p.Score), Serdes.Double).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 1), 1);
        players.Pipe("bob", new Player("red", 4), 2);
        players.Pipe("ann", null!, 3);

        Assert.Equal([1.0, 1.0, 2.5, 2.5, 4.0], driver.Output<string, double>("out").ReadValues());
    }

    [Fact]
    public void A_decimal_sum_is_exact_after_retractions()
    {
        using var driver = Drive(job => job.Table("prices", Serdes.String, Serdes.String)
            .GroupBy((_, _) => "all", Serdes.String)
            .Aggregate(Aggregates.Sum<string>(p => decimal.Parse(p, System.Globalization.CultureInfo.InvariantCulture)), Serdes.Json<decimal>())
            .ToChangelog("out"));
        var prices = driver.Input<string, string>("prices");
        prices.Pipe("a", "0.1", 1);
        prices.Pipe("b", "0.2", 2);
        prices.Pipe("a", "0.7", 3);

        Assert.Equal(0.9m, driver.Output<string, decimal>("out").ReadValues()[^1]);
    }

    [Fact]
    public void Combined_aggregates_emit_one_row_per_change_and_nothing_when_no_part_of_it_changes()
    {
        var range = Aggregates.Combine(Aggregates.Min<Player, long>(p => p.Score, Serdes.Long), Aggregates.Max<Player, long>(p => p.Score, Serdes.Long),
            (low, high) => new ScoreRange(low, high));
        using var driver = Drive(job => ByTeam(job).Aggregate(range, Serdes.Json<ScoreRange>()).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 3), 1);
        players.Pipe("bob", new Player("red", 9), 2);
        players.Pipe("cid", new Player("red", 5), 3);
        players.Pipe("bob", null!, 4);

        Assert.Equal(
        [
            (new ScoreRange(3, 3), RowKind.Insert),
            (new ScoreRange(3, 3), RowKind.UpdateBefore),
            (new ScoreRange(3, 9), RowKind.UpdateAfter),
            (new ScoreRange(3, 9), RowKind.UpdateBefore),
            (new ScoreRange(3, 5), RowKind.UpdateAfter),
        ], driver.Output<string, ScoreRange>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void Fixed_size_accumulators_are_kept_as_a_count_and_eight_bytes()
    {
        using var driver = SumPerKey(Aggregates.Sum<long>(v => v));
        driver.Input<string, long>("in").Pipe("a", 1, 10);

        var entry = Assert.Single(driver.Store("t-sum-accumulators").Range([], null));
        Assert.Equal(16, entry.Value.Length);
    }

    [Fact]
    public void An_aggregate_restarted_from_its_store_retracts_the_result_it_had_before_the_restart()
    {
        using var driver = Drive(job => ByTeam(job).Aggregate(Aggregates.Max<Player, long>(p => p.Score, Serdes.Long), Serdes.Long).ToChangelog("out"));
        var players = driver.Input<string, Player>("players");
        players.Pipe("ann", new Player("red", 3), 1);
        players.Pipe("bob", new Player("red", 9), 2);
        driver.RestartTasks();
        players.Pipe("bob", null!, 3);

        Assert.Equal(
        [
            (3L, RowKind.Insert),
            (3L, RowKind.UpdateBefore),
            (9L, RowKind.UpdateAfter),
            (9L, RowKind.UpdateBefore),
            (3L, RowKind.UpdateAfter),
        ], driver.Output<string, long>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    [Fact]
    public void A_table_written_as_upserts_after_an_aggregation_holds_each_keys_latest_result()
    {
        using var driver = Drive(job => job.Source("in", Serdes.String, Serdes.String).KeyBy((_, v) => v, Serdes.String).Count().To("counts"));
        var input = driver.Input<string, string>("in");
        input.Pipe("x", "a", 1);
        input.Pipe("x", "a", 2);

        Assert.Equal([1L, 2L], driver.Output<string, long>("counts").ReadValues());
    }

    [Fact]
    public void An_aggregation_without_a_result_serde_is_refused_naming_the_operator()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String)
            .Aggregate(Aggregates.Sum<long>(v => v), resultSerde: null, name: "sum")
            .ToChangelog("out", valueSerde: Serdes.Long);

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("sum", error.Message);
        Assert.Contains("result serde", error.Message);
    }

    [Fact]
    public void Reduce_on_a_stream_without_a_value_serde_is_refused_naming_the_operator()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String)
            .MapValues(v => v.Length)
            .Reduce((a, b) => a + b, name: "lengths")
            .ToChangelog("out", valueSerde: Serdes.Int);

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("lengths", error.Message);
        Assert.Contains("value serde", error.Message);
    }

    [Fact]
    public void A_plan_lists_the_aggregates_accumulator_store()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String).KeyBy((_, v) => v, Serdes.String).Count(name: "count").ToChangelog("out");

        var plan = job.Build();

        var count = plan.Operators.Single(o => o.Name == "count");
        Assert.Equal(Plan.OperatorKind.Aggregate, count.Kind);
        Assert.Equal(["t-count-accumulators"], count.Stores.Select(s => s.Name));
    }
}
