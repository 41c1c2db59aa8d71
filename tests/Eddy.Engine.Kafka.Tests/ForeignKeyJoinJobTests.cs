using Confluent.Kafka;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>
/// The foreign-key join on the real runtime, where the subscribe stage writes each left row's version straight to the
/// responses topic that the foreign-key stage answers on: orders ("p{n}:{q}", or "none:{q}" without a product) joined
/// with products of another partition count.
/// </summary>
public class ForeignKeyJoinJobTests
{
    private static readonly Dictionary<string, int> Partitions = new(StringComparer.Ordinal) { ["orders"] = 2, ["products"] = 3 };

    private static string? ProductOf(string order) =>
        order.StartsWith("none:", StringComparison.Ordinal) ? null : order[..order.IndexOf(':', StringComparison.Ordinal)];

    private static JobPlan Enrich()
    {
        var job = new JobBuilder("fk");
        var orders = job.Table("orders", Serdes.String, Serdes.String, name: "orders");
        var products = job.Table("products", Serdes.String, Serdes.String, name: "products");
        orders.Join(products, ProductOf, (_, order, product) => $"{order}/{product ?? "-"}", Serdes.String, JoinType.Left, name: "enrich")
            .ToChangelog("out");
        return job.Build();
    }

    private static (string Key, string? Value, long Timestamp, int Partition) Row(string topic, string key, string? value, long timestamp) =>
        (key, value, timestamp, Murmur2Partitioner.Partition(Serdes.String.Serialize(key), Partitions[topic]));

    [Fact]
    public async Task A_left_foreign_key_join_on_a_worker_materializes_to_the_join_of_the_final_tables_through_updates_and_deletes()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "orders", Partitions["orders"]);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "products", Partitions["products"]);
        var random = new Random(1360);
        var products = new Dictionary<string, string>(StringComparer.Ordinal);
        var orders = new Dictionary<string, string>(StringComparer.Ordinal);
        List<(string, string?, long, int)> Batch(bool order, int count, int from)
        {
            var batch = new List<(string, string?, long, int)>();
            for (var i = 0; i < count; i++)
            {
                var key = order ? $"o{random.Next(60)}" : $"p{random.Next(12)}";
                string? value = random.Next(5) == 0 ? null
                    : order ? $"{(random.Next(6) == 0 ? "none" : $"p{random.Next(14)}")}:{random.Next(4)}"
                    : $"name{random.Next(50)}";
                var table = order ? orders : products;
                if (value is null)
                {
                    table.Remove(key);
                }
                else
                {
                    table[key] = value;
                }

                batch.Add(Row(order ? "orders" : "products", key, value, from + i));
            }

            return batch;
        }

        RuntimeRecords.Produce(broker.BootstrapServers, "products", Batch(order: false, 30, 0));
        RuntimeRecords.Produce(broker.BootstrapServers, "orders", Batch(order: true, 150, 100));
        using var worker = new JobWorker(Enrich(), new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0",
        });
        await worker.StartAsync();
        // While it runs: both tables change, interleaved, so answers cross the foreign-key partitions in any order.
        for (var round = 0; round < 5; round++)
        {
            RuntimeRecords.Produce(broker.BootstrapServers, "orders", Batch(order: true, 40, 1_000 + (round * 100)));
            RuntimeRecords.Produce(broker.BootstrapServers, "products", Batch(order: false, 10, 1_050 + (round * 100)));
        }

        var expected = orders
            .Select(o => (o.Key, $"{o.Value}/{(ProductOf(o.Value) is { } p && products.TryGetValue(p, out var name) ? name : "-")}"))
            .Order().ToList();
        var materialized = Materialized(broker.BootstrapServers, expected, TimeSpan.FromSeconds(90));
        Assert.Equal(expected, materialized);
        Assert.False(worker.Completion.IsCompleted, worker.Error?.ToString());
    }

    /// <summary>
    /// Reads "out" (committed records, in order per partition, so per key) and applies its changelog rows until they
    /// materialize to <paramref name="expected"/> with nothing more coming, or the time is up; a retraction of a row not
    /// there fails.
    /// </summary>
    private static List<(string Key, string Value)> Materialized(string bootstrap, List<(string Key, string Value)> expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, RuntimeRecords.PartitionsOf(bootstrap, "out")).Select(p => new TopicPartitionOffset("out", p, Offset.Beginning)));
        var rows = new List<(string Key, string Value)>();
        var deadline = DateTime.UtcNow + timeout;
        var lastRecord = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null)
            {
                // Equal, and nothing more for a while: the job is done (not only passing through the answer).
                if (DateTime.UtcNow - lastRecord > TimeSpan.FromSeconds(2) && rows.Order().SequenceEqual(expected))
                {
                    break;
                }

                continue;
            }

            lastRecord = DateTime.UtcNow;

            var headers = record.Message.Headers;
            var kind = headers is not null && headers.TryGetLastBytes(JobWorker.KindHeader, out var k) && k.Length == 1 ? (RowKind)k[0] : RowKind.Insert;
            var row = (Serdes.String.Deserialize(record.Message.Key), Serdes.String.Deserialize(record.Message.Value));
            if (kind is RowKind.Insert or RowKind.UpdateAfter)
            {
                rows.Add(row);
            }
            else
            {
                Assert.True(rows.Remove(row), $"A {kind} of {row} retracts a row that is not there.");
            }
        }

        return rows.Order().ToList();
    }
}
