namespace Eddy.Bench.Tests;

public class StateGrowthBenchmarkTests
{
    [Theory]
    [InlineData(0.0, "0:00")]
    [InlineData(5.0 / 60, "0:05")]
    [InlineData(0.99999, "1:00")]
    [InlineData(2.5, "2:30")]
    [InlineData(10.0 + (59.6 / 60), "11:00")]
    public void Sample_times_print_as_minutes_and_seconds_rounded_to_the_second(double minutes, string text) =>
        Assert.Equal(text, StateGrowthBenchmark.Clock(minutes));
}
