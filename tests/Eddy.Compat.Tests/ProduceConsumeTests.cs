using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>Confluent.Kafka (librdkafka) producing to and consuming from Eddy, as any application would.</summary>
public class ProduceConsumeTests
{
    private static ProducerConfig ProducerConfig(string bootstrap, CompressionType compression) => new()
    {
        BootstrapServers = bootstrap,
        Acks = Acks.All,
        CompressionType = compression,
        LingerMs = 5,
        BatchSize = 256 * 1024,
    };

    private static ConsumerConfig ConsumerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = "compat-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnablePartitionEof = true,
    };

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Keyed_records_with_headers_come_back_complete_and_in_order_per_partition(CompressionType compression)
    {
        // 200,000 per codec: 1,000,000 records over the five codecs.
        const int count = 200_000;
        const int partitions = 8;
        await using var broker = await BrokerFixture.StartAsync();
        var topic = "records-" + compression.ToString().ToLowerInvariant();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        }

        var sentPerPartition = new List<long>[partitions];
        for (var i = 0; i < partitions; i++)
        {
            sentPerPartition[i] = [];
        }
        using (var producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig(broker.BootstrapServers, compression)).Build())
        {
            var failures = 0;
            for (var i = 0; i < count; i++)
            {
                var partition = i % partitions;
                var value = new byte[64];
                BinaryPrimitives.WriteInt64BigEndian(value, i);
                var message = new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes($"key-{i % 1000}"),
                    Value = value,
                    Headers = [new Header("seq", BitConverter.GetBytes(i))],
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, partition), message, report =>
                        {
                            if (report.Error.IsError)
                            {
                                Interlocked.Increment(ref failures);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        // librdkafka's local queue is full: let deliveries drain, then try again.
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
                sentPerPartition[partition].Add(i);
            }
            producer.Flush(TimeSpan.FromSeconds(60));
            Assert.Equal(0, failures);
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(ConsumerConfig(broker.BootstrapServers)).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var received = new List<long>[partitions];
        for (var i = 0; i < partitions; i++)
        {
            received[i] = [];
        }
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (atEnd.Count < partitions && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }
            var sequence = BinaryPrimitives.ReadInt64BigEndian(result.Message.Value);
            Assert.Equal($"key-{sequence % 1000}", Encoding.UTF8.GetString(result.Message.Key));
            Assert.Equal((int)sequence, BitConverter.ToInt32(result.Message.Headers.GetLastBytes("seq")));
            Assert.Equal(received[result.Partition.Value].Count, result.Offset.Value);
            received[result.Partition.Value].Add(sequence);
        }
        for (var p = 0; p < partitions; p++)
        {
            Assert.Equal(sentPerPartition[p], received[p]);
        }
    }

    [Fact]
    public async Task Offsets_for_times_find_the_first_record_at_or_after_a_timestamp()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "times";
        var baseTime = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string>
                {
                    Value = $"v{i}",
                    Timestamp = new Timestamp(baseTime + i * 1000, TimestampType.CreateTime),
                });
            }
        }
        using var consumer = new ConsumerBuilder<Null, string>(ConsumerConfig(broker.BootstrapServers)).Build();
        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(baseTime + 42_500, TimestampType.CreateTime))], TimeSpan.FromSeconds(10));
        Assert.Equal(43, found[0].Offset.Value);
        var exact = consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(baseTime + 10_000, TimestampType.CreateTime))], TimeSpan.FromSeconds(10));
        Assert.Equal(10, exact[0].Offset.Value);
        var after = consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(baseTime + 1_000_000, TimestampType.CreateTime))], TimeSpan.FromSeconds(10));
        Assert.Equal(Offset.End, after[0].Offset);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(100, watermarks.High.Value);
    }

    [Fact]
    public async Task Topics_data_and_offsets_survive_a_restart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "durable";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 4, ReplicationFactor = 1 }]);
        }
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 1000; i++)
            {
                producer.Produce(new TopicPartition(topic, i % 4), new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        await broker.RestartAsync();
        using var consumer = new ConsumerBuilder<string, string>(ConsumerConfig(broker.BootstrapServers)).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new HashSet<string>();
        var eof = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (eof < 4 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                eof++;
                continue;
            }
            Assert.Equal(result.Message.Key[1..], result.Message.Value[1..]);
            Assert.True(values.Add(result.Message.Value));
        }
        Assert.Equal(1000, values.Count);
        for (var p = 0; p < 4; p++)
        {
            Assert.Equal(250, consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value);
        }
    }
}
