namespace Eddy.Bench.Tests;

public class StateTrendTests
{
    // Nine samples, one a minute from 0 to 8: the second half is minutes 4-8, its third quarter 4-5, its last 6-8.
    private static readonly double[] Minutes = [0, 1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void State_that_grows_linearly_from_zero_has_its_slope_and_is_not_flat()
    {
        double[] values = [.. Minutes.Select(t => 10 * t)];

        var trend = StateTrend.Of(Minutes, values, relativeTolerance: 0.10, absoluteFloor: 0);

        Assert.Equal(10, trend.SlopePerMinute, precision: 9);
        Assert.Equal(45, trend.ThirdQuarterMean, precision: 9); // (40 + 50) / 2
        Assert.Equal(70, trend.LastQuarterMean, precision: 9); // (60 + 70 + 80) / 3
        Assert.Equal(25, trend.Growth, precision: 9);
        Assert.Equal(6, trend.Tolerance, precision: 9); // a tenth of the second half's mean, 60
        Assert.False(trend.Flat);
    }

    [Fact]
    public void A_saw_tooth_around_a_steady_level_is_flat_although_its_last_step_is_up_or_down()
    {
        // Fills up in the first half, then alternates as flushes and compactions would.
        double[] values = [0, 50, 100, 150, 100, 150, 100, 150, 100];

        var trend = StateTrend.Of(Minutes, values, relativeTolerance: 0.10, absoluteFloor: 0);

        Assert.Equal(0, trend.SlopePerMinute, precision: 9);
        Assert.Equal(125, trend.ThirdQuarterMean, precision: 9);
        Assert.Equal(350.0 / 3, trend.LastQuarterMean, precision: 9);
        Assert.True(trend.Growth < 0);
        Assert.True(trend.Flat);
    }

    [Fact]
    public void The_warm_up_half_is_not_judged()
    {
        // Steep growth while the state fills up, then a constant level.
        double[] values = [0, 1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000];

        var trend = StateTrend.Of(Minutes, values, relativeTolerance: 0, absoluteFloor: 0);

        Assert.Equal(0, trend.SlopePerMinute, precision: 9);
        Assert.Equal(0, trend.Growth, precision: 9);
        Assert.True(trend.Flat);
    }

    [Theory]
    [InlineData(2.4, false)]
    [InlineData(2.5, true)]
    public void Growth_is_compared_with_the_absolute_floor_when_the_relative_tolerance_is_zero(double floor, bool flat)
    {
        // 1000 + t: the last quarter's mean (1007) exceeds the third's (1004.5) by 2.5.
        double[] values = [.. Minutes.Select(t => 1000 + t)];

        var trend = StateTrend.Of(Minutes, values, relativeTolerance: 0, absoluteFloor: floor);

        Assert.Equal(2.5, trend.Growth, precision: 9);
        Assert.Equal(1, trend.SlopePerMinute, precision: 9);
        Assert.Equal(flat, trend.Flat);
    }

    [Fact]
    public void Unevenly_spaced_samples_are_split_by_time_not_by_count()
    {
        // The run ends at 10: the third quarter is [5, 7.5), the last [7.5, 10]; the slope weighs the times.
        double[] minutes = [0, 5, 6, 7, 7.5, 10];
        double[] values = [0, 10, 12, 14, 15, 20];

        var trend = StateTrend.Of(minutes, values, relativeTolerance: 0, absoluteFloor: 0);

        Assert.Equal(12, trend.ThirdQuarterMean, precision: 9);
        Assert.Equal(17.5, trend.LastQuarterMean, precision: 9);
        Assert.Equal(2, trend.SlopePerMinute, precision: 9); // the values are 2 t on every sample of the second half
    }

    [Fact]
    public void Too_few_samples_or_a_malformed_series_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StateTrend.Of([0, 1, 2, 3], [0, 0, 0, 0], 0.1, 0)); // one sample in the third quarter
        Assert.Throws<ArgumentException>(() => StateTrend.Of(Minutes, [1, 2, 3], 0.1, 0));
        Assert.Throws<ArgumentException>(() => StateTrend.Of([0, 1, 1, 2, 3, 4, 5, 6, 7], new double[9], 0.1, 0));
    }
}
