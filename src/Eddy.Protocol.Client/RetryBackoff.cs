namespace Eddy.Protocol.Client;

/// <summary>Backoff between attempts of one operation: 100 ms doubling to 1 s, until the budget is spent.</summary>
internal sealed class RetryBackoff(TimeSpan budget)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly DateTime _deadline = DateTime.UtcNow + budget;
    private TimeSpan _backoff = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits before the next attempt; false when the deadline has passed (give up).</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        var left = _deadline - DateTime.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            return false;
        }
        await Task.Delay(_backoff < left ? _backoff : left, cancellationToken);
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        return true;
    }
}
