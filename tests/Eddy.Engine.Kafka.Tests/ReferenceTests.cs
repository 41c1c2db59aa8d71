using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>
/// Windowed counts computed by a worker over Kafka, on input out of order within the bound and with a partition going
/// idle, against counts computed straight from the input.
/// </summary>
public class ReferenceTests
{
    private const long Size = 1_000;
    private const long Bound = 300;

    [Fact]
    public async Task Windowed_counts_over_out_of_order_input_with_an_idle_partition_match_a_reference_from_the_input()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 3);
        var job = new JobBuilder("ref");
        job.Source("in", Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(Bound), idleTimeout: TimeSpan.FromSeconds(3)))
            .KeyBy((_, word) => word, Serdes.String, name: "by-word")
            .Window(Windows.Tumbling(TimeSpan.FromMilliseconds(Size)), name: "count")
            .Count()
            .To("out");

        var random = new Random(7);
        var clock = new long[3];
        List<(string Key, string Value, long Timestamp, int Partition)> Records(int count, int partitions)
        {
            var records = new List<(string, string, long, int)>();
            for (var i = 0; i < count; i++)
            {
                var partition = random.Next(partitions);
                clock[partition] += random.Next(0, 40);
                // Out of order, but never by more than the bound behind the partition's latest: nothing is late.
                var timestamp = Math.Max(0, clock[partition] - random.Next(0, (int)Bound + 1));
                records.Add(($"k{i}", $"w{random.Next(7)}", 100_000 + timestamp, partition));
            }

            return records;
        }

        // Phase 1 on all three partitions; then partition 2 falls silent while 0 and 1 go on.
        var first = Records(900, 3);
        var second = Records(1800, 2);
        var input = first.Concat(second).ToList();
        var end = input.Max(r => r.Timestamp);
        // A far-future record on the live partitions pushes their watermark past every window of the input; only the
        // idleness of partition 2 lets it through (its own watermark stays at its last timestamp).
        var flush = new List<(string, string, long, int)> { ("f0", "flush", end + (10 * Size), 0), ("f1", "flush", end + (10 * Size), 1) };
        var expected = input.GroupBy(r => (Word: r.Value, Start: r.Timestamp - (r.Timestamp % Size)))
            .Select(g => $"{g.Key.Word}[{g.Key.Start},{g.Key.Start + Size})={g.Count()}@{g.Key.Start + Size - 1}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(second.Max(r => r.Timestamp) > first.Where(r => r.Partition == 2).Max(r => r.Timestamp) + (3 * Size));

        using var worker = new JobWorker(job.Build(), new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "r" });
        await worker.StartAsync();
        KafkaJobs.Produce(broker.BootstrapServers, "in", first);
        KafkaJobs.Produce(broker.BootstrapServers, "in", second);
        KafkaJobs.Produce(broker.BootstrapServers, "in", flush);

        var output = KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 3, expected.Count, TimeSpan.FromSeconds(90));
        var windowed = Serdes.Windowed(Serdes.String);
        var actual = output.Select(r => (Window: windowed.Deserialize(r.Key), Count: Serdes.Long.Deserialize(r.Value), r.Timestamp))
            .Where(r => r.Window.Key != "flush")
            .Select(r => $"{r.Window.Key}[{r.Window.Start},{r.Window.End})={r.Count}@{r.Timestamp}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(expected.SequenceEqual(actual), $"{actual.Count}/{expected.Count} windows; tasks {worker.Tasks}");
        Assert.Equal(0, worker.Status.Tasks.Sum(t => t.LateRecords));
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }
}
