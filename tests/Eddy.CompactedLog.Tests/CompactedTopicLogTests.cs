using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;
using Microsoft.Extensions.Logging;

namespace Eddy.CompactedLog.Tests;

/// <summary>
/// The compacted single-partition log the registry, the SQL catalog and the job control topic share: it creates its
/// topic, reads it to the end before opening returns, follows what other instances write, reads its own writes back,
/// and hands a bad record to its owner without stopping.
/// </summary>
public class CompactedTopicLogTests(SharedBroker broker) : IClassFixture<SharedBroker>
{
    private CompactedTopicLogOptions Options(string topic) => new()
    {
        KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers },
        Topic = topic,
        Role = "test topic",
        InitTimeout = TimeSpan.FromSeconds(30),
        StoreTimeout = TimeSpan.FromSeconds(15),
    };

    private static string NewTopic() => $"log-{Guid.NewGuid():N}";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>What an owner of the log keeps: each key's latest value, applied on the reader thread.</summary>
    private sealed class KeyValueState
    {
        private readonly Dictionary<string, string> _values = [];

        public List<long> Offsets { get; } = [];

        public string? Apply(CompactedTopicRecord record)
        {
            lock (_values)
            {
                Offsets.Add(record.Offset);
                var key = Encoding.UTF8.GetString(record.Key ?? []);
                if (key.StartsWith("bad", StringComparison.Ordinal))
                    return $"key {key} is not one of ours";
                if (key.StartsWith("throw", StringComparison.Ordinal))
                    throw new FormatException($"cannot parse {key}");
                if (record.IsTombstone)
                    _values.Remove(key);
                else
                    _values[key] = Encoding.UTF8.GetString(record.Value!);
                return null;
            }
        }

        public string? Get(string key)
        {
            lock (_values)
                return _values.GetValueOrDefault(key);
        }

        public Dictionary<string, string> Snapshot()
        {
            lock (_values)
                return new Dictionary<string, string>(_values);
        }
    }

    private async Task<(CompactedTopicLog Log, KeyValueState State)> OpenAsync(string topic, ILogger? logger = null, CompactedTopicLogOptions? options = null)
    {
        var state = new KeyValueState();
        var log = await CompactedTopicLog.OpenAsync(options ?? Options(topic), state.Apply, logger);
        return (log, state);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 15 s");
            await Task.Delay(20);
        }
    }

    private async Task ProduceAsync(string topic, params (string Key, string? Value)[] records)
    {
        using var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        foreach (var (key, value) in records)
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[], byte[]?> { Key = Bytes(key), Value = value is null ? null : Bytes(value) });
    }

    [Fact]
    public async Task Opening_a_missing_topic_creates_it_compacted_with_one_partition_and_starts_empty()
    {
        var topic = NewTopic();
        var (log, state) = await OpenAsync(topic);
        await using (log)
        {
            Assert.Equal(0, log.Position);
            Assert.Empty(state.Snapshot());
            Assert.Equal(topic, log.Topic);
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.Single(Assert.Single(admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics).Partitions);
        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
    }

    [Fact]
    public async Task A_write_is_applied_before_AppendAsync_returns_and_a_tombstone_removes_the_key()
    {
        var (log, state) = await OpenAsync(NewTopic());
        await using var _ = log;

        var first = await log.AppendAsync(Bytes("a"), Bytes("1"), CancellationToken.None);
        Assert.Equal("1", state.Get("a"));
        Assert.Equal(first + 1, log.Position);

        await log.AppendAsync(Bytes("a"), Bytes("2"), CancellationToken.None);
        Assert.Equal("2", state.Get("a"));

        var tombstone = await log.AppendAsync(Bytes("a"), null, CancellationToken.None);
        Assert.Null(state.Get("a"));
        Assert.Equal(first + 2, tombstone);
    }

    [Fact]
    public async Task A_reopened_log_reads_back_every_keys_latest_value_before_opening_returns()
    {
        var topic = NewTopic();
        var (writer, _) = await OpenAsync(topic);
        await using (writer)
        {
            await writer.AppendAsync(Bytes("orders"), Bytes("v1"), CancellationToken.None);
            await writer.AppendAsync(Bytes("orders"), Bytes("v2"), CancellationToken.None);
            await writer.AppendAsync(Bytes("gone"), Bytes("x"), CancellationToken.None);
            await writer.AppendAsync(Bytes("gone"), null, CancellationToken.None);
            await writer.AppendAsync(Bytes("users"), Bytes("u"), CancellationToken.None);
        }

        var (reopened, state) = await OpenAsync(topic);
        await using var _ = reopened;
        Assert.Equal(new Dictionary<string, string> { ["orders"] = "v2", ["users"] = "u" }, state.Snapshot());
        Assert.Equal(5, reopened.Position);
        Assert.Equal([0L, 1, 2, 3, 4], state.Offsets);
    }

    [Fact]
    public async Task Another_instances_writes_are_followed_without_a_call_and_CatchUpAsync_waits_for_them()
    {
        var topic = NewTopic();
        var (first, firstState) = await OpenAsync(topic);
        var (second, secondState) = await OpenAsync(topic);
        await using var f = first;
        await using var s = second;

        await first.AppendAsync(Bytes("k"), Bytes("from first"), CancellationToken.None);
        await Eventually(() => secondState.Get("k") == "from first");

        await second.AppendAsync(Bytes("k"), null, CancellationToken.None);
        await second.AppendAsync(Bytes("j"), Bytes("from second"), CancellationToken.None);
        await first.CatchUpAsync(CancellationToken.None);
        Assert.Null(firstState.Get("k"));
        Assert.Equal("from second", firstState.Get("j"));
        Assert.Equal(second.Position, first.Position);
    }

    [Fact]
    public async Task ProduceAsync_returns_the_acknowledged_offset_and_the_reader_applies_it_later()
    {
        var (log, state) = await OpenAsync(NewTopic());
        await using var _ = log;
        await log.AppendAsync(Bytes("a"), Bytes("1"), CancellationToken.None);

        var offset = await log.ProduceAsync(Bytes("b"), Bytes("2"), CancellationToken.None);

        Assert.Equal(1, offset);
        await log.CatchUpAsync(CancellationToken.None);
        Assert.Equal("2", state.Get("b"));
    }

    [Fact]
    public async Task A_record_its_owner_skips_or_throws_on_is_logged_with_its_offset_and_the_records_after_it_are_applied()
    {
        var topic = NewTopic();
        await (await OpenAsync(topic)).Log.DisposeAsync();
        await ProduceAsync(topic, ("a", "1"), ("bad-1", "?"), ("throw-1", "?"), ("b", "2"));

        var logger = new CollectingLogger();
        var (log, state) = await OpenAsync(topic, logger);
        await using var _ = log;

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, state.Snapshot());
        Assert.Equal(4, log.Position);
        Assert.Equal(
            [
                $"Skipped the record at offset 1 of the test topic {topic}: key bad-1 is not one of ours",
                $"Skipped the record at offset 2 of the test topic {topic}: cannot parse throw-1",
            ],
            logger.Warnings.Where(w => w.StartsWith("Skipped", StringComparison.Ordinal)));

        // The reader is still alive: a write after the bad records is read back.
        await log.AppendAsync(Bytes("c"), Bytes("3"), CancellationToken.None);
        Assert.Equal("3", state.Get("c"));
    }

    [Fact]
    public async Task A_topic_that_is_not_compacted_or_has_several_partitions_is_refused_unless_verification_is_off()
    {
        var deleting = NewTopic();
        var wide = NewTopic();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = deleting, NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "delete" } },
                new TopicSpecification { Name = wide, NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "compact" } },
            ]);
        }

        var notCompacted = await Assert.ThrowsAsync<CompactedTopicLogException>(() => OpenAsync(deleting));
        Assert.Equal(CompactedTopicLogFailure.NotCompacted, notCompacted.Failure);
        Assert.Equal("delete", notCompacted.CleanupPolicy);
        Assert.Equal($"The retention policy of the test topic {deleting} is incorrect. Expected cleanup.policy to be 'compact' but it is delete.", notCompacted.Message);

        var tooWide = await Assert.ThrowsAsync<CompactedTopicLogException>(() => OpenAsync(wide));
        Assert.Equal(CompactedTopicLogFailure.TooManyPartitions, tooWide.Failure);
        Assert.Equal(2, tooWide.Partitions);

        await ProduceAsync(wide, ("k", "v"));
        var (lenient, state) = await OpenAsync(wide, options: new CompactedTopicLogOptions
        {
            KafkaConfig = Options(wide).KafkaConfig,
            Topic = wide,
            VerifyTopic = false,
        });
        await using var _ = lenient;
        Assert.Equal("v", state.Get("k"));
    }

    [Fact]
    public async Task A_missing_topic_is_not_created_when_creation_is_off()
    {
        var topic = NewTopic();
        var error = await Assert.ThrowsAsync<CompactedTopicLogException>(() => OpenAsync(topic, options: new CompactedTopicLogOptions
        {
            KafkaConfig = Options(topic).KafkaConfig,
            Topic = topic,
            CreateIfMissing = false,
        }));

        Assert.Equal(CompactedTopicLogFailure.TopicMissing, error.Failure);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == topic);
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_opening_with_its_reason()
    {
        var options = new CompactedTopicLogOptions
        {
            KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "127.0.0.1:1" },
            Topic = NewTopic(),
            InitTimeout = TimeSpan.FromSeconds(2),
        };

        var error = await Assert.ThrowsAsync<CompactedTopicLogException>(() => CompactedTopicLog.OpenAsync(options, _ => null));

        Assert.Equal(CompactedTopicLogFailure.Unreachable, error.Failure);
        Assert.NotEmpty(error.Detail);
    }

    [Fact]
    public async Task After_disposal_writes_and_catch_ups_fail_as_closed()
    {
        var (log, _) = await OpenAsync(NewTopic());
        await log.DisposeAsync();
        await log.DisposeAsync();

        var append = await Assert.ThrowsAsync<CompactedTopicLogException>(() => log.AppendAsync(Bytes("k"), Bytes("v"), CancellationToken.None));
        Assert.Equal(CompactedTopicLogFailure.Closed, append.Failure);
        var catchUp = await Assert.ThrowsAsync<CompactedTopicLogException>(() => log.CatchUpAsync(CancellationToken.None));
        Assert.Equal(CompactedTopicLogFailure.Closed, catchUp.Failure);
    }
}
