using System.Text;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>One fetched record (or control record) with the header fields of its batch.</summary>
internal sealed record FetchedRecord(long Offset, string? Value, long ProducerId, short ProducerEpoch, bool Transactional, bool Control);

/// <summary>
/// The requests of idempotent and transactional producers, built by hand for <see cref="RawKafkaClient"/>: what
/// librdkafka or the Java client would send, so the tests can send them out of order, with old epochs or twice.
/// </summary>
internal static class TxnRequests
{
    /// <summary>A batch of <paramref name="count"/> records valued "prefix-i", stamped <paramref name="timestamp"/> (default: a fixed past time).</summary>
    public static byte[] Batch(string prefix, int count, long producerId = -1, short epoch = -1, int sequence = -1, bool transactional = false, long timestamp = 1_700_000_000_000) =>
        RecordBatchBuilder.Build(
            [.. Enumerable.Range(0, count).Select(i => Eddy.Protocol.Record.Create(timestamp + i, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"{prefix}-{i}")))],
            producerId: producerId,
            producerEpoch: epoch,
            baseSequence: sequence,
            transactional: transactional);

    public static InitProducerIdResponse InitProducerId(RawKafkaClient client, string? transactionalId, int timeoutMs = 60_000, short version = 4) =>
        client.Call<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = timeoutMs }, version).Response;

    /// <summary>InitProducerId that must succeed: the producer id and epoch.</summary>
    public static (long ProducerId, short Epoch) Init(RawKafkaClient client, string? transactionalId, int timeoutMs = 60_000)
    {
        var response = InitProducerId(client, transactionalId, timeoutMs);
        Assert.Equal(0, response.ErrorCode);
        Assert.True(response.ProducerId >= 0, $"producer id {response.ProducerId}");
        return (response.ProducerId, response.ProducerEpoch);
    }

    public static ProduceResponse.PartitionProduceResponse Produce(RawKafkaClient client, string topic, int partition, byte[] batch, string? transactionalId = null, short version = 9)
    {
        var response = client.Call<ProduceResponse>(new ProduceRequest
        {
            TransactionalId = transactionalId,
            Acks = -1,
            TimeoutMs = 5000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = new MemoryRecords(batch) }] }],
        }, version).Response;
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }

    /// <summary>AddPartitionsToTxn (client form, v0–3): the error of each (topic, partition), in request order.</summary>
    public static List<(string Topic, int Partition, short Error)> AddPartitions(RawKafkaClient client, string transactionalId, long producerId, short epoch,
        IEnumerable<(string Topic, int Partition)> partitions, short version = 3)
    {
        var request = new AddPartitionsToTxnRequest
        {
            V3AndBelowTransactionalId = transactionalId,
            V3AndBelowProducerId = producerId,
            V3AndBelowProducerEpoch = epoch,
            V3AndBelowTopics = [.. partitions.GroupBy(p => p.Topic).Select(g => new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = g.Key, Partitions = [.. g.Select(p => p.Partition)] })],
        };
        var response = client.Call<AddPartitionsToTxnResponse>(request, version).Response;
        return [.. response.ResultsByTopicV3AndBelow.SelectMany(t => t.ResultsByPartition.Select(p => (t.Name, p.PartitionIndex, p.PartitionErrorCode)))];
    }

    /// <summary>AddPartitionsToTxn that must succeed for every partition.</summary>
    public static void Add(RawKafkaClient client, string transactionalId, long producerId, short epoch, params (string Topic, int Partition)[] partitions)
    {
        var results = AddPartitions(client, transactionalId, producerId, epoch, partitions);
        Assert.Equal(partitions.Length, results.Count);
        Assert.All(results, r => Assert.Equal(0, r.Error));
    }

    public static short AddOffsets(RawKafkaClient client, string transactionalId, long producerId, short epoch, string group, short version = 3) =>
        client.Call<AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest { TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, GroupId = group }, version).Response.ErrorCode;

    public static short EndTxn(RawKafkaClient client, string transactionalId, long producerId, short epoch, bool commit, short version = 3) =>
        client.Call<EndTxnResponse>(new EndTxnRequest { TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, Committed = commit }, version).Response.ErrorCode;

    /// <summary>One Fetch of one partition.</summary>
    public static FetchResponse.PartitionData FetchOnce(RawKafkaClient client, string topic, int partition, long offset, bool readCommitted, short version = 12)
    {
        var response = client.Call<FetchResponse>(new FetchRequest
        {
            MaxWaitMs = 0,
            MinBytes = 0,
            MaxBytes = 1 << 24,
            IsolationLevel = readCommitted ? (sbyte)1 : (sbyte)0,
            Topics = [new FetchRequest.FetchTopic { Topic = topic, Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1 << 24 }] }],
        }, version).Response;
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    /// <summary>
    /// Fetches from <paramref name="offset"/> to the end (the LSO for read_committed), as a client does: a fetch returns
    /// the batches of one segment at most. The answer has the last response's offsets, every batch read and every
    /// aborted transaction reported.
    /// </summary>
    public static FetchResponse.PartitionData Fetch(RawKafkaClient client, string topic, int partition, long offset, bool readCommitted)
    {
        var bytes = new List<byte>();
        var aborted = new List<FetchResponse.AbortedTransaction>();
        var position = offset;
        FetchResponse.PartitionData data;
        while (true)
        {
            data = FetchOnce(client, topic, partition, position, readCommitted);
            if (data.ErrorCode != 0 || data.Records is not MemoryRecords { Buffer.Length: > 0 } records)
            {
                break;
            }
            bytes.AddRange(records.Buffer.ToArray());
            aborted.AddRange((data.AbortedTransactions ?? []).Where(a => !aborted.Any(b => b.ProducerId == a.ProducerId && b.FirstOffset == a.FirstOffset)));
            var next = RecordBatchReader.ReadBatches(records.Buffer).Select(b => RecordBatch.LastOffset(b.Batch.Span) + 1).DefaultIfEmpty(position).Max();
            if (next <= position || next >= (readCommitted ? data.LastStableOffset : data.HighWatermark))
            {
                break;
            }
            position = next;
        }
        if (data.ErrorCode == 0)
        {
            data.Records = new MemoryRecords(bytes.ToArray());
            data.AbortedTransactions = readCommitted ? aborted : data.AbortedTransactions;
        }
        return data;
    }

    /// <summary>Every record of the fetched batches, control records included, with its batch's producer fields.</summary>
    public static List<FetchedRecord> Records(FetchResponse.PartitionData data)
    {
        var result = new List<FetchedRecord>();
        if (data.Records is not MemoryRecords { } records)
        {
            return result;
        }
        foreach (var (batch, batchRecords) in RecordBatchReader.ReadBatches(records.Buffer))
        {
            var header = batch.Span;
            foreach (var record in batchRecords)
            {
                var control = RecordBatch.IsControl(header);
                result.Add(new FetchedRecord(
                    record.Offset,
                    control || record.Value is not { } value ? null : Encoding.UTF8.GetString(value.Span),
                    RecordBatch.ProducerId(header),
                    RecordBatch.ProducerEpoch(header),
                    RecordBatch.IsTransactional(header),
                    control));
            }
        }
        return result;
    }

    /// <summary>The values a read_committed client keeps: data records of committed (or non-transactional) batches.</summary>
    public static List<string> CommittedValues(FetchResponse.PartitionData data)
    {
        var aborted = (data.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)).ToList();
        var result = new List<string>();
        // As librdkafka does: a producer's transactional data at or after an aborted first offset is dropped until
        // that producer's next ABORT marker.
        var skipping = new HashSet<long>();
        foreach (var record in Records(data))
        {
            foreach (var (producerId, firstOffset) in aborted.Where(a => a.FirstOffset <= record.Offset).ToList())
            {
                skipping.Add(producerId);
                aborted.Remove((producerId, firstOffset));
            }
            if (record.Control)
            {
                skipping.Remove(record.ProducerId);
                continue;
            }
            if (!(record.Transactional && skipping.Contains(record.ProducerId)))
            {
                result.Add(record.Value!);
            }
        }
        return result;
    }

    public static long ListLatest(RawKafkaClient client, string topic, int partition, bool readCommitted, short version = 7)
    {
        var response = client.Call<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = readCommitted ? (sbyte)1 : (sbyte)0,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = -1 }] }],
        }, version).Response;
        var result = Assert.Single(Assert.Single(response.Topics).Partitions);
        Assert.Equal(0, result.ErrorCode);
        return result.Offset;
    }

    public static DescribeTransactionsResponse.TransactionState Describe(RawKafkaClient client, string transactionalId) =>
        Assert.Single(client.Call<DescribeTransactionsResponse>(new DescribeTransactionsRequest { TransactionalIds = [transactionalId] }, 0).Response.TransactionStates);

    public static List<DescribeProducersResponse.ProducerState> Producers(RawKafkaClient client, string topic, int partition)
    {
        var response = client.Call<DescribeProducersResponse>(new DescribeProducersRequest
        {
            Topics = [new DescribeProducersRequest.TopicRequest { Name = topic, PartitionIndexes = [partition] }],
        }, 0).Response;
        var result = Assert.Single(Assert.Single(response.Topics).Partitions);
        Assert.Equal(0, result.ErrorCode);
        return result.ActiveProducers;
    }
}
