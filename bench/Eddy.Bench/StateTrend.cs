namespace Eddy.Bench;

/// <summary>
/// Whether a quantity sampled over a run (state entries, state bytes, RSS) stays flat once the run has warmed up: the
/// first half is the warm-up (state fills up to its steady level: the TTL or the watermark's reach), the second half is
/// judged. Points are not compared with each other, windows are: RocksDB's disk size is a saw-tooth (memtable flushes
/// add files, compactions remove them) and RSS moves with each garbage collection, so the judged growth is the mean of
/// the last quarter of the run minus the mean of the third quarter. The least-squares slope over the second half is
/// reported alongside, in units per minute.
/// </summary>
/// <param name="SlopePerMinute">Least-squares slope over the second half of the run.</param>
/// <param name="ThirdQuarterMean">Mean of the samples from half to three quarters of the run.</param>
/// <param name="LastQuarterMean">Mean of the samples in the last quarter of the run.</param>
/// <param name="Tolerance">How much growth between the two windows still counts as flat.</param>
internal readonly record struct StateTrend(double SlopePerMinute, double ThirdQuarterMean, double LastQuarterMean, double Tolerance)
{
    /// <summary>
    /// The default relative tolerance. State that is never expired, fed at a constant rate, grows linearly from zero:
    /// then the last quarter's mean exceeds the third quarter's by a third of the second half's mean. A tenth is well
    /// below that, and above what a saw-tooth averaged over a window of several samples leaves.
    /// </summary>
    public const double DefaultRelativeTolerance = 0.10;

    /// <summary>Growth between the two windows (negative when it shrank).</summary>
    public double Growth => LastQuarterMean - ThirdQuarterMean;

    /// <summary>True when the growth is within the tolerance.</summary>
    public bool Flat => Growth <= Tolerance;

    /// <summary>
    /// Judges <paramref name="values"/> sampled at <paramref name="minutes"/> (since the run's start, increasing; the run
    /// ends at the last sample): flat when the last quarter's mean exceeds the third quarter's by at most
    /// <paramref name="relativeTolerance"/> of the second half's mean plus <paramref name="absoluteFloor"/> (the noise a
    /// small quantity has whatever its size: a few MiB of RSS, a memtable's worth of bytes).
    /// </summary>
    /// <exception cref="ArgumentException">The series differ in length, times do not increase, or a window has fewer than two samples.</exception>
    public static StateTrend Of(IReadOnlyList<double> minutes, IReadOnlyList<double> values, double relativeTolerance, double absoluteFloor)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(values);
        if (minutes.Count != values.Count)
        {
            throw new ArgumentException("As many times as values are needed.", nameof(values));
        }

        for (var i = 1; i < minutes.Count; i++)
        {
            if (minutes[i] <= minutes[i - 1])
            {
                throw new ArgumentException("Sample times must increase.", nameof(minutes));
            }
        }

        var end = minutes.Count == 0 ? 0 : minutes[^1];
        double thirdSum = 0, lastSum = 0;
        int thirdCount = 0, lastCount = 0;
        double timeSum = 0, valueSum = 0;
        for (var i = 0; i < minutes.Count; i++)
        {
            if (minutes[i] < end / 2)
            {
                continue;
            }

            timeSum += minutes[i];
            valueSum += values[i];
            if (minutes[i] < end * 3 / 4)
            {
                thirdSum += values[i];
                thirdCount++;
            }
            else
            {
                lastSum += values[i];
                lastCount++;
            }
        }

        if (thirdCount < 2 || lastCount < 2)
        {
            throw new ArgumentException($"Each quarter of the second half needs two samples or more (got {thirdCount} and {lastCount}).", nameof(minutes));
        }

        var count = thirdCount + lastCount;
        var timeMean = timeSum / count;
        var valueMean = valueSum / count;
        double covariance = 0, variance = 0;
        for (var i = 0; i < minutes.Count; i++)
        {
            if (minutes[i] >= end / 2)
            {
                covariance += (minutes[i] - timeMean) * (values[i] - valueMean);
                variance += (minutes[i] - timeMean) * (minutes[i] - timeMean);
            }
        }

        return new StateTrend(covariance / variance, thirdSum / thirdCount, lastSum / lastCount, (relativeTolerance * valueMean) + absoluteFloor);
    }
}
