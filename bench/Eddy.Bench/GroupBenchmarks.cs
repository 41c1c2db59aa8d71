using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench groups`: how long a consumer-group rebalance takes after the last member joins (3 members,
/// 12 partitions, Confluent.Kafka consumers) and how many offset commits per second one client gets through,
/// both synchronously (Confluent.Kafka Commit) and pipelined on one connection.
/// </summary>
public static class GroupBenchmarks
{
    private const int Partitions = 12;
    private const int Members = 3;

    /// <summary>Measures rebalances and offset commits, reporting to <paramref name="output"/>; returns 0.</summary>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--set", "group.initial.rebalance.delay.ms=0") : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var topic = options.Topic + "-groups";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            try
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == Confluent.Kafka.ErrorCode.TopicAlreadyExists))
            {
                // Reuse it.
            }
        }
        output.WriteLine($"groups: {Members} members over {Partitions} partitions of {topic}, broker={bootstrap}");

        var rebalances = MeasureRebalances(bootstrap, topic, rounds: 5, progress, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rebalance after the last member joins: median {Median(rebalances):F0} ms, max {rebalances.Max():F0} ms ({rebalances.Count} rounds)"));

        var sync = MeasureSyncCommits(bootstrap, topic, TimeSpan.FromSeconds(5));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  offset commits, Confluent.Kafka Commit (synchronous): {sync:N0} commits/s"));
        var pipelined = MeasurePipelinedCommits(bootstrap, topic, TimeSpan.FromSeconds(5), inFlight: 64);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  offset commits, one connection with 64 in flight: {pipelined:N0} commits/s"));
        return 0;
    }

    private static List<double> MeasureRebalances(string bootstrap, string topic, int rounds, TextWriter progress, CancellationToken cancellationToken)
    {
        var group = "bench-rebalance-" + Guid.NewGuid().ToString("N")[..8];
        var results = new List<double>();
        var consumers = new List<IConsumer<Ignore, Ignore>>();
        try
        {
            for (var i = 0; i < Members - 1; i++)
            {
                consumers.Add(Consumer(bootstrap, group));
                consumers[^1].Subscribe(topic);
            }
            PollUntil(consumers, () => consumers.Sum(c => c.Assignment.Count) == Partitions, TimeSpan.FromSeconds(30), cancellationToken);
            for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                var last = Consumer(bootstrap, group);
                var watch = Stopwatch.StartNew();
                last.Subscribe(topic);
                consumers.Add(last);
                var done = PollUntil(consumers, () => consumers.All(c => c.Assignment.Count == Partitions / Members), TimeSpan.FromSeconds(30), cancellationToken);
                watch.Stop();
                if (done)
                {
                    results.Add(watch.Elapsed.TotalMilliseconds);
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  rebalance round {round + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms"));
                }
                last.Close();
                last.Dispose();
                consumers.Remove(last);
                PollUntil(consumers, () => consumers.Sum(c => c.Assignment.Count) == Partitions, TimeSpan.FromSeconds(30), cancellationToken);
            }
        }
        finally
        {
            foreach (var consumer in consumers)
            {
                consumer.Close();
                consumer.Dispose();
            }
        }
        return results.Count > 0 ? results : [double.NaN];
    }

    private static IConsumer<Ignore, Ignore> Consumer(string bootstrap, string group) => new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = group,
        EnableAutoCommit = false,
        HeartbeatIntervalMs = 100,
        SessionTimeoutMs = 10_000,
        ClientId = "eddy-bench",
    }).Build();

    // Every member polls (a member only takes part in a rebalance from inside Consume).
    private static bool PollUntil(List<IConsumer<Ignore, Ignore>> consumers, Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            Parallel.ForEach(consumers, c => c.Consume(TimeSpan.FromMilliseconds(5)));
        }
        return true;
    }

    private static double MeasureSyncCommits(string bootstrap, string topic, TimeSpan duration)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-commits-" + Guid.NewGuid().ToString("N")[..8],
            EnableAutoCommit = false,
        }).Build();
        var partition = new TopicPartition(topic, 0);
        consumer.Commit([new TopicPartitionOffset(partition, 0)]);
        var watch = Stopwatch.StartNew();
        long commits = 0;
        while (watch.Elapsed < duration)
        {
            consumer.Commit([new TopicPartitionOffset(partition, commits % 1000)]);
            commits++;
        }
        return commits / watch.Elapsed.TotalSeconds;
    }

    private static double MeasurePipelinedCommits(string bootstrap, string topic, TimeSpan duration, int inFlight)
    {
        var colon = bootstrap.LastIndexOf(':');
        using var client = new TcpClient(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..], CultureInfo.InvariantCulture)) { NoDelay = true };
        using var stream = client.GetStream();
        var group = "bench-pipelined-" + Guid.NewGuid().ToString("N")[..8];
        byte[] Frame(int correlationId)
        {
            using var writer = new KafkaWriter(256);
            var sizeAt = writer.ReserveInt32();
            new RequestHeader { RequestApiKey = (short)ApiKey.OffsetCommit, RequestApiVersion = 7, CorrelationId = correlationId, ClientId = "eddy-bench" }.Write(writer, 1);
            new OffsetCommitRequest
            {
                GroupId = group,
                GenerationIdOrMemberEpoch = -1,
                Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = topic, Partitions = [new() { PartitionIndex = correlationId % Partitions, CommittedOffset = correlationId }] }],
            }.Write(writer, 7);
            writer.PatchInt32(sizeAt, writer.Position - 4);
            return writer.WrittenMemory.ToArray();
        }
        var sizeBuffer = new byte[4];
        void ReadResponse()
        {
            stream.ReadExactly(sizeBuffer);
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(sizeBuffer)];
            stream.ReadExactly(body);
        }
        var sent = 0;
        long answered = 0;
        var watch = Stopwatch.StartNew();
        for (; sent < inFlight; sent++)
        {
            stream.Write(Frame(sent));
        }
        while (watch.Elapsed < duration)
        {
            ReadResponse();
            answered++;
            stream.Write(Frame(sent++));
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        for (var i = answered; i < sent; i++)
        {
            ReadResponse();
        }
        return answered / elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
