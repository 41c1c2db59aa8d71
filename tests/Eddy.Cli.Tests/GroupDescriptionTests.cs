using System.Text.Json;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class GroupDescriptionTests
{
    private const string LongConsumerId = "consumer-1-0123456789abcdef"; // 27 characters: widens its column past 15

    private static readonly ConsumerGroupInfo Billing = new(
        "billing",
        ConsumerGroupInfo.Stable,
        new GroupCoordinatorNode(1, "127.0.0.1", 9092),
        "range",
        [new GroupMember(LongConsumerId, null, "/127.0.0.1", "app", [new("orders", 2), new("orders", 0)])],
        new Dictionary<GroupPartition, long> { [new("orders", 0)] = 4, [new("orders", 1)] = 7 },
        new Dictionary<GroupPartition, long> { [new("orders", 0)] = 10, [new("orders", 1)] = 20, [new("orders", 2)] = 30 });

    private static string Write(Action<TextWriter> write)
    {
        var output = new StringWriter();
        write(output);
        return output.ToString();
    }

    [Fact]
    public void Owned_partitions_come_first_then_committed_partitions_without_an_owner()
    {
        var rows = GroupOffsetRows.Build(Billing);

        Assert.Equal(
        [
            new GroupOffsetRow("billing", "orders", 0, 4, 10, 6, LongConsumerId, "/127.0.0.1", "app"),
            // owned but never committed: no current offset, no lag
            new GroupOffsetRow("billing", "orders", 2, null, 30, null, LongConsumerId, "/127.0.0.1", "app"),
            // committed but owned by nobody: no consumer, host or client
            new GroupOffsetRow("billing", "orders", 1, 7, 20, 13, null, null, null),
        ], rows);
    }

    [Fact]
    public void Members_with_more_partitions_come_first_and_members_without_partitions_get_no_row()
    {
        var group = Billing with
        {
            Members =
            [
                new GroupMember("small", null, "/h", "c", [new("orders", 1)]),
                new GroupMember("idle", null, "/h", "c", []),
                new GroupMember("big", null, "/h", "c", [new("orders", 2), new("orders", 0)]),
            ],
        };

        var rows = GroupOffsetRows.Build(group);

        Assert.Equal(["big", "big", "small"], rows.Select(r => r.ConsumerId));
        Assert.Equal([0, 2, 1], rows.Select(r => r.Partition));
    }

    [Fact]
    public void Lag_is_log_end_minus_committed_and_unknown_when_either_is_missing()
    {
        Assert.Equal(6, GroupOffsetRows.Lag(4, 10));
        Assert.Equal(0, GroupOffsetRows.Lag(10, 10));
        Assert.Null(GroupOffsetRows.Lag(null, 10));
        Assert.Null(GroupOffsetRows.Lag(-1, 10));
        Assert.Null(GroupOffsetRows.Lag(4, null));

        var noLogEnd = Billing with { LogEndOffsets = new Dictionary<GroupPartition, long>() };
        var row = GroupOffsetRows.Build(noLogEnd)[0];
        Assert.Equal(4, row.CurrentOffset);
        Assert.Null(row.LogEndOffset);
        Assert.Null(row.Lag);
    }

    [Fact]
    public void Offsets_table_pads_like_kafka_consumer_groups_and_prints_dashes_for_missing_values()
    {
        var text = Write(o => GroupDescriptionText.WriteOffsets(GroupOffsetRows.Build(Billing), o));

        // Kafka's format: "%-15s %-15s %-10s %-15s %-15s %-15s %-{consumer}s %-15s %s", the consumer column widened to its
        // longest id, with LAG-SECONDS (15 wide) after LAG.
        static string Line(string g, string t, string p, string c, string e, string l, string s, string id, string h, string client) =>
            $"{g,-15} {t,-15} {p,-10} {c,-15} {e,-15} {l,-15} {s,-15} {id,-27} {h,-15} {client}";
        Assert.Equal(
            "\n" +
            Line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "LAG-SECONDS", "CONSUMER-ID", "HOST", "CLIENT-ID") + "\n" +
            Line("billing", "orders", "0", "4", "10", "6", "-", LongConsumerId, "/127.0.0.1", "app") + "\n" +
            Line("billing", "orders", "2", "-", "30", "-", "-", LongConsumerId, "/127.0.0.1", "app") + "\n" +
            Line("billing", "orders", "1", "7", "20", "13", "-", "-", "-", "-") + "\n",
            text);
    }

    [Fact]
    public void Long_group_and_topic_names_widen_their_columns_and_keep_rows_aligned()
    {
        var group = new ConsumerGroupInfo("a-rather-long-group-name", ConsumerGroupInfo.Empty, null, null, [],
            new Dictionary<GroupPartition, long> { [new("short", 0)] = 1, [new("a-much-longer-topic-name", 11)] = 123_456_789_012_345_678 },
            new Dictionary<GroupPartition, long>());

        var lines = Write(o => GroupDescriptionText.WriteOffsets(GroupOffsetRows.Build(group), o)).Split('\n');

        Assert.Equal("", lines[0]);
        // group and topic columns widen to 24, CURRENT-OFFSET to the 18-digit offset; the others keep Kafka's minimum
        Assert.Equal($"{"GROUP",-24} {"TOPIC",-24} {"PARTITION",-10} {"CURRENT-OFFSET",-18} {"LOG-END-OFFSET",-15} {"LAG",-15} {"LAG-SECONDS",-15} {"CONSUMER-ID",-15} {"HOST",-15} CLIENT-ID", lines[1]);
        Assert.Equal($"{"a-rather-long-group-name",-24} {"a-much-longer-topic-name",-24} {"11",-10} {"123456789012345678",-18} {"-",-15} {"-",-15} {"-",-15} {"-",-15} {"-",-15} -", lines[2]);
        Assert.Equal($"{"a-rather-long-group-name",-24} {"short",-24} {"0",-10} {"1",-18} {"-",-15} {"-",-15} {"-",-15} {"-",-15} {"-",-15} -", lines[3]);
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.False(l.EndsWith(' ')));
    }

    [Fact]
    public void Lag_seconds_is_the_age_of_the_oldest_unconsumed_record_zero_at_the_end_and_unknown_without_a_timestamp()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000_000);
        Assert.Equal(12.5, GroupOffsetRows.LagSeconds(3, 1_000_000_000 - 12_500, now));
        Assert.Equal(0, GroupOffsetRows.LagSeconds(0, null, now));
        // A producer's clock ahead of ours: not a negative age.
        Assert.Equal(0, GroupOffsetRows.LagSeconds(3, 1_000_000_000 + 5_000, now));
        Assert.Null(GroupOffsetRows.LagSeconds(3, null, now));
        Assert.Null(GroupOffsetRows.LagSeconds(null, 1, now));
        Assert.Null(GroupOffsetRows.LagSeconds(3, -1, now));
    }

    [Fact]
    public void The_offsets_view_shows_lag_seconds_to_the_millisecond_from_the_oldest_unconsumed_timestamps()
    {
        var observed = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var group = Billing with
        {
            ObservedAt = observed,
            OldestUnconsumedTimestamps = new Dictionary<GroupPartition, long> { [new("orders", 0)] = 1_700_000_000_000 - 3_600_017 },
        };

        var rows = GroupOffsetRows.Build(group);
        var text = Write(o => GroupDescriptionText.WriteOffsets(rows, o));

        Assert.Equal([3600.017, null, null], rows.Select(r => r.LagSeconds));
        Assert.Equal("3600.017", text.Split('\n')[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[6]);
        var json = JsonDocument.Parse(Write(o => GroupDescriptionJson.Write([group], o)));
        var offsets = json.RootElement.GetProperty("groups")[0].GetProperty("offsets");
        Assert.Equal(3600.017, offsets[0].GetProperty("lagSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, offsets[1].GetProperty("lagSeconds").ValueKind);
    }

    [Fact]
    public void No_rows_print_nothing()
    {
        Assert.Equal("", Write(o => GroupDescriptionText.WriteOffsets([], o)));
        Assert.Equal("", Write(o => GroupDescriptionText.WriteMembers(Billing with { Members = [] }, verbose: true, o)));
    }

    [Fact]
    public void Members_view_and_verbose_assignment()
    {
        var group = Billing with
        {
            Members =
            [
                new GroupMember(LongConsumerId, null, "/127.0.0.1", "app", [new("orders", 2), new("audit", 0), new("orders", 0)]),
                new GroupMember("c2", null, "/10.0.0.2", "app", []),
            ],
        };

        Assert.Equal(
            "\n" +
            $"{"GROUP",-15} {"CONSUMER-ID",-27} {"HOST",-15} {"CLIENT-ID",-15} #PARTITIONS\n" +
            $"{"billing",-15} {LongConsumerId,-27} {"/127.0.0.1",-15} {"app",-15} 3\n" +
            $"{"billing",-15} {"c2",-27} {"/10.0.0.2",-15} {"app",-15} 0\n",
            Write(o => GroupDescriptionText.WriteMembers(group, verbose: false, o)));

        Assert.Equal(
            "\n" +
            $"{"GROUP",-15} {"CONSUMER-ID",-27} {"HOST",-15} {"CLIENT-ID",-15} {"#PARTITIONS",-15} ASSIGNMENT\n" +
            $"{"billing",-15} {LongConsumerId,-27} {"/127.0.0.1",-15} {"app",-15} {"3",-15} audit(0), orders(0,2)\n" +
            $"{"billing",-15} {"c2",-27} {"/10.0.0.2",-15} {"app",-15} {"0",-15} -\n",
            Write(o => GroupDescriptionText.WriteMembers(group, verbose: true, o)));
    }

    [Fact]
    public void Members_view_adds_the_group_instance_id_column_only_when_a_member_has_one()
    {
        var group = Billing with
        {
            Members = [new GroupMember("c1", "static-1", "/h", "app", []), new GroupMember("c2", null, "/h", "app", [])],
        };

        var lines = Write(o => GroupDescriptionText.WriteMembers(group, verbose: false, o)).Split('\n');

        Assert.Equal($"{"GROUP",-15} {"CONSUMER-ID",-15} {"GROUP-INSTANCE-ID",-17} {"HOST",-15} {"CLIENT-ID",-15} #PARTITIONS", lines[1]);
        Assert.Equal($"{"billing",-15} {"c1",-15} {"static-1",-17} {"/h",-15} {"app",-15} 0", lines[2]);
        Assert.Equal($"{"billing",-15} {"c2",-15} {"-",-17} {"/h",-15} {"app",-15} 0", lines[3]);
    }

    [Fact]
    public void State_view_matches_kafka()
    {
        Assert.Equal(
            "\n" +
            // Kafka: "%-{max(25, coordinator)}s %-25s %-20s %-15s %s", the coordinator as "host:port  (id)"
            $"{"GROUP",-25} {"COORDINATOR (ID)",-25} {"ASSIGNMENT-STRATEGY",-20} {"STATE",-15} #MEMBERS\n" +
            $"{"billing",-25} {"127.0.0.1:9092  (1)",-25} {"range",-20} {"Stable",-15} 1\n",
            Write(o => GroupDescriptionText.WriteState(Billing, o)));

        var empty = Billing with { State = ConsumerGroupInfo.Empty, AssignmentStrategy = "", Coordinator = null, Members = [] };
        Assert.Equal(
            $"{"billing",-25} {"-",-25} {"-",-20} {"Empty",-15} 0",
            Write(o => GroupDescriptionText.WriteState(empty, o)).Split('\n')[2]);
    }

    [Fact]
    public void List_prints_ids_and_with_state_a_group_column_ten_wider_than_the_longest_id()
    {
        Assert.Equal("a\nb\n", Write(o => GroupDescriptionText.WriteList(["a", "b"], o)));

        Assert.Equal(
            $"{"GROUP",-25} STATE\n{"billing",-25} Empty\n{"live",-25} Stable\n",
            Write(o => GroupDescriptionText.WriteListWithState([("billing", "Empty"), ("live", "Stable")], o)));

        var longId = new string('g', 20);
        Assert.Equal($"{longId,-30} Stable", Write(o => GroupDescriptionText.WriteListWithState([(longId, "Stable")], o)).Split('\n')[1]);
    }

    [Fact]
    public void Reset_plan_uses_kafkas_30_30_10_15_columns()
    {
        var text = Write(o => GroupDescriptionText.WriteResetPlan([new("billing", "orders", 0, 0), new("billing", "orders", 1, 15)], o));

        Assert.Equal(
            "\n" +
            $"{"GROUP",-30} {"TOPIC",-30} {"PARTITION",-10} NEW-OFFSET\n" +
            $"{"billing",-30} {"orders",-30} {"0",-10} 0\n" +
            $"{"billing",-30} {"orders",-30} {"1",-10} 15\n",
            text);
    }

    [Theory]
    [InlineData("Empty", "Consumer group 'g' has no active members.")]
    [InlineData("Dead", "Consumer group 'g' does not exist.")]
    [InlineData("PreparingRebalance", "Warning: Consumer group 'g' is rebalancing.")]
    [InlineData("CompletingRebalance", "Warning: Consumer group 'g' is rebalancing.")]
    [InlineData("Stable", null)]
    public void Notices_are_kafkas(string state, string? expected)
    {
        var group = new ConsumerGroupInfo("g", state, null, null, [], new Dictionary<GroupPartition, long>(), new Dictionary<GroupPartition, long>());

        Assert.Equal(expected, GroupDescriptionText.Notice(group));
    }

    [Fact]
    public void Json_has_every_group_with_members_and_offset_rows()
    {
        var json = JsonDocument.Parse(Write(o => GroupDescriptionJson.Write([Billing], o))).RootElement;

        var group = Assert.Single(json.GetProperty("groups").EnumerateArray());
        Assert.Equal("billing", group.GetProperty("group").GetString());
        Assert.Equal("Stable", group.GetProperty("state").GetString());
        Assert.Equal(9092, group.GetProperty("coordinator").GetProperty("port").GetInt32());
        Assert.Equal("range", group.GetProperty("assignmentStrategy").GetString());
        var member = Assert.Single(group.GetProperty("members").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, member.GetProperty("groupInstanceId").ValueKind);
        Assert.Equal([0, 2], member.GetProperty("assignment").EnumerateArray().Select(p => p.GetProperty("partition").GetInt32()));
        var offsets = group.GetProperty("offsets").EnumerateArray().ToList();
        Assert.Equal(3, offsets.Count);
        Assert.Equal(6, offsets[0].GetProperty("lag").GetInt64());
        Assert.Equal(JsonValueKind.Null, offsets[1].GetProperty("currentOffset").ValueKind);
        Assert.Equal(JsonValueKind.Null, offsets[1].GetProperty("lag").ValueKind);
        Assert.Equal(30, offsets[1].GetProperty("logEndOffset").GetInt64());
        Assert.Equal(JsonValueKind.Null, offsets[2].GetProperty("consumerId").ValueKind);
        Assert.Equal(13, offsets[2].GetProperty("lag").GetInt64());
    }
}
