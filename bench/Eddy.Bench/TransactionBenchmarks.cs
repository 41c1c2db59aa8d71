using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench transactions`: (1) an exactly-once consume-transform-produce copier (read_committed consumer, one
/// transactional producer, offsets sent to the transaction, a commit every 100 ms) copying N records of S bytes while
/// a load generator produces them, reported in MB/s copied; (2) the commit of a transaction over 4 partitions
/// (records already flushed, so the time is the EndTxn round trip with its markers), reported as percentiles.
/// </summary>
public static class TransactionBenchmarks
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs the copier and the commit-latency measurement, reporting to <paramref name="output"/>; returns 0 when every record was copied.</summary>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--set", "group.initial.rebalance.delay.ms=0") : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var pid = options.BrokerPid ?? broker?.Pid;
        var sampler = pid is { } p && ProcessSampler.IsAvailable(p) ? new ProcessSampler(p) : null;
        var run = Guid.NewGuid().ToString("N")[..8];
        var (input, copy, commits) = (options.Topic + "-txn-in-" + run, options.Topic + "-txn-out-" + run, options.Topic + "-txn-commit-" + run);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([
                new TopicSpecification { Name = input, NumPartitions = options.Partitions, ReplicationFactor = 1 },
                new TopicSpecification { Name = copy, NumPartitions = options.Partitions, ReplicationFactor = 1 },
                new TopicSpecification { Name = commits, NumPartitions = 4, ReplicationFactor = 1 }]);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"transactions: copier {input} -> {copy} ({options.Partitions} partitions, {Math.Clamp(Environment.ProcessorCount, 1, options.Partitions)} copier threads), {options.Records:N0} records x {options.RecordSize} B, commit every {CommitInterval.TotalMilliseconds:F0} ms, generator running alongside, broker={bootstrap}"));
        var cpuBefore = sampler?.CpuSeconds() ?? 0;
        var generator = Task.Run(() => Generate(bootstrap, input, options, cancellationToken), cancellationToken);
        var copied = Copy(bootstrap, input, copy, options, progress, cancellationToken);
        var generated = await generator;
        var mb = copied.Records * (double)options.RecordSize / 1_000_000;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  generator: {options.Records:N0} records produced and acknowledged in {generated.TotalSeconds:F2} s ({mb / generated.TotalSeconds:F1} MB/s) alongside the copier"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  copied {copied.Records:N0} records in {copied.Elapsed.TotalSeconds:F2} s: {mb / copied.Elapsed.TotalSeconds:F1} MB/s, {copied.Records / copied.Elapsed.TotalSeconds:N0} records/s, {copied.Transactions:N0} transactions"));
        var (c50, c99, _, cMax) = copied.CommitLatency.Percentiles();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  copier commit (SendOffsetsToTransaction + CommitTransaction): p50 {c50:F2} ms, p99 {c99:F2} ms, max {cMax:F2} ms"));
        if (sampler is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  broker: {(sampler.CpuSeconds() - cpuBefore) / copied.Elapsed.TotalSeconds:F2} cores (while generating and copying), RSS {sampler.RssBytes() / 1_000_000} MB"));
        }

        var endTxn = MeasureCommits(bootstrap, commits, rounds: 2000, cancellationToken);
        var (e50, e99, e999, eMax) = endTxn.Percentiles();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  commit of a transaction over 4 partitions (EndTxn round trip, {endTxn.Count:N0} commits): p50 {e50:F2} ms, p99 {e99:F2} ms, p99.9 {e999:F2} ms, max {eMax:F2} ms"));
        return copied.Records == options.Records ? 0 : 1;
    }

    /// <summary>Produces the input as fast as the machine allows; returns how long until all was acknowledged.</summary>
    private static TimeSpan Generate(string bootstrap, string topic, BenchOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1 << 20,
            QueueBufferingMaxKbytes = 1 << 20,
        }).Build();
        var value = new byte[options.RecordSize];
        Random.Shared.NextBytes(value);
        var message = new Message<Null, byte[]> { Value = value };
        for (long i = 0; i < options.Records && !cancellationToken.IsCancellationRequested; i++)
        {
            var partition = new TopicPartition(topic, (int)(i % options.Partitions));
            while (true)
            {
                try
                {
                    producer.Produce(partition, message);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(1));
                }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(2));
        return clock.Elapsed;
    }

    private sealed record CopyResult(long Records, long Transactions, TimeSpan Elapsed, LatencyHistogram CommitLatency);

    /// <summary>Shared by the copier threads: what they have committed together, and when the first record arrived.</summary>
    private sealed class CopyProgress
    {
        private long _copied;
        private long _transactions;
        private long _firstRecordTicks;

        public long Copied => Interlocked.Read(ref _copied);

        public long Transactions => Interlocked.Read(ref _transactions);

        public LatencyHistogram CommitLatency { get; } = new(1_000_000);

        public void Started() => Interlocked.CompareExchange(ref _firstRecordTicks, Stopwatch.GetTimestamp(), 0);

        public void Committed(long records, long micros)
        {
            Interlocked.Add(ref _copied, records);
            Interlocked.Increment(ref _transactions);
            CommitLatency.Record(micros);
        }

        public TimeSpan SinceFirstRecord() =>
            Interlocked.Read(ref _firstRecordTicks) is var ticks && ticks == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(ticks);
    }

    /// <summary>
    /// One copier thread per core, as Kafka Streams runs num.stream.threads: each has its own partitions of the input,
    /// its own read_committed consumer and its own transactional producer.
    /// </summary>
    private static CopyResult Copy(string bootstrap, string input, string output, BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var threads = Math.Clamp(Environment.ProcessorCount, 1, options.Partitions);
        var shared = new CopyProgress();
        var workers = Enumerable.Range(0, threads)
            .Select(i => new Thread(() => CopyPartitions(bootstrap, input, output, i, threads, options, shared, cancellationToken)) { Name = $"copier-{i}" })
            .ToList();
        workers.ForEach(w => w.Start());
        var lastReport = Stopwatch.StartNew();
        while (workers.Any(w => w.IsAlive))
        {
            workers.First(w => w.IsAlive).Join(TimeSpan.FromMilliseconds(200));
            if (lastReport.Elapsed >= TimeSpan.FromSeconds(1))
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  copied {shared.Copied:N0} / {options.Records:N0}"));
                lastReport.Restart();
            }
        }
        return new CopyResult(shared.Copied, shared.Transactions, shared.SinceFirstRecord(), shared.CommitLatency);
    }

    private static void CopyPartitions(string bootstrap, string input, string output, int worker, int workers, BenchOptions options, CopyProgress shared, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-copier-" + input,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxBytes = 64 << 20,
            MaxPartitionFetchBytes = 8 << 20,
        }).Build();
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = $"bench-copier-{input}-{worker}",
            LingerMs = 2,
            BatchSize = 1 << 20,
            QueueBufferingMaxKbytes = 1 << 20,
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        // Fixed partitions per thread (no rebalance to abort transactions for in the middle of a measurement).
        consumer.Assign(Enumerable.Range(0, options.Partitions).Where(p => p % workers == worker).Select(p => new TopicPartitionOffset(input, p, Offset.Beginning)));
        var outputPartitions = Enumerable.Range(0, options.Partitions).Select(p => new TopicPartition(output, p)).ToArray();
        var giveUp = Stopwatch.StartNew();
        while (shared.Copied < options.Records && !cancellationToken.IsCancellationRequested && giveUp.Elapsed < TimeSpan.FromMinutes(5))
        {
            producer.BeginTransaction();
            var interval = Stopwatch.StartNew();
            var inTransaction = 0;
            while (interval.Elapsed < CommitInterval)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(10));
                if (result?.Message is not { } consumed)
                {
                    continue;
                }
                shared.Started();
                var message = new Message<Null, byte[]> { Value = consumed.Value, Timestamp = consumed.Timestamp, Headers = consumed.Headers };
                while (true)
                {
                    try
                    {
                        producer.Produce(outputPartitions[result.Partition.Value], message);
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(1));
                    }
                }
                inTransaction++;
            }
            var commit = Stopwatch.StartNew();
            var positions = consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))).Where(tpo => tpo.Offset >= 0).ToList();
            producer.SendOffsetsToTransaction(positions, consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            shared.Committed(inTransaction, commit.ElapsedTicks * 1_000_000 / Stopwatch.Frequency);
        }
        consumer.Close();
    }

    private static LatencyHistogram MeasureCommits(string bootstrap, string topic, int rounds, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = "bench-endtxn-" + topic,
            LingerMs = 0,
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        var value = new byte[100];
        var latency = new LatencyHistogram(rounds);
        for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            producer.BeginTransaction();
            for (var partition = 0; partition < 4; partition++)
            {
                producer.Produce(new TopicPartition(topic, partition), new Message<Null, byte[]> { Value = value });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
            var watch = Stopwatch.StartNew();
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            latency.Record(watch.ElapsedTicks * 1_000_000 / Stopwatch.Frequency);
        }
        return latency;
    }
}
