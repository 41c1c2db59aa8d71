using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// librdkafka's per-record delivery errors (Produce v8+ record_errors): in a batch refused for some of its records,
/// those records fail with INVALID_RECORD and the others with "invalid record in same batch", so the application
/// learns which records were at fault. Compressed batches are checked record by record too.
/// </summary>
public class RecordErrorTests
{
    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Keyless_records_sent_to_a_compacted_topic_fail_and_their_batch_mates_are_told_why(CompressionType compression)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "users",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new() { ["cleanup.policy"] = "compact" },
            }]);
        }
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            CompressionType = compression,
            LingerMs = 500, // one batch for all six
            MessageSendMaxRetries = 0,
        }).Build();

        string?[] keys = ["u1", null, "u2", null, "u3", "u4"];
        var deliveries = keys.Select(k => producer.ProduceAsync(new TopicPartition("users", 0), new Message<string?, string> { Key = k, Value = "v" })).ToList();
        var errors = new List<ErrorCode>();
        foreach (var delivery in deliveries)
        {
            try
            {
                await delivery;
                errors.Add(ErrorCode.NoError);
            }
            catch (ProduceException<string?, string> e)
            {
                errors.Add(e.Error.Code);
            }
        }

        Assert.Equal(
            [ErrorCode.Local_InvalidDifferentRecord, ErrorCode.InvalidRecord, ErrorCode.Local_InvalidDifferentRecord, ErrorCode.InvalidRecord,
             ErrorCode.Local_InvalidDifferentRecord, ErrorCode.Local_InvalidDifferentRecord],
            errors);
        Assert.Equal(0, broker.Broker.Topics.Find("users")!.Partitions[0].Log.LogEndOffset);

        // Keyed records alone go through.
        var keyed = await producer.ProduceAsync(new TopicPartition("users", 0), new Message<string?, string> { Key = "u5", Value = "v" });
        Assert.Equal(0, keyed.Offset.Value);
    }
}
