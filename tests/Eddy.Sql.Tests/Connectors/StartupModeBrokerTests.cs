using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Kafka;
using Eddy.Engine.Plan;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using Eddy.Testing;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// <c>scan.startup.mode</c> on the Kafka runtime against an in-process broker: a new job starts where its mode says,
/// and a restarted job resumes from its committed offsets, not from its start position again.
/// </summary>
[Trait("Category", "Compat")]
public class StartupModeBrokerTests
{
    private static readonly ImmutableArray<SqlField> Numbers = [new("n", SqlType.Int)];

    private const long Base = 1_700_000_000_000;

    /// <summary>Ten records, n = 0..9, record n on partition n % 2 with the timestamp Base + n seconds.</summary>
    private static async Task<string> SeedAsync(BrokerFixture broker)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "numbers", NumPartitions = 2, ReplicationFactor = 1 },
                new TopicSpecification { Name = "copied", NumPartitions = 1, ReplicationFactor = 1 }]);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        for (var n = 0; n < 10; n++)
            await producer.ProduceAsync(new TopicPartition("numbers", n % 2),
                new Message<Null, string> { Value = $$"""{"n":{{n}}}""", Timestamp = new Timestamp(Base + (n * 1000), TimestampType.CreateTime) });
        return broker.BootstrapServers;
    }

    private static JobPlan Plan(params (string Key, string Value)[] startup)
    {
        var options = new Dictionary<string, string> { ["connector"] = "kafka", ["topic"] = "numbers", ["format"] = "json" };
        foreach (var (key, value) in startup)
            options[key] = value;
        var source = new CatalogTable("default_catalog.default_database.numbers", Numbers, options.ToImmutableDictionary());
        var sink = new CatalogTable("default_catalog.default_database.copied", Numbers,
            new Dictionary<string, string> { ["connector"] = "kafka", ["topic"] = "copied", ["format"] = "json" }.ToImmutableDictionary());
        return JobTranslator.Translate("copy", new SinkNode(new TableScanNode(source), sink));
    }

    private static JobWorker Worker(BrokerFixture broker, JobPlan plan, TempDirectory state) =>
        new(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0" });

    [Theory]
    [InlineData("earliest-offset", null, null, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData("group-offsets", null, null, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData("timestamp", "scan.startup.timestamp-millis", "1700000006000", new[] { 6, 7, 8, 9 })]
    [InlineData("timestamp", "scan.startup.timestamp-millis", "1800000000000", new int[0])]
    [InlineData("specific-offsets", "scan.startup.specific-offsets", "partition:0,offset:2;partition:1,offset:4", new[] { 4, 6, 8, 9 })]
    public async Task A_new_job_starts_where_its_startup_mode_says(string mode, string? key, string? value, int[] expected)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-sql-startup");
        await SeedAsync(broker);
        var startup = key is null ? new[] { ("scan.startup.mode", mode) } : [("scan.startup.mode", mode), (key, value!)];
        await using var worker = Worker(broker, Plan(startup), state);
        await worker.StartAsync();
        // A record written after the start: every mode reads it, and it tells the job is done with what came before.
        await ProduceUntilCopiedAsync(broker, 100);

        var copied = Read(broker.BootstrapServers, "copied", expected.Length + 1);
        Assert.Equal([.. expected, 100], copied.Distinct().Order());
        // The markers may have been written more than once; the seeded records were copied once each.
        Assert.Equal(expected.Length, copied.Count(n => n < 100));
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Fact]
    public async Task Latest_offset_skips_what_the_topic_held_and_a_restart_resumes_from_the_committed_offsets()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-sql-startup");
        await SeedAsync(broker);
        var plan = Plan(("scan.startup.mode", "latest-offset"));
        await using (var worker = Worker(broker, plan, state))
        {
            await worker.StartAsync();
            await ProduceUntilCopiedAsync(broker, 100);
            await worker.StopAsync();
        }

        // Written while the job is stopped: a restart reads them from its committed offsets; latest would skip them.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var n = 200; n < 204; n++)
                await producer.ProduceAsync(new TopicPartition("numbers", n % 2), new Message<Null, string> { Value = $$"""{"n":{{n}}}""" });
        }
        await using (var worker = Worker(broker, plan, state))
        {
            await worker.StartAsync();
            var copied = Read(broker.BootstrapServers, "copied", 5);
            Assert.DoesNotContain(copied, n => n < 100);
            Assert.Equal([200, 201, 202, 203], copied.Where(n => n >= 200).Order());
            Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
        }
    }

    /// <summary>
    /// Writes <c>{"n": marker}</c> to both partitions, again every second until the job has copied one: a job starting
    /// at the latest offset may not have its partitions yet when the first is written.
    /// </summary>
    private static async Task ProduceUntilCopiedAsync(BrokerFixture broker, int marker)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            for (var p = 0; p < 2; p++)
                await producer.ProduceAsync(new TopicPartition("numbers", p), new Message<Null, string> { Value = $$"""{"n":{{marker}}}""" });
            if (Read(broker.BootstrapServers, "copied", int.MaxValue, TimeSpan.FromSeconds(2)).Contains(marker))
                return;
        }
        throw new TimeoutException("The job copied no record written after it started.");
    }

    /// <summary>The topic's <c>n</c> values, once <paramref name="expected"/> have come (and a little longer, to catch extras), or after <paramref name="wait"/>.</summary>
    private static List<int> Read(string bootstrap, string topic, int expected, TimeSpan? wait = null)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            AllowAutoCreateTopics = false,
        }).Build();
        // Assigned rather than subscribed: no group to join, so a short wait reads what is there.
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<int>();
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(60));
        DateTime? settle = null;
        while (DateTime.UtcNow < deadline && (settle is null || DateTime.UtcNow < settle))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
                values.Add(JsonDocument.Parse(Encoding.UTF8.GetString(record.Message.Value)).RootElement.GetProperty("n").GetInt32());
            if (values.Count >= expected && settle is null)
                settle = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        }
        return values;
    }
}
