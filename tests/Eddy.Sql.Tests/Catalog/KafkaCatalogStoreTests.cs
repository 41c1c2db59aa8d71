using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Sql.Catalog;
using Eddy.Testing;
using Microsoft.Extensions.Logging;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>
/// The catalog on a compacted topic of a real (in-process) broker, through Confluent.Kafka: sessions share definitions,
/// a restart reads them back, a DROP is a tombstone, and unreadable records are skipped.
/// </summary>
[Trait("Category", "Compat")]
public class KafkaCatalogStoreTests(SharedBroker broker) : IClassFixture<SharedBroker>
{
    private const string Orders = "CREATE TABLE orders (id BIGINT, amount DECIMAL(10, 2)) WITH ('connector' = 'kafka', 'topic' = 'orders')";

    private KafkaCatalogStoreOptions Options(string topic) => new()
    {
        KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers },
        Topic = topic,
        InitTimeout = TimeSpan.FromSeconds(30),
        StoreTimeout = TimeSpan.FromSeconds(15),
    };

    private static string NewTopic() => $"_eddy_sql_catalog-{Guid.NewGuid():N}"[..36];

    private async Task<CatalogSession> Open(string topic, ILogger? logger = null) =>
        new(await SqlCatalog.OpenAsync(Options(topic), logger));

    // Another session's write reaches this one through the reader thread that follows the topic, without any call.
    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 15 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Two_sessions_on_one_topic_see_each_others_CREATE_and_DROP()
    {
        var topic = NewTopic();
        var first = await Open(topic);
        var second = await Open(topic);
        await using var c1 = first.Catalog;
        await using var c2 = second.Catalog;

        await first.Run(Orders);
        Assert.NotNull(first.Table("orders")); // a write returns once read back: the writer sees it at once
        await Eventually(() => second.Table("orders") is not null);
        Assert.Equal(Orders, second.Table("orders")!.Text);

        await second.Run("CREATE FUNCTION f AS 'Acme.F'");
        await second.Run("CREATE VIEW v AS SELECT id FROM orders");
        await first.Catalog.SyncAsync();
        Assert.NotNull(first.Function("F"));
        Assert.Equal(["orders", "v"], await first.Show("SHOW TABLES"));

        // A DDL catches up before it checks names, so the other session's table is taken even if not yet seen.
        Assert.Equal("Table (or view) default_database.orders already exists in Catalog default_catalog.", await second.Fails(Orders));

        await second.Run("DROP TABLE orders");
        await Eventually(() => first.Table("orders") is null);
        await first.Run("DROP VIEW v");
        await second.Catalog.SyncAsync();
        Assert.Empty(await second.Show("SHOW TABLES"));
    }

    [Fact]
    public async Task A_new_session_reads_back_every_definition_and_alteration_and_not_what_was_dropped()
    {
        var topic = NewTopic();
        await using (var writer = (await Open(topic)).Catalog)
        {
            var session = new CatalogSession(writer);
            await session.Run(Orders);
            await session.Run("ALTER TABLE orders SET ('topic' = 'orders-v2')");
            await session.Run("CREATE TABLE gone (a INT) WITH ('connector' = 'datagen')");
            await session.Run("DROP TABLE gone");
            await session.Run("CREATE FUNCTION f AS 'Acme.F'");
            await session.Run("CREATE TEMPORARY TABLE scratch (a INT) WITH ('connector' = 'datagen')");
        }

        var restarted = await Open(topic);
        await using var catalog = restarted.Catalog;
        Assert.Equal(["orders"], await restarted.Show("SHOW TABLES"));
        Assert.Contains("'topic' = 'orders-v2'", await restarted.ShowCreate("SHOW CREATE TABLE orders"), StringComparison.Ordinal);
        Assert.NotNull(restarted.Function("f"));
        Assert.Null(restarted.Table("gone"));
        Assert.Null(restarted.Table("scratch"));
    }

    [Fact]
    public async Task DROP_writes_a_tombstone_under_the_objects_key_after_its_JSON_definition()
    {
        var topic = NewTopic();
        var session = await Open(topic);
        await using (session.Catalog)
        {
            await session.Run(Orders);
            await session.Run("DROP TABLE orders");
        }

        var records = ReadAll(topic);
        Assert.Equal(2, records.Count);
        var key = """{"keytype":"TABLE_OR_VIEW","catalog":"default_catalog","database":"default_database","name":"orders"}""";
        Assert.All(records, r => Assert.Equal(key, Encoding.UTF8.GetString(r.Key)));
        using var value = JsonDocument.Parse(records[0].Value);
        Assert.Equal("TABLE", value.RootElement.GetProperty("kind").GetString());
        Assert.Equal(Orders, value.RootElement.GetProperty("ddl").GetString());
        Assert.False(value.RootElement.GetProperty("temporary").GetBoolean());
        Assert.Equal(1, value.RootElement.GetProperty("version").GetInt64());
        Assert.Null(records[1].Value);
    }

    [Fact]
    public async Task The_topic_is_created_compacted_with_one_partition()
    {
        var topic = NewTopic();
        await using (await SqlCatalog.OpenAsync(Options(topic)))
        {
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        Assert.Single(Assert.Single(metadata.Topics).Partitions);
        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
        Assert.Equal("_eddy_sql_catalog", KafkaCatalogStoreOptions.DefaultTopic);
    }

    [Fact]
    public async Task A_topic_that_is_not_compacted_is_refused()
    {
        var topic = NewTopic();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "delete" },
            }]);
        }
        var error = await Assert.ThrowsAsync<CatalogException>(() => SqlCatalog.OpenAsync(Options(topic)));
        Assert.Equal($"The retention policy of the catalog topic {topic} is incorrect. Expected cleanup.policy to be 'compact' but it is delete.", error.Message);
    }

    [Fact]
    public async Task Unreadable_records_are_skipped_with_a_warning_and_the_rest_is_read()
    {
        var topic = NewTopic();
        var session = await Open(topic);
        await using (session.Catalog)
            await session.Run(Orders);

        var ordersKey = """{"keytype":"TABLE_OR_VIEW","catalog":"default_catalog","database":"default_database","name":"orders"}""";
        using (var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(topic, new Message<byte[], byte[]?> { Key = Encoding.UTF8.GetBytes("not json"), Value = Encoding.UTF8.GetBytes("{}") });
            await producer.ProduceAsync(topic, new Message<byte[], byte[]?>
            {
                Key = Encoding.UTF8.GetBytes("""{"keytype":"MODEL","catalog":"c","database":"d","name":"m"}"""),
                Value = Encoding.UTF8.GetBytes("{}"),
            });
            // A broken newer definition of orders does not replace the readable one.
            await producer.ProduceAsync(topic, new Message<byte[], byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(ordersKey),
                Value = Encoding.UTF8.GetBytes("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"orders","ddl":"CREATE TABLE orders ("}"""),
            });
        }

        var logger = new CollectingLogger();
        var reopened = await Open(topic, logger);
        await using var catalog = reopened.Catalog;
        Assert.Equal(Orders, reopened.Table("orders")!.Text);
        Assert.Equal(3, logger.Warnings.Count(w => w.StartsWith("Skipped the record at offset", StringComparison.Ordinal)));
        Assert.Contains(logger.Warnings, w => w.Contains("unknown keytype 'MODEL'", StringComparison.Ordinal));
        Assert.Contains(logger.Warnings, w => w.Contains("its DDL does not parse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_catalog_opened_on_first_use_reaches_Kafka_only_when_a_statement_needs_its_definitions_and_retries_a_failed_opening()
    {
        var topic = NewTopic();
        var stored = await Open(topic);
        await using (stored.Catalog)
            await stored.Run(Orders);

        var asked = 0;
        var session = new CatalogSession(SqlCatalog.OpenOnFirstUse(_ =>
        {
            // The first opening fails as an unreachable cluster would; the next statement opens it again.
            return ++asked == 1
                ? Task.FromException<KafkaCatalogStoreOptions>(new CatalogException("cluster not started"))
                : Task.FromResult(Options(topic));
        }));
        await using var catalog = session.Catalog;

        await session.Run("SET 'pipeline.name' = 'p'");
        await session.Run("CREATE TEMPORARY TABLE scratch (a INT) WITH ('connector' = 'datagen')");
        Assert.Equal(0, asked);

        Assert.Equal("cluster not started", await session.Fails("SHOW TABLES"));
        Assert.Equal(["orders", "scratch"], await session.Show("SHOW TABLES"));
        await session.Run("CREATE TABLE more (a INT) WITH ('connector' = 'datagen')");
        Assert.Equal(2, asked);
        Assert.NotNull(session.Table("orders"));
    }

    private List<(byte[] Key, byte[]? Value)> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]?>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "catalog-tests",
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<(byte[], byte[]?)>();
        while (true)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("no end of partition within 10 s");
            if (result.IsPartitionEOF)
                return records;
            records.Add((result.Message.Key, result.Message.Value));
        }
    }
}
