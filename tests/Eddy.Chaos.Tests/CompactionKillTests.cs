using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>
/// kill -9 of the broker while its log cleaner compacts a topic that is being written: after each restart the log
/// is readable and complete — for every key, the latest acknowledged update (or a later one) is still there.
/// </summary>
public class CompactionKillTests
{
    private const string Topic = "compacted";
    private const int Keys = 500;

    [Fact]
    public async Task A_compacted_log_stays_complete_across_kill_9_during_cleaning()
    {
        using var data = new TempDirectory("eddy-chaos-compaction");
        var port = BrokerProcess.FreePort();
        var args = new[] { "--set", "log.cleaner.backoff.ms=50" };
        var broker = BrokerProcess.Start(data.Path, port, args);
        // Per key: the acknowledged update with the highest offset.
        var latestAcked = new ConcurrentDictionary<string, (long Offset, string Value)>();
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync([new TopicSpecification
                {
                    Name = Topic,
                    NumPartitions = 1,
                    ReplicationFactor = 1,
                    Configs = new() { ["cleanup.policy"] = "compact", ["segment.bytes"] = "16384", ["min.cleanable.dirty.ratio"] = "0.01" },
                }]);
            }
            var sequence = 0;
            for (var round = 0; round < 3; round++)
            {
                using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
                {
                    BootstrapServers = broker.BootstrapServers,
                    Acks = Acks.All,
                    MessageSendMaxRetries = 0,
                    LingerMs = 1,
                    MessageTimeoutMs = 5000,
                }).Build())
                {
                    var until = DateTime.UtcNow.AddMilliseconds(1500 + Random.Shared.Next(1500));
                    while (DateTime.UtcNow < until)
                    {
                        Produce(producer, latestAcked, sequence++);
                    }
                    broker.Kill9();
                    producer.Flush(TimeSpan.FromSeconds(10));
                }
                broker.Dispose();
                broker = BrokerProcess.Start(data.Path, port, args);
            }

            // Let the cleaner run on the restarted broker, then read everything.
            await Task.Delay(1000);
            var latestInLog = new Dictionary<string, (long Offset, string Value)>();
            var count = 0;
            foreach (var (offset, key, value) in ReadAll(broker.BootstrapServers))
            {
                latestInLog[key] = (offset, value);
                count++;
            }
            Assert.True(sequence > Keys * 2, $"only {sequence} updates were sent");
            Assert.True(count < sequence, "nothing was compacted");
            foreach (var (key, acked) in latestAcked)
            {
                Assert.True(latestInLog.TryGetValue(key, out var found), $"key {key} lost (acknowledged at offset {acked.Offset})");
                Assert.True(found.Offset >= acked.Offset, $"key {key}: log holds offset {found.Offset}, older than the acknowledged {acked.Offset}");
                if (found.Offset == acked.Offset)
                {
                    Assert.Equal(acked.Value, found.Value);
                }
            }
        }
        finally
        {
            broker.Dispose();
        }
    }

    private static void Produce(IProducer<string, string> producer, ConcurrentDictionary<string, (long, string)> acked, int sequence)
    {
        var key = $"k{sequence % Keys}";
        var value = $"v{sequence}";
        try
        {
            producer.Produce(Topic, new Message<string, string> { Key = key, Value = value }, report =>
            {
                if (report.Status == PersistenceStatus.Persisted && !report.Error.IsError)
                {
                    acked.AddOrUpdate(key, (report.Offset.Value, value), (_, old) => report.Offset.Value > old.Item1 ? (report.Offset.Value, value) : old);
                }
            });
        }
        catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            producer.Poll(TimeSpan.FromMilliseconds(10));
        }
    }

    private static List<(long, string, string)> ReadAll(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "compaction-reader",
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var records = new List<(long, string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                return records;
            }
            records.Add((result.Offset.Value, result.Message.Key, result.Message.Value));
        }
        throw new TimeoutException("the compacted log could not be read to its end");
    }
}
