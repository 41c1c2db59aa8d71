using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class LatenessTests
{
    private static readonly Windows Ten = Windows.Tumbling(TimeSpan.FromMilliseconds(10));

    [Fact]
    public void Out_of_order_records_within_the_bound_are_counted_in_their_window()
    {
        using var driver = Jobs.WindowCount(Ten, bound: TimeSpan.FromMilliseconds(5));
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 3);
        input.Pipe("k", "a", 12); // watermark 6
        input.Pipe("k", "a", 8); // 4 ms out of order: on time
        Assert.Empty(driver.Results());
        input.Pipe("k", "a", 16); // watermark 10
        Assert.Equal(["a[0,10)=2@9"], driver.Results());
        Assert.Equal(0, driver.LateRecordCount);
    }

    [Fact]
    public void A_late_record_within_the_allowed_lateness_updates_and_re_emits_the_result()
    {
        using var driver = Jobs.WindowCount(Ten, lateness: TimeSpan.FromMilliseconds(10));
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 2);
        input.Pipe("k", "a", 15); // watermark 14: [0,10) fires
        Assert.Equal(["a[0,10)=1@9"], driver.Results());

        input.Pipe("k", "a", 5); // late, but 9 + 10 > 14
        Assert.Equal(["a[0,10)=1@9 UpdateBefore", "a[0,10)=2@9 UpdateAfter"], driver.Results());
        Assert.Equal(0, driver.LateRecordCount);

        input.Pipe("k", "a", 30); // watermark 29: [10,20) fires, [0,10) is forgotten
        Assert.Equal(["a[10,20)=1@19"], driver.Results());
        input.Pipe("k", "a", 7);
        Assert.Empty(driver.Results());
        Assert.Equal(1, driver.LateRecordCount);
    }

    [Fact]
    public void A_record_after_the_allowed_lateness_goes_to_the_side_output_and_is_counted()
    {
        using var driver = Jobs.WindowCount(Ten);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 0);
        input.Pipe("k", "a", 20); // watermark 19
        Assert.Equal(["a[0,10)=1@9"], driver.Results());

        input.Pipe("k", "late-word", 5);
        Assert.Empty(driver.Results());
        Assert.Equal([new TestRecord<string, string>("late-word", "late-word", 5)], driver.SideOutput(Jobs.Late));
        Assert.Equal(1, driver.LateRecordCount);
        Assert.Empty(driver.SideOutput(Jobs.Late)); // read once
    }

    [Fact]
    public void A_window_first_seen_within_the_lateness_fires_at_once_and_is_forgotten_after_it()
    {
        using var driver = Jobs.WindowCount(Ten, lateness: TimeSpan.FromMilliseconds(10));
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "b", 15); // watermark 14
        input.Pipe("k", "a", 5); // [0,10) never seen, due, within the lateness
        Assert.Equal(["a[0,10)=1@9"], driver.Results());
        var aWindow = Runtime.StateKeys.Window(Serdes.String.Serialize("a"), new TimeWindow(0, 10));
        Assert.Equal(1, driver.Store("wc-count-windows").Get(aWindow)![0]); // kept, marked fired

        input.Pipe("k", "b", 40); // watermark 39: past a's lateness; b's [10,20) fires
        Assert.Equal(["b[10,20)=1@19"], driver.Results());
        Assert.Null(driver.Store("wc-count-windows").Get(aWindow));
    }

    [Fact]
    public void Updates_keep_their_row_kind_through_a_repartition()
    {
        var job = new JobBuilder("rk");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, v) => v, Serdes.String)
            .Window(Ten).AllowedLateness(TimeSpan.FromMilliseconds(10)).Count()
            .KeyBy((w, _) => w.Key, Serdes.String, Serdes.Long)
            .To("out");
        using var driver = new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = 2 });
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 2, partition: 0);
        input.Pipe("k", "a", 15, partition: 0);
        input.Pipe("k", "a", 15, partition: 1);
        input.Pipe("k", "a", 5, partition: 0);
        Assert.Equal(
            [("a", 1L, Records.RowKind.Insert), ("a", 1L, Records.RowKind.UpdateBefore), ("a", 2L, Records.RowKind.UpdateAfter)],
            driver.Output<string, long>("out").ReadAll().Select(r => (r.Key, r.Value, r.Kind)));
    }

    [Fact]
    public void Without_a_tag_late_records_still_go_to_the_windows_own_side_output()
    {
        var job = new JobBuilder("j");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, v) => v, Serdes.String)
            .Window(Ten, name: "w").Count()
            .To("out");
        var plan = job.Build();
        Assert.Contains("late -> j-w-late", plan.ToString());
        using var driver = new JobTestDriver(plan);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 20);
        input.Pipe("k", "a", 1);
        Assert.Equal([new TestRecord<string, string>("a", "a", 1)], driver.SideOutput(new OutputTag<string, string>("j-w-late")));
    }

    [Fact]
    public void Records_of_one_batch_are_not_late_relative_to_each_other()
    {
        using var driver = Jobs.WindowCount(Ten);
        var input = driver.Input<string, string>("in");
        input.PipeBatch([("k", "a", 20), ("k", "a", 1)]); // one poll: the watermark moves after both
        Assert.Equal(["a[0,10)=1@9"], driver.Results());
        Assert.Equal(0, driver.LateRecordCount);

        input.Pipe("k", "a", 2); // now behind the watermark (19)
        Assert.Equal(1, driver.LateRecordCount);
    }
}
