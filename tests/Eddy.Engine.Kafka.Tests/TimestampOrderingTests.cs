using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>A task with several input topics takes its records in timestamp order, and does not wait forever for an empty input.</summary>
public class TimestampOrderingTests
{
    private const int Partitions = 2;
    private const int PerTopic = 3_000;

    /// <summary>Both inputs into one sink: the sink's partition shows the order in which the task processed the records.</summary>
    private static JobPlan Merge(string name, string left, string right)
    {
        var job = new JobBuilder(name);
        job.Source(left, Serdes.String, Serdes.String)
            .Union(job.Source(right, Serdes.String, Serdes.String))
            .To($"{name}-out");
        return job.Build();
    }

    /// <summary>
    /// Records of a topic, their timestamps (and values) <paramref name="first"/>, +2, +4, …, each in its key's partition:
    /// the sink writes a task's records to the partition the task reads, so each output partition is one task's order.
    /// </summary>
    private static IEnumerable<(string Key, string? Value, long Timestamp, int Partition)> Every2nd(long first) =>
        Enumerable.Range(0, PerTopic).Select(i => (Key: $"k{i}", Value: (string?)(first + (2 * i)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Timestamp: first + (2 * i), Partition: Murmur2Partitioner.Partition(Serdes.String.Serialize($"k{i}"), Partitions)));

    [Fact]
    public async Task Two_inputs_written_one_after_the_other_are_processed_interleaved_by_timestamp()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "evens", Partitions);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "odds", Partitions);
        // Every even timestamp is written before the first odd one: arrival order would bring one topic's run, then the other's.
        RuntimeRecords.Produce(broker.BootstrapServers, "evens", Every2nd(1_000));
        RuntimeRecords.Produce(broker.BootstrapServers, "odds", Every2nd(1_001));

        using var worker = new JobWorker(Merge("ordered", "evens", "odds"), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0",
        });
        await worker.StartAsync();
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "ordered-out", 2 * PerTopic, TimeSpan.FromSeconds(60));

        Assert.Equal(2 * PerTopic, output.Count);
        foreach (var partition in output.GroupBy(r => r.Partition))
        {
            var seen = partition.OrderBy(r => r.Offset).Select(r => long.Parse(Serdes.String.Deserialize(r.Value)!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            // Partition p holds the records of the keys of partition p from both topics: 1000 + 2i, then 1001 + 2i.
            Assert.Equal(seen.Order().ToList(), seen);
        }

        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    public async Task An_input_without_any_record_does_not_hold_back_the_other_for_longer_than_max_task_idle(int maxTaskIdleMs)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "evens", Partitions);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "nothing", Partitions);
        RuntimeRecords.Produce(broker.BootstrapServers, "evens", Every2nd(1_000));

        using var worker = new JobWorker(Merge("idle", "evens", "nothing"), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0",
            MaxTaskIdle = TimeSpan.FromMilliseconds(maxTaskIdleMs),
        });
        await worker.StartAsync();
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "idle-out", PerTopic, TimeSpan.FromSeconds(30));

        Assert.Equal(PerTopic, output.Count);
        foreach (var partition in output.GroupBy(r => r.Partition))
        {
            var seen = partition.OrderBy(r => r.Offset).Select(r => long.Parse(Serdes.String.Deserialize(r.Value)!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(seen.Order().ToList(), seen);
        }

        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Fact]
    public async Task Records_written_to_an_input_at_its_end_within_max_task_idle_still_go_first_by_timestamp()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "evens", Partitions);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "odds", Partitions);
        RuntimeRecords.Produce(broker.BootstrapServers, "evens", Every2nd(1_000));

        using var worker = new JobWorker(Merge("late", "evens", "odds"), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0",
            MaxTaskIdle = TimeSpan.FromSeconds(20),
        });
        await worker.StartAsync();
        // The odd timestamps come after the task has found "odds" empty (at its end): it waits for them.
        await Task.Delay(TimeSpan.FromSeconds(2));
        RuntimeRecords.Produce(broker.BootstrapServers, "odds", Every2nd(1_001));
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "late-out", 2 * PerTopic, TimeSpan.FromSeconds(60));

        Assert.Equal(2 * PerTopic, output.Count);
        foreach (var partition in output.GroupBy(r => r.Partition))
        {
            var seen = partition.OrderBy(r => r.Offset).Select(r => long.Parse(Serdes.String.Deserialize(r.Value)!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(seen.Order().ToList(), seen);
        }

        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }
}
