namespace Eddy.Engine.Tests;

public class WindowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Tumbling_windows_are_end_exclusive_and_fire_when_the_watermark_reaches_end_minus_one()
    {
        using var driver = Jobs.WindowCount(Windows.Tumbling(TimeSpan.FromMilliseconds(10)));
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 0);
        input.Pipe("k", "a", 9);
        Assert.Empty(driver.Results()); // watermark 8 < 9

        input.Pipe("k", "a", 10); // watermark 9: [0,10) fires; the record at 10 belongs to [10,20)
        Assert.Equal(["a[0,10)=2@9"], driver.Results());

        input.Pipe("k", "a", 19);
        Assert.Empty(driver.Results());
        input.Pipe("k", "b", 20);
        Assert.Equal(["a[10,20)=2@19"], driver.Results());
    }

    [Fact]
    public void Hopping_windows_overlap_so_a_record_counts_in_each_window_covering_it()
    {
        using var driver = Jobs.WindowCount(Windows.Hopping(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)), Bound);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 7); // [0,10) and [5,15)
        input.Pipe("k", "a", 12); // [5,15) and [10,20)
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["a[0,10)=1@9", "a[5,15)=2@14", "a[10,20)=1@19"], driver.Results());
    }

    [Fact]
    public void Session_windows_merge_when_a_record_bridges_two_sessions()
    {
        using var driver = Jobs.WindowCount(Windows.Session(TimeSpan.FromMilliseconds(10)), Bound);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 0); // [0,10)
        input.Pipe("k", "a", 20); // [20,30)
        input.Pipe("k", "b", 0);
        input.Pipe("k", "b", 25);
        input.Pipe("k", "a", 10); // [10,20) touches both: one session [0,30)
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["b[0,10)=1@9", "a[0,30)=3@29", "b[25,35)=1@34"], driver.Results());
    }

    [Fact]
    public void A_late_record_merging_fired_sessions_retracts_them_and_emits_the_merged_session()
    {
        using var driver = Jobs.WindowCount(Windows.Session(TimeSpan.FromMilliseconds(10)), lateness: TimeSpan.FromMilliseconds(100));
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 0);
        input.Pipe("k", "a", 20);
        input.Pipe("k", "z", 50); // watermark 49: both sessions of "a" fire
        Assert.Equal(["a[0,10)=1@9", "a[20,30)=1@29"], driver.Results());

        input.Pipe("k", "a", 10); // within the lateness, bridges both
        Assert.Equal(["a[0,10)=1@9 UpdateBefore", "a[20,30)=1@29 UpdateBefore", "a[0,30)=3@29 UpdateAfter"], driver.Results());
    }

    [Fact]
    public void Cumulating_windows_share_a_start_and_grow_by_steps_up_to_the_max()
    {
        using var driver = Jobs.WindowCount(Windows.Cumulating(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30)), Bound);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 5);
        input.Pipe("k", "a", 15);
        input.Pipe("k", "a", 25);
        input.Pipe("k", "a", 35);
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["a[0,10)=1@9", "a[0,20)=2@19", "a[0,30)=3@29", "a[30,40)=1@39", "a[30,50)=1@49", "a[30,60)=1@59"], driver.Results());
    }

    [Fact]
    public void Window_state_is_kept_in_the_declared_store_per_key_and_window_and_dropped_after_firing()
    {
        using var driver = Jobs.WindowCount(Windows.Tumbling(TimeSpan.FromMilliseconds(10)), Bound);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 1);
        input.Pipe("k", "b", 2);
        input.Pipe("k", "a", 12);
        var store = driver.Store("wc-count-windows");
        Assert.Equal(3, store.Range([], null).Count());
        driver.AdvanceWatermark("in", 100);
        Assert.Empty(store.Range([], null));
    }
}
