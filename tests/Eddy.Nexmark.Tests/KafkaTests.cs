using System.Collections.Immutable;
using System.Text.Json;
using Confluent.Kafka;
using Eddy.Engine.Kafka;
using Eddy.Nexmark;
using Eddy.Sql.Planning.Translation;
using Eddy.Testing;

namespace Eddy.Nexmark.Tests;

/// <summary>
/// The Kafka side against an in-process broker: the writer fills one partition per generator and, run again after
/// being stopped, writes exactly the missing events; a SQL job over a <c>'connector' = 'nexmark'</c> table reads the
/// events its generator writes.
/// </summary>
[Trait("Category", "Compat")]
public class KafkaTests
{
    [Fact]
    public async Task A_stopped_writer_run_again_writes_exactly_the_missing_events()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var config = new NexmarkConfig { Events = 30_000, Seed = 4, MaxEmitSpeed = false, FirstEventRate = 10_000 };
        // The first, paced run (3 s of events) is stopped once it has written some: stopped by a clock instead, a slow
        // start on a loaded machine could leave it nothing written, and the run below nothing to resume.
        using (var stop = new CancellationTokenSource())
        {
            var first = new NexmarkKafkaWriter(config, "events");
            var running = first.RunAsync(broker.BootstrapServers, partitions: 3, cancellationToken: stop.Token);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (first.Written < 1_000 && !running.IsCompleted && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            await stop.CancelAsync();
            await running;
            Assert.InRange(first.Written, 1, 29_999);
        }
        var rest = new NexmarkKafkaWriter(config with { MaxEmitSpeed = true }, "events");
        await rest.RunAsync(broker.BootstrapServers, partitions: 3);
        Assert.InRange(rest.Written, 1, 29_999);
        Assert.Equal(30_000, rest.Events);

        // Partition p holds generator p's events, in order, each once.
        var expected = Enumerable.Range(0, 3).Select(p =>
        {
            var generator = new NexmarkGenerator(config with { Generators = 3 }, p);
            using var json = new NexmarkJsonWriter();
            var values = new List<string>();
            while (generator.HasNext)
                values.Add(System.Text.Encoding.UTF8.GetString(json.ToBytes(generator.Next())));
            return values;
        }).ToList();
        for (var p = 0; p < 3; p++)
            Assert.Equal(expected[p], Read(broker.BootstrapServers, "events", p, expected[p].Count));
    }

    [Fact]
    public async Task A_sql_job_reads_a_nexmark_table_through_the_topic_its_generator_fills()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-nexmark-sql");
        await using var session = await NexmarkSql.SessionAsync(5_000, "q2-job");
        var job = await NexmarkSql.JobAsync(session, "q2", text => text.Replace("'connector' = 'blackhole'",
            "'connector' = 'kafka', 'topic' = 'q2-out', 'format' = 'json'", StringComparison.Ordinal));
        var plan = job.BuildPlan();
        var source = Assert.Single(JobTranslator.NexmarkSources(job.Name, [.. job.Sinks]));
        Assert.Equal("q2-job-datagen-nexmark", source.Topic);

        var generating = source.RunAsync(broker.BootstrapServers, defaultPartitions: 2);
        await source.Ready;
        using var worker = new JobWorker(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0" });
        await worker.StartAsync();
        await generating;
        Assert.Equal(5_000, source.Events);

        // The bids on every 123rd auction, computed here from the generator's events.
        var expected = new List<string>();
        for (var p = 0; p < 2; p++)
        {
            var generator = new NexmarkGenerator(source.Config with { Generators = 2 }, p);
            while (generator.HasNext)
            {
                var e = generator.Next();
                if (e.Type == NexmarkEventType.Bid && e.Bid.Auction % 123 == 0)
                    expected.Add($"{e.Bid.Auction}/{e.Bid.Price}");
            }
        }
        Assert.NotEmpty(expected);
        var output = ReadAll(broker.BootstrapServers, "q2-out", expected.Count)
            .Select(v => JsonDocument.Parse(v).RootElement).Select(r => $"{r.GetProperty("auction").GetInt64()}/{r.GetProperty("price").GetInt64()}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), output.Order(StringComparer.Ordinal));
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    private static List<string> Read(string bootstrap, string topic, int partition, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "read-" + Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, partition, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
                values.Add(message.Value);
        }
        // A little longer, to catch duplicates.
        while (consumer.Consume(TimeSpan.FromMilliseconds(300)) is { Message: { } extra })
            values.Add(extra.Value);
        return values;
    }

    private static List<string> ReadAll(string bootstrap, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "read-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Subscribe(topic);
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
                values.Add(message.Value);
        }
        while (consumer.Consume(TimeSpan.FromSeconds(1)) is { Message: { } extra })
            values.Add(extra.Value);
        return values;
    }
}
