using System.Text;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class ProcessingErrorTests
{
    /// <summary>"in" → MapValues (named "parse", throws on a value that is not a number) → "out".</summary>
    private static JobTestDriver MapJob(ProcessingErrorPolicy policy, int partitions = 1)
    {
        var job = new JobBuilder("numbers") { ProcessingErrors = policy };
        job.Source("in", Serdes.String, Serdes.String)
            .MapValues(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) * 10, Serdes.Int, name: "parse")
            .To("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    /// <summary>Emits its input, and counts it per key in state; throws on "boom" (after updating the count) and, on a timer, when asked to.</summary>
    private sealed class Fragile(bool throwOnTimer = false) : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _seen = null!;

        public override void Open(IKeyedStateStore state) => _seen = state.Value("seen", Serdes.Long);

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            _seen.Update(_seen.GetOrDefault(0) + 1);
            if (value == "boom")
            {
                throw new InvalidOperationException($"cannot handle {key}");
            }

            context.Emit($"{value}#{_seen.GetOrDefault(0)}");
            if (throwOnTimer)
            {
                context.RegisterEventTimeTimer(context.Timestamp + 10);
            }
        }

        public override void OnTimer(long timestamp, TimeDomain domain, string key, IKeyedContext<string, string> context) =>
            throw new InvalidOperationException("timer failed");
    }

    /// <summary>"in" → KeyBy value's prefix → Process (named "fragile") → "out": the failing operator reads a repartition topic.</summary>
    private static JobTestDriver ProcessJob(ProcessingErrorPolicy policy, bool throwOnTimer = false)
    {
        var job = new JobBuilder("fragile") { ProcessingErrors = policy };
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((k, _) => k, Serdes.String, name: "by-key")
            .Process(() => new Fragile(throwOnTimer), Serdes.String, name: "fragile")
            .To("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = 2 });
    }

    [Fact]
    public void By_default_a_throwing_map_fails_the_job_naming_the_record_and_the_operator()
    {
        using var driver = MapJob(ProcessingErrorPolicy.Fail, partitions: 2);
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "1", 1, partition: 1);
        input.Pipe("b", "2", 2, partition: 1);
        var error = Assert.Throws<ProcessingException>(() => input.Pipe("c", "three", 3, partition: 1));

        Assert.Equal(("in", 1, 2L, "parse"), (error.Topic, error.Partition, error.Offset, error.Operator));
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Contains("Operator 'parse' failed on the record at in/1@2: FormatException", error.Message, StringComparison.Ordinal);
        Assert.Equal([10, 20], driver.Output<string, int>("out").ReadValues());
    }

    [Fact]
    public void With_skip_a_throwing_map_drops_the_record_and_the_records_after_it_go_on()
    {
        using var driver = MapJob(ProcessingErrorPolicy.Skip);
        var input = driver.Input<string, string>("in");
        input.PipeBatch([("a", "1", 1), ("b", "x", 2), ("c", "3", 3), ("d", "y", 4), ("e", "5", 5)]);
        input.Pipe("f", "6", 6);

        Assert.Equal([10, 30, 50, 60], driver.Output<string, int>("out").ReadValues());
        Assert.Empty(driver.DeadLetters);
    }

    [Fact]
    public void With_dead_letters_a_throwing_map_sends_the_record_as_read_with_the_error_and_the_operator()
    {
        using var driver = MapJob(ProcessingErrorPolicy.DeadLetter);
        var input = driver.Input<string, string>("in");
        input.PipeBatch([("a", "1", 1), ("b", "x", 2), ("c", "3", 3)]);

        Assert.Equal([10, 30], driver.Output<string, int>("out").ReadValues());
        var dead = Assert.Single(driver.DeadLetters);
        Assert.Equal(("in", 0, 1L, 2L, "parse"), (dead.Topic, dead.Partition, dead.Offset, dead.Timestamp, dead.Operator));
        Assert.Equal(("b", "x"), (Encoding.UTF8.GetString(dead.Key!), Encoding.UTF8.GetString(dead.Value!)));
        Assert.StartsWith("FormatException: ", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_record_stays_bad_input_whatever_the_processing_policy()
    {
        var job = new JobBuilder("j") { ProcessingErrors = ProcessingErrorPolicy.Skip, BadInput = BadInputPolicy.DeadLetter };
        job.Source("in", Serdes.String, Serdes.Int).MapValues(v => v + 1, Serdes.Int).To("out");
        using var driver = new JobTestDriver(job.Build());
        driver.Input<string, byte[]>("in", Serdes.String, Serdes.Bytes).Pipe("k", [1, 2], 1);

        var dead = Assert.Single(driver.DeadLetters);
        Assert.Null(dead.Operator);
    }

    [Fact]
    public void A_throwing_process_function_fails_the_job_with_the_repartitioned_record_and_its_name()
    {
        using var driver = ProcessJob(ProcessingErrorPolicy.Fail);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "one", 1);
        var error = Assert.Throws<ProcessingException>(() => input.Pipe("k", "boom", 2));

        Assert.Equal(("fragile-by-key-repartition", "fragile"), (error.Topic, error.Operator));
        Assert.Contains("cannot handle k", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_skip_a_throwing_process_function_keeps_what_it_did_before_throwing_and_handles_the_next_records()
    {
        using var driver = ProcessJob(ProcessingErrorPolicy.Skip);
        var input = driver.Input<string, string>("in");
        input.PipeBatch([("k", "one", 1), ("k", "boom", 2), ("j", "boom", 3), ("k", "two", 4), ("j", "three", 5)]);

        // The failing record's state update stays, as in Kafka Streams: the count saw it.
        Assert.Equal(["one#1", "three#2", "two#3"], driver.Output<string, string>("out").ReadValues().Order(StringComparer.Ordinal));
        Assert.Empty(driver.DeadLetters);
    }

    [Fact]
    public void With_dead_letters_a_throwing_process_function_sends_each_failed_record_with_its_error()
    {
        using var driver = ProcessJob(ProcessingErrorPolicy.DeadLetter);
        var input = driver.Input<string, string>("in");
        input.PipeBatch([("k", "boom", 1), ("j", "ok", 2), ("j", "boom", 3)]);

        Assert.Equal(["ok#1"], driver.Output<string, string>("out").ReadValues());
        Assert.Equal(["j: InvalidOperationException: cannot handle j", "k: InvalidOperationException: cannot handle k"],
            driver.DeadLetters.Select(d => $"{Encoding.UTF8.GetString(d.Key!)}: {d.Error}").Order(StringComparer.Ordinal));
        Assert.All(driver.DeadLetters, d => Assert.Equal(("fragile-by-key-repartition", "fragile", "boom"),
            (d.Topic, d.Operator, Encoding.UTF8.GetString(d.Value!))));
    }

    [Fact]
    public void A_function_throwing_in_a_timer_fails_the_job_even_when_records_are_skipped()
    {
        using var driver = ProcessJob(ProcessingErrorPolicy.Skip, throwOnTimer: true);
        var input = driver.Input<string, string>("in");
        input.Pipe("k", "one", 100, partition: 0);
        input.Pipe("k", "two", 105, partition: 1);
        var error = Assert.Throws<ProcessingException>(() => driver.AdvanceWatermark("in", 200));

        Assert.Null(error.Topic);
        Assert.Equal("fragile", error.Operator);
        Assert.Contains("no record to blame", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A serde whose dependency is down when it writes.</summary>
    private sealed class UnavailableOnWrite : ISerde<int>
    {
        public byte[] Serialize(int value) => throw new TransientSerdeException("registry down");

        public int Deserialize(ReadOnlySpan<byte> data) => 0;
    }

    [Fact]
    public void A_transient_serde_failure_is_not_a_processing_error_and_is_never_skipped()
    {
        var job = new JobBuilder("j") { ProcessingErrors = ProcessingErrorPolicy.Skip };
        job.Source("in", Serdes.String, Serdes.String).MapValues(v => v.Length, new UnavailableOnWrite()).To("out");
        using var driver = new JobTestDriver(job.Build());

        Assert.Throws<TransientSerdeException>(() => driver.Input<string, string>("in").Pipe("k", "v", 1));
    }
}
