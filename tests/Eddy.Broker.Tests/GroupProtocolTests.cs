using System.Diagnostics;
using Eddy.Broker.Groups;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>The classic group protocol at the byte level: the error codes a real coordinator gives, and timeouts.</summary>
public class GroupProtocolTests
{
    private static readonly Dictionary<string, string> NoInitialDelay = new() { ["group.initial.rebalance.delay.ms"] = "0" };

    private static JoinGroupRequest Join(string memberId, string protocol = "range", string type = "consumer", int sessionTimeoutMs = 6000) => new()
    {
        GroupId = "g",
        SessionTimeoutMs = sessionTimeoutMs,
        RebalanceTimeoutMs = 10_000,
        MemberId = memberId,
        ProtocolType = type,
        Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = protocol, Metadata = [1, 2, 3] }],
    };

    /// <summary>A lone member's full join (KIP-394 member id round trip) and sync; returns member id and generation.</summary>
    private static (string MemberId, int Generation) JoinAlone(RawKafkaClient client, int sessionTimeoutMs = 6000)
    {
        var first = client.Call<JoinGroupResponse>(Join("", sessionTimeoutMs: sessionTimeoutMs), 5).Response;
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        Assert.NotEmpty(first.MemberId);
        var joined = client.Call<JoinGroupResponse>(Join(first.MemberId, sessionTimeoutMs: sessionTimeoutMs), 5).Response;
        Assert.Equal(0, joined.ErrorCode);
        Assert.Equal(joined.MemberId, joined.Leader);
        Assert.Equal([1, 2, 3], Assert.Single(joined.Members).Metadata);
        var sync = client.Call<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = "g",
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            Assignments = [new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = joined.MemberId, Assignment = [9, 9] }],
        }, 3).Response;
        Assert.Equal(0, sync.ErrorCode);
        Assert.Equal([9, 9], sync.Assignment);
        return (joined.MemberId, joined.GenerationId);
    }

    [Fact]
    public async Task Stale_generations_unknown_members_and_mismatched_protocols_get_kafka_errors()
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        broker.Broker.Topics.Create("t", 2, new Dictionary<string, string>(), false, out _);
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (member, generation) = JoinAlone(client);

        short Heartbeat(string id, int gen) =>
            client.Call<HeartbeatResponse>(new HeartbeatRequest { GroupId = "g", GenerationId = gen, MemberId = id }, 3).Response.ErrorCode;
        Assert.Equal(0, Heartbeat(member, generation));
        Assert.Equal((short)ErrorCode.IllegalGeneration, Heartbeat(member, generation + 7));
        Assert.Equal((short)ErrorCode.UnknownMemberId, Heartbeat("nobody", generation));

        using var other = new RawKafkaClient(broker.BootstrapServers);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, other.Call<JoinGroupResponse>(Join("", type: "connect"), 5).Response.ErrorCode);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, other.Call<JoinGroupResponse>(Join("", protocol: "unheard-of"), 5).Response.ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, other.Call<JoinGroupResponse>(Join("made-up-id"), 5).Response.ErrorCode);

        var commit = client.Call<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "g",
            GenerationIdOrMemberEpoch = generation + 1,
            MemberId = member,
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 5 }] }],
        }, 7).Response;
        Assert.Equal((short)ErrorCode.IllegalGeneration, commit.Topics[0].Partitions[0].ErrorCode);

        var mixed = client.Call<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "g",
            GenerationIdOrMemberEpoch = generation,
            MemberId = member,
            Topics =
            [
                new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "no-such-topic", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 1 }] },
                new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = "t",
                    Partitions =
                    [
                        new() { PartitionIndex = 9, CommittedOffset = 1 },
                        new() { PartitionIndex = 0, CommittedOffset = 2, CommittedMetadata = new string('x', 5000) },
                        new() { PartitionIndex = 1, CommittedOffset = 3, CommittedMetadata = "fine" },
                    ],
                },
            ],
        }, 7).Response;
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, mixed.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, mixed.Topics[1].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.OffsetMetadataTooLarge, mixed.Topics[1].Partitions[1].ErrorCode);
        Assert.Equal(0, mixed.Topics[1].Partitions[2].ErrorCode);
        Assert.Null(broker.Broker.Groups.Offsets.Get("g", "t", 0));
        Assert.Equal(new CommittedOffset(3, -1, "fine", broker.Broker.Groups.Offsets.Get("g", "t", 1)!.Value.CommitTimestamp), broker.Broker.Groups.Offsets.Get("g", "t", 1));

        // The healthy member is untouched by all of this.
        Assert.Equal(0, Heartbeat(member, generation));
    }

    [Fact]
    public async Task A_member_that_stops_heartbeating_is_removed_after_its_session_timeout()
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (member, generation) = JoinAlone(client, sessionTimeoutMs: 1500);
        var watch = Stopwatch.StartNew();
        short error;
        do
        {
            await Task.Delay(200);
            using var probe = new RawKafkaClient(broker.BootstrapServers);
            var described = probe.Call<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g"] }, 5).Response.Groups[0];
            error = described.Members.Count == 0 ? (short)ErrorCode.UnknownMemberId : (short)0;
        }
        while (error == 0 && watch.ElapsedMilliseconds < 10_000);
        Assert.InRange(watch.ElapsedMilliseconds, 1200, 10_000);
        var heartbeat = client.Call<HeartbeatResponse>(new HeartbeatRequest { GroupId = "g", GenerationId = generation, MemberId = member }, 3).Response;
        Assert.Equal((short)ErrorCode.UnknownMemberId, heartbeat.ErrorCode);
    }

    private static bool Sleep(int ms)
    {
        Thread.Sleep(ms);
        return false;
    }

    [Fact]
    public async Task A_second_member_triggers_a_rebalance_that_both_complete()
    {
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        using var first = new RawKafkaClient(broker.BootstrapServers);
        var (member1, generation1) = JoinAlone(first);

        using var second = new RawKafkaClient(broker.BootstrapServers);
        var id2 = second.Call<JoinGroupResponse>(Join(""), 5).Response.MemberId;
        // The second join waits for the first member to rejoin: send it without waiting for the answer.
        second.Send(second.Frame(Join(id2), 5));
        // The join travels on another connection: the first member learns of the rebalance at a following heartbeat.
        short heartbeat;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            heartbeat = first.Call<HeartbeatResponse>(new HeartbeatRequest { GroupId = "g", GenerationId = generation1, MemberId = member1 }, 3).Response.ErrorCode;
        }
        while (heartbeat == 0 && DateTime.UtcNow < deadline && !Sleep(20));
        Assert.Equal((short)ErrorCode.RebalanceInProgress, heartbeat);
        var rejoin1 = first.Call<JoinGroupResponse>(Join(member1), 5).Response;
        var (_, rejoin2) = RawKafkaClient.Decode<JoinGroupResponse>(second.ReceiveFrame()!, ApiKey.JoinGroup, 5);
        Assert.Equal(generation1 + 1, rejoin1.GenerationId);
        Assert.Equal(rejoin1.GenerationId, rejoin2.GenerationId);
        Assert.Equal(member1, rejoin1.Leader);
        Assert.Equal(2, rejoin1.Members.Count);
        Assert.Empty(rejoin2.Members);

        // The follower's sync waits for the leader's assignment.
        second.Send(second.Frame(new SyncGroupRequest { GroupId = "g", GenerationId = rejoin2.GenerationId, MemberId = id2 }, 3));
        var leaderSync = first.Call<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = "g",
            GenerationId = rejoin1.GenerationId,
            MemberId = member1,
            Assignments =
            [
                new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = member1, Assignment = [1] },
                new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = id2, Assignment = [2] },
            ],
        }, 3).Response;
        var (_, followerSync) = RawKafkaClient.Decode<SyncGroupResponse>(second.ReceiveFrame()!, ApiKey.SyncGroup, 3);
        Assert.Equal([1], leaderSync.Assignment);
        Assert.Equal([2], followerSync.Assignment);
    }
}
