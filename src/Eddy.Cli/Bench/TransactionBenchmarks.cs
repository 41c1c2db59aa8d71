using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Eddy.Cli.Bench;

/// <summary>
/// `eddy bench transactions`: (1) an exactly-once consume-transform-produce copier (read_committed consumer, one
/// transactional producer, offsets sent to the transaction, a commit every 100 ms) copying N records of S bytes while
/// a load generator produces them, reported in MB/s copied; (2) the commit of a transaction over 4 partitions
/// (records already flushed, so the time is the EndTxn round trip with its markers), reported as percentiles.
/// </summary>
internal static class TransactionBenchmarks
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        using var broker = options.Bootstrap is null ? BenchBroker.Start("--set", "group.initial.rebalance.delay.ms=0") : null;
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
            $"transactions: copier {input} -> {copy} ({options.Partitions} partitions), {options.Records:N0} records x {options.RecordSize} B, commit every {CommitInterval.TotalMilliseconds:F0} ms, generator running alongside, broker={bootstrap}"));
        var cpuBefore = sampler?.CpuSeconds() ?? 0;
        var generator = Task.Run(() => Generate(bootstrap, input, options, cancellationToken), cancellationToken);
        var copied = Copy(bootstrap, input, copy, options, progress, cancellationToken);
        await generator;
        var mb = copied.Records * (double)options.RecordSize / 1_000_000;
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

    private static void Generate(string bootstrap, string topic, BenchOptions options, CancellationToken cancellationToken)
    {
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
    }

    private sealed record CopyResult(long Records, long Transactions, TimeSpan Elapsed, LatencyHistogram CommitLatency);

    private static CopyResult Copy(string bootstrap, string input, string output, BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-copier-" + input,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxBytes = 64 << 20,
            MaxPartitionFetchBytes = 8 << 20,
        }).Build();
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = "bench-copier-" + input,
            LingerMs = 5,
            BatchSize = 1 << 20,
            QueueBufferingMaxKbytes = 1 << 20,
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        consumer.Subscribe(input);
        var latency = new LatencyHistogram(1_000_000);
        long copied = 0;
        long transactions = 0;
        Stopwatch? clock = null;
        var lastReport = Stopwatch.StartNew();
        var giveUp = Stopwatch.StartNew();
        while (copied < options.Records && !cancellationToken.IsCancellationRequested && giveUp.Elapsed < TimeSpan.FromMinutes(5))
        {
            producer.BeginTransaction();
            var interval = Stopwatch.StartNew();
            var inTransaction = 0;
            while (interval.Elapsed < CommitInterval && copied + inTransaction < options.Records)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(10));
                if (result?.Message is not { } message)
                {
                    continue;
                }
                clock ??= Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(output, result.Partition), message);
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
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
            latency.Record(commit.ElapsedTicks * 1_000_000 / Stopwatch.Frequency);
            copied += inTransaction;
            transactions++;
            if (lastReport.Elapsed >= TimeSpan.FromSeconds(1))
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  copied {copied:N0} / {options.Records:N0}"));
                lastReport.Restart();
            }
        }
        consumer.Close();
        return new CopyResult(copied, transactions, clock?.Elapsed ?? TimeSpan.Zero, latency);
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
