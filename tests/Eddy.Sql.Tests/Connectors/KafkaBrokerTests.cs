using System.Collections.Immutable;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Kafka;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using Eddy.Testing;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// A translated SQL job on the real Kafka runtime against an in-process broker: records written by a Kafka producer
/// (string keys, JSON values) are read through the table's formats, and one that does not fit lands in the job's
/// dead-letter topic with the field that failed.
/// </summary>
/// <remarks>
/// Category Compat (a real Kafka client against a broker). The assembly is marked Unit, and xunit adds traits up, so
/// these tests carry both until the project's assembly trait is split per class.
/// </remarks>
[Trait("Category", "Compat")]
public class KafkaBrokerTests
{
    private static string Catalog(string name) => "default_catalog.default_database." + name;

    [Fact]
    public async Task A_sql_job_reads_json_with_string_keys_and_dead_letters_the_record_that_does_not_parse()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-sql-state");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 2, ReplicationFactor = 1 }]);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            foreach (var (key, value) in new[]
            {
                ("o-1", """{"customer":"ann","amount":30}"""),
                ("o-2", """{"customer":"bob","amount":"lots"}"""),
                ("o-3", """{"customer":"cy","amount":5}"""),
                ("o-4", """{"customer":"dee","amount":12}"""),
            })
                await producer.ProduceAsync("orders", new Message<string, string> { Key = key, Value = value });
        }

        // SELECT order_id, customer, amount * 2 AS doubled FROM orders WHERE amount > 10
        ImmutableArray<SqlField> orders = [new("order_id", SqlType.String), new("customer", SqlType.String), new("amount", SqlType.Int)];
        var source = new CatalogTable(Catalog("orders"), orders, new Dictionary<string, string>
        {
            ["connector"] = "kafka", ["topic"] = "orders", ["properties.bootstrap.servers"] = broker.BootstrapServers,
            ["scan.startup.mode"] = "earliest-offset", ["key.format"] = "raw", ["key.fields"] = "order_id", ["value.format"] = "json",
            ["value.fields-include"] = "EXCEPT_KEY",
        }.ToImmutableDictionary());
        var scan = new TableScanNode(source);
        var filter = new FilterNode(scan, Rex.Compare(SqlOperator.GreaterThan, Rex.Input(2, SqlType.Int), Rex.Int(10)));
        var project = new ProjectNode(filter,
            [Rex.Input(0, SqlType.String), Rex.Input(1, SqlType.String), Rex.Arithmetic(SqlOperator.Times, Rex.Input(2, SqlType.Int), Rex.Int(2))],
            ["order_id", "customer", "doubled"]);
        var sink = new CatalogTable(Catalog("big_orders"), project.Fields, new Dictionary<string, string>
        {
            ["connector"] = "kafka", ["topic"] = "big-orders", ["key.format"] = "raw", ["key.fields"] = "order_id", ["value.format"] = "json",
            ["value.fields-include"] = "EXCEPT_KEY",
        }.ToImmutableDictionary());
        var plan = JobTranslator.Translate("big-orders-job", new SinkNode(project, sink));

        using var worker = new JobWorker(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0" });
        await worker.StartAsync();
        var output = Read(broker.BootstrapServers, "big-orders", 2);
        Assert.Equal(
            [("o-1", """{"customer":"ann","doubled":60}"""), ("o-4", """{"customer":"dee","doubled":24}""")],
            output.Select(r => (Text(r.Message.Key), Text(r.Message.Value))).Order().ToArray());

        var dead = Assert.Single(Read(broker.BootstrapServers, "big-orders-job-dead-letters", 1));
        Assert.Equal(("o-2", """{"customer":"bob","amount":"lots"}"""), (Text(dead.Message.Key), Text(dead.Message.Value)));
        var headers = dead.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()), StringComparer.Ordinal);
        Assert.Equal("bad-input", headers["eddy.error.type"]);
        Assert.Contains("at field 'amount'", headers["eddy.error"], StringComparison.Ordinal);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    /// <summary>The committed records of a topic, once <paramref name="expected"/> have come (and a little longer, to catch extras).</summary>
    private static List<ConsumeResult<byte[]?, byte[]?>> Read(string bootstrap, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        DateTime? settle = null;
        while (DateTime.UtcNow < deadline && (settle is null || DateTime.UtcNow < settle))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
                records.Add(record);
            if (records.Count >= expected && settle is null)
                settle = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        }
        return records;
    }
}
