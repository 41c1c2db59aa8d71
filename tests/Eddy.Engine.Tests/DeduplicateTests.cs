using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.State;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class DeduplicateTests
{
    /// <summary>source "in" (string/string, watermark = latest timestamp - 1) → key by key → deduplicate → "out".</summary>
    private static JobTestDriver Dedup(DeduplicateKeep keep, TimeDomain time, TimeSpan? ttl = null, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .Deduplicate(keep, time, ttl, name: "dedup")
            .To("out");
        return new JobTestDriver(job.Build(), options);
    }

    private static List<string> Read(JobTestDriver driver) =>
        driver.Output<string, string>("out").ReadAll()
            .Select(r => $"{r.Key}={r.Value}@{r.Timestamp}{(r.Kind == RowKind.Insert ? "" : " " + r.Kind)}").ToList();

    private static int Count(JobTestDriver driver, string store) => ((InMemoryKeyValueStore)driver.Store(store)).Count;

    [Fact]
    public void Keep_first_by_processing_time_emits_each_keys_first_row_only_as_inserts()
    {
        using var driver = Dedup(DeduplicateKeep.First, TimeDomain.ProcessingTime);
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        input.Pipe("a", "y", 5);
        input.Pipe("b", "x", 7);
        input.Pipe("a", "z", 20);

        Assert.Equal(["a=x@10", "b=x@7"], Read(driver));
    }

    [Fact]
    public void Keep_first_by_event_time_replaces_the_first_row_when_an_earlier_one_arrives_late()
    {
        using var driver = Dedup(DeduplicateKeep.First, TimeDomain.EventTime);
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        input.Pipe("a", "y", 5);
        input.Pipe("a", "z", 5); // not earlier than the kept row: the first of equal times stays
        input.Pipe("a", "w", 20);

        Assert.Equal(["a=x@10", "a=x@10 UpdateBefore", "a=y@5 UpdateAfter"], Read(driver));
    }

    [Fact]
    public void Keep_last_by_processing_time_emits_each_new_row_retracting_the_previous_one()
    {
        using var driver = Dedup(DeduplicateKeep.Last, TimeDomain.ProcessingTime);
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        input.Pipe("a", "y", 5);

        Assert.Equal(["a=x@10", "a=x@10 UpdateBefore", "a=y@5 UpdateAfter"], Read(driver));
    }

    [Fact]
    public void Keep_last_by_event_time_drops_a_row_older_than_the_kept_one()
    {
        using var driver = Dedup(DeduplicateKeep.Last, TimeDomain.EventTime);
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        input.Pipe("a", "y", 5);
        input.Pipe("a", "z", 10);

        Assert.Equal(["a=x@10", "a=x@10 UpdateBefore", "a=z@10 UpdateAfter"], Read(driver));
    }

    [Fact]
    public void With_an_event_time_ttl_a_key_is_forgotten_once_the_watermark_passes_its_rows_time_plus_the_ttl()
    {
        using var driver = Dedup(DeduplicateKeep.First, TimeDomain.EventTime, TimeSpan.FromMilliseconds(100));
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        input.Pipe("b", "x", 110); // watermark 109: a's row (expiring at 110) is kept
        input.Pipe("a", "y", 60);
        Assert.Equal(["a=x@10", "b=x@110"], Read(driver));

        input.Pipe("b", "y", 111); // watermark 110
        input.Pipe("a", "z", 70);
        Assert.Equal(["a=z@70"], Read(driver));

        driver.AdvanceWatermark("in", 1_000);
        Assert.Equal(0, Count(driver, "t-dedup-rows"));
        Assert.Equal(0, Count(driver, "t-dedup-timers"));
    }

    [Fact]
    public void With_a_processing_time_ttl_a_key_is_forgotten_once_the_task_clock_passes_its_arrival_plus_the_ttl()
    {
        using var driver = Dedup(DeduplicateKeep.First, TimeDomain.ProcessingTime, TimeSpan.FromSeconds(1));
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 1);
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(999));
        input.Pipe("a", "y", 2);
        Assert.Equal(["a=x@1"], Read(driver));
        Assert.Equal(1, Count(driver, "t-dedup-rows"));

        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Count(driver, "t-dedup-rows"));
        Assert.Equal(0, Count(driver, "t-dedup-timers"));
        input.Pipe("a", "z", 3);
        Assert.Equal(["a=z@3"], Read(driver));
    }

    [Fact]
    public void A_keep_last_ttl_counts_from_the_last_kept_row()
    {
        using var driver = Dedup(DeduplicateKeep.Last, TimeDomain.ProcessingTime, TimeSpan.FromSeconds(1));
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 1);
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(600));
        input.Pipe("a", "y", 2);
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(600));
        input.Pipe("a", "z", 3);

        Assert.Equal(["a=x@1", "a=x@1 UpdateBefore", "a=y@2 UpdateAfter", "a=y@2 UpdateBefore", "a=z@3 UpdateAfter"], Read(driver));
        Assert.Equal(1, Count(driver, "t-dedup-timers")); // the earlier expiries were moved, not left behind
    }

    [Theory]
    [InlineData(DeduplicateKeep.First)]
    [InlineData(DeduplicateKeep.Last)]
    public void A_deduplication_of_an_updating_stream_is_refused_when_the_job_is_built_as_flink_requires_insert_only_input(DeduplicateKeep keep)
    {
        // A table's changes retract rows: keep-first could not say what happens when its kept row is updated or deleted.
        var job = new JobBuilder("t");
        job.Table("users", Serdes.String, Serdes.String, name: "users").ToStream().Deduplicate(keep, TimeDomain.ProcessingTime, name: "dedup").To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("'dedup'", error.Message);
        Assert.Contains("insert-only", error.Message);
    }

    [Fact]
    public void A_deduplication_after_a_process_function_is_refused_as_a_process_function_may_emit_retractions()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String)
            .Process(() => new PassThrough(), Serdes.String, name: "pass").Deduplicate(DeduplicateKeep.First, name: "dedup").To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("'dedup'", error.Message);
        Assert.Contains("'pass'", error.Message);
    }

    [Fact]
    public void A_top_n_after_a_keep_first_by_processing_time_deduplication_runs_append_only()
    {
        var job = new JobBuilder("t");
        var deduplicated = job.Source("in", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String).Deduplicate(DeduplicateKeep.First, TimeDomain.ProcessingTime);
        deduplicated.TopN(3, v => v, name: "first").To("a");
        job.Source("other", Serdes.String, Serdes.Long).KeyBy((k, _) => k, Serdes.String)
            .Deduplicate(DeduplicateKeep.Last, TimeDomain.ProcessingTime).TopN(3, v => v, name: "last").To("b");
        var plan = job.Build();

        Assert.Contains("append-only", plan.Operators.Single(o => o.Name == "first").Detail);
        Assert.DoesNotContain("append-only", plan.Operators.Single(o => o.Name == "last").Detail);
    }

    [Fact]
    public void Tasks_restarted_from_their_stores_still_retract_the_kept_row_and_expire_it()
    {
        using var driver = Dedup(DeduplicateKeep.Last, TimeDomain.EventTime, TimeSpan.FromMilliseconds(50));
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 10);
        driver.RestartTasks();
        input.Pipe("a", "y", 20);
        driver.RestartTasks();
        driver.AdvanceWatermark("in", 70);

        Assert.Equal(["a=x@10", "a=x@10 UpdateBefore", "a=y@20 UpdateAfter"], Read(driver));
        Assert.Equal(0, Count(driver, "t-dedup-rows"));
        input.Pipe("a", "z", 80);
        Assert.Equal(["a=z@80"], Read(driver));
    }

    [Fact]
    public void Any_interleaving_on_any_partitioning_materializes_to_the_brute_force_first_or_last_row_per_key()
    {
        var keeps = new[] { DeduplicateKeep.First, DeduplicateKeep.Last };
        var times = new[] { TimeDomain.EventTime, TimeDomain.ProcessingTime };
        Gen.Select(Gen.Select(Gen.Int[0, 5], Gen.Long[0, 30]).Array[1, 80], Gen.Int[0, 1], Gen.Int[0, 1], Gen.Int[1, 4], Gen.Int[0, 20])
            .Sample((records, keep, time, partitions, restartEvery) =>
            {
                using var driver = Dedup(keeps[keep], times[time], options: new JobTestDriverOptions { Partitions = partitions });
                var input = driver.Input<string, string>("in");
                for (var i = 0; i < records.Length; i++)
                {
                    input.Pipe($"k{records[i].Item1}", $"{i}", records[i].Item2);
                    if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
                    {
                        driver.RestartTasks();
                    }
                }

                var expected = records.Select((r, i) => (Key: $"k{r.Item1}", Arrival: i, Timestamp: r.Item2))
                    .GroupBy(r => r.Key)
                    .Select(g => (g.Key, Kept(g.ToList(), keeps[keep], times[time]).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var materialized = Changelogs.Materialize(driver.Output<string, string>("out").ReadAll());
                Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(materialized));
            }, iter: 200);
    }

    /// <summary>The arrival index of the row a deduplication keeps: ties in time go to the first arrival (first) or the last (last).</summary>
    private static int Kept(List<(string Key, int Arrival, long Timestamp)> rows, DeduplicateKeep keep, TimeDomain time) =>
        (keep, time) switch
        {
            (DeduplicateKeep.First, TimeDomain.ProcessingTime) => rows[0].Arrival,
            (DeduplicateKeep.Last, TimeDomain.ProcessingTime) => rows[^1].Arrival,
            (DeduplicateKeep.First, _) => rows.OrderBy(r => r.Timestamp).ThenBy(r => r.Arrival).First().Arrival,
            _ => rows.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Arrival).First().Arrival,
        };

    private sealed class PassThrough : KeyedProcessFunction<string, string, string>
    {
        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context) => context.Emit(value);
    }
}
