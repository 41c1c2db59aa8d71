namespace Eddy.Engine.Testing;

/// <summary>A clock that moves only when told, so processing-time behaviour is deterministic in tests.</summary>
/// <remarks>
/// This is the clock of <see cref="JobTestDriver"/>, part of the engine's public test kit, and stays here rather than
/// being replaced by <c>Microsoft.Extensions.TimeProvider.Testing</c>'s <c>FakeTimeProvider</c> (which Eddy's own
/// tests use): the engine reads only the current time from it, because processing-time timers are the engine's
/// own, fired by the driver when the clock advances, not <see cref="TimeProvider"/> timers; and a library that
/// users reference should not bring a testing package into their applications. It moves forward only.
/// </remarks>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _now += by;
    }
}
