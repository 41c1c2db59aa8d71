namespace Eddy.Bench.Tests;

public class LatencyHistogramTests
{
    /// <summary>
    /// Nearest-rank percentile by its definition, in integers: the smallest recorded value at or below which at least
    /// <paramref name="numerator"/>/<paramref name="denominator"/> of the values lie, in milliseconds.
    /// </summary>
    private static double NearestRank(long[] micros, long numerator, long denominator)
    {
        var sorted = micros.Order().ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            // i + 1 values are at or below sorted[i] once i is the last index of that value.
            var lastOfItsValue = i == sorted.Length - 1 || sorted[i + 1] != sorted[i];
            if (lastOfItsValue && (i + 1L) * denominator >= numerator * sorted.Length)
            {
                return sorted[i] / 1000.0;
            }
        }
        throw new InvalidOperationException("no values");
    }

    private static void AssertPercentilesOf(long[] micros, (double P50, double P99, double P999, double Max) actual)
    {
        Assert.Equal(NearestRank(micros, 1, 2), actual.P50);
        Assert.Equal(NearestRank(micros, 99, 100), actual.P99);
        Assert.Equal(NearestRank(micros, 999, 1000), actual.P999);
        Assert.Equal(micros.Max() / 1000.0, actual.Max);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(999)]
    [InlineData(1000)]
    [InlineData(4321)]
    public void Percentiles_are_the_nearest_rank_values_of_the_recorded_latencies(int size)
    {
        var random = new Random(20261207 + size);
        // A narrow range next to a wide one, so repeated values and long tails both occur.
        var micros = Enumerable.Range(0, size).Select(_ => random.Next(2) == 0 ? random.Next(50) : random.NextInt64(5_000_000)).ToArray();
        var histogram = new LatencyHistogram(size);

        foreach (var m in micros)
        {
            histogram.Record(m);
        }

        Assert.Equal(size, histogram.Count);
        AssertPercentilesOf(micros, histogram.Percentiles());
    }

    [Fact]
    public void An_empty_histogram_has_no_values_and_reports_zero_percentiles()
    {
        var histogram = new LatencyHistogram(10);

        Assert.Equal(0, histogram.Count);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), histogram.Percentiles());
    }

    [Fact]
    public void Values_past_the_capacity_are_not_recorded_and_do_not_throw()
    {
        var histogram = new LatencyHistogram(3);

        histogram.Record(3_000);
        histogram.Record(1_000);
        histogram.Record(2_000);
        histogram.Record(9_000_000);
        histogram.Record(8_000_000);

        Assert.Equal(3, histogram.Count);
        AssertPercentilesOf([3_000, 1_000, 2_000], histogram.Percentiles());
    }

    [Fact]
    public async Task Concurrent_recording_from_several_threads_keeps_every_value()
    {
        const int threads = 4;
        const int perThread = 25_000;
        var histogram = new LatencyHistogram(threads * perThread);
        // Distinct values per thread (thread t records t, t + threads, ...): a lost or overwritten slot changes the set.
        var expected = Enumerable.Range(0, threads * perThread).Select(i => (long)i).ToArray();
        using var start = new Barrier(threads);

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    histogram.Record(t + ((long)i * threads));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.Equal(threads * perThread, histogram.Count);
        AssertPercentilesOf(expected, histogram.Percentiles());
    }
}
