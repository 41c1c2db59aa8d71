using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class ProcessFunctionTests
{
    private static JobTestDriver Drive(Func<KeyedProcessFunction<string, string, string>> function)
    {
        var job = new JobBuilder("pf");
        job.Source("in", Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero))
            .KeyBy((k, _) => k, Serdes.String, name: "by-key")
            .Process(function, Serdes.String, name: "fn")
            .To("out");
        return new JobTestDriver(job.Build());
    }

    private static List<string> Out(JobTestDriver driver) => driver.Output<string, string>("out").ReadAll().Select(r => $"{r.Key}:{r.Value}@{r.Timestamp}").ToList();

    [Fact]
    public void Value_map_and_list_state_are_kept_per_key()
    {
        using var driver = Drive(() => new Summary());
        var input = driver.Input<string, string>("in");
        input.Pipe("k1", "a", 1);
        input.Pipe("k2", "x", 2);
        input.Pipe("k1", "b", 3);
        input.Pipe("k1", "a", 4);
        Assert.Equal(["k1:n=1 list=a map=a:1@1", "k2:n=1 list=x map=x:1@2", "k1:n=2 list=a,b map=a:1,b:1@3", "k1:n=3 list=a,b,a map=a:2,b:1@4"], Out(driver));
    }

    [Fact]
    public void Event_time_timers_fire_per_key_in_time_order_when_the_watermark_passes_them()
    {
        using var driver = Drive(() => new Reminder());
        var input = driver.Input<string, string>("in");
        input.Pipe("k1", "a", 0); // timer at 10
        input.Pipe("k1", "b", 5); // timer at 15
        input.Pipe("k2", "c", 3); // timer at 13
        Assert.Empty(Out(driver));
        input.Pipe("k3", "d", 12); // watermark 11: k1's timer at 10
        Assert.Equal(["k1:event timer 10@10"], Out(driver));
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["k2:event timer 13@13", "k1:event timer 15@15", "k3:event timer 22@22"], Out(driver));
    }

    [Fact]
    public void Processing_time_timers_fire_on_the_task_clock()
    {
        using var driver = Drive(() => new Reminder { ProcessingTime = true });
        var input = driver.Input<string, string>("in");
        input.Pipe("k1", "a", 0); // processing time 0: timer at 1000
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(999));
        Assert.Empty(Out(driver));
        driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["k1:processing timer 1000@1000"], Out(driver));
    }

    [Fact]
    public void A_deleted_timer_does_not_fire()
    {
        using var driver = Drive(() => new Reminder());
        var input = driver.Input<string, string>("in");
        input.Pipe("k1", "a", 0);
        input.Pipe("k1", "cancel", 1);
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["k1:event timer 11@11"], Out(driver));
    }

    [Fact]
    public void A_process_function_can_send_records_to_a_side_output()
    {
        using var driver = Drive(() => new Splitter());
        var input = driver.Input<string, string>("in");
        input.Pipe("k1", "ok", 1);
        input.Pipe("k2", "bad", 2);
        Assert.Equal(["k1:ok@1"], Out(driver));
        Assert.Equal([new TestRecord<string, int>("k2", 3, 2)], driver.SideOutput(Splitter.Rejected));
    }

    [Fact]
    public void A_process_function_emits_an_updating_result_as_changelog_rows()
    {
        using var driver = Drive(() => new RunningMax());
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "b", 1);
        input.Pipe("k", "a", 2); // not a new max: nothing
        input.Pipe("k", "c", 3);
        Assert.Equal(
            [("b", Records.RowKind.Insert), ("b", Records.RowKind.UpdateBefore), ("c", Records.RowKind.UpdateAfter)],
            driver.Output<string, string>("out").ReadAll().Select(r => (r.Value, r.Kind)));
    }

    private sealed class RunningMax : KeyedProcessFunction<string, string, string>
    {
        private IValueState<string> _max = null!;

        public override void Open(IKeyedStateStore state) => _max = state.Value("max", Serdes.String);

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            if (!_max.TryGet(out var max))
            {
                context.Emit(value, Records.RowKind.Insert);
            }
            else if (string.CompareOrdinal(value, max) > 0)
            {
                context.Emit(max, Records.RowKind.UpdateBefore);
                context.Emit(value, Records.RowKind.UpdateAfter);
            }
            else
            {
                return;
            }

            _max.Update(value);
        }
    }

    private sealed class Splitter : KeyedProcessFunction<string, string, string>
    {
        public static readonly OutputTag<string, int> Rejected = new("rejected");

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            if (value == "bad")
            {
                context.Output(Rejected, value.Length);
            }
            else
            {
                context.Emit(value);
            }
        }
    }

    private sealed class Summary : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _count = null!;
        private IMapState<string, int> _perValue = null!;
        private IListState<string> _values = null!;

        public override void Open(IKeyedStateStore state)
        {
            _count = state.Value("count", Serdes.Long);
            _perValue = state.Map("per-value", Serdes.String, Serdes.Int);
            _values = state.List("values", Serdes.String);
        }

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            var n = _count.GetOrDefault(0) + 1;
            _count.Update(n);
            _perValue.Put(value, _perValue.TryGet(value, out var seen) ? seen + 1 : 1);
            _values.Add(value);
            var map = string.Join(",", _perValue.Entries().Select(e => $"{e.Key}:{e.Value}"));
            context.Emit($"n={n} list={string.Join(",", _values.Get())} map={map}");
        }
    }

    private sealed class Reminder : KeyedProcessFunction<string, string, string>
    {
        public bool ProcessingTime { get; init; }

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            if (value == "cancel")
            {
                context.DeleteEventTimeTimer(10);
            }

            if (ProcessingTime)
            {
                context.RegisterProcessingTimeTimer(context.CurrentProcessingTime + 1000);
            }
            else
            {
                context.RegisterEventTimeTimer(context.Timestamp + 10);
            }
        }

        public override void OnTimer(long timestamp, TimeDomain domain, string key, IKeyedContext<string, string> context) =>
            context.Emit($"{(domain == TimeDomain.EventTime ? "event" : "processing")} timer {timestamp}");
    }
}
