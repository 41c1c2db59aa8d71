using Eddy.Engine.Runtime;
using Eddy.Engine.State;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>The task as the Kafka runtime will drive it: batches of bytes, control records, outputs drained per call.</summary>
public class StageTaskTests
{
    private static Plan.JobPlan WindowCountPlan()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, v) => v, Serdes.String, name: "by-word")
            .Window(Windows.Tumbling(TimeSpan.FromMilliseconds(10)), name: "count")
            .Count()
            .To("out");
        return job.Build();
    }

    private static InputRecord Word(string word, long timestamp) =>
        new(Serdes.String.Serialize(word), Serdes.String.Serialize(word), timestamp);

    [Fact]
    public void An_upstream_task_writes_repartitioned_records_then_its_watermark_as_a_control_record()
    {
        var plan = WindowCountPlan();
        using var state = new InMemoryStateBackend();
        var task = new StageTask(plan.Stages[0], 1, state, new ManualClock(DateTimeOffset.UnixEpoch), _ => 0);
        task.ProcessBatch("in", [Word("a", 5), Word("b", 30), Word("c", 12)]);

        Assert.Equal(["a", "b", "c"], task.Outputs.Records.Select(r => Serdes.String.Deserialize(r.Key)));
        Assert.All(task.Outputs.Records, r => Assert.Equal(("t-by-word-repartition", true), (r.Topic, r.IsRepartition)));
        Assert.Equal(new WatermarkControl(1, 29, false), task.Outputs.Watermark); // one watermark per batch: max 30 − 0 − 1
        task.Outputs.Clear();

        task.ProcessBatch("in", [Word("d", 20)]);
        Assert.Null(task.Outputs.Watermark); // unchanged: nothing to publish
    }

    [Fact]
    public void A_downstream_task_takes_the_minimum_over_upstream_tasks_leaving_idle_ones_out()
    {
        var plan = WindowCountPlan();
        using var state = new InMemoryStateBackend();
        var task = new StageTask(plan.Stages[1], 0, state, new ManualClock(DateTimeOffset.UnixEpoch), _ => 3);
        task.ProcessBatch("t-by-word-repartition", [Word("a", 5)]);
        task.OnWatermarkControl("t-by-word-repartition", WatermarkControl.Parse(new WatermarkControl(0, 50, false).ToBytes()));
        task.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(1, 40, false));
        Assert.Equal(long.MinValue, task.Watermark); // upstream task 2 has said nothing
        Assert.Empty(task.Outputs.Records);

        task.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(2, 0, Idle: true));
        Assert.Equal(40, task.Watermark);
        var result = Assert.Single(task.Outputs.Records);
        Assert.Equal(("out", 9L), (result.Topic, result.Timestamp));
        Assert.Equal(new Windowed<string>("a", 0, 10), Serdes.Windowed(Serdes.String).Deserialize(result.Key));
        Assert.Equal(1L, Serdes.Long.Deserialize(result.Value));
    }

    [Fact]
    public void A_task_created_again_on_the_same_state_resumes_at_its_saved_watermarks()
    {
        var plan = WindowCountPlan();
        using var state = new InMemoryStateBackend();
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var upstream = new StageTask(plan.Stages[0], 0, state, clock, _ => 0);
        upstream.ProcessBatch("in", [Word("a", 30)]);
        var downstream = new StageTask(plan.Stages[1], 0, state, clock, _ => 2);
        downstream.ProcessBatch("t-by-word-repartition", [Word("a", 5), Word("b", 25)]);
        downstream.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(0, 12, false));
        downstream.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(1, 15, false));
        Assert.Equal(12, downstream.Watermark);
        Assert.Single(downstream.Outputs.Records); // a[0,10) fired
        upstream.SaveWatermarks();
        downstream.SaveWatermarks();

        // The tasks move (or their worker restarts) and no new input arrives: they resume where they were, the
        // upstream task publishes its watermark again, and nothing fires twice.
        var movedUpstream = new StageTask(plan.Stages[0], 0, state, clock, _ => 0);
        Assert.Equal(29, movedUpstream.Watermark);
        Assert.Equal(new WatermarkControl(0, 29, false), movedUpstream.Outputs.Watermark);
        var movedDownstream = new StageTask(plan.Stages[1], 0, state, clock, _ => 2);
        Assert.Equal(12, movedDownstream.Watermark);
        Assert.Empty(movedDownstream.Outputs.Records);

        // Upstream task 0 catches up: the minimum is now upstream task 1's saved 15, and b[20,30) waits for more.
        movedDownstream.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(0, 40, false));
        Assert.Equal(15, movedDownstream.Watermark);
        Assert.Empty(movedDownstream.Outputs.Records);
        movedDownstream.OnWatermarkControl("t-by-word-repartition", new WatermarkControl(1, 40, false));
        Assert.Equal(new Windowed<string>("b", 20, 30), Serdes.Windowed(Serdes.String).Deserialize(Assert.Single(movedDownstream.Outputs.Records).Key));
    }

    [Fact]
    public void The_in_memory_store_ranges_in_unsigned_byte_order()
    {
        using var backend = new InMemoryStateBackend();
        var store = backend.Store("s", 0);
        store.Put([0x80], [1]);
        store.Put([0x7F], [2]);
        store.Put([0x7F, 0x00], [3]);
        store.Put([0xFF], [4]);
        Assert.Equal([[0x7F], [0x7F, 0x00], [0x80]], store.Range([0x00], [0xFF]).Select(e => e.Key));
        Assert.Equal([[0x80], [0xFF]], store.Range([0x80], null).Select(e => e.Key));
        store.Delete([0x80]);
        Assert.Null(store.Get([0x80]));
        backend.DropPartition("s", 0);
        Assert.Null(backend.Store("s", 0).Get([0xFF]));
    }
}
