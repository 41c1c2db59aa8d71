using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;
using Eddy.Engine.Testing;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>Tables on the real runtime: co-partitioning through repartition topics, changelog rows across topics, restore.</summary>
public class TableJobTests
{
    private static readonly string[] Cities = ["paris", "rome", "oslo", "lima"];

    private static readonly Dictionary<string, int> Partitions = new(StringComparer.Ordinal)
    {
        ["clicks"] = 2, ["users"] = 3, ["out"] = 3, ["last-clicks"] = 3, ["by-city"] = 3, ["cities"] = 3,
    };

    private static JobWorker Worker(BrokerFixture broker, JobPlan plan, string stateDir) =>
        new(plan, new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = "w0" });

    /// <summary>
    /// Clicks ("c{n}" → "u{user}|p{n}", 2 partitions, a user's clicks all in one) re-keyed by user and merged with the
    /// users table (3 partitions) into "out"; the last click per user as a table; the users table re-keyed by city, and
    /// written as upserts.
    /// </summary>
    private static JobPlan Enrich()
    {
        var job = new JobBuilder("enrich");
        var users = job.Table("users", Serdes.String, Serdes.String, name: "users");
        var byUser = job.Source("clicks", Serdes.String, Serdes.String)
            .KeyBy((_, click) => click.Split('|')[0], Serdes.String, name: "by-user");
        byUser.Union(users.ToStream(), name: "clicks-and-users").To("out");
        byUser.ToTable(name: "last-click").ToChangelog("last-clicks");
        users.GroupBy((_, city) => city, Serdes.String, name: "regroup").To("by-city");
        users.To("cities");
        return job.Build();
    }

    private static (string Key, string? Value, long Timestamp, int Partition) User(int user, string? city, long timestamp)
    {
        var key = $"u{user}";
        return (key, city, timestamp, Murmur2Partitioner.Partition(Serdes.String.Serialize(key), Partitions["users"]));
    }

    private static List<(string Key, string? Value, long Timestamp, int Partition)> Clicks(int from, int count) =>
        Enumerable.Range(from, count).Select(n => ($"c{n}", (string?)$"u{n % 6}|p{n}", 10_000L + n, n % 6 % 2)).ToList();

    /// <summary>What the test kit writes to each sink for the same input, shown as by <see cref="Show(ReadRecord)"/>.</summary>
    private static Dictionary<string, List<string>> Reference(JobPlan plan, IEnumerable<(string Topic, List<(string Key, string? Value, long Timestamp, int Partition)> Records)> input)
    {
        using var driver = new JobTestDriver(plan, new JobTestDriverOptions { TopicPartitions = Partitions });
        foreach (var (topic, records) in input)
        {
            var pipe = driver.Input<string, string>(topic);
            foreach (var (key, value, timestamp, partition) in records)
            {
                pipe.Pipe(key, value!, timestamp, partition);
            }
        }

        return new[] { "out", "last-clicks", "by-city", "cities" }.ToDictionary(topic => topic,
            topic => driver.Output<string, string>(topic).ReadAll().Select(r => Show(r.Key, r.Value, r.Kind, r.Partition, r.Timestamp))
                .Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }

    private static string Show(string key, string? value, RowKind kind, int partition, long timestamp) =>
        $"{key}={value ?? "null"}:{kind}@{partition}/{timestamp}";

    private static string Show(ReadRecord r) =>
        Show(Serdes.String.Deserialize(r.Key), r.Value is null ? null : Serdes.String.Deserialize(r.Value), r.Kind, r.Partition, r.Timestamp);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stream_merged_with_a_table_of_another_partition_count_goes_through_a_repartition_topic_of_the_tables_count_and_resumes_exactly_once(
        bool deleteStateDirectory)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "clicks", Partitions["clicks"]);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "users", Partitions["users"]);
        var plan = Enrich();
        var firstUsers = Enumerable.Range(0, 6).Select(u => User(u, Cities[u % 3], 1_000 + u)).ToList();
        var firstClicks = Clicks(0, 40);
        // After the restart: a user moves, one is deleted, one is upserted unchanged, one is new.
        var secondUsers = new List<(string Key, string? Value, long Timestamp, int Partition)>
        {
            User(0, "lima", 20_000), User(1, null, 20_001), User(2, Cities[2], 20_002), User(6, "rome", 20_003),
        };
        var secondClicks = Clicks(40, 20);

        RuntimeRecords.Produce(broker.BootstrapServers, "users", firstUsers);
        RuntimeRecords.Produce(broker.BootstrapServers, "clicks", firstClicks);
        var first = Reference(plan, [("users", firstUsers), ("clicks", firstClicks)]);
        using (var worker = Worker(broker, plan, state.Path))
        {
            await worker.StartAsync();
            Assert.Equal(first["out"], RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", first["out"].Count).Select(Show).Order(StringComparer.Ordinal));
            Assert.Equal(first["by-city"], RuntimeRecords.ReadCommitted(broker.BootstrapServers, "by-city", first["by-city"].Count).Select(Show).Order(StringComparer.Ordinal));
            Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
        }

        // Sized by the table it is read with, not by the clicks topic it is written from.
        Assert.Equal(3, RuntimeRecords.PartitionsOf(broker.BootstrapServers, "enrich-by-user-repartition"));
        Assert.Equal(3, RuntimeRecords.PartitionsOf(broker.BootstrapServers, "enrich-regroup-repartition"));
        if (deleteStateDirectory)
        {
            Directory.Delete(state.Path, recursive: true);
        }

        // The second run finds its repartition topics and its state (local, or from the changelogs).
        RuntimeRecords.Produce(broker.BootstrapServers, "users", secondUsers);
        RuntimeRecords.Produce(broker.BootstrapServers, "clicks", secondClicks);
        var all = Reference(plan, [("users", firstUsers), ("clicks", firstClicks), ("users", secondUsers), ("clicks", secondClicks)]);
        using (var worker = Worker(broker, plan, state.Path))
        {
            await worker.StartAsync();
            var output = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", all["out"].Count);
            Assert.Equal(all["out"], output.Select(Show).Order(StringComparer.Ordinal));
            Assert.Equal(all["last-clicks"], RuntimeRecords.ReadCommitted(broker.BootstrapServers, "last-clicks", all["last-clicks"].Count)
                .Select(Show).Order(StringComparer.Ordinal));
            var byCity = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "by-city", all["by-city"].Count);
            Assert.Equal(all["by-city"], byCity.Select(Show).Order(StringComparer.Ordinal));
            var cities = RuntimeRecords.ReadCommitted(broker.BootstrapServers, "cities", all["cities"].Count);
            Assert.Equal(all["cities"], cities.Select(Show).Order(StringComparer.Ordinal));
            Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());

            // The table's rows after the restart retract the rows it emitted before it, with their kinds in the header.
            Assert.Contains(output, r => Serdes.String.Deserialize(r.Key) == "u0" && r.Kind == RowKind.UpdateBefore && Serdes.String.Deserialize(r.Value!) == "paris");
            Assert.Contains(output, r => Serdes.String.Deserialize(r.Key) == "u0" && r.Kind == RowKind.UpdateAfter && Serdes.String.Deserialize(r.Value!) == "lima");
            Assert.Contains(output, r => Serdes.String.Deserialize(r.Key) == "u1" && r.Kind == RowKind.Delete && Serdes.String.Deserialize(r.Value!) == "rome");
            Assert.DoesNotContain(output, r => Serdes.String.Deserialize(r.Key) == "u2" && r.Timestamp == 20_002);
            // ... and the kinds went through the repartition topic to the regrouped table's sink.
            Assert.Contains(byCity, r => Serdes.String.Deserialize(r.Key) == "paris" && r.Kind == RowKind.UpdateBefore);
            Assert.Contains(byCity, r => Serdes.String.Deserialize(r.Key) == "rome" && r.Kind == RowKind.Delete);
            // The upserts are plain: a tombstone for the deleted user, no kind header.
            Assert.Contains(cities, r => Serdes.String.Deserialize(r.Key) == "u1" && r.Value is null);
            Assert.All(cities, r => Assert.False(r.Headers.ContainsKey(JobWorker.KindHeader)));
            if (deleteStateDirectory)
            {
                Assert.True(worker.RestoredRecords > 0);
            }
        }
    }

    [Fact]
    public async Task Two_threads_share_a_stage_reading_a_table_and_a_repartition_topic_each_partition_of_both_on_one_thread()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "clicks", Partitions["clicks"]);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "users", Partitions["users"]);
        var plan = Enrich();
        var users = Enumerable.Range(0, 6).Select(u => User(u, Cities[u % 3], 1_000 + u))
            .Concat([User(0, "lima", 20_000), User(1, null, 20_001)]).ToList();
        var clicks = Clicks(0, 60);
        RuntimeRecords.Produce(broker.BootstrapServers, "users", users);
        RuntimeRecords.Produce(broker.BootstrapServers, "clicks", clicks);
        var expected = Reference(plan, [("users", users), ("clicks", clicks)]);

        using var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w", Threads = 2,
        });
        await worker.StartAsync();
        Assert.Equal(expected["out"], RuntimeRecords.ReadCommitted(broker.BootstrapServers, "out", expected["out"].Count).Select(Show).Order(StringComparer.Ordinal));
        Assert.Equal(expected["last-clicks"], RuntimeRecords.ReadCommitted(broker.BootstrapServers, "last-clicks", expected["last-clicks"].Count)
            .Select(Show).Order(StringComparer.Ordinal));

        // One task per stage and partition over both threads: a partition of the users topic and the same partition of
        // the repartition topic were assigned to the same thread (the range assignor), never split between two tasks.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (worker.Status.Tasks.Count < 2 + 3 + 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(["0/0", "0/1", "1/0", "1/1", "1/2", "2/0", "2/1", "2/2"], worker.Status.Tasks.Select(t => $"{t.Stage}/{t.Partition}"));
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    [Fact]
    public async Task Two_topics_of_different_partition_counts_read_by_one_stage_fail_the_start_naming_both()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "left", 2);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "right", 3);
        var job = new JobBuilder("mismatch");
        var left = job.Table("left", Serdes.String, Serdes.String);
        var right = job.Table("right", Serdes.String, Serdes.String);
        left.ToStream().Union(right.ToStream()).To("out");

        using var worker = Worker(broker, job.Build(), state.Path);
        var error = await Assert.ThrowsAsync<JobDefinitionException>(() => worker.StartAsync());
        Assert.Contains("'left' (2 partitions)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'right' (3 partitions)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, RuntimeRecords.PartitionsOf(broker.BootstrapServers, "out"));
    }
}
