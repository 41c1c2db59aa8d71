namespace Eddy.Engine;

/// <summary>
/// How a source derives event-time progress from its records: per input partition, the watermark is the highest
/// timestamp seen minus the bound minus 1 ms (so records exactly at the bound are still on time, as in Flink); a
/// partition that has received nothing for the idle timeout (processing time) stops holding the task back.
/// </summary>
public sealed record WatermarkStrategy
{
    private WatermarkStrategy(TimeSpan outOfOrderness, TimeSpan? idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outOfOrderness, TimeSpan.Zero);
        if (idleTimeout is { } idle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero, nameof(idleTimeout));
        }

        OutOfOrderness = outOfOrderness;
        IdleTimeout = idleTimeout;
    }

    public TimeSpan OutOfOrderness { get; }

    public TimeSpan? IdleTimeout { get; }

    public static WatermarkStrategy BoundedOutOfOrderness(TimeSpan bound, TimeSpan? idleTimeout = null) => new(bound, idleTimeout);

    /// <summary>For sources whose timestamps only grow.</summary>
    public static WatermarkStrategy MonotonousTimestamps(TimeSpan? idleTimeout = null) => new(TimeSpan.Zero, idleTimeout);

    public override string ToString() =>
        IdleTimeout is { } idle ? $"bounded({OutOfOrderness}, idle {idle})" : $"bounded({OutOfOrderness})";
}
