using Confluent.Kafka;
using Eddy.Engine.Records;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>A record read back from a topic with its headers.</summary>
internal sealed record ReadRecord(byte[]? Key, byte[]? Value, long Timestamp, int Partition, long Offset, IReadOnlyDictionary<string, byte[]> Headers)
{
    /// <summary>The row kind in the <c>eddy.kind</c> header; insert when absent.</summary>
    public RowKind Kind => Headers.TryGetValue(JobWorker.KindHeader, out var kind) && kind.Length == 1 ? (RowKind)kind[0] : RowKind.Insert;

    public string Header(string name) => System.Text.Encoding.UTF8.GetString(Headers[name]);
}

/// <summary>Reading topics with headers, and the metadata of the topics a job created.</summary>
internal static class RuntimeRecords
{
    /// <summary>Every committed record of the topic until <paramref name="expected"/> have arrived (or the timeout), then a little longer to catch extras.</summary>
    public static List<ReadRecord> ReadCommitted(string bootstrap, string topic, int expected, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, PartitionsOf(bootstrap, topic)).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ReadRecord>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        DateTime? settle = null;
        while (DateTime.UtcNow < deadline && (settle is null || DateTime.UtcNow < settle))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null)
            {
                var headers = (record.Message.Headers ?? []).GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.Last().GetValueBytes(), StringComparer.Ordinal);
                records.Add(new ReadRecord(record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs, record.Partition.Value,
                    record.Offset.Value, headers));
            }

            if (records.Count >= expected && settle is null)
            {
                settle = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
            }
        }

        return records;
    }

    /// <summary>
    /// The topic's partition count (0 when it does not exist). From the metadata of all topics: asking for one by name
    /// would have the broker create it.
    /// </summary>
    public static int PartitionsOf(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
        return metadata?.Partitions.Count ?? 0;
    }

    /// <summary>Produces string records, a null value being a tombstone.</summary>
    public static void Produce(string bootstrap, string topic, IEnumerable<(string Key, string? Value, long Timestamp, int Partition)> records)
    {
        using var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build();
        foreach (var (key, value, timestamp, partition) in records)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<string, string?>
            {
                Key = key,
                Value = value,
                Timestamp = new Timestamp(timestamp, TimestampType.CreateTime),
            });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }
}
