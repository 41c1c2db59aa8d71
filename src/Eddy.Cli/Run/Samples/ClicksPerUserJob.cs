using Eddy.Engine;

namespace Eddy.Cli.Run.Samples;

/// <summary>
/// A keyed, stateful sample: a running count of each user's clicks, with a KeyedProcessFunction. A user idle for
/// 30 s of event time starts again from zero (an event-time timer clears the state), as a visit would end.
/// </summary>
internal sealed class ClicksPerUserJob : IJob
{
    public const string OutputTopic = "clicks-per-user";

    public string Name => "clicks-per-user";

    public string Description => $"keyed running count with a process function and an idle timer: {Click.Topic} -> {OutputTopic}";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Source(Click.Topic, Serdes.String, Serdes.Json<Click>(Click.Json),
                WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromSeconds(2), idleTimeout: TimeSpan.FromSeconds(5)),
                timestampOf: (_, click, _) => click.Timestamp, name: "clicks")
            .KeyBy((user, _) => user, Serdes.String, name: "by-user")
            .Process(() => new RunningCount(), Serdes.Json<UserClicks>(Click.Json), name: "running-count")
            .To(OutputTopic, name: "clicks-per-user-out");
    }

    /// <summary>Counts per user; the timer is due 30 s after the user's latest click and only clears a visit that saw no newer one.</summary>
    private sealed class RunningCount : KeyedProcessFunction<string, Click, UserClicks>
    {
        private static readonly long IdleMs = (long)TimeSpan.FromSeconds(30).TotalMilliseconds;
        private IValueState<long> _count = null!;
        private IValueState<long> _last = null!;

        public override void Open(IKeyedStateStore state)
        {
            ArgumentNullException.ThrowIfNull(state);
            _count = state.Value("count", Serdes.Long);
            _last = state.Value("last-click", Serdes.Long);
        }

        public override void ProcessElement(string key, Click value, IKeyedContext<string, UserClicks> context)
        {
            ArgumentNullException.ThrowIfNull(value);
            ArgumentNullException.ThrowIfNull(context);
            var count = _count.GetOrDefault(0) + 1;
            _count.Update(count);
            var last = Math.Max(_last.GetOrDefault(long.MinValue), context.Timestamp);
            _last.Update(last);
            context.RegisterEventTimeTimer(last + IdleMs);
            context.Emit(new UserClicks(key, count, value.Page));
        }

        public override void OnTimer(long timestamp, TimeDomain domain, string key, IKeyedContext<string, UserClicks> context)
        {
            if (_last.TryGet(out var last) && last + IdleMs <= timestamp)
            {
                _count.Clear();
                _last.Clear();
            }
        }
    }
}

/// <summary>How many times <paramref name="User"/> clicked in the current visit, and where they last went.</summary>
internal sealed record UserClicks(string User, long Clicks, string LastPage);
