using Confluent.Kafka;
using Eddy.Engine.Records;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>One committed record as a read_committed consumer sees it, with the row kind of its <c>eddy.kind</c> header.</summary>
internal readonly record struct CommittedRecord(byte[] Key, byte[]? Value, RowKind Kind);

/// <summary>What the chaos tests read back from the broker after the faults: committed records and open transactions.</summary>
internal static class CommittedLog
{
    /// <summary>The header a changelog sink writes a row's kind in (absent: insert); see Eddy.Engine.Kafka's OutputWriter.</summary>
    public const string KindHeader = "eddy.kind";

    /// <summary>Every committed record of a topic's partitions, in offset order per partition, read until the end of each.</summary>
    public static List<CommittedRecord>[] ReadAll(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "verifier-" + topic,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = Enumerable.Range(0, partitions).Select(_ => new List<CommittedRecord>()).ToArray();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (atEnd.Count < partitions)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{topic}: reading did not reach the end of partitions {string.Join(",", Enumerable.Range(0, partitions).Except(atEnd))}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            atEnd.Remove(result.Partition.Value);
            records[result.Partition.Value].Add(new CommittedRecord(result.Message.Key, result.Message.Value, KindOf(result.Message.Headers)));
        }

        return records;
    }

    public static RowKind KindOf(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes(KindHeader, out var kind) && kind.Length == 1 ? (RowKind)kind[0] : RowKind.Insert;

    /// <summary>
    /// After the writers stopped: every partition whose last stable offset stays below its high watermark (a
    /// transaction left open), as a problem.
    /// </summary>
    public static List<string> OpenTransactions(string bootstrap, IEnumerable<string> topics, int partitions)
    {
        var problems = new List<string>();
        using var raw = new RawKafkaClient(bootstrap);
        foreach (var topic in topics)
        {
            for (var partition = 0; partition < partitions; partition++)
            {
                // The last commit's markers may still be landing: give them a moment, not a transaction timeout.
                var deadline = DateTime.UtcNow.AddSeconds(5);
                long stable, high;
                while (true)
                {
                    stable = LatestOffset(raw, topic, partition, readCommitted: true);
                    high = LatestOffset(raw, topic, partition, readCommitted: false);
                    if (stable == high || DateTime.UtcNow > deadline)
                    {
                        break;
                    }

                    Thread.Sleep(200);
                }

                if (stable != high)
                {
                    problems.Add($"{topic}/{partition}: a transaction is left open: last stable offset {stable} < high watermark {high}");
                }
            }
        }

        return problems;
    }

    private static long LatestOffset(RawKafkaClient raw, string topic, int partition, bool readCommitted)
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = (sbyte)(readCommitted ? 1 : 0),
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = -1 }] }],
        };
        var (_, response) = raw.Call<ListOffsetsResponse>(request, 5);
        var result = response.Topics[0].Partitions[0];
        Assert.Equal(0, result.ErrorCode);
        return result.Offset;
    }
}
