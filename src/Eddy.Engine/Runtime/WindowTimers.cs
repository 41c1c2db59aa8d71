namespace Eddy.Engine.Runtime;

/// <summary>
/// The event-time timers of a window aggregation, in memory. They are not state of their own: every pending timer
/// follows from a window in the windows store (an unfired window fires at its max timestamp, every window is forgotten
/// at max timestamp + allowed lateness), so a task rebuilds them from that store when it opens. Keeping them out of
/// the store saves two state writes and two changelog records per window, and the range scans over deleted timers.
/// </summary>
internal sealed class WindowTimers
{
    private readonly SortedSet<(long Time, byte[] Payload)> _due = new(new TimerOrder());

    public void Register(long timestamp, ReadOnlySpan<byte> payload) => _due.Add((timestamp, payload.ToArray()));

    public void Delete(long timestamp, byte[] payload) => _due.Remove((timestamp, payload));

    /// <summary>Fires, in time order, every timer at or before <paramref name="upTo"/>, including ones registered while firing.</summary>
    public void FireDue(long upTo, Action<long, byte[]> onTimer)
    {
        while (_due.Count > 0)
        {
            var first = _due.Min;
            if (first.Time > upTo)
            {
                return;
            }

            _due.Remove(first);
            onTimer(first.Time, first.Payload);
        }
    }

    private sealed class TimerOrder : IComparer<(long Time, byte[] Payload)>
    {
        public int Compare((long Time, byte[] Payload) x, (long Time, byte[] Payload) y)
        {
            var byTime = x.Time.CompareTo(y.Time);
            return byTime != 0 ? byTime : x.Payload.AsSpan().SequenceCompareTo(y.Payload);
        }
    }
}
