using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using RawErrorCode = Eddy.Protocol.ErrorCode;

namespace Eddy.Compat.Tests;

/// <summary>
/// The internal topics (__consumer_offsets, __transaction_state) as Kafka has them: listed, internal, readable live
/// by any consumer from the one log the coordinators write, and closed to every client write or change, which leaves
/// the offsets log byte for byte as it was.
/// </summary>
public class InternalTopicTests
{
    private const string Offsets = "__consumer_offsets";
    private const string TransactionState = "__transaction_state";

    [Fact]
    public async Task Metadata_lists_both_internal_topics_as_internal_with_one_partition()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var client = new RawKafkaClient(broker.BootstrapServers);

        var (_, all) = client.Call<MetadataResponse>(new MetadataRequest { Topics = null }, 12);
        foreach (var name in new[] { Offsets, TransactionState })
        {
            var topic = Assert.Single(all.Topics, t => t.Name == name);
            Assert.True(topic.IsInternal);
            Assert.Equal(0, topic.ErrorCode);
            Assert.Single(topic.Partitions);
        }

        var (_, named) = client.Call<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = Offsets }],
            AllowAutoTopicCreation = true,
        }, 12);
        Assert.True(Assert.Single(named.Topics).IsInternal);
        Assert.Single(named.Topics[0].Partitions);

        // Restarts keep the topic ids (clients cache them).
        var id = all.Topics.Single(t => t.Name == Offsets).TopicId;
        await broker.RestartAsync();
        using var after = new RawKafkaClient(broker.BootstrapServers);
        var (_, again) = after.Call<MetadataResponse>(new MetadataRequest { Topics = null }, 12);
        Assert.Equal(id, again.Topics.Single(t => t.Name == Offsets).TopicId);
    }

    [Fact]
    public async Task A_consumer_of_the_offsets_topic_sees_each_new_commit_within_a_second()
    {
        await using var broker = await BrokerFixture.StartAsync();
        await CreateTopic(broker.BootstrapServers, "orders", 2);
        using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "offsets-reader",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 100,
        }).Build();
        reader.Assign(new TopicPartitionOffset(Offsets, 0, Offset.Beginning));

        using var committer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "billing" }).Build();
        // A first commit, untimed: the reader's start (metadata, the offset lookup, its first fetch) is not what is measured.
        committer.Commit([new TopicPartitionOffset("orders", 1, 1)]);
        Assert.True(ReadCommitUntil(reader, "billing", "orders", 1, 1, TimeSpan.FromSeconds(10)), $"the first commit never appeared in {Offsets}");
        foreach (var offset in new long[] { 42, 43, 1000 })
        {
            var watch = Stopwatch.StartNew();
            committer.Commit([new TopicPartitionOffset("orders", 1, offset)]);
            var seen = ReadCommitUntil(reader, "billing", "orders", 1, offset, TimeSpan.FromSeconds(5));
            Assert.True(seen, $"the commit of offset {offset} never appeared in {Offsets}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the commit of offset {offset} took {watch.Elapsed.TotalMilliseconds:F0} ms to appear");
        }
    }

    [Fact]
    public async Task Every_client_write_or_change_of_an_internal_topic_is_refused_and_leaves_the_offsets_log_intact()
    {
        await using var broker = await BrokerFixture.StartAsync();
        await CreateTopic(broker.BootstrapServers, "orders", 1);
        using (var committer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "billing" }).Build())
        {
            committer.Commit([new TopicPartitionOffset("orders", 0, 17)]);
        }
        var before = LogBytes(broker, Offsets);
        Assert.NotEmpty(before);

        // Produce, through librdkafka: the partition's error is INVALID_TOPIC_EXCEPTION.
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, MessageSendMaxRetries = 0 }).Build())
        {
            var produce = await Assert.ThrowsAsync<ProduceException<string, string>>(() =>
                producer.ProduceAsync(new TopicPartition(Offsets, 0), new Message<string, string> { Key = "k", Value = "overwrite" }));
            Assert.Equal(ErrorCode.TopicException, produce.Error.Code);
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var create = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = Offsets, NumPartitions = 4, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, create.Results[0].Error.Code);

        var collides = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "__consumer.offsets", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, collides.Results[0].Error.Code);
        Assert.Contains("collides", collides.Results[0].Error.Reason, StringComparison.Ordinal);

        var delete = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([Offsets, TransactionState]));
        Assert.All(delete.Results, r => Assert.Equal(ErrorCode.InvalidRequest, r.Error.Code));

        var grow = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = Offsets, IncreaseTo = 50 }]));
        Assert.Equal(ErrorCode.InvalidRequest, grow.Results[0].Error.Code);

        var truncate = await Assert.ThrowsAsync<DeleteRecordsException>(() =>
            admin.DeleteRecordsAsync([new TopicPartitionOffset(Offsets, 0, Offset.End)]));
        Assert.Equal(ErrorCode.TopicException, truncate.Results[0].Error.Code);

        // Auto-creation through Metadata finds the existing topic and opens nothing new.
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var (_, metadata) = client.Call<MetadataResponse>(new MetadataRequest
            {
                Topics = [new MetadataRequest.MetadataRequestTopic { Name = Offsets }, new MetadataRequest.MetadataRequestTopic { Name = "__consumer.offsets" }],
                AllowAutoTopicCreation = true,
            }, 9);
            Assert.Equal(0, metadata.Topics[0].ErrorCode);
            Assert.Single(metadata.Topics[0].Partitions);
            Assert.Equal((short)RawErrorCode.InvalidTopicException, metadata.Topics[1].ErrorCode);

            // A raw produce with acks=all gets the same answer as librdkafka did.
            var batch = Eddy.Protocol.RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(1, Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v"))]);
            var (_, produced) = client.Call<ProduceResponse>(new ProduceRequest
            {
                Acks = -1,
                TimeoutMs = 5000,
                TopicData = [new ProduceRequest.TopicProduceData { Name = TransactionState, PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new Eddy.Protocol.MemoryRecords(batch) }] }],
            }, 9);
            var partition = produced.Responses[0].PartitionResponses[0];
            Assert.Equal((short)RawErrorCode.InvalidTopicException, partition.ErrorCode);
            Assert.Equal($"Cannot append to internal topic {TransactionState}", partition.ErrorMessage);
        }
        Assert.DoesNotContain(Directory.EnumerateDirectories(broker.DataDirectory), d => Path.GetFileName(d).StartsWith("__consumer.offsets", StringComparison.Ordinal));
        Assert.Equal(before, LogBytes(broker, Offsets));

        // And the commit is still there after a restart.
        await broker.RestartAsync();
        using var reader = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "billing" }).Build();
        var committed = reader.Committed([new TopicPartition("orders", 0)], TimeSpan.FromSeconds(10));
        Assert.Equal(17, committed[0].Offset.Value);
    }

    private static async Task CreateTopic(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Every byte of the topic's partition 0 segment files, in file name order.</summary>
    private static byte[] LogBytes(BrokerFixture broker, string topic) =>
        [.. Directory.EnumerateFiles(Path.Combine(broker.DataDirectory, $"{topic}-0"), "*.log").Order(StringComparer.Ordinal).SelectMany(File.ReadAllBytes)];

    /// <summary>
    /// Reads the offsets topic until a commit of <paramref name="offset"/> for the partition appears. Decodes Kafka's
    /// offset commit record here, independently of the broker: key {int16 version ≤ 1, string group, string topic,
    /// int32 partition}, value {int16 version, int64 offset, ...}.
    /// </summary>
    private static bool ReadCommitUntil(IConsumer<byte[], byte[]> reader, string group, string topic, int partition, long offset, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = reader.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is not { Key: { } key, Value: { } value })
            {
                continue;
            }
            var version = BinaryPrimitives.ReadInt16BigEndian(key);
            if (version > 1)
            {
                continue; // a group metadata record
            }
            var position = 2;
            var keyGroup = ReadString(key, ref position);
            var keyTopic = ReadString(key, ref position);
            var keyPartition = BinaryPrimitives.ReadInt32BigEndian(key.AsSpan(position));
            if (keyGroup == group && keyTopic == topic && keyPartition == partition && BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(2)) == offset)
            {
                return true;
            }
        }
        return false;
    }

    private static string ReadString(byte[] bytes, ref int position)
    {
        var length = BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(position));
        var text = Encoding.UTF8.GetString(bytes, position + 2, length);
        position += 2 + length;
        return text;
    }
}
