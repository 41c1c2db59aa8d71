using System.Collections.Concurrent;
using System.Text;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>
/// A deleted topic is known as deleted: requests that race its deletion are answered UNKNOWN_TOPIC_OR_PARTITION, while
/// a log found closed for any other reason is the bug it is (the request fails and is logged, it is not told "unknown").
/// </summary>
public class TopicDeletionTests
{
    private const short Unknown = (short)ErrorCode.UnknownTopicOrPartition;

    private static byte[] Batch() => RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(1_700_000_000_000, Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v"))]);

    private static short Produce(RawKafkaClient client, string topic) => client.Call<ProduceResponse>(new ProduceRequest
    {
        Acks = -1,
        TimeoutMs = 5000,
        TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecords(Batch()) }] }],
    }, 9).Response.Responses[0].PartitionResponses[0].ErrorCode;

    // Partition 1 is never written: its (empty) fetch response holds no bytes of the log, only the handler reads it.
    private static short FetchEmpty(RawKafkaClient client, string topic) =>
        TxnRequests.FetchOnce(client, topic, partition: 1, offset: 0, readCommitted: false).ErrorCode;

    private static short MaxTimestamp(RawKafkaClient client, string topic) => client.Call<ListOffsetsResponse>(new ListOffsetsRequest
    {
        ReplicaId = -1,
        Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -3 }] }],
    }, 7).Response.Topics[0].Partitions[0].ErrorCode;

    private static short DeleteRecords(RawKafkaClient client, string topic) => client.Call<DeleteRecordsResponse>(new DeleteRecordsRequest
    {
        TimeoutMs = 5000,
        Topics = [new DeleteRecordsRequest.DeleteRecordsTopic { Name = topic, Partitions = [new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = 1, Offset = 0 }] }],
    }, 2).Response.Topics[0].Partitions[0].ErrorCode;

    [Fact]
    public async Task Requests_racing_a_topic_deletion_get_success_or_unknown_topic_and_keep_their_connection()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var requests = new Func<RawKafkaClient, string, short>[] { Produce, FetchEmpty, MaxTimestamp, DeleteRecords };
        var clients = requests.Select(_ => new RawKafkaClient(broker.BootstrapServers)).ToList();
        var codes = new ConcurrentDictionary<short, int>();
        try
        {
            for (var round = 0; round < 25; round++)
            {
                var topic = $"race-{round}";
                Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create(topic, 2, new Dictionary<string, string>(), false, out _).Error);
                using var allRunning = new CountdownEvent(requests.Length);
                var loops = requests.Select((request, i) => Task.Run(() =>
                {
                    var signalled = false;
                    while (true)
                    {
                        var code = request(clients[i], topic);
                        codes.AddOrUpdate(code, 1, (_, n) => n + 1);
                        if (code == Unknown)
                        {
                            return;
                        }
                        if (!signalled)
                        {
                            allRunning.Signal();
                            signalled = true;
                        }
                    }
                })).ToList();
                // Deleted while every request type is in its loop, so some find the partition and then its log closed.
                Assert.True(allRunning.Wait(TimeSpan.FromSeconds(10)));
                Assert.Equal(ErrorCode.None, broker.Broker.Topics.Delete(topic).Error);
                await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(new short[] { 0, Unknown }, codes.Keys.Order());
    }

    [Fact]
    public async Task A_log_closed_without_its_topic_being_deleted_fails_the_request_instead_of_answering_unknown_topic()
    {
        await using var broker = await BrokerFixture.StartAsync();
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("t", 2, new Dictionary<string, string>(), false, out var topic).Error);
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Equal(0, Produce(client, "t"));
        }

        // What a disposal bug would leave: the topic still listed, its log closed.
        topic!.Partitions[0].Log.Dispose();

        Assert.False(topic.Partitions[0].IsDeleted);
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Throws<IOException>(() => Produce(client, "t"));
        }
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Throws<IOException>(() => MaxTimestamp(client, "t"));
        }
        // The broker itself goes on serving.
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Equal(0, FetchEmpty(client, "t"));
        }
    }

    [Fact]
    public async Task A_deleted_topics_partitions_know_they_were_deleted()
    {
        await using var broker = await BrokerFixture.StartAsync();
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("gone", 2, new Dictionary<string, string>(), false, out var topic).Error);
        Assert.All(topic!.Partitions, p => Assert.False(p.IsDeleted));

        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Delete("gone").Error);

        Assert.All(topic.Partitions, p => Assert.True(p.IsDeleted));
        Assert.Null(broker.Broker.Topics.Find("gone"));
    }
}
