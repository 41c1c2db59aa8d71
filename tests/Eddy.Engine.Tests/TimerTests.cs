using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Tests;

public class TimerTests
{
    private static List<(long Time, string Payload)> Fire(TimerService timers, TimeDomain domain, long upTo)
    {
        var fired = new List<(long, string)>();
        timers.FireDue(domain, upTo, (time, payload) => fired.Add((time, Convert.ToHexString(payload))));
        return fired;
    }

    [Fact]
    public void A_timer_registered_before_the_fired_time_still_fires_at_the_next_advance()
    {
        using var backend = new InMemoryStateBackend();
        var timers = new TimerService(backend.Store("timers", 0));
        timers.Register(TimeDomain.EventTime, 10, [1]);
        timers.Register(TimeDomain.EventTime, 20, [2]);
        Assert.Equal([(10L, "01")], Fire(timers, TimeDomain.EventTime, 15));

        // Behind what was already fired: the scan must not start after it.
        timers.Register(TimeDomain.EventTime, 5, [3]);
        Assert.Equal([(5L, "03")], Fire(timers, TimeDomain.EventTime, 15));
        Assert.Equal([(20L, "02")], Fire(timers, TimeDomain.EventTime, 25));
    }

    [Fact]
    public void A_timer_registered_while_firing_at_or_before_the_time_fires_in_the_same_call()
    {
        using var backend = new InMemoryStateBackend();
        var timers = new TimerService(backend.Store("timers", 0));
        timers.Register(TimeDomain.EventTime, 10, [1]);
        var fired = new List<long>();
        timers.FireDue(TimeDomain.EventTime, 30, (time, _) =>
        {
            fired.Add(time);
            if (time == 10)
            {
                timers.Register(TimeDomain.EventTime, 12, [2]);
                timers.Register(TimeDomain.EventTime, 40, [3]);
            }
        });
        Assert.Equal([10L, 12L], fired);
        Assert.Equal([(40L, "03")], Fire(timers, TimeDomain.EventTime, 40));
    }

    [Fact]
    public void Window_timers_fire_in_time_order_once_and_can_be_deleted()
    {
        var timers = new WindowTimers();
        timers.Register(20, [2]);
        timers.Register(10, [1]);
        timers.Register(10, [1]);
        timers.Register(15, [3]);
        timers.Delete(15, [3]);
        var fired = new List<(long, string)>();
        timers.FireDue(20, (time, payload) => fired.Add((time, Convert.ToHexString(payload))));
        Assert.Equal([(10L, "01"), (20L, "02")], fired);
    }
}
