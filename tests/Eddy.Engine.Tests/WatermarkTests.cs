using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class WatermarkTests
{
    private static readonly Windows Ten = Windows.Tumbling(TimeSpan.FromMilliseconds(10));

    [Fact]
    public void The_watermark_is_the_minimum_over_the_partitions_and_is_carried_through_the_repartition()
    {
        using var driver = Jobs.WindowCount(Ten, options: new JobTestDriverOptions { Partitions = 2 });
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 5, partition: 0);
        input.Pipe("k", "a", 25, partition: 0); // partition 0 at 24, partition 1 has nothing
        Assert.Empty(driver.Results());
        Assert.Equal(24, driver.Watermark(stage: 0, partition: 0));
        Assert.Equal(long.MinValue, driver.Watermark(stage: 1, partition: 0));

        input.Pipe("k", "b", 11, partition: 1); // partition 1 at 10: the minimum is 10
        Assert.Equal(["a[0,10)=1@9"], driver.Results());
        Assert.Equal(10, driver.Watermark(stage: 1, partition: 0));
        Assert.Equal(10, driver.Watermark(stage: 1, partition: 1));
    }

    [Fact]
    public void An_idle_partition_stops_holding_the_watermark_back_after_the_idle_timeout()
    {
        using var driver = Jobs.WindowCount(Ten, idle: TimeSpan.FromSeconds(1), options: new JobTestDriverOptions { Partitions = 2 });
        var input = driver.Input<string, string>("in");
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(600));
        input.Pipe("k", "a", 5, partition: 0);
        input.Pipe("k", "a", 25, partition: 0);
        Assert.Empty(driver.Results());

        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(300)); // partition 1 silent for 900 ms
        Assert.Empty(driver.Results());

        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(100)); // 1 s: idle, left out
        Assert.Equal(["a[0,10)=1@9"], driver.Results());
        Assert.Equal(24, driver.Watermark(stage: 1, partition: 0));
    }

    [Fact]
    public void A_union_of_two_sources_takes_the_minimum_of_both_inputs()
    {
        var job = new JobBuilder("u");
        var clicks = job.Source("clicks", Serdes.String, Serdes.String);
        var views = job.Source("views", Serdes.String, Serdes.String);
        clicks.Union(views)
            .KeyBy((_, page) => page, Serdes.String)
            .Window(Windows.Tumbling(TimeSpan.FromMilliseconds(10)))
            .Count()
            .To("out");
        using var driver = new JobTestDriver(job.Build());
        driver.Input<string, string>("clicks").Pipe("u1", "a", 5);
        driver.Input<string, string>("clicks").Pipe("u1", "a", 30);
        Assert.Empty(driver.Results()); // "views" has no watermark yet
        driver.Input<string, string>("views").Pipe("u2", "a", 12);
        Assert.Equal(["a[0,10)=1@9"], driver.Results());
    }

    [Fact]
    public void When_every_input_falls_idle_the_watermark_moves_to_the_highest_of_theirs_as_in_Flink()
    {
        // Partition 0 far ahead, partition 1 behind; both fall silent in the same instant: without the rule the
        // slower one would hold the windows between them back for good.
        using var driver = Jobs.WindowCount(Ten, idle: TimeSpan.FromSeconds(1), options: new JobTestDriverOptions { Partitions = 2 });
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "a", 5, partition: 1);
        input.Pipe("k", "b", 8, partition: 1);
        input.Pipe("k", "a", 55, partition: 0);
        Assert.Empty(driver.Results()); // the minimum is partition 1's 7

        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(1));
        Assert.Equal(["a[0,10)=1@9", "b[0,10)=1@9"], driver.Results().Order(StringComparer.Ordinal));
        Assert.Equal(54, driver.Watermark(stage: 1, partition: 0));
    }
}
