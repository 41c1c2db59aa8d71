using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>The processing-error policy on the real runtime.</summary>
public class ProcessingErrorJobTests
{
    /// <summary>"in" → MapValues "parse" (throws on a value that is not a number) → "out".</summary>
    private static JobPlan Parse(ProcessingErrorPolicy policy)
    {
        var job = new JobBuilder("parse") { ProcessingErrors = policy };
        job.Source("in", Serdes.String, Serdes.String)
            .MapValues(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture), Serdes.Int, name: "parse")
            .To("out");
        return job.Build();
    }

    private static JobWorker Worker(BrokerFixture broker, JobPlan plan, string stateDir) =>
        new(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = "w0" });

    [Fact]
    public async Task A_record_a_function_throws_on_goes_to_the_dead_letter_topic_with_the_error_and_the_operator()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        RuntimeRecords.Produce(broker.BootstrapServers, "in", [("a", "1", 1, 0), ("b", "two", 2, 1), ("c", "3", 3, 1), ("d", "4", 4, 0)]);

        using var worker = Worker(broker, Parse(ProcessingErrorPolicy.DeadLetter), state.Path);
        await worker.StartAsync();
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", 3);
        Assert.Equal([1, 3, 4], output.Select(r => Serdes.Int.Deserialize(r.Value!)).Order());

        var dead = Assert.Single(RuntimeRecords.ReadCommitted(broker.BootstrapServers, "parse-dead-letters", 1));
        Assert.Equal(("b", "two", 2L), (Serdes.String.Deserialize(dead.Key), Serdes.String.Deserialize(dead.Value), dead.Timestamp));
        Assert.Equal("in/1/0", dead.Header("eddy.source"));
        Assert.Equal("processing", dead.Header("eddy.error.type"));
        Assert.Equal("parse", dead.Header("eddy.operator"));
        Assert.StartsWith("FormatException: ", dead.Header("eddy.error"), StringComparison.Ordinal);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Fact]
    public async Task By_default_a_function_that_throws_fails_the_worker_with_the_records_coordinates()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 1);
        RuntimeRecords.Produce(broker.BootstrapServers, "in", [("a", "1", 1, 0), ("b", "2", 2, 0), ("c", "three", 3, 0)]);

        using var worker = Worker(broker, Parse(ProcessingErrorPolicy.Fail), state.Path);
        await worker.StartAsync();
        Assert.Equal(WorkerExit.Failed, await worker.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.IsType<ProcessingException>(worker.Error);
        Assert.Equal(("in", 0, 2L, "parse"), (error.Topic, error.Partition, error.Offset, error.Operator));
        Assert.Contains("in/0@2", error.Message, StringComparison.Ordinal);
        Assert.Empty(RuntimeRecords.ReadCommitted(broker.BootstrapServers, "parse-dead-letters", 0, TimeSpan.FromSeconds(2)));
    }

    /// <summary>Counts records per key in state.</summary>
    private sealed class Counting : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _seen = null!;

        public override void Open(IKeyedStateStore state) => _seen = state.Value("seen", Serdes.Long);

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            _seen.Update(_seen.GetOrDefault(0) + 1);
            context.Emit(value);
        }
    }

    /// <summary>A backend whose disk is gone: reads find nothing, writes fail.</summary>
    private sealed class BrokenDisk : IStateBackend
    {
        public IKeyValueStore Store(string storeName, int partition) => new Broken(storeName);

        public void DropPartition(string storeName, int partition)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Broken(string name) : IKeyValueStore
        {
            public string Name => name;

            public byte[]? Get(ReadOnlySpan<byte> key) => null;

            public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => throw new IOException("disk gone");

            public void Delete(ReadOnlySpan<byte> key) => throw new IOException("disk gone");

            public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive) => [];
        }
    }

    [Fact]
    public void A_state_store_failure_is_the_runtimes_and_fails_the_task_even_when_records_are_skipped()
    {
        var job = new JobBuilder("count") { ProcessingErrors = ProcessingErrorPolicy.Skip };
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((k, _) => k, Serdes.String, name: "by-key")
            .Process(() => new Counting(), Serdes.String, name: "count")
            .To("out");
        var stage = job.Build().Stages[1];
        using var backend = new ChangeLoggingBackend(new BrokenDisk());
        var task = new StageTask(stage, 0, backend, TimeProvider.System, _ => 1, BadInputPolicy.DeadLetter, ProcessingErrorPolicy.Skip);
        InputRecord[] batch = [new(Serdes.String.Serialize("k"), Serdes.String.Serialize("v"), 1)];

        var error = Assert.Throws<StateStoreException>(() => task.ProcessBatch(stage.Inputs[0].Topic, batch));
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(0, task.Metrics.ProcessingErrors);
    }
}
