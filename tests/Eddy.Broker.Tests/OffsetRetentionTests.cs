using Eddy.Broker.Groups;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage;
using Eddy.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Broker.Tests;

/// <summary>A clock the test moves; timers still tick in real time.</summary>
internal sealed class MovableClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

public class OffsetRetentionTests
{
    private static PartitionLog OpenOffsetsLog(string dataDirectory, TimeProvider time) =>
        PartitionLog.Open(Path.Combine(dataDirectory, "__consumer_offsets-0"), new LogConfig { Compact = true, Delete = false }, time);

    [Fact]
    public async Task Offsets_of_an_empty_group_expire_after_the_retention_and_survive_before_it()
    {
        using var data = new TempDirectory();
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        using var log = OpenOffsetsLog(data.Path, clock);
        var offsets = new OffsetStore(log, clock);
        await using var groups = new GroupCoordinator(offsets, 0, offsetsRetentionMs: 60_000, clock, NullLogger<GroupCoordinator>.Instance);
        offsets.Commit("idle", [("t", 0, new CommittedOffset(42, -1, "m", clock.GetUtcNow().ToUnixTimeMilliseconds()))]);

        clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        Assert.Equal(42, offsets.Get("idle", "t", 0)!.Value.Offset);

        clock.Advance(TimeSpan.FromSeconds(31));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (offsets.Get("idle", "t", 0) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Null(offsets.Get("idle", "t", 0));
    }

    [Fact]
    public async Task Committed_offsets_are_replayed_from_the_log_after_a_restart()
    {
        using var data = new TempDirectory();
        using (var log = OpenOffsetsLog(data.Path, TimeProvider.System))
        {
            var offsets = new OffsetStore(log, TimeProvider.System);
            offsets.Commit("g", [("a", 0, new CommittedOffset(10, 3, "meta", 1)), ("a", 1, new CommittedOffset(20, -1, null, 2))]);
            offsets.Commit("g", [("a", 0, new CommittedOffset(11, 3, "later", 3))]);
            offsets.Delete("g", [("a", 1)]);
        }
        using var reopenedLog = OpenOffsetsLog(data.Path, TimeProvider.System);
        var reopened = new OffsetStore(reopenedLog, TimeProvider.System);
        Assert.Equal(new CommittedOffset(11, 3, "later", 3), reopened.Get("g", "a", 0));
        Assert.Null(reopened.Get("g", "a", 1));
    }

    [Fact]
    public async Task OffsetDelete_removes_offsets_unless_a_live_member_subscribes_to_the_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        broker.Broker.Topics.Create("t", 2, new Dictionary<string, string>(), false, out _);
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var commit = client.Call<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "standalone",
            GenerationIdOrMemberEpoch = -1,
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 7 }, new() { PartitionIndex = 1, CommittedOffset = 9 }] }],
        }, 8).Response;
        Assert.All(commit.Topics[0].Partitions, p => Assert.Equal(0, p.ErrorCode));

        var deleted = client.Call<OffsetDeleteResponse>(new OffsetDeleteRequest
        {
            GroupId = "standalone",
            Topics = [new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = "t", Partitions = [new() { PartitionIndex = 0 }] }],
        }, 0).Response;
        Assert.Equal(0, deleted.ErrorCode);
        Assert.Equal(0, deleted.Topics[0].Partitions[0].ErrorCode);

        var fetched = client.Call<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = "standalone", Topics = null }, 7).Response;
        var partition = Assert.Single(Assert.Single(fetched.Topics).Partitions);
        Assert.Equal((1, 9L), (partition.PartitionIndex, partition.CommittedOffset));

        var unknown = client.Call<OffsetDeleteResponse>(new OffsetDeleteRequest { GroupId = "no-such-group", Topics = [] }, 0).Response;
        Assert.Equal((short)ErrorCode.GroupIdNotFound, unknown.ErrorCode);
    }
}
