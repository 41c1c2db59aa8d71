using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Defaults and details that client code and tools written against Kafka rely on: one partition for an auto-created
/// topic, group types (ListGroups v5), and the authorized operations Kafka reports when it has no authorizer.
/// </summary>
public class KafkaDefaultsTests
{
    [Fact]
    public async Task An_auto_created_topic_has_one_partition_so_a_keyed_record_is_read_back_from_partition_0()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var delivered = await producer.ProduceAsync("auto-created", new Message<string, string> { Key = "customer-42", Value = "hello" });
            Assert.Equal(0, delivered.Partition.Value);
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.Single(admin.GetMetadata("auto-created", TimeSpan.FromSeconds(10)).Topics[0].Partitions);

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "reader" }).Build();
        consumer.Assign(new TopicPartitionOffset("auto-created", 0, Offset.Beginning));
        var record = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Equal("customer-42", record?.Message.Key);
    }

    [Fact]
    public async Task Groups_are_listed_as_classic_and_filtered_by_type_and_state()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 2, ReplicationFactor = 1 }]);
        using var member = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "billing" }).Build();
        member.Subscribe("orders");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (member.Assignment.Count == 0 && DateTime.UtcNow < deadline)
        {
            member.Consume(TimeSpan.FromMilliseconds(100));
        }
        Assert.NotEmpty(member.Assignment);

        var all = await admin.ListConsumerGroupsAsync();
        var listed = Assert.Single(all.Valid, g => g.GroupId == "billing");
        Assert.Equal(ConsumerGroupType.Classic, listed.Type);
        Assert.Equal(ConsumerGroupState.Stable, listed.State);

        Assert.Contains((await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchTypes = [ConsumerGroupType.Classic] })).Valid, g => g.GroupId == "billing");
        Assert.Empty((await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchTypes = [ConsumerGroupType.Consumer] })).Valid);
        Assert.Empty((await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Empty] })).Valid);
        Assert.Contains((await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions
        {
            MatchStates = [ConsumerGroupState.Stable],
            MatchTypes = [ConsumerGroupType.Classic],
        })).Valid, g => g.GroupId == "billing");
        member.Close();
    }

    [Fact]
    public async Task Authorized_operations_are_what_Kafka_reports_without_an_authorizer()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 1, ReplicationFactor = 1 }]);

        var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { IncludeAuthorizedOperations = true });
        Assert.Equal(
            new[] { AclOperation.Create, AclOperation.Alter, AclOperation.Describe, AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs, AclOperation.IdempotentWrite }.Order(),
            cluster.AuthorizedOperations.Order());

        var topics = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["orders"]), new DescribeTopicsOptions { IncludeAuthorizedOperations = true });
        Assert.Equal(
            new[] { AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Delete, AclOperation.Alter, AclOperation.Describe, AclOperation.DescribeConfigs, AclOperation.AlterConfigs }.Order(),
            topics.TopicDescriptions[0].AuthorizedOperations.Order());

        // Metadata v8-v10 carry the cluster's operations too, only when asked.
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, asked) = client.Call<MetadataResponse>(new MetadataRequest { Topics = null, IncludeClusterAuthorizedOperations = true, IncludeTopicAuthorizedOperations = true }, 9);
        Assert.Equal(8096, asked.ClusterAuthorizedOperations);
        Assert.All(asked.Topics, t => Assert.Equal(3576, t.TopicAuthorizedOperations));
        var (_, notAsked) = client.Call<MetadataResponse>(new MetadataRequest { Topics = null }, 9);
        Assert.Equal(int.MinValue, notAsked.ClusterAuthorizedOperations);
        Assert.All(notAsked.Topics, t => Assert.Equal(int.MinValue, t.TopicAuthorizedOperations));
    }
}
