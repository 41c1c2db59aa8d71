using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Registry.Storage;
using Eddy.Testing;
using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>The _schemas topic: how it is created and checked, what is written to it, and that it alone is the state.</summary>
public class StoreTests
{
    private static readonly string V1 = Record("Order", Field("id", "\"long\""));
    private static readonly string V2 = Record("Order", Field("id", "\"long\""), Field("note", "\"string\"", "\"\""));

    internal static async Task<List<(string Key, string? Value)>> ReadTopicAsync(BrokerFixture broker, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "store-test-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<(string, string?)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }
            if (result.IsPartitionEOF)
            {
                break;
            }
            records.Add((Encoding.UTF8.GetString(result.Message.Key), result.Message.Value is null ? null : Encoding.UTF8.GetString(result.Message.Value)));
        }
        await Task.CompletedTask;
        return records;
    }

    [Fact]
    public async Task A_json_schema_record_carries_its_type_after_the_id_as_confluents_does()
    {
        await using var r = await RegistryHost.StartAsync();
        const string Schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}";
        var registered = await r.PostAsync("/subjects/orders-json-value/versions", RegistryHost.SchemaBody(Schema, "JSON"));
        Assert.Equal(200, registered.Status);
        var records = await ReadTopicAsync(r.Broker, "_schemas");
        Assert.Equal(
            ("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-json-value\",\"version\":1,\"magic\":1}",
             $"{{\"subject\":\"orders-json-value\",\"version\":1,\"id\":{registered.Id},\"schemaType\":\"JSON\",\"schema\":{JsonString(Schema)},\"deleted\":false}}"),
            records.Single(rec => rec.Key.Contains("orders-json-value", StringComparison.Ordinal)));

        // Replayed by a new instance, the version keeps its type.
        await r.RestartRegistryAsync();
        Assert.Contains("\"schemaType\":\"JSON\"", (await r.GetAsync("/subjects/orders-json-value/versions/1")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_records_are_confluents_keys_and_values_byte_for_byte()
    {
        await using var r = await RegistryHost.StartAsync();
        var id1 = await r.RegisterOkAsync("orders-value", V1);
        var id2 = await r.RegisterOkAsync("orders-value", V2);
        await r.SetConfigAsync("orders-value", "FULL");
        await r.SetConfigAsync(null, "BACKWARD_TRANSITIVE");
        await r.PutAsync("/mode/orders-value", "{\"mode\":\"READWRITE\"}");
        Assert.Equal(200, (await r.DeleteAsync("/subjects/orders-value/versions/1")).Status);
        Assert.Equal(200, (await r.DeleteAsync("/subjects/orders-value/versions/1?permanent=true")).Status);
        Assert.Equal(200, (await r.DeleteAsync("/subjects/orders-value")).Status);

        var records = await ReadTopicAsync(r.Broker, "_schemas");
        string Schema(int version, int id, string schema, bool deleted) =>
            $"{{\"subject\":\"orders-value\",\"version\":{version},\"id\":{id},\"schema\":{JsonString(schema)},\"deleted\":{(deleted ? "true" : "false")}}}";
        List<(string Key, string? Value)> expected =
            [
                ("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}", Schema(1, id1, V1, false)),
                ("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":2,\"magic\":1}", Schema(2, id2, V2, false)),
                ("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}", "{\"compatibilityLevel\":\"FULL\"}"),
                ("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", "{\"compatibilityLevel\":\"BACKWARD_TRANSITIVE\"}"),
                ("{\"keytype\":\"MODE\",\"subject\":\"orders-value\",\"magic\":0}", "{\"mode\":\"READWRITE\"}"),
                ("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}", Schema(1, id1, V1, true)),
                ("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}", null),
                ("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"orders-value\",\"magic\":0}", "{\"subject\":\"orders-value\",\"version\":2}"),
                ("{\"keytype\":\"MODE\",\"subject\":\"orders-value\",\"magic\":0}", null),
                ("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}", null),
            ];
        static string Lines(IEnumerable<(string Key, string? Value)> rs) => string.Join("\n", rs.Select(r => $"{r.Key} => {r.Value ?? "null"}"));
        Assert.Equal(Lines(expected), Lines(records));
    }

    [Fact]
    public async Task The_topic_is_created_with_one_partition_and_compaction()
    {
        await using var r = await RegistryHost.StartAsync(topic: "_schemas_created");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = r.Broker.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("_schemas_created", TimeSpan.FromSeconds(10));
        Assert.Single(metadata.Topics[0].Partitions);
        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "_schemas_created" }]);
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
    }

    [Fact]
    public async Task A_topic_without_compaction_or_with_several_partitions_is_refused()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = "deleting", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "delete" } },
                new TopicSpecification { Name = "wide", NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "compact" } },
            ]);
        }
        var deleting = await Assert.ThrowsAsync<RegistryStartupException>(() => RegistryHost.StartServerAsync(broker, "deleting"));
        Assert.Equal("The retention policy of the schema topic deleting is incorrect. Expected cleanup.policy to be 'compact' but it is delete", deleting.Message);
        var wide = await Assert.ThrowsAsync<RegistryStartupException>(() => RegistryHost.StartServerAsync(broker, "wide"));
        Assert.Equal("The schema topic wide should have only 1 partition but has 2.", wide.Message);
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_start_up_with_a_message()
    {
        var options = new RegistryOptions
        {
            KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "127.0.0.1:1" },
            InitTimeout = TimeSpan.FromSeconds(3),
        };
        var e = await Assert.ThrowsAsync<RegistryStartupException>(() => RegistryService.StartAsync(options));
        Assert.StartsWith("cannot reach Kafka at 127.0.0.1:1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_registry_instance_replays_the_topic_and_serves_identical_state()
    {
        await using var r = await RegistryHost.StartAsync();
        var subjects = new[] { "a-value", "b-value", "c/with:odd.chars" };
        foreach (var subject in subjects)
        {
            await r.RegisterOkAsync(subject, V1);
            await r.RegisterOkAsync(subject, V2);
        }
        await r.RegisterOkAsync("d-value", Record("Other", Field("x", "\"int\"")));
        await r.DeleteAsync("/subjects/a-value/versions/1");
        await r.DeleteAsync("/subjects/b-value");
        await r.DeleteAsync("/subjects/b-value?permanent=true");
        await r.SetConfigAsync("c%2Fwith%3Aodd.chars", "FORWARD");
        await r.SetConfigAsync(null, "FULL");
        await r.PutAsync("/mode/d-value", "{\"mode\":\"READONLY\"}");

        var paths = new[]
        {
            "/subjects", "/subjects?deleted=true", "/config", "/config/c%2Fwith%3Aodd.chars", "/mode/d-value", "/mode",
            "/subjects/a-value/versions", "/subjects/a-value/versions?deleted=true", "/subjects/a-value/versions/1?deleted=true",
            "/subjects/a-value/versions/latest", "/subjects/b-value/versions?deleted=true", "/subjects/c%2Fwith%3Aodd.chars/versions/2",
            "/schemas/ids/1", "/schemas/ids/2", "/schemas/ids/3", "/schemas/ids/1/versions", "/schemas/ids/2/versions?deleted=true", "/schemas",
        };
        async Task<List<string>> SnapshotAsync() => [.. await Task.WhenAll(paths.Select(async p => $"{p} {await r.GetAsync(p)}"))];
        var before = await SnapshotAsync();

        await r.RestartRegistryAsync();
        Assert.Equal(before, await SnapshotAsync());

        // The next registration continues the ids and versions where the first instance left them.
        await r.DeleteAsync("/mode/d-value");
        var next = await r.RegisterAsync("d-value", Record("Other", Field("x", "\"int\""), Field("y", "\"int\"", "1")));
        Assert.Equal((4, 2), (next.Id, next.Version));
    }

    [Fact]
    public async Task State_replayed_from_a_compacted_topic_is_the_same()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.cleaner.backoff.ms"] = "200" });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "_schemas",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new()
                {
                    ["cleanup.policy"] = "compact",
                    ["segment.bytes"] = "1024",
                    ["min.cleanable.dirty.ratio"] = "0.01",
                    ["delete.retention.ms"] = "0",
                },
            }]);
        }
        await using var r = await RegistryHost.StartAsync(broker);
        var written = 0;
        for (var i = 0; i < 30; i++, written++)
        {
            await r.SetConfigAsync("kept", i % 2 == 0 ? "FULL" : "NONE");
        }
        var fields = new List<string> { Field("id", "\"long\"") };
        for (var v = 1; v <= 8; v++, written++)
        {
            fields.Add(Field($"f{v}", "\"int\"", "0"));
            await r.RegisterOkAsync("kept", Record("Order", [.. fields]));
        }
        foreach (var path in new[] { "/subjects/kept/versions/2", "/subjects/kept/versions/3", "/subjects/kept/versions/3?permanent=true", "/subjects/gone/versions/1" })
        {
            if (path.Contains("gone", StringComparison.Ordinal))
            {
                await r.RegisterOkAsync("gone", Record("Gone", Field("g", "\"string\"")));
                await r.DeleteAsync("/subjects/gone");
                await r.DeleteAsync("/subjects/gone?permanent=true");
                written += 3;
                continue;
            }
            Assert.Equal(200, (await r.DeleteAsync(path)).Status);
            written++;
        }

        var paths = new[]
        {
            "/subjects?deleted=true", "/config/kept", "/subjects/kept/versions?deleted=true", "/subjects/kept/versions/2?deleted=true",
            "/subjects/kept/versions/latest", "/subjects/gone/versions?deleted=true", "/schemas?deleted=true",
        };
        async Task<List<string>> SnapshotAsync() => [.. await Task.WhenAll(paths.Select(async p => $"{p} {await r.GetAsync(p)}"))];
        var before = await SnapshotAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<(string Key, string? Value)> records;
        do
        {
            await Task.Delay(300);
            records = await ReadTopicAsync(broker, "_schemas");
        }
        while (records.Count > written / 2 && DateTime.UtcNow < deadline);
        Assert.True(records.Count <= written / 2, $"{records.Count} of {written} records still in the topic");

        await r.RestartRegistryAsync();
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_registry_restarted_with_its_broker_serves_the_same_state()
    {
        await using var broker = await BrokerFixture.StartAsync();
        string before;
        await using (var r = await RegistryHost.StartAsync(broker))
        {
            await r.RegisterOkAsync("x-value", V1);
            await r.RegisterOkAsync("x-value", V2);
            await r.SetConfigAsync("x-value", "NONE");
            before = (await r.GetAsync("/subjects/x-value/versions/2")).Body + (await r.GetAsync("/config/x-value")).Body;
        }
        await broker.RestartAsync();
        await using (var r = await RegistryHost.StartAsync(broker))
        {
            Assert.Equal(before, (await r.GetAsync("/subjects/x-value/versions/2")).Body + (await r.GetAsync("/config/x-value")).Body);
        }
    }

    [Fact]
    public async Task Two_instances_on_one_topic_never_hand_out_the_same_id()
    {
        await using var a = await RegistryHost.StartAsync();
        await using var b = await RegistryHost.StartAsync(a.Broker);
        var fromA = await a.RegisterOkAsync("one", V1);
        var fromB = await b.RegisterOkAsync("two", Record("Two", Field("t", "\"int\"")));
        Assert.NotEqual(fromA, fromB);
        // B caught up with A's write before writing, so the same schema gets A's id there.
        Assert.Equal(fromA, await b.RegisterOkAsync("three", V1));
    }

    [Fact]
    public void The_state_applies_records_in_order_and_skips_what_it_cannot_read()
    {
        var state = new RegistryState();
        void Apply(RegistryKey key, byte[]? value) => state.Apply(key.ToBytes(), value, value is null);

        Apply(new SchemaKey("s", 1), new SchemaValue("s", 1, 7, "\"int\"", false).ToBytes());
        Apply(new SchemaKey("s", 2), new SchemaValue("s", 2, 9, "\"long\"", false).ToBytes());
        Apply(new SchemaKey("t", 1), new SchemaValue("t", 1, 7, "\"int\"", false).ToBytes());
        state.Apply("not json"u8, "{}"u8, false);
        state.Apply("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":3,\"magic\":1}"u8, "{\"subject\":\"other\"}"u8, false);
        state.Apply("{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".x\",\"magic\":0}"u8, "{}"u8, false);
        Assert.Equal(2, state.SkippedRecords);
        Assert.Equal(9, state.MaxId);
        Assert.Equal(7, state.IdOfSchema("\"int\""));
        Assert.Equal(["s", "t"], state.VersionsWithId(7).Select(v => v.Subject));

        Apply(new DeleteSubjectKey("s"), new DeleteSubjectValue("s", 1).ToBytes());
        Assert.True(state.Version("s", 1)!.Deleted);
        Assert.False(state.Version("s", 2)!.Deleted);

        Apply(new SchemaKey("s", 2), null);
        Assert.Null(state.Version("s", 2));
        Assert.Equal(9, state.MaxId);

        Apply(new ClearSubjectKey("s"), "{\"subject\":\"s\"}"u8.ToArray());
        Assert.False(state.HasSubject("s", includeDeleted: true));

        Apply(new ConfigKey(null), new ConfigValue("FULL").ToBytes());
        Apply(new ModeKey("t"), new ModeValue("READONLY").ToBytes());
        Assert.Equal("FULL", state.GlobalConfig!.CompatibilityLevel);
        Assert.Equal("READONLY", state.SubjectMode("t"));
        Apply(new ConfigKey(null), null);
        Apply(new ModeKey("t"), null);
        Assert.Null(state.GlobalConfig);
        Assert.Null(state.SubjectMode("t"));
    }

    [Fact]
    public void Keys_have_confluents_field_order_and_magic()
    {
        Assert.Equal("{\"keytype\":\"SCHEMA\",\"subject\":\"a\\\"b\",\"version\":12,\"magic\":1}", Encoding.UTF8.GetString(new SchemaKey("a\"b", 12).ToBytes()));
        Assert.Equal("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", Encoding.UTF8.GetString(new ConfigKey(null).ToBytes()));
        Assert.Equal("{\"keytype\":\"MODE\",\"subject\":\"ü<&>'\",\"magic\":0}", Encoding.UTF8.GetString(new ModeKey("ü<&>'").ToBytes()));
        Assert.Equal("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}", Encoding.UTF8.GetString(new DeleteSubjectKey("s").ToBytes()));
        Assert.Equal("{\"keytype\":\"NOOP\",\"magic\":0}", Encoding.UTF8.GetString(new NoopKey().ToBytes()));
        Assert.Equal(new SchemaKey("x", 3), RegistryRecords.ReadKey(new SchemaKey("x", 3).ToBytes()));
        Assert.Equal(new ConfigKey(null), RegistryRecords.ReadKey(new ConfigKey(null).ToBytes()));
    }
}
