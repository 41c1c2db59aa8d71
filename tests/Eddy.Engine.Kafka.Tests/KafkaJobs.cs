using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Plan;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>Jobs and Kafka helpers shared by the runtime tests.</summary>
internal static class KafkaJobs
{
    /// <summary>"in" → drop values starting with 'x' → upper-case → "out".</summary>
    public static JobPlan Stateless(string name)
    {
        var job = new JobBuilder(name);
        job.Source("in", Serdes.String, Serdes.String)
            .Filter((_, v) => !v.StartsWith('x'))
            .MapValues(v => v.ToUpperInvariant(), Serdes.String)
            .To("out");
        return job.Build();
    }

    /// <summary>"in" (value: a word) → key by word → 1 s tumbling count → "out".</summary>
    public static JobPlan WindowCount(string name)
    {
        var job = new JobBuilder(name);
        job.Source("in", Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero))
            .KeyBy((_, word) => word, Serdes.String, name: "by-word")
            .Window(Windows.Tumbling(TimeSpan.FromSeconds(1)), name: "count")
            .Count()
            .To("out");
        return job.Build();
    }

    /// <summary>Words in time order per partition: record i of partition p has timestamp base + i * 37 ms.</summary>
    public static List<(string Key, string Value, long Timestamp, int Partition)> Words(int perPartition, int partitions = 2, int from = 0)
    {
        var records = new List<(string, string, long, int)>();
        for (var p = 0; p < partitions; p++)
        {
            for (var i = from; i < from + perPartition; i++)
            {
                records.Add(($"k{p}-{i}", $"w{(i * 7 + p) % 13}", 1_000_000 + i * 37L, p));
            }
        }

        return records;
    }

    /// <summary>The job's results as the test kit computes them, shown as "key bytes/value bytes@timestamp".</summary>
    public static List<string> Reference(JobPlan plan, IEnumerable<(string Key, string Value, long Timestamp, int Partition)> input, int partitions = 2)
    {
        using var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = partitions });
        var topic = driver.Input<string, string>("in");
        foreach (var group in input.GroupBy(r => r.Partition))
        {
            topic.PipeBatch(group.Select(r => (r.Key, r.Value, r.Timestamp)), group.Key);
        }

        return driver.Output<Windowed<string>, long>("out").ReadAll()
            .Select(r => Show(Serdes.Windowed(Serdes.String).Serialize(r.Key), Serdes.Long.Serialize(r.Value), r.Timestamp))
            .Order(StringComparer.Ordinal).ToList();
    }

    public static string Show(byte[]? key, byte[]? value, long timestamp) =>
        $"{Convert.ToHexString(key ?? [])}/{Convert.ToHexString(value ?? [])}@{timestamp}";

    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public static void Produce(string bootstrap, string topic, IEnumerable<(string Key, string Value, long Timestamp, int Partition)> records)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build();
        foreach (var (key, value, timestamp, partition) in records)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<string, string>
            {
                Key = key,
                Value = value,
                Timestamp = new Timestamp(timestamp, TimestampType.CreateTime),
            });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Reads every committed record of a topic until <paramref name="expected"/> have arrived (or the timeout), then
    /// keeps reading a little longer to catch duplicates.
    /// </summary>
    public static List<(byte[]? Key, byte[]? Value, long Timestamp, int Partition)> ReadCommitted(string bootstrap, string topic, int partitions,
        int expected, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<(byte[]?, byte[]?, long, int)>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        DateTime? settle = null;
        while (DateTime.UtcNow < deadline && (settle is null || DateTime.UtcNow < settle))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null)
            {
                records.Add((record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs, record.Partition.Value));
            }

            if (records.Count >= expected && settle is null)
            {
                settle = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
            }
        }

        return records;
    }

    public static List<string> Shown(IEnumerable<(byte[]? Key, byte[]? Value, long Timestamp, int Partition)> records) =>
        records.Select(r => Show(r.Key, r.Value, r.Timestamp)).Order(StringComparer.Ordinal).ToList();
}
