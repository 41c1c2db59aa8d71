using System.Text;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>
/// Record-level checks of a produced batch, at the byte level: Kafka's error code, its error_message, and
/// record_errors naming each refused record by its index in the batch; the whole batch is refused, nothing written.
/// </summary>
public class RecordValidationTests
{
    private static Eddy.Protocol.Record Keyed(string? key, long timestamp = 1_700_000_000_000)
    {
        // Spelled out: a null byte[] converts to an empty key, not to the null key this test needs.
        ReadOnlyMemory<byte>? bytes = null;
        if (key is not null)
        {
            bytes = Encoding.UTF8.GetBytes(key);
        }
        return Eddy.Protocol.Record.Create(timestamp, bytes, Encoding.UTF8.GetBytes("v"));
    }

    private static ProduceResponse.PartitionProduceResponse Send(RawKafkaClient client, string topic, byte[] batch, short version = 9) =>
        client.Call<ProduceResponse>(new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 5000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecords(batch) }] }],
        }, version).Response.Responses[0].PartitionResponses[0];

    [Fact]
    public async Task A_compacted_topic_refuses_a_batch_with_keyless_records_and_names_each_one()
    {
        await using var broker = await BrokerFixture.StartAsync();
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("table", 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, false, out _).Error);
        var log = broker.Broker.Topics.Find("table")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);

        var refused = Send(client, "table", RecordBatchBuilder.Build([Keyed("a"), Keyed(null), Keyed("c"), Keyed(null), Keyed(null), Keyed(null)]));

        Assert.Equal((short)ErrorCode.InvalidRecord, refused.ErrorCode);
        Assert.Equal(-1, refused.BaseOffset);
        Assert.Equal([1, 3, 4, 5], refused.RecordErrors.Select(e => e.BatchIndex));
        Assert.All(refused.RecordErrors, e => Assert.Equal("Compacted topic cannot accept message without key in topic partition table-0", e.BatchIndexErrorMessage));
        Assert.Equal(
            "One or more records have been rejected due to 4 record errors in total, and only showing the first three errors at most: ["
            + "RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition table-0'), "
            + "RecordError(batchIndex=3, message='Compacted topic cannot accept message without key in topic partition table-0'), "
            + "RecordError(batchIndex=4, message='Compacted topic cannot accept message without key in topic partition table-0')]",
            refused.ErrorMessage);
        Assert.Equal(0, log.LogEndOffset);

        // A tombstone has a key and a null value: accepted. So is a keyless record on a topic that only deletes.
        Assert.Equal(0, Send(client, "table", RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(1, Encoding.UTF8.GetBytes("a"), null)])).ErrorCode);
        Assert.Equal(1, log.LogEndOffset);
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("stream", 1, new Dictionary<string, string>(), false, out _).Error);
        Assert.Equal(0, Send(client, "stream", RecordBatchBuilder.Build([Keyed(null)])).ErrorCode);

        // Produce v7 has no record_errors: the code alone tells the client.
        Assert.Equal((short)ErrorCode.InvalidRecord, Send(client, "table", RecordBatchBuilder.Build([Keyed(null)]), version: 7).ErrorCode);
        Assert.Equal(1, log.LogEndOffset);
    }

    [Fact]
    public async Task Timestamps_outside_the_topics_window_are_refused_with_invalid_timestamp()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var configs = new Dictionary<string, string> { ["message.timestamp.before.max.ms"] = "3600000", ["message.timestamp.after.max.ms"] = "60000" };
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("events", 1, configs, false, out _).Error);
        var log = broker.Broker.Topics.Find("events")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var twoHoursAgo = now - 7_200_000;
        var inAnHour = now + 3_600_000;
        var refused = Send(client, "events", RecordBatchBuilder.Build([Keyed("ok", now), Keyed("old", twoHoursAgo), Keyed("future", inAnHour)]));

        Assert.Equal((short)ErrorCode.InvalidTimestamp, refused.ErrorCode);
        Assert.Equal("One or more records have been rejected due to invalid timestamp", refused.ErrorMessage);
        Assert.Equal([1, 2], refused.RecordErrors.Select(e => e.BatchIndex));
        Assert.StartsWith($"Timestamp {twoHoursAgo} of message with offset 1 is out of range. The timestamp should be within [", refused.RecordErrors[0].BatchIndexErrorMessage);
        Assert.StartsWith($"Timestamp {inAnHour} of message with offset 2 is out of range.", refused.RecordErrors[1].BatchIndexErrorMessage);
        Assert.Equal(0, log.LogEndOffset);

        Assert.Equal(0, Send(client, "events", RecordBatchBuilder.Build([Keyed("ok", now), Keyed("recent", now - 60_000)])).ErrorCode);
        Assert.Equal(2, log.LogEndOffset);

        // The broker-wide default comes from log.message.timestamp.before.max.ms, and the deprecated difference
        // stands in for a limit left at its default.
        await using var strict = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.message.timestamp.difference.max.ms"] = "1000" });
        Assert.Equal(ErrorCode.None, strict.Broker.Topics.Create("events", 1, new Dictionary<string, string>(), false, out _).Error);
        using var strictClient = new RawKafkaClient(strict.BootstrapServers);
        Assert.Equal((short)ErrorCode.InvalidTimestamp, Send(strictClient, "events", RecordBatchBuilder.Build([Keyed("old", now - 60_000)])).ErrorCode);
    }
}
