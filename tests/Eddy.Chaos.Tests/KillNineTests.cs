using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>
/// The broker's durability contract, tested on a real process: a record acknowledged with acks=all survives
/// kill -9 of the broker. Checked record by record: every acknowledged record is in the log exactly once, at the
/// offset it was acknowledged with, and no record is in the log twice.
/// </summary>
public class KillNineTests
{
    private const string Topic = "durable";
    private const int Partitions = 4;

    [Fact]
    public async Task Every_acknowledged_record_survives_kill_9_of_the_broker()
    {
        using var data = new TempDirectory("eddy-chaos");
        var port = BrokerProcess.FreePort();
        var acked = new ConcurrentDictionary<string, (int Partition, long Offset)>();
        var sequence = 0;

        var broker = BrokerProcess.Start(data.Path, port);
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
            }

            for (var round = 0; round < 3; round++)
            {
                // Produce until well past a few thousand acks, then kill the broker mid-stream.
                var killAt = acked.Count + 5_000 + Random.Shared.Next(5_000);
                using (var producer = NewProducer(broker.BootstrapServers))
                {
                    while (acked.Count < killAt)
                    {
                        Produce(producer, acked, ref sequence);
                    }
                    broker.Kill9();
                    // Keep producing into the dead broker for a moment: those records must fail, not vanish silently.
                    for (var i = 0; i < 1000; i++)
                    {
                        Produce(producer, acked, ref sequence);
                    }
                    producer.Flush(TimeSpan.FromSeconds(15));
                }
                broker.Dispose();
                broker = BrokerProcess.Start(data.Path, port);
            }

            var inLog = ReadAll(broker.BootstrapServers);
            var duplicates = inLog.GroupBy(r => r.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{duplicates.Count} records are in the log twice, e.g. {duplicates.FirstOrDefault()}");
            var byValue = inLog.ToDictionary(r => r.Value, r => (r.Partition, r.Offset));
            var missing = acked.Where(a => !byValue.TryGetValue(a.Key, out var found) || found != a.Value).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged records are missing or moved, e.g. {missing.FirstOrDefault().Key}");
            Assert.True(acked.Count >= 15_000);
        }
        finally
        {
            broker.Dispose();
        }
    }

    private static IProducer<Null, string> NewProducer(string bootstrap) => new ProducerBuilder<Null, string>(new ProducerConfig
    {
        BootstrapServers = bootstrap,
        Acks = Acks.All,
        // No retries: a retried batch whose first answer was lost would be written twice without idempotence.
        MessageSendMaxRetries = 0,
        EnableIdempotence = false,
        LingerMs = 2,
        MessageTimeoutMs = 5000,
        SocketTimeoutMs = 5000,
    }).Build();

    private static void Produce(IProducer<Null, string> producer, ConcurrentDictionary<string, (int, long)> acked, ref int sequence)
    {
        var value = $"record-{sequence++:D9}";
        try
        {
            producer.Produce(new TopicPartition(Topic, sequence % Partitions), new Message<Null, string> { Value = value }, report =>
            {
                if (report.Status == PersistenceStatus.Persisted && !report.Error.IsError)
                {
                    acked[report.Message.Value] = (report.Partition.Value, report.Offset.Value);
                }
            });
        }
        catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            producer.Poll(TimeSpan.FromMilliseconds(10));
        }
    }

    private static List<(string Value, int Partition, long Offset)> ReadAll(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "chaos-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var records = new List<(string, int, long)>();
        var eof = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (eof.Count < Partitions && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                eof.Add(result.Partition.Value);
                continue;
            }
            records.Add((result.Message.Value, result.Partition.Value, result.Offset.Value));
        }
        Assert.Equal(Partitions, eof.Count);
        return records;
    }
}
