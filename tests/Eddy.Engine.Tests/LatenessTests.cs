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
}
