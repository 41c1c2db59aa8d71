using System.Text.Json;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class TopicDescriptionTests
{
    private static readonly TopicInfo Orders = new(
        "orders",
        "Wlz4c0qpSwiYX9vq4Kl9cA",
        false,
        [
            new PartitionInfo(1, 1, [1], [1]),
            new PartitionInfo(0, 1, [1], [1]),
        ],
        [new("retention.ms", "60000"), new("cleanup.policy", "compact")]);

    [Fact]
    public void Text_matches_kafka_topics_describe_byte_for_byte()
    {
        var output = new StringWriter();
        TopicDescriptionText.Write(Orders, output);

        Assert.Equal(
            "Topic: orders\tTopicId: Wlz4c0qpSwiYX9vq4Kl9cA\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=60000,cleanup.policy=compact\n" +
            "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A\n" +
            "\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A\n",
            output.ToString());
    }

    [Fact]
    public void No_configs_no_leader_several_replicas_and_the_zero_topic_id()
    {
        var topic = new TopicInfo("t", TopicDescriptionText.ZeroTopicId, false, [new PartitionInfo(0, null, [1, 2, 3], [2, 3])], []);
        var output = new StringWriter();
        TopicDescriptionText.Write(topic, output);

        Assert.Equal(
            "Topic: t\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: \n" +
            "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 1,2,3\tIsr: 2,3\tElr: N/A\tLastKnownElr: N/A\n",
            output.ToString());
    }

    [Fact]
    public void A_sensitive_config_prints_null_as_kafka_does()
    {
        var topic = Orders with { Configs = [new("secret", null)] };
        var output = new StringWriter();
        TopicDescriptionText.Write(topic, output);

        Assert.Contains("\tConfigs: secret=null\n", output.ToString());
    }

    [Fact]
    public void Json_is_an_array_of_topic_objects()
    {
        var output = new StringWriter();
        TopicDescriptionJson.Write([Orders], output);

        using var json = JsonDocument.Parse(output.ToString());
        var topic = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("orders", topic.GetProperty("topic").GetString());
        Assert.Equal("Wlz4c0qpSwiYX9vq4Kl9cA", topic.GetProperty("topicId").GetString());
        Assert.False(topic.GetProperty("internal").GetBoolean());
        Assert.Equal(2, topic.GetProperty("partitionCount").GetInt32());
        Assert.Equal(1, topic.GetProperty("replicationFactor").GetInt32());
        Assert.Equal("60000", topic.GetProperty("configs").GetProperty("retention.ms").GetString());
        var partitions = topic.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.Equal(1, partitions[0].GetProperty("leader").GetInt32());
        Assert.Equal([1], partitions[0].GetProperty("replicas").EnumerateArray().Select(r => r.GetInt32()));
        Assert.Equal([1], partitions[0].GetProperty("isr").EnumerateArray().Select(r => r.GetInt32()));
    }

    [Fact]
    public void Json_of_no_topics_is_an_empty_array()
    {
        var output = new StringWriter();
        TopicDescriptionJson.Write([], output);

        Assert.Equal("[]\n", output.ToString());
    }

    [Fact]
    public void Topic_ids_print_as_kafka_url_safe_base64()
    {
        // Kafka's Uuid.toString: big-endian bytes, URL-safe alphabet, no padding.
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA", TopicIds.Format(0, 0));
        Assert.Equal("AAAAAAAAAAEAAAAAAAAAAg", TopicIds.Format(1, 2));
        Assert.Equal("_____________________w", TopicIds.Format(-1, -1));
        Assert.Equal(22, TopicIds.Format(0x0123456789abcdef, 0x7edcba9876543210).Length);
    }
}
