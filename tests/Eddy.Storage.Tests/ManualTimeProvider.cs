namespace Eddy.Storage.Tests;

/// <summary>A clock that moves only when told to, firing the timers that fall due (on the caller's thread).</summary>
public sealed class ManualTimeProvider(long startMs = 1_700_000_000_000) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _nowMs = startMs;

    public long NowMs
    {
        get
        {
            lock (_lock)
            {
                return _nowMs;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(long milliseconds)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _nowMs += milliseconds;
            due = _timers.Where(t => t.DueAtMs >= 0 && t.DueAtMs <= _nowMs).ToList();
            foreach (var timer in due)
            {
                timer.DueAtMs = timer.PeriodMs > 0 ? _nowMs + timer.PeriodMs : -1;
            }
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAtMs { get; set; } = -1;

        public long PeriodMs { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                DueAtMs = dueTime == Timeout.InfiniteTimeSpan ? -1 : owner._nowMs + (long)dueTime.TotalMilliseconds;
                PeriodMs = period == Timeout.InfiniteTimeSpan ? 0 : (long)period.TotalMilliseconds;
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                DueAtMs = -1;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
