using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>`eddy groups ...` against a real Eddy broker with a real Confluent.Kafka consumer group.</summary>
[Trait("Category", "Compat")]
public class GroupsEndToEndTests
{
    private static readonly Dictionary<string, string> FastGroups = new() { ["group.initial.rebalance.delay.ms"] = "0" };

    // Records per partition of 'orders': 10, 20 and 30.
    private static readonly int[] RecordsPerPartition = [10, 20, 30];

    private static async Task CreateOrdersAsync(string bootstrap)
    {
        var created = await CliHarness.RunAsync(["topics", "create", "orders", "--partitions", "3", "-b", bootstrap]);
        Assert.Equal(0, created.ExitCode);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        for (var partition = 0; partition < RecordsPerPartition.Length; partition++)
        {
            for (var i = 0; i < RecordsPerPartition[partition]; i++)
            {
                await producer.ProduceAsync(new TopicPartition("orders", partition), new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }
        }
    }

    // A group member that owns all three partitions once this returns; offsets are committed only explicitly.
    private static IConsumer<string, string> JoinGroup(string bootstrap, string group, string clientId)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            ClientId = clientId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("orders");
        var deadline = Stopwatch.StartNew();
        while (consumer.Assignment.Count < 3)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the consumer was not assigned the partitions in time");
            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }
        return consumer;
    }

    /// <summary>
    /// A table's rows split into columns. An offsets view's LAG-SECONDS column (the age of records produced just now,
    /// so not a fixed value) is checked against its LAG and left out: 0 at the log end, '-' when the lag is unknown,
    /// a non-negative number of seconds otherwise.
    /// </summary>
    private static List<string[]> Rows(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var seconds = Array.IndexOf(lines[0], "LAG-SECONDS");
        if (seconds < 0)
        {
            return lines.Skip(1).ToList();
        }
        foreach (var row in lines.Skip(1))
        {
            var lag = row[seconds - 1];
            if (lag is "0" or "-")
            {
                Assert.Equal(lag, row[seconds]);
            }
            else
            {
                Assert.True(double.TryParse(row[seconds], System.Globalization.CultureInfo.InvariantCulture, out var age) && age >= 0, $"LAG-SECONDS '{row[seconds]}'");
            }
        }
        return lines.Skip(1).Select(row => row.Where((_, i) => i != seconds).ToArray()).ToList();
    }

    [Fact]
    public async Task List_describe_reset_and_delete_an_inactive_group()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        var b = broker.BootstrapServers;
        await CreateOrdersAsync(b);
        using (var consumer = JoinGroup(b, "billing", "billing-app"))
        {
            consumer.Commit([new TopicPartitionOffset("orders", 0, 4), new TopicPartitionOffset("orders", 1, 20)]);
            consumer.Close();
        }

        var list = await CliHarness.RunAsync(["groups", "list", "-b", b]);
        Assert.Equal((0, "billing\n", ""), list);
        var listWithState = await CliHarness.RunAsync(["groups", "list", "--state", "-b", b]);
        Assert.Equal($"{"GROUP",-25} STATE\n{"billing",-25} Empty\n", listWithState.Out);
        Assert.Equal("", (await CliHarness.RunAsync(["groups", "list", "--state", "Stable", "-b", b])).Out.Split('\n', 2)[1]);

        var describe = await CliHarness.RunAsync(["groups", "describe", "billing", "-b", b]);
        Assert.Equal(0, describe.ExitCode);
        Assert.Equal("Consumer group 'billing' has no active members.\n", describe.Error);
        Assert.StartsWith("\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             LAG-SECONDS     CONSUMER-ID     HOST            CLIENT-ID\n", describe.Out);
        // Only the committed partitions: nobody owns them, so no consumer, host or client.
        Assert.Equal(
            [
                ["billing", "orders", "0", "4", "10", "6", "-", "-", "-"],
                ["billing", "orders", "1", "20", "20", "0", "-", "-", "-"],
            ],
            Rows(describe.Out));

        var json = await CliHarness.RunAsync(["groups", "describe", "billing", "--output", "json", "-b", b]);
        Assert.Equal(0, json.ExitCode);
        var group = Assert.Single(JsonDocument.Parse(json.Out).RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal("Empty", group.GetProperty("state").GetString());
        Assert.Equal([6L, 0L], group.GetProperty("offsets").EnumerateArray().Select(o => o.GetProperty("lag").GetInt64()));

        var reset = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest", "--execute", "-b", b]);
        Assert.Equal((0, ""), (reset.ExitCode, reset.Error));
        Assert.Equal($"\n{"GROUP",-30} {"TOPIC",-30} {"PARTITION",-10} NEW-OFFSET\n", reset.Out[..(reset.Out.IndexOf("NEW-OFFSET\n", StringComparison.Ordinal) + 11)]);
        Assert.Equal([["billing", "orders", "0", "0"], ["billing", "orders", "1", "0"], ["billing", "orders", "2", "0"]], Rows(reset.Out));

        var afterReset = await CliHarness.RunAsync(["groups", "describe", "billing", "-b", b]);
        Assert.Equal(
            [
                ["billing", "orders", "0", "0", "10", "10", "-", "-", "-"],
                ["billing", "orders", "1", "0", "20", "20", "-", "-", "-"],
                ["billing", "orders", "2", "0", "30", "30", "-", "-", "-"],
            ],
            Rows(afterReset.Out));

        // --shift-by over every committed partition, clamped to the log end of partition 0.
        var shift = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "billing", "--all-topics", "--shift-by", "15", "--execute", "-b", b]);
        Assert.Equal(0, shift.ExitCode);
        Assert.Equal("WARN: New offset (15) is higher than latest offset for topic partition orders-0. Value will be set to 10\n", shift.Error);
        Assert.Equal([["billing", "orders", "0", "10"], ["billing", "orders", "1", "15"], ["billing", "orders", "2", "15"]], Rows(shift.Out));

        // Without --execute nothing changes; a time after every record falls back to the log end.
        var dry = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "billing", "--topic", "orders:2", "--to-datetime", "2999-01-01T00:00:00Z", "-b", b]);
        Assert.Equal(0, dry.ExitCode);
        Assert.StartsWith("WARN: No action will be performed as the --execute option is missing.", dry.Error);
        Assert.Contains("WARN: Partition 2 from topic orders is empty. Falling back to latest known offset.\n", dry.Error);
        Assert.Equal([["billing", "orders", "2", "30"]], Rows(dry.Out));
        var epoch = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "billing", "--topic", "orders:1", "--to-datetime", "1970-01-01T00:00:00Z", "--dry-run", "-b", b]);
        Assert.Equal((0, ""), (epoch.ExitCode, epoch.Error));
        Assert.Equal([["billing", "orders", "1", "0"]], Rows(epoch.Out));
        Assert.Equal(
            [["billing", "orders", "0", "10", "10", "0", "-", "-", "-"], ["billing", "orders", "1", "15", "20", "5", "-", "-", "-"], ["billing", "orders", "2", "15", "30", "15", "-", "-", "-"]],
            Rows((await CliHarness.RunAsync(["groups", "describe", "billing", "-b", b])).Out));

        var delete = await CliHarness.RunAsync(["groups", "delete", "--group", "billing", "-b", b]);
        Assert.Equal((0, "Deletion of requested consumer groups ('billing') was successful.\n", ""), delete);
        Assert.Equal((0, "", ""), await CliHarness.RunAsync(["groups", "list", "-b", b]));

        var gone = await CliHarness.RunAsync(["groups", "describe", "billing", "-b", b]);
        Assert.Equal((ExitCodes.Failure, "", "error: Consumer group 'billing' does not exist.\n"), gone);
        var deleteAgain = await CliHarness.RunAsync(["groups", "delete", "--group", "billing", "-b", b]);
        Assert.Equal(ExitCodes.Failure, deleteAgain.ExitCode);
        Assert.StartsWith("error: Group 'billing' could not be deleted due to: GROUP_ID_NOT_FOUND: ", deleteAgain.Error);
    }

    [Fact]
    public async Task An_active_group_shows_its_owners_and_refuses_reset_and_delete()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        var b = broker.BootstrapServers;
        await CreateOrdersAsync(b);
        using var consumer = JoinGroup(b, "live", "live-app");
        consumer.Commit([new TopicPartitionOffset("orders", 0, 3)]);
        var memberId = consumer.MemberId;

        var describe = await CliHarness.RunAsync(["groups", "describe", "live", "-b", b]);
        Assert.Equal((0, ""), (describe.ExitCode, describe.Error));
        // Owned partitions without a commit show '-' for CURRENT-OFFSET and LAG.
        Assert.Equal(
            [
                ["live", "orders", "0", "3", "10", "7", memberId, "/127.0.0.1", "live-app"],
                ["live", "orders", "1", "-", "20", "-", memberId, "/127.0.0.1", "live-app"],
                ["live", "orders", "2", "-", "30", "-", memberId, "/127.0.0.1", "live-app"],
            ],
            Rows(describe.Out));

        var members = await CliHarness.RunAsync(["groups", "describe", "live", "--members", "--verbose", "-b", b]);
        Assert.Equal(0, members.ExitCode);
        Assert.Equal([["live", memberId, "/127.0.0.1", "live-app", "3", "orders(0,1,2)"]], Rows(members.Out));

        var state = await CliHarness.RunAsync(["groups", "describe", "live", "--state", "-b", b]);
        Assert.Equal(0, state.ExitCode);
        var stateRow = Assert.Single(Rows(state.Out));
        Assert.Equal("live", stateRow[0]);
        Assert.Equal(["range", "Stable", "1"], stateRow[^3..]);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", stateRow[1]);
        Assert.Equal("(1)", stateRow[2]);

        var reset = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "live", "--topic", "orders", "--to-earliest", "--execute", "-b", b]);
        Assert.Equal(
            (ExitCodes.Failure, "", "error: Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.\n"),
            reset);

        var delete = await CliHarness.RunAsync(["groups", "delete", "--group", "live", "-b", b]);
        Assert.Equal(ExitCodes.Failure, delete.ExitCode);
        Assert.Equal("", delete.Out);
        Assert.StartsWith("error: Group 'live' could not be deleted due to: NON_EMPTY_GROUP: ", delete.Error);

        // Nothing was reset: the commit is still there.
        Assert.Equal("3", Rows((await CliHarness.RunAsync(["groups", "describe", "live", "-b", b])).Out)[0][3]);
        consumer.Close();
    }

    [Fact]
    public async Task Lag_seconds_is_the_age_of_the_record_at_the_committed_offset()
    {
        await using var broker = await BrokerFixture.StartAsync(FastGroups);
        var b = broker.BootstrapServers;
        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "create", "events", "--partitions", "3", "-b", b])).ExitCode);
        // Partition 0: records an hour, half an hour and a minute old; partition 1: two hours old; partition 2: one record.
        var now = DateTimeOffset.UtcNow;
        var ages = new[] { new[] { 3600.0, 1800.0, 60.0 }, new[] { 7200.0 }, new[] { 10.0 } };
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = b }).Build())
        {
            for (var partition = 0; partition < ages.Length; partition++)
            {
                foreach (var age in ages[partition])
                {
                    await producer.ProduceAsync(new TopicPartition("events", partition),
                        new Message<string, string> { Key = "k", Value = "v", Timestamp = new Timestamp(now.AddSeconds(-age)) });
                }
            }
        }
        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = b, GroupId = "aging" }).Build())
        {
            // Partition 0 consumed up to the half-hour-old record, partition 1 not at all, partition 2 to its end.
            consumer.Commit([new TopicPartitionOffset("events", 0, 1), new TopicPartitionOffset("events", 1, 0), new TopicPartitionOffset("events", 2, 1)]);
        }

        var describe = await CliHarness.RunAsync(["groups", "describe", "aging", "-b", b]);

        Assert.Equal(0, describe.ExitCode);
        var elapsed = (DateTimeOffset.UtcNow - now).TotalSeconds;
        var rows = describe.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["0", "1", "2"], rows.Select(r => r[2]));
        Assert.Equal(["2", "1", "0"], rows.Select(r => r[5]));
        var seconds = rows.Select(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(seconds[0], 1800, 1800 + elapsed + 1);
        Assert.InRange(seconds[1], 7200, 7200 + elapsed + 1);
        Assert.Equal(0, seconds[2]);

        var json = await CliHarness.RunAsync(["groups", "describe", "aging", "--output", "json", "-b", b]);
        var offsets = JsonDocument.Parse(json.Out).RootElement.GetProperty("groups")[0].GetProperty("offsets").EnumerateArray().ToList();
        Assert.InRange(offsets[1].GetProperty("lagSeconds").GetDouble(), 7200, 7200 + elapsed + 30);
    }

    [Fact]
    public async Task Groups_verbs_against_an_unreachable_cluster_fail_with_one_error_line()
    {
        foreach (var verb in new[] { "list", "describe", "delete --group g", "reset-offsets --group g --all-topics --to-earliest --dry-run" })
        {
            var (exitCode, output, error) = await CliHarness.RunAsync(["groups", .. verb.Split(' '), "-b", "127.0.0.1:1"]);

            Assert.Equal(ExitCodes.Failure, exitCode);
            Assert.Equal("", output);
            Assert.StartsWith("error: _ALL_BROKERS_DOWN: ", error);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
        }
    }
}
