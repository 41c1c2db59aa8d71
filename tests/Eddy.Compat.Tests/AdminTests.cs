using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>Confluent.Kafka's admin client against Eddy: topics, partitions, configs, record deletion.</summary>
public class AdminTests
{
    [Fact]
    public async Task Create_describe_alter_and_delete_topics()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "orders",
            NumPartitions = 3,
            ReplicationFactor = 1,
            Configs = new Dictionary<string, string> { ["retention.ms"] = "3600000" },
        }]);

        var duplicate = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, duplicate.Results[0].Error.Code);

        var badName = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "bad name!", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, badName.Results[0].Error.Code);

        var badConfig = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "x", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "soon" } }]));
        Assert.Equal(ErrorCode.InvalidConfig, badConfig.Results[0].Error.Code);

        var tooManyReplicas = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "y", NumPartitions = 1, ReplicationFactor = 3 }]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, tooManyReplicas.Results[0].Error.Code);

        var metadata = admin.GetMetadata("orders", TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Topics[0].Partitions.Count);
        Assert.All(metadata.Topics[0].Partitions, p => Assert.Equal(broker.Broker.Options.NodeId, p.Leader));

        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "orders" }]);
        var retention = configs[0].Entries["retention.ms"];
        Assert.Equal("3600000", retention.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, retention.Source);
        Assert.Equal(ConfigSource.DefaultConfig, configs[0].Entries["segment.bytes"].Source);

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "orders" }] =
            [
                new() { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set },
                new() { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
            ],
        });
        configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "orders" }]);
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs[0].Entries["retention.ms"].Source);

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "orders", IncreaseTo = 5 }]);
        Assert.Equal(5, admin.GetMetadata("orders", TimeSpan.FromSeconds(10)).Topics[0].Partitions.Count);
        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "orders", IncreaseTo = 2 }]));
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Results[0].Error.Code);

        var clusterDescription = await admin.DescribeClusterAsync();
        Assert.Single(clusterDescription.Nodes);
        Assert.Equal(broker.Broker.ClusterId, clusterDescription.ClusterId);

        await admin.DeleteTopicsAsync(["orders"]);
        var afterDelete = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(afterDelete.Topics, t => t.Topic == "orders");
        var missing = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync(["orders"]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, missing.Results[0].Error.Code);
    }

    [Fact]
    public async Task Delete_records_moves_the_low_watermark_and_consumers_start_there()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "trim", NumPartitions = 1, ReplicationFactor = 1 }]);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 50; i++)
            {
                producer.Produce("trim", new Message<Null, string> { Value = $"v{i}" });
            }
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        var deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trim", 0, 20)]);
        Assert.Equal(20, deleted[0].Offset.Value);

        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "trim",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        Assert.Equal(20, consumer.QueryWatermarkOffsets(new TopicPartition("trim", 0), TimeSpan.FromSeconds(5)).Low.Value);
        consumer.Assign(new TopicPartitionOffset("trim", 0, Offset.Beginning));
        var first = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Equal("v20", first.Message.Value);

        var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset("trim", 0, 500)]));
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results[0].Error.Code);
    }

    [Fact]
    public async Task Log_append_time_topics_stamp_the_brokers_time()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "stamped",
            NumPartitions = 1,
            ReplicationFactor = 1,
            Configs = new Dictionary<string, string> { ["message.timestamp.type"] = "LogAppendTime" },
        }]);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var report = await producer.ProduceAsync("stamped", new Message<Null, string> { Value = "old", Timestamp = new Timestamp(1000, TimestampType.CreateTime) });
            Assert.Equal(TimestampType.LogAppendTime, report.Timestamp.Type);
        }
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "stamped" }).Build();
        consumer.Assign(new TopicPartitionOffset("stamped", 0, Offset.Beginning));
        var result = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Equal(TimestampType.LogAppendTime, result.Message.Timestamp.Type);
        Assert.InRange(result.Message.Timestamp.UnixTimestampMs, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
    }

    [Fact]
    public async Task Broker_configs_are_described_with_their_sources()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.retention.hours"] = "24" });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "1" }]);
        Assert.Equal("24", configs[0].Entries["log.retention.hours"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, configs[0].Entries["log.retention.hours"].Source);
        Assert.Equal("1", configs[0].Entries["num.partitions"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs[0].Entries["num.partitions"].Source);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "inherits", NumPartitions = 1, ReplicationFactor = 1 }]);
        var topic = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "inherits" }]);
        Assert.Equal("86400000", topic[0].Entries["retention.ms"].Value);
    }
}
