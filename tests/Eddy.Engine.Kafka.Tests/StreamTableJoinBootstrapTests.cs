using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>A stream–table join started on topics written beforehand: the table is read before the stream.</summary>
public class StreamTableJoinBootstrapTests
{
    private const int Users = 20_000;
    private const int Partitions = 2;

    private static JobPlan Enrich()
    {
        var job = new JobBuilder("bootstrap");
        var users = job.Table("users", Serdes.String, Serdes.String, name: "users");
        job.Source("clicks", Serdes.String, Serdes.String).AsKeyed()
            .Join(users, (user, click, city) => $"{click}@{city}", Serdes.String, JoinType.Inner, name: "enrich")
            .To("out");
        return job.Build();
    }

    private static int PartitionOf(string key) => Murmur2Partitioner.Partition(Serdes.String.Serialize(key), Partitions);

    [Fact]
    public async Task Every_click_written_after_its_user_finds_the_user_on_a_fresh_start_as_the_table_is_read_first()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "users", Partitions);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "clicks", Partitions);
        // Every user's row is in the table topic before the first click is written, the clicks in reverse order so
        // that the first clicks read are those of the users read last.
        RuntimeRecords.Produce(broker.BootstrapServers, "users",
            Enumerable.Range(0, Users).Select(u => ($"u{u}", (string?)$"city{u % 7}", 1_000L + u, PartitionOf($"u{u}"))));
        RuntimeRecords.Produce(broker.BootstrapServers, "clicks",
            Enumerable.Range(0, Users).Reverse().Select(u => ($"u{u}", (string?)$"c{u}", 100_000L + u, PartitionOf($"u{u}"))));

        using var worker = new JobWorker(Enrich(), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0",
        });
        await worker.StartAsync();
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", Users, TimeSpan.FromSeconds(120));

        var expected = Enumerable.Range(0, Users).Select(u => $"u{u}=c{u}@city{u % 7}").Order(StringComparer.Ordinal).ToList();
        var actual = output.Select(r => $"{Serdes.String.Deserialize(r.Key)}={Serdes.String.Deserialize(r.Value)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    /// <summary>
    /// The users' rows are written keyed by a row id: the job re-keys them by user (a repartition topic, another stage)
    /// before it makes them a table. On a fresh start the repartition topic is empty, at its end, while the clicks are
    /// all there: only waiting for the upstream stage to have committed the whole user topic makes every click find its user.
    /// </summary>
    private static JobPlan EnrichFromRepartitionedTable()
    {
        var job = new JobBuilder("bootstrap-repartitioned");
        var users = job.Source("user-rows", Serdes.String, Serdes.String)
            .KeyBy((_, row) => row.Split('@')[0], Serdes.String, name: "by-user")
            .ToTable(name: "users");
        job.Source("clicks", Serdes.String, Serdes.String).AsKeyed()
            .Join(users, (user, click, row) => $"{click}@{row.Split('@')[1]}", Serdes.String, JoinType.Inner, name: "enrich")
            .To("out");
        return job.Build();
    }

    [Fact]
    public async Task Every_click_written_after_its_user_finds_the_user_on_a_fresh_start_when_the_table_comes_through_a_repartition_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "user-rows", Partitions);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "clicks", Partitions);
        // Rows keyed by row id, spread over the partitions regardless of their user; the clicks written afterwards.
        RuntimeRecords.Produce(broker.BootstrapServers, "user-rows",
            Enumerable.Range(0, Users).Select(u => ($"r{u}", (string?)$"u{u}@city{u % 7}", 1_000L + u, u % Partitions)));
        RuntimeRecords.Produce(broker.BootstrapServers, "clicks",
            Enumerable.Range(0, Users).Reverse().Select(u => ($"u{u}", (string?)$"c{u}", 100_000L + u, PartitionOf($"u{u}"))));

        using var worker = new JobWorker(EnrichFromRepartitionedTable(), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0", Threads = 2,
        });
        await worker.StartAsync();
        var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", Users, TimeSpan.FromSeconds(120));

        var expected = Enumerable.Range(0, Users).Select(u => $"u{u}=c{u}@city{u % 7}").Order(StringComparer.Ordinal).ToList();
        var actual = output.Select(r => $"{Serdes.String.Deserialize(r.Key)}={Serdes.String.Deserialize(r.Value)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }
}
