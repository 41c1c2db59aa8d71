namespace Eddy.Bench;

/// <summary>Latencies in microseconds, kept in a preallocated array; percentiles by sorting once at the end.</summary>
internal sealed class LatencyHistogram(long capacity)
{
    private readonly int[] _micros = new int[Math.Min(capacity, 50_000_000)];
    private long _count;

    public long Count => Math.Min(Interlocked.Read(ref _count), _micros.Length);

    public void Record(long micros)
    {
        var at = Interlocked.Increment(ref _count) - 1;
        if (at < _micros.Length)
        {
            _micros[at] = (int)Math.Min(micros, int.MaxValue);
        }
    }

    /// <summary>p50, p99, p99.9 and max, in milliseconds.</summary>
    public (double P50, double P99, double P999, double Max) Percentiles()
    {
        var n = (int)Count;
        if (n == 0)
        {
            return (0, 0, 0, 0);
        }
        var sorted = _micros.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        double At(double q) => sorted[Math.Min(n - 1, (int)Math.Ceiling(q * n) - 1)] / 1000.0;
        return (At(0.50), At(0.99), At(0.999), sorted[n - 1] / 1000.0);
    }
}
