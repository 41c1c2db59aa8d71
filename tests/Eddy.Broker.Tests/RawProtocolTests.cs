using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Eddy.Broker.Configuration;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>
/// The broker at the byte level: framing, version negotiation and bad input, sent from a raw socket.
/// Each bad input must get Kafka's answer (an error code, or a closed connection where Kafka closes it)
/// while the broker keeps serving other connections and the log stays untouched.
/// </summary>
public class RawProtocolTests
{
    private static ProduceRequest Produce(string topic, int partition, byte[] batch, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 5000,
        TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = new MemoryRecords(batch) }] }],
    };

    private static byte[] Batch(int records = 3) => RecordBatchBuilder.Build(
        [.. Enumerable.Range(0, records).Select(i => Eddy.Protocol.Record.Create(1_700_000_000_000 + i, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}")))]);

    private static async Task<BrokerFixture> StartWithTopic(string topic = "t", IReadOnlyDictionary<string, string>? props = null)
    {
        var broker = await BrokerFixture.StartAsync(props);
        var result = broker.Broker.Topics.Create(topic, 2, new Dictionary<string, string>(), false, out _);
        Assert.Equal(ErrorCode.None, result.Error);
        return broker;
    }

    private static void AssertServing(BrokerFixture broker)
    {
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, response) = client.Call<ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        Assert.Equal(0, response.ErrorCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Fragmented_frames_are_reassembled(int bytesPerSend)
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, versions) = client.Call<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "raw", ClientSoftwareVersion = "1" }, 3, bytesPerSend);
        Assert.Contains(versions.ApiKeys, k => k.ApiKey == (short)ApiKey.Produce);
        var (_, produced) = client.Call<ProduceResponse>(Produce("t", 1, Batch()), 9, bytesPerSend);
        Assert.Equal(0, produced.Responses[0].PartitionResponses[0].ErrorCode);
        var (_, metadata) = client.Call<MetadataResponse>(new MetadataRequest { Topics = null }, 12, bytesPerSend);
        Assert.Contains(metadata.Topics, t => t.Name == "t" && t.Partitions.Count == 2);
    }

    [Fact]
    public async Task Large_fetch_responses_stream_every_byte_of_the_stored_batches()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var sent = new List<byte[]>();
        for (var b = 0; b < 6; b++)
        {
            // 40 records of ~2 KB: each batch is well above the size at which the response streams records.
            var batch = RecordBatchBuilder.Build([.. Enumerable.Range(0, 40).Select(i =>
                Eddy.Protocol.Record.Create(1_700_000_000_000 + i, Encoding.UTF8.GetBytes($"k{b}-{i}"), Enumerable.Repeat((byte)(b * 40 + i), 2000).ToArray()))]);
            Assert.Equal(0, client.Call<ProduceResponse>(Produce("t", 0, batch), 9).Response.Responses[0].PartitionResponses[0].ErrorCode);
            sent.Add(batch);
        }
        var fetch = new FetchRequest
        {
            MaxWaitMs = 0,
            MaxBytes = 1 << 24,
            Topics = [new FetchRequest.FetchTopic { Topic = "t", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 24 }] }],
        };
        var (_, response) = client.Call<FetchResponse>(fetch, 12);
        var records = ((MemoryRecords)response.Responses[0].Partitions[0].Records!).Buffer;
        Assert.Equal(sent.Sum(b => b.Length), records.Length);
        var batches = RecordBatchReader.ReadBatches(records).ToList();
        Assert.Equal(6, batches.Count);
        for (var b = 0; b < 6; b++)
        {
            Assert.True(RecordBatch.IsCrcValid(batches[b].Batch.Span));
            Assert.Equal(b * 40L, RecordBatch.BaseOffset(batches[b].Batch.Span));
            Assert.Equal(sent[b].AsSpan(RecordBatch.AttributesOffset).ToArray(), batches[b].Batch.Span[RecordBatch.AttributesOffset..].ToArray());
        }
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var frames = new[]
        {
            client.Frame(new ApiVersionsRequest(), 2, correlationId: 11),
            client.Frame(Produce("t", 0, Batch()), 7, correlationId: 12),
            client.Frame(new MetadataRequest { Topics = null }, 1, correlationId: 13),
        };
        client.Send([.. frames.SelectMany(f => f)]);
        foreach (var expected in new[] { 11, 12, 13 })
        {
            var frame = client.ReceiveFrame()!;
            Assert.Equal(expected, BinaryPrimitives.ReadInt32BigEndian(frame));
        }
    }

    [Fact]
    public async Task Unsupported_ApiVersions_version_gets_a_v0_error_with_the_supported_range()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        // Version 99 with a body the broker cannot know: it must answer, in v0 format, error 35.
        var frame = client.Frame(new ApiVersionsRequest(), 3);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), 99);
        client.Send(frame);
        var (_, response) = RawKafkaClient.Decode<ApiVersionsResponse>(client.ReceiveFrame()!, ApiKey.ApiVersions, 0);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, response.ErrorCode);
        var range = Assert.Single(response.ApiKeys);
        Assert.Equal((short)ApiKey.ApiVersions, range.ApiKey);
        Assert.Equal(3, range.MaxVersion);
    }

    [Fact]
    public async Task Oversized_frame_closes_the_connection_and_the_broker_keeps_serving()
    {
        await using var broker = await StartWithTopic(props: new Dictionary<string, string> { [BrokerConfigs.SocketRequestMaxBytes] = "1024" });
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, 1025);
            client.Send(header);
            Assert.True(client.IsClosedByBroker());
        }
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            client.Send([0xFF, 0xFF, 0xFF, 0xF0]); // negative size
            Assert.True(client.IsClosedByBroker());
        }
        AssertServing(broker);
    }

    [Fact]
    public async Task Unknown_api_key_and_unsupported_version_close_the_connection()
    {
        await using var broker = await StartWithTopic();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var frame = client.Frame(new ApiVersionsRequest(), 0);
            BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), 999);
            client.Send(frame);
            Assert.True(client.IsClosedByBroker());
        }
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            // Produce v2 (message sets v1) is below what Eddy serves.
            client.Send(client.Frame(Produce("t", 0, Batch()), 2));
            Assert.True(client.IsClosedByBroker());
        }
        AssertServing(broker);
    }

    [Fact]
    public async Task Truncated_and_garbage_bodies_close_the_connection_and_leave_the_log_untouched()
    {
        await using var broker = await StartWithTopic();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var frame = client.Frame(Produce("t", 0, Batch()), 9);
            // Claim the frame is 20 bytes shorter than the body needs.
            var cut = frame.AsSpan(0, frame.Length - 20).ToArray();
            BinaryPrimitives.WriteInt32BigEndian(cut, cut.Length - 4);
            client.Send(cut);
            Assert.True(client.IsClosedByBroker());
        }
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var garbage = new byte[64];
            new Random(7).NextBytes(garbage);
            BinaryPrimitives.WriteInt32BigEndian(garbage, 60);
            BinaryPrimitives.WriteInt16BigEndian(garbage.AsSpan(4), (short)ApiKey.Metadata);
            BinaryPrimitives.WriteInt16BigEndian(garbage.AsSpan(6), 9);
            client.Send(garbage);
            Assert.True(client.IsClosedByBroker());
        }
        Assert.Equal(0, log.LogEndOffset);
        AssertServing(broker);
    }

    [Fact]
    public async Task Corrupt_batches_get_kafka_error_codes_and_are_not_appended()
    {
        await using var broker = await StartWithTopic();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);

        short Send(byte[] batch, short version = 9) =>
            client.Call<ProduceResponse>(Produce("t", 0, batch), version).Response.Responses[0].PartitionResponses[0].ErrorCode;

        var badCrc = Batch();
        badCrc[^2] ^= 0x55;
        Assert.Equal((short)ErrorCode.CorruptMessage, Send(badCrc));

        var badMagic = Batch();
        badMagic[RecordBatch.MagicOffset] = 1;
        Assert.Equal((short)ErrorCode.InvalidRecord, Send(badMagic));

        var badDelta = Batch();
        BinaryPrimitives.WriteInt32BigEndian(badDelta.AsSpan(RecordBatch.LastOffsetDeltaOffset), 7);
        RecordBatch.RewriteCrc(badDelta);
        Assert.Equal((short)ErrorCode.InvalidRecord, Send(badDelta));

        var truncated = Batch()[..40];
        Assert.Equal((short)ErrorCode.CorruptMessage, Send(truncated));

        var twoBatches = Batch().Concat(Batch()).ToArray();
        Assert.Equal((short)ErrorCode.InvalidRecord, Send(twoBatches));

        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(0, Send(Batch()));
        Assert.Equal(3, log.LogEndOffset);
    }

    [Fact]
    public async Task Missing_topics_invalid_names_and_bad_acks()
    {
        await using var broker = await StartWithTopic(props: new Dictionary<string, string> { [BrokerConfigs.AutoCreateTopics] = "false" });
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var produce = client.Call<ProduceResponse>(Produce("nope", 0, Batch()), 9).Response;
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, produce.Responses[0].PartitionResponses[0].ErrorCode);
        var badPartition = client.Call<ProduceResponse>(Produce("t", 9, Batch()), 9).Response;
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, badPartition.Responses[0].PartitionResponses[0].ErrorCode);
        var badAcks = client.Call<ProduceResponse>(Produce("t", 0, Batch(), acks: 2), 9).Response;
        Assert.Equal((short)ErrorCode.InvalidRequiredAcks, badAcks.Responses[0].PartitionResponses[0].ErrorCode);

        var metadata = client.Call<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = "missing" }, new MetadataRequest.MetadataRequestTopic { Name = "bad/name" }],
            AllowAutoTopicCreation = true,
        }, 12).Response;
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, metadata.Topics[0].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTopicException, metadata.Topics[1].ErrorCode);
        Assert.Null(broker.Broker.Topics.Find("missing"));
    }

    [Fact]
    public async Task Acks_zero_gets_no_response_but_the_batch_is_appended()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        client.Send(client.Frame(Produce("t", 0, Batch(), acks: 0), 9, correlationId: 1));
        client.Send(client.Frame(new ApiVersionsRequest(), 0, correlationId: 2));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(client.ReceiveFrame()));
        Assert.Equal(3, broker.Broker.Topics.Find("t")!.Partitions[0].Log.LogEndOffset);
    }

    [Fact]
    public async Task Fetch_long_polls_until_data_arrives()
    {
        await using var broker = await StartWithTopic();
        using var consumer = new RawKafkaClient(broker.BootstrapServers);
        var fetch = new FetchRequest
        {
            MaxWaitMs = 10_000,
            MinBytes = 1,
            MaxBytes = 1 << 20,
            Topics = [new FetchRequest.FetchTopic { Topic = "t", Partitions = [new FetchRequest.FetchPartition { Partition = 1, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        };
        var watch = Stopwatch.StartNew();
        consumer.Send(consumer.Frame(fetch, 11));
        await Task.Delay(300);
        using (var producer = new RawKafkaClient(broker.BootstrapServers))
        {
            producer.Call<ProduceResponse>(Produce("t", 1, Batch(5)), 9);
        }
        var (_, response) = RawKafkaClient.Decode<FetchResponse>(consumer.ReceiveFrame()!, ApiKey.Fetch, 11);
        watch.Stop();
        Assert.True(watch.ElapsedMilliseconds < 5_000, $"took {watch.ElapsedMilliseconds} ms");
        var data = response.Responses[0].Partitions[0];
        Assert.Equal(5, data.HighWatermark);
        var records = RecordBatchReader.ReadBatches(((MemoryRecords)data.Records!).Buffer).SelectMany(b => b.Records).ToList();
        Assert.Equal(5, records.Count);
        Assert.Equal("v4", Encoding.UTF8.GetString(records[4].Value!.Value.Span));

        // An empty partition answers after MaxWaitMs with no records.
        fetch.MaxWaitMs = 200;
        fetch.Topics[0].Partitions[0].Partition = 0;
        watch.Restart();
        var (_, empty) = consumer.Call<FetchResponse>(fetch, 11);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 5_000);
        Assert.Equal(0, empty.Responses[0].Partitions[0].Records!.SizeInBytes);

        // Out of range.
        fetch.Topics[0].Partitions[0].FetchOffset = 100;
        var (_, outOfRange) = consumer.Call<FetchResponse>(fetch, 11);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, outOfRange.Responses[0].Partitions[0].ErrorCode);
    }
}

public class StartupTests
{
    [Fact]
    public async Task A_second_broker_cannot_take_the_same_port_or_data_directory()
    {
        await using var first = await BrokerFixture.StartAsync();
        var port = first.Broker.LocalEndPoint.Port;
        using var otherData = new TempDirectory();
        var samePort = await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => BrokerFixture.StartAsync(
            new Dictionary<string, string> { [BrokerConfigs.Listeners] = $"PLAINTEXT://127.0.0.1:{port}" }, otherData.Path));
        Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, samePort.SocketErrorCode);
        var sameDirectory = await Assert.ThrowsAsync<IOException>(() => BrokerFixture.StartAsync(dataDirectory: first.DataDirectory));
        Assert.Contains("in use", sameDirectory.Message, StringComparison.Ordinal);
    }
}
