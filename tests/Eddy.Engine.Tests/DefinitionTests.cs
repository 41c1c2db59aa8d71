using Eddy.Engine.Plan;

namespace Eddy.Engine.Tests;

public class DefinitionTests
{
    private static JobDefinitionException Fails(Action<JobBuilder> define)
    {
        var job = new JobBuilder("bad");
        define(job);
        return Assert.Throws<JobDefinitionException>(() => job.Build());
    }

    [Theory]
    [InlineData("Window")]
    [InlineData("Process")]
    [InlineData("ToTable")]
    public void Per_key_operations_exist_only_on_keyed_streams_so_misuse_does_not_compile(string method)
    {
        Assert.Null(typeof(Stream<string, string>).GetMethod(method));
        Assert.NotNull(typeof(KeyedStream<string, string>).GetMethod(method));
    }

    [Fact]
    public void A_key_changing_map_on_a_keyed_stream_gives_a_plain_stream_and_mapping_values_keeps_it_keyed()
    {
        var keyed = new JobBuilder("j").Source("in", Serdes.String, Serdes.String).KeyBy((_, v) => v, Serdes.String);

        Assert.IsType<Stream<string, string>>(keyed.Map((k, v) => (v, k), Serdes.String, Serdes.String));
        Assert.IsType<KeyedStream<string, int>>(keyed.MapValues(v => v.Length, Serdes.Int));
        Assert.IsType<KeyedStream<string, string>>(keyed.Filter((_, _) => true));
    }

    [Fact]
    public void A_missing_serde_names_the_operator()
    {
        var error = Fails(job => job.Source("in", Serdes.String, Serdes.String)
            .MapValues(v => v.Length)
            .To("out", name: "write-lengths"));
        Assert.Contains("'write-lengths'", error.Message);
        Assert.Contains("value serde", error.Message);

        var repartition = Fails(job => job.Source("in", Serdes.String, Serdes.String)
            .MapValues(v => v.Length)
            .KeyBy((k, _) => k, Serdes.String, name: "rekey")
            .To("out", Serdes.String, Serdes.Int));
        Assert.Contains("'rekey'", repartition.Message);
    }

    [Fact]
    public void A_job_without_a_sink_is_rejected()
    {
        var error = Fails(job => job.Source("in", Serdes.String, Serdes.String).Filter((_, _) => true));
        Assert.Contains("no sink", error.Message);
    }

    [Fact]
    public void Duplicate_operator_names_are_rejected()
    {
        var error = Fails(job =>
        {
            var input = job.Source("in", Serdes.String, Serdes.String);
            input.Filter((_, _) => true, name: "twice").Filter((_, _) => true, name: "twice").To("out");
        });
        Assert.Contains("'twice'", error.Message);
    }

    [Fact]
    public void Session_windows_without_a_merger_name_the_operator()
    {
        var error = Fails(job => job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, v) => v, Serdes.String)
            .Window(Windows.Session(TimeSpan.FromSeconds(1)), name: "sessions")
            .Aggregate(() => 0, (_, _, n) => n + 1, Serdes.Int)
            .To("out"));
        Assert.Contains("'sessions'", error.Message);
        Assert.Contains("merger", error.Message);
    }

    [Fact]
    public void The_plan_cuts_stages_at_key_by_and_declares_stores_and_changelogs()
    {
        var job = new JobBuilder("clicks");
        job.Source("clicks", Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromSeconds(5)))
            .Filter((_, page) => page.Length > 0, name: "non-empty")
            .KeyBy((_, page) => page, Serdes.String, name: "by-page")
            .Window(Windows.Tumbling(TimeSpan.FromMinutes(1)), name: "per-minute")
            .Count()
            .To("page-counts");
        var plan = job.Build();

        Assert.Equal(2, plan.Stages.Count);
        Assert.Equal(["source-1", "non-empty", "by-page"], plan.Stages[0].Operators.Select(o => o.Name));
        Assert.Equal(["by-page-source", "per-minute", "sink-6"], plan.Stages[1].Operators.Select(o => o.Name));
        Assert.Equal(new StageInput("clicks-by-page-repartition", 0), Assert.Single(plan.Stages[1].Inputs));
        Assert.Equal(
            [new StoreDeclaration("windows", "clicks-per-minute-windows", "clicks-per-minute-windows-changelog"),
             new StoreDeclaration("timers", "clicks-per-minute-timers", "clicks-per-minute-timers-changelog")],
            plan.Operators.SelectMany(o => o.Stores));
        // Both stages keep their watermarks with their state (stage 0 writes a repartition topic, stage 1 has state),
        // so a task moved to another worker resumes at its committed event time.
        Assert.Equal(
            [new StoreDeclaration("watermarks", "clicks-stage0-watermarks", "clicks-stage0-watermarks-changelog"),
             new StoreDeclaration("watermarks", "clicks-stage1-watermarks", "clicks-stage1-watermarks-changelog")],
            plan.Stages.Select(s => s.WatermarkStore));
        Assert.Equal(4, plan.Stores.Count());
        var text = plan.ToString();
        Assert.Contains("stage 1 (a task per partition of clicks-by-page-repartition)", text);
        Assert.Contains("per-minute [WindowAggregate tumbling(60000 ms)", text);
    }

    [Fact]
    public void A_stateless_single_stage_job_keeps_no_watermarks()
    {
        var job = new JobBuilder("copy");
        job.Source("in", Serdes.String, Serdes.String).MapValues(v => v.ToUpperInvariant(), Serdes.String).To("out");
        var plan = job.Build();
        Assert.Null(Assert.Single(plan.Stages).WatermarkStore);
        Assert.Empty(plan.Stores);
    }
}
