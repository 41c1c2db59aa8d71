namespace Eddy.Engine;

/// <summary>An event-time window [Start, End) in ms; it fires when the watermark reaches <see cref="MaxTimestamp"/>.</summary>
public readonly record struct TimeWindow(long Start, long End)
{
    public long MaxTimestamp => End - 1;

    /// <summary>Session windows merge when they overlap or touch (Flink's rule), so a bridging record joins both sides.</summary>
    public bool Touches(TimeWindow other) => Start <= other.End && End >= other.Start;

    public TimeWindow Cover(TimeWindow other) => new(Math.Min(Start, other.Start), Math.Max(End, other.End));
}

/// <summary>A windowed result's key: the grouping key and the window it belongs to.</summary>
public readonly record struct Windowed<TKey>(TKey Key, long Start, long End);

/// <summary>Assigns each record's timestamp to the windows it belongs to.</summary>
public abstract class Windows
{
    private protected Windows()
    {
    }

    /// <summary>Session windows are merged per key as records arrive; the others are fixed by the timestamp alone.</summary>
    internal virtual bool IsMerging => false;

    public static Windows Tumbling(TimeSpan size) => new TumblingWindows(Millis(size, nameof(size)));

    public static Windows Hopping(TimeSpan size, TimeSpan advance)
    {
        var sizeMs = Millis(size, nameof(size));
        var advanceMs = Millis(advance, nameof(advance));
        if (advanceMs > sizeMs)
        {
            throw new ArgumentException("A hopping window's advance cannot exceed its size.", nameof(advance));
        }

        return new HoppingWindows(sizeMs, advanceMs);
    }

    public static Windows Session(TimeSpan gap) => new SessionWindows(Millis(gap, nameof(gap)));

    /// <summary>Windows that all start at a multiple of <paramref name="max"/> and grow by <paramref name="step"/>.</summary>
    public static Windows Cumulating(TimeSpan step, TimeSpan max)
    {
        var stepMs = Millis(step, nameof(step));
        var maxMs = Millis(max, nameof(max));
        if (maxMs % stepMs != 0)
        {
            throw new ArgumentException("A cumulating window's max size must be a multiple of its step.", nameof(max));
        }

        return new CumulatingWindows(stepMs, maxMs);
    }

    /// <summary>Adds the windows of <paramref name="timestamp"/> to <paramref name="into"/> (reused to avoid allocation).</summary>
    internal abstract void Assign(long timestamp, List<TimeWindow> into);

    private protected static long FloorTo(long timestamp, long size) => timestamp - (((timestamp % size) + size) % size);

    private static long Millis(TimeSpan span, string name)
    {
        var ms = (long)span.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ms, 0, name);
        return ms;
    }

    private sealed class TumblingWindows(long size) : Windows
    {
        internal override void Assign(long timestamp, List<TimeWindow> into)
        {
            var start = FloorTo(timestamp, size);
            into.Add(new TimeWindow(start, start + size));
        }

        public override string ToString() => $"tumbling({size} ms)";
    }

    private sealed class HoppingWindows(long size, long advance) : Windows
    {
        internal override void Assign(long timestamp, List<TimeWindow> into)
        {
            for (var start = FloorTo(timestamp, advance); start > timestamp - size; start -= advance)
            {
                into.Add(new TimeWindow(start, start + size));
            }
        }

        public override string ToString() => $"hopping({size} ms, advance {advance} ms)";
    }

    private sealed class SessionWindows(long gap) : Windows
    {
        internal override bool IsMerging => true;

        internal override void Assign(long timestamp, List<TimeWindow> into) => into.Add(new TimeWindow(timestamp, timestamp + gap));

        public override string ToString() => $"session(gap {gap} ms)";
    }

    private sealed class CumulatingWindows(long step, long max) : Windows
    {
        internal override void Assign(long timestamp, List<TimeWindow> into)
        {
            var start = FloorTo(timestamp, max);
            for (var end = start + step; end <= start + max; end += step)
            {
                if (timestamp < end)
                {
                    into.Add(new TimeWindow(start, end));
                }
            }
        }

        public override string ToString() => $"cumulating({step} ms, max {max} ms)";
    }
}
