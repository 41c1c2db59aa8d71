using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Eddy.Engine.Kafka;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using Eddy.Testing;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// The datagen connector's generator against an in-process broker: its rate, its row count, a sequence that
/// continues across a restart without duplicates or gaps, its null rate and bounds, and a SQL job reading it.
/// </summary>
[Trait("Category", "Compat")]
public class DataGeneratorTests
{
    private static CatalogTable Table(string name, ImmutableArray<SqlField> schema, params (string Key, string Value)[] options) =>
        new("default_catalog.default_database." + name, schema, options.Append((Key: "connector", Value: "datagen")).ToImmutableDictionary(o => o.Key, o => o.Value));

    private static DataGenerator Generator(string job, CatalogTable table) =>
        new(job, table, ConnectorRegistry.Default.ForSource(table).Options, seed: 11);

    [Fact]
    public async Task The_generator_writes_number_of_rows_at_rows_per_second_with_its_null_rate_and_bounds()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var table = Table("readings", [new("sensor", SqlType.Int), new("reading", SqlType.Double)],
            ("rows-per-second", "2000"), ("number-of-rows", "3000"),
            ("fields.sensor.min", "1"), ("fields.sensor.max", "4"), ("fields.sensor.null-rate", "0.25"),
            ("fields.reading.min", "-1"), ("fields.reading.max", "1"));
        var generator = Generator("rate", table);

        var clock = Stopwatch.StartNew();
        await generator.RunAsync(broker.BootstrapServers, defaultPartitions: 2);
        clock.Stop();

        // 3000 rows at 2000 a second: 1.5 s, give or take the connection and a loaded machine.
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.3, 8);
        Assert.Equal(3000, generator.Rows);
        var rows = Read(broker.BootstrapServers, "rate-readings-datagen", 3000);
        Assert.Equal(3000, rows.Count);
        var sensors = rows.Select(r => r.GetProperty("sensor")).ToList();
        var nulls = sensors.Count(s => s.ValueKind == JsonValueKind.Null);
        // 3000 draws at p = 0.25: the standard deviation is about 24.
        Assert.InRange(nulls, 650, 850);
        Assert.Equal([1, 2, 3, 4], sensors.Where(s => s.ValueKind != JsonValueKind.Null).Select(s => s.GetInt32()).Distinct().Order());
        Assert.All(rows, r => Assert.InRange(r.GetProperty("reading").GetDouble(), -1, 1));
        // Row n went to partition n % 2.
        Assert.Equal([1500L, 1500L], Ends(broker.BootstrapServers, "rate-readings-datagen", 2));
    }

    [Fact]
    public async Task A_restarted_generator_continues_its_sequence_and_counts_the_rows_the_topic_holds()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var table = Table("events", [new("id", SqlType.BigInt), new("tag", SqlType.String)],
            ("rows-per-second", "1000"), ("number-of-rows", "2500"), ("scan.parallelism", "3"),
            ("fields.id.kind", "sequence"), ("fields.id.start", "1"), ("fields.id.end", "100000"), ("fields.tag.length", "4"));

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
            await Generator("restart", table).RunAsync(broker.BootstrapServers, cancellationToken: stop.Token);
        var first = Read(broker.BootstrapServers, "restart-events-datagen", 1).Count;
        Assert.InRange(first, 1, 2499);

        var second = Generator("restart", table);
        await second.RunAsync(broker.BootstrapServers);
        Assert.Equal(2500, second.Rows);
        var third = Generator("restart", table);
        await third.RunAsync(broker.BootstrapServers);

        var ids = Read(broker.BootstrapServers, "restart-events-datagen", 2500).Select(r => r.GetProperty("id").GetInt64()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 2500).Select(i => (long)i), ids);
        Assert.Equal(3, Ends(broker.BootstrapServers, "restart-events-datagen", 3).Length);
    }

    [Fact]
    public async Task A_sql_job_reads_a_datagen_table_through_its_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-sql-datagen");
        ImmutableArray<SqlField> schema = [new("id", SqlType.Int), new("name", SqlType.String)];
        var source = Table("people", schema, ("rows-per-second", "500"), ("fields.id.kind", "sequence"), ("fields.id.start", "1"),
            ("fields.id.end", "200"), ("fields.name.length", "6"));
        var sink = new CatalogTable("default_catalog.default_database.people_out", schema,
            new Dictionary<string, string> { ["connector"] = "kafka", ["topic"] = "people-out", ["value.format"] = "json" }.ToImmutableDictionary());
        var statement = new SinkNode(new TableScanNode(source), sink);
        var plan = JobTranslator.Translate("people-job", statement);
        var generator = Assert.Single(JobTranslator.DataGenerators("people-job", statement));
        Assert.Equal(200, generator.RowLimit);

        var generating = generator.RunAsync(broker.BootstrapServers);
        await generator.Ready;
        using var worker = new JobWorker(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0" });
        await worker.StartAsync();
        await generating;

        var output = Read(broker.BootstrapServers, "people-out", 200);
        Assert.Equal(Enumerable.Range(1, 200), output.Select(r => r.GetProperty("id").GetInt32()).Order());
        Assert.All(output, r => Assert.Matches("^[0-9a-f]{6}$", r.GetProperty("name").GetString()));
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    private static long[] Ends(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "ends" }).Build();
        return [.. Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value)];
    }

    /// <summary>The topic's JSON values, once <paramref name="expected"/> have come (and a little longer, to catch extras).</summary>
    private static List<JsonElement> Read(string bootstrap, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<JsonElement>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        DateTime? settle = null;
        while (DateTime.UtcNow < deadline && (settle is null || DateTime.UtcNow < settle))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
                records.Add(JsonDocument.Parse(record.Message.Value).RootElement.Clone());
            if (records.Count >= expected && settle is null)
                settle = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        }
        return records;
    }
}
