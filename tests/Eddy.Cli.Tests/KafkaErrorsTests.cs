using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Cli.Kafka;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class KafkaErrorsTests
{
    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPart, "UNKNOWN_TOPIC_OR_PART")]
    [InlineData(ErrorCode.TopicAlreadyExists, "TOPIC_ALREADY_EXISTS")]
    [InlineData(ErrorCode.InvalidReplicationFactor, "INVALID_REPLICATION_FACTOR")]
    [InlineData(ErrorCode.NotLeaderForPartition, "NOT_LEADER_FOR_PARTITION")]
    [InlineData(ErrorCode.Local_Transport, "_TRANSPORT")]
    [InlineData(ErrorCode.Local_AllBrokersDown, "_ALL_BROKERS_DOWN")]
    [InlineData(ErrorCode.Local_MsgTimedOut, "_MSG_TIMED_OUT")]
    [InlineData(ErrorCode.Local_FS, "_FS")]
    [InlineData(ErrorCode.Local_UnknownPartition, "_UNKNOWN_PARTITION")]
    [InlineData(ErrorCode.PolicyViolation, "POLICY_VIOLATION")]
    public void Names_follow_librdkafka(ErrorCode code, string expected)
    {
        Assert.Equal(expected, KafkaErrors.Name(code));
    }

    [Fact]
    public void Format_is_name_colon_reason()
    {
        Assert.Equal("UNKNOWN_TOPIC_OR_PART: Broker: Unknown topic or partition",
            KafkaErrors.Format(new Error(ErrorCode.UnknownTopicOrPart, "Broker: Unknown topic or partition")));
    }

    [Fact]
    public void Admin_batch_failures_give_one_line_per_failed_topic()
    {
        var exception = new CreateTopicsException(
        [
            new CreateTopicReport { Topic = "a", Error = new Error(ErrorCode.TopicAlreadyExists, "Topic 'a' already exists.") },
            new CreateTopicReport { Topic = "b", Error = new Error(ErrorCode.NoError) },
            new CreateTopicReport { Topic = "c", Error = new Error(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.") },
        ]);

        Assert.Equal(
            ["TOPIC_ALREADY_EXISTS: Topic 'a' already exists.", "INVALID_PARTITIONS: Number of partitions must be larger than 0. (topic 'c')"],
            KafkaErrors.Describe(exception));
    }

    [Fact]
    public void Group_admin_failures_name_the_group_or_partition()
    {
        var delete = new DeleteGroupsException(
        [
            new DeleteGroupReport { Group = "a", Error = new Error(ErrorCode.NoError) },
            new DeleteGroupReport { Group = "b", Error = new Error(ErrorCode.NonEmptyGroup, "The group is not empty") },
        ]);
        Assert.Equal(["NON_EMPTY_GROUP: The group is not empty (group 'b')"], KafkaErrors.Describe(delete));

        var alter = new AlterConsumerGroupOffsetsException(
        [
            new AlterConsumerGroupOffsetsReport
            {
                Group = "g",
                Error = new Error(ErrorCode.NoError),
                Partitions =
                [
                    new TopicPartitionOffsetError("t", 0, 5, new Error(ErrorCode.NoError)),
                    new TopicPartitionOffsetError("t", 1, 5, new Error(ErrorCode.UnknownTopicOrPart, "Broker: Unknown topic or partition")),
                ],
            },
        ]);
        Assert.Equal(["UNKNOWN_TOPIC_OR_PART: Broker: Unknown topic or partition (partition 't-1')"], KafkaErrors.Describe(alter));
    }

    [Fact]
    public void Other_exceptions_use_their_error()
    {
        Assert.Equal(["_TRANSPORT: down"], KafkaErrors.Describe(new KafkaException(new Error(ErrorCode.Local_Transport, "down"))));
    }
}
