using System.Text.Json;
using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>The client verbs against a real Eddy broker, run in-process as `eddy ...` would run.</summary>
[Trait("Category", "Compat")]
public class EndToEndTests
{
    [Fact]
    public async Task Topics_create_describe_alter_list_delete_speak_kafka_topics_sh()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;

        var created = await CliHarness.RunAsync(["topics", "create", "orders", "--partitions", "3", "--config", "retention.ms=3600000", "-b", b]);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal("Created topic orders.\n", created.Out);

        var again = await CliHarness.RunAsync(["topics", "create", "orders", "-b", b]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("TOPIC_ALREADY_EXISTS", again.Error, StringComparison.Ordinal);

        var describe = await CliHarness.RunAsync(["topics", "describe", "orders", "-b", b]);
        Assert.Equal(0, describe.ExitCode);
        var lines = describe.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=3600000$", lines[0]);
        Assert.Equal("\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A", lines[3]);

        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "alter", "orders", "--partitions", "5", "--config", "cleanup.policy=compact", "-b", b])).ExitCode);
        var json = await CliHarness.RunAsync(["topics", "describe", "orders", "--output", "json", "-b", b]);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("compact", json.Out, StringComparison.Ordinal);
        Assert.Equal(5, broker.Broker.Topics.Find("orders")!.Partitions.Count);

        // As kafka-topics.sh --list: the internal topics too, unless --exclude-internal.
        var list = await CliHarness.RunAsync(["topics", "list", "-b", b]);
        Assert.Equal("__consumer_offsets\n__transaction_state\norders\n", list.Out);
        var userTopics = await CliHarness.RunAsync(["topics", "list", "--exclude-internal", "-b", b]);
        Assert.Equal("orders\n", userTopics.Out);

        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "delete", "orders", "-b", b])).ExitCode);
        Assert.Null(broker.Broker.Topics.Find("orders"));
    }

    [Fact]
    public async Task Produce_lines_with_keys_and_headers_then_consume_them_back()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        var input = string.Join('\n', Enumerable.Range(1, 500).Select(i => $"k{i}:value {i}")) + "\n";
        var produced = await CliHarness.RunAsync(["produce", "lines", "-b", b, "--key-separator", ":", "--header", "source=test", "--partition", "0"], input);
        Assert.Equal(0, produced.ExitCode);
        Assert.Contains("Produced 500 records to lines", produced.Error, StringComparison.Ordinal);

        var consumed = await CliHarness.RunAsync(["consume", "lines", "-b", b, "--from-beginning", "--exit-at-end", "--format", "%o %k=%s %h\\n"]);
        Assert.Equal(0, consumed.ExitCode);
        var lines = consumed.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(500, lines.Length);
        Assert.Equal("0 k1=value 1 source=test", lines[0]);
        Assert.Equal("499 k500=value 500 source=test", lines[499]);
        Assert.Contains("Processed a total of 500 messages", consumed.Error, StringComparison.Ordinal);

        var tail = await CliHarness.RunAsync(["consume", "lines", "-b", b, "--offset", "495", "--partition", "0", "--exit-at-end", "--output", "json"]);
        var records = tail.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, records.Count);
        Assert.Equal(495, records[0].GetProperty("offset").GetInt64());
        Assert.Equal("k496", records[0].GetProperty("key").GetString());
        Assert.Equal("value 496", records[0].GetProperty("payload").GetString());
    }

    [Fact]
    public async Task Consuming_a_missing_topic_or_an_unreachable_cluster_fails_with_one_error_line()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var missing = await CliHarness.RunAsync(["consume", "nope", "-b", broker.BootstrapServers, "--exit-at-end"]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.StartsWith("error: ", missing.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.Error, StringComparison.Ordinal);

        var unreachable = await CliHarness.RunAsync(["topics", "list", "-b", "127.0.0.1:1"]);
        Assert.NotEqual(0, unreachable.ExitCode);
        Assert.StartsWith("error: ", unreachable.Error, StringComparison.Ordinal);
    }
}
