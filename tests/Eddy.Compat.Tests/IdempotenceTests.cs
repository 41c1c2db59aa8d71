using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Eddy.Testing;
using Xunit.Abstractions;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent.Kafka's idempotent producer (enable.idempotence) against Eddy: with up to five requests in flight and
/// retries after the broker went away, every record is written exactly once and in order.
/// </summary>
public class IdempotenceTests(ITestOutputHelper output)
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<TransactionTests.Rec> ReadAll(string bootstrap, string topic, int partitions)
    {
        using var reader = new TransactionTests.Reader(bootstrap, topic, partitions, IsolationLevel.ReadUncommitted);
        reader.ReadToEnd();
        return reader.Records;
    }

    [Fact]
    public async Task Idempotent_producer_writes_every_record_once_and_in_order()
    {
        const int count = 50_000;
        const string topic = "idempotent";
        await using var broker = await BrokerFixture.StartAsync();
        await TransactionTests.CreateTopic(broker.BootstrapServers, topic, 3);
        var deliveries = new TransactionTests.Deliveries();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 1,
            BatchNumMessages = 100,
            MaxInFlight = 5,
        }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, i % 3), message, deliveries.Handle);
                        break;
                    }
                    catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
            producer.Flush(TimeSpan.FromSeconds(60));
        }
        Assert.Empty(deliveries.Failures);
        var written = deliveries.Delivered;
        Assert.Equal(count, written.Count);
        var read = ReadAll(broker.BootstrapServers, topic, 3);
        for (var p = 0; p < 3; p++)
        {
            var expected = Enumerable.Range(0, count).Where(i => i % 3 == p).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
            var partition = read.Where(r => r.Partition == p).ToList();
            Assert.Equal(expected, partition.Select(r => r.Value));
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(o => (long)o), partition.Select(r => r.Offset));
            Assert.Equal(written.Where(r => r.Partition == p), partition);

            // One producer, one epoch, and its last sequence is the partition's last record.
            var producers = broker.Broker.Topics.Find(topic)!.Partitions[p].Log.Producers();
            var state = Assert.Single(producers);
            Assert.Equal(expected.Count - 1, state.LastSequence);
            Assert.Equal(-1, state.CurrentTransactionStartOffset);
        }
    }

    [Fact]
    public async Task Idempotent_producer_survives_a_broker_restart_without_duplicates_or_gaps()
    {
        const int count = 30_000;
        const string topic = "idempotent-restart";
        // A fixed port so that the producer finds the restarted broker where it left it.
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string>
        {
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{FreePort()}",
        });
        await TransactionTests.CreateTopic(broker.BootstrapServers, topic, 2);
        var deliveries = new TransactionTests.Deliveries();
        var delivered = 0;
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 2,
            BatchNumMessages = 50,
            MaxInFlight = 5,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 200,
        }).Build();
        var producing = Task.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, i % 2), message, report =>
                        {
                            deliveries.Handle(report);
                            Interlocked.Increment(ref delivered);
                        });
                        break;
                    }
                    catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
                if (i % 500 == 0)
                {
                    // Paced, so that the restart lands in the middle of the stream.
                    Thread.Sleep(20);
                }
            }
            producer.Flush(TimeSpan.FromSeconds(120));
        });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref delivered) < count / 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.InRange(Volatile.Read(ref delivered), count / 4, count - 1);
        await broker.RestartAsync();
        output.WriteLine($"restarted after {Volatile.Read(ref delivered)} deliveries");
        await producing.WaitAsync(TimeSpan.FromSeconds(150));

        Assert.Empty(deliveries.Failures);
        var written = deliveries.Delivered;
        Assert.Equal(count, written.Count);
        var read = ReadAll(broker.BootstrapServers, topic, 2);
        for (var p = 0; p < 2; p++)
        {
            var expected = Enumerable.Range(0, count).Where(i => i % 2 == p).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
            var partition = read.Where(r => r.Partition == p).ToList();
            var duplicates = partition.GroupBy(r => r.Value).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
            Assert.True(duplicates.Count == 0, $"partition {p}: duplicated values {string.Join(", ", duplicates)}");
            Assert.Equal(expected, partition.Select(r => r.Value));
            Assert.Equal(written.Where(r => r.Partition == p), partition);
        }
    }
}
