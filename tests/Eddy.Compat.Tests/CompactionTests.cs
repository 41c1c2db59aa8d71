using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>A compacted topic, written and read by Confluent.Kafka, compacted by the broker's own cleaner.</summary>
public class CompactionTests
{
    [Fact]
    public async Task The_cleaner_keeps_the_latest_value_per_key_and_never_moves_the_end_offset()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.cleaner.backoff.ms"] = "200" });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "latest",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new() { ["cleanup.policy"] = "compact", ["segment.bytes"] = "8192" },
            }]);
        }
        const int updates = 5000, keys = 50;
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0, BatchNumMessages = 10 }).Build())
        {
            for (var i = 0; i < updates; i++)
            {
                producer.Produce("latest", new Message<string, string> { Key = $"k{i % keys}", Value = $"v{i}" });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        List<(long Offset, string Key, string Value)> log = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(300);
            log = ReadAll(broker.BootstrapServers);
        }
        while (log.Count > updates / 2 && DateTime.UtcNow < deadline);

        Assert.True(log.Count < updates / 2, $"{log.Count} records still in the log");
        var latest = log.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        Assert.Equal(keys, latest.Count);
        for (var k = 0; k < keys; k++)
        {
            Assert.Equal($"v{updates - keys + k}", latest[$"k{k}"]);
        }
        Assert.Equal(log.OrderBy(r => r.Offset).Select(r => r.Offset), log.Select(r => r.Offset));
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "w" }).Build();
        Assert.Equal(updates, consumer.QueryWatermarkOffsets(new TopicPartition("latest", 0), TimeSpan.FromSeconds(5)).High.Value);
    }

    private static List<(long, string, string)> ReadAll(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("latest", 0, Offset.Beginning));
        var records = new List<(long, string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                break;
            }
            records.Add((result.Offset.Value, result.Message.Key, result.Message.Value));
        }
        return records;
    }
}
