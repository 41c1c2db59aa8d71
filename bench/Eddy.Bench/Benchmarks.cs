using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench produce|consume`: Confluent.Kafka against a broker, reporting MB/s, records/s, latency percentiles
/// and, when the broker's process is known, its CPU and resident memory. Live numbers go to stderr every second.
/// </summary>
public static class Benchmarks
{
    /// <summary>Produces the records and reports throughput, delivery latency and broker cost to <paramref name="output"/>; returns 0 when every record was delivered.</summary>
    public static async Task<int> ProduceAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken) : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var sampler = Sampler(options, broker);
        var topic = await PrepareTopicAsync(bootstrap, options, fresh: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"produce: {options.Records:N0} records x {options.RecordSize} B to {topic} ({options.Partitions} partitions), acks={options.Acks}, compression={options.Compression}, offered={(options.RateMBps > 0 ? options.RateMBps + " MB/s" : "max")}, broker={bootstrap}"));
        var result = RunProducer(bootstrap, topic, options, sampler, progress, cancellationToken);
        Report(output, "produce", result, options, sampler);
        return result.Failed == 0 ? 0 : 1;
    }

    /// <summary>Consumes the records (loading them first if the topic has fewer) and reports throughput to <paramref name="output"/>; returns 0 when all were read.</summary>
    public static async Task<int> ConsumeAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken) : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var sampler = Sampler(options, broker);
        var topic = await PrepareTopicAsync(bootstrap, options, fresh: broker is not null);
        var present = CountRecords(bootstrap, topic, options.Partitions);
        if (present < options.Records)
        {
            progress.WriteLine($"loading {options.Records - present:N0} records into {topic} first...");
            RunProducer(bootstrap, topic, options with { Records = options.Records - present, RateMBps = 0 }, null, progress, cancellationToken);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"consume: {options.Records:N0} records x {options.RecordSize} B from {topic} ({options.Partitions} partitions), broker={bootstrap}"));
        var cpuBefore = sampler?.CpuSeconds() ?? 0;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "eddy-bench-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            ClientId = "eddy-bench",
            FetchMaxBytes = 64 * 1024 * 1024,
            MaxPartitionFetchBytes = 8 * 1024 * 1024,
            QueuedMaxMessagesKbytes = 256 * 1024,
        };
        Apply(config, options.ClientProperties);
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, options.Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        long count = 0, bytes = 0;
        var watch = Stopwatch.StartNew();
        var nextReport = TimeSpan.FromSeconds(1);
        while (count < options.Records && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is { } message)
            {
                count++;
                bytes += message.Value?.Length ?? 0;
            }
            if (watch.Elapsed >= nextReport)
            {
                Progress(progress, "consume", count, options.Records, bytes, watch.Elapsed, sampler);
                nextReport += TimeSpan.FromSeconds(1);
            }
        }
        watch.Stop();
        var run = new RunResult(count, 0, bytes, watch.Elapsed, null, (sampler?.CpuSeconds() ?? 0) - cpuBefore);
        Report(output, "consume", run, options, sampler);
        return count >= options.Records ? 0 : 1;
    }

    private sealed record RunResult(long Records, long Failed, long Bytes, TimeSpan Elapsed, LatencyHistogram? Latency, double BrokerCpuSeconds);

    private static RunResult RunProducer(string bootstrap, string topic, BenchOptions options, ProcessSampler? sampler, TextWriter progress, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "eddy-bench",
            Acks = options.Acks switch { "0" => Confluent.Kafka.Acks.None, "1" => Confluent.Kafka.Acks.Leader, _ => Confluent.Kafka.Acks.All },
            CompressionType = Enum.Parse<CompressionType>(options.Compression, ignoreCase: true),
            LingerMs = 5,
            BatchSize = 1024 * 1024,
            QueueBufferingMaxKbytes = 512 * 1024,
            QueueBufferingMaxMessages = 1_000_000,
        };
        Apply(config, options.ClientProperties);
        var payload = new byte[options.RecordSize];
        Random.Shared.NextBytes(payload);
        var latency = new LatencyHistogram(options.Records);
        long delivered = 0, failed = 0;
        var cpuBefore = sampler?.CpuSeconds() ?? 0;
        var watch = Stopwatch.StartNew();
        var bytesPerTick = options.RateMBps > 0 ? options.RateMBps * 1_000_000 / Stopwatch.Frequency : 0;
        var nextReport = TimeSpan.FromSeconds(1);
        using (var producer = new ProducerBuilder<Null, byte[]>(config).Build())
        {
            for (long i = 0; i < options.Records && !cancellationToken.IsCancellationRequested; i++)
            {
                if (bytesPerTick > 0)
                {
                    // Pace the offered load: record i is due once i * size bytes have been "earned". Sleeping (not
                    // spinning) while ahead keeps the load generator off the cores the broker and client need.
                    var due = (long)(i * options.RecordSize / bytesPerTick);
                    while (watch.ElapsedTicks < due)
                    {
                        Thread.Sleep(1);
                    }
                }
                var sent = Stopwatch.GetTimestamp();
                var message = new Message<Null, byte[]> { Value = payload };
                var partition = new TopicPartition(topic, (int)(i % options.Partitions));
                while (true)
                {
                    try
                    {
                        producer.Produce(partition, message, report =>
                        {
                            if (report.Error.IsError)
                            {
                                Interlocked.Increment(ref failed);
                                return;
                            }
                            Interlocked.Increment(ref delivered);
                            latency.Record((long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                        });
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(1));
                    }
                }
                if ((i & 1023) == 0 && watch.Elapsed >= nextReport)
                {
                    Progress(progress, "produce", Interlocked.Read(ref delivered), options.Records, Interlocked.Read(ref delivered) * options.RecordSize, watch.Elapsed, sampler);
                    nextReport += TimeSpan.FromSeconds(1);
                }
            }
            producer.Flush(cancellationToken);
        }
        watch.Stop();
        return new RunResult(delivered, failed, delivered * options.RecordSize, watch.Elapsed, latency, (sampler?.CpuSeconds() ?? 0) - cpuBefore);
    }

    private static ProcessSampler? Sampler(BenchOptions options, BenchBroker? broker)
    {
        var pid = options.BrokerPid ?? broker?.Pid;
        return pid is { } p && ProcessSampler.IsAvailable(p) ? new ProcessSampler(p) : null;
    }

    private static async Task<string> PrepareTopicAsync(string bootstrap, BenchOptions options, bool fresh)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var topic = fresh ? options.Topic : options.Topic;
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = options.Partitions, ReplicationFactor = 1 }]);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            // Reuse it.
        }
        return topic;
    }

    private static long CountRecords(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "eddy-bench-count" }).Build();
        long total = 0;
        for (var p = 0; p < partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            total += w.High.Value - w.Low.Value;
        }
        return total;
    }

    private static void Apply(ClientConfig config, IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        foreach (var (key, value) in properties)
        {
            config.Set(key, value);
        }
    }

    private static void Progress(TextWriter progress, string what, long done, long total, long bytes, TimeSpan elapsed, ProcessSampler? sampler)
    {
        var rss = sampler is null ? "" : $", broker RSS {sampler.RssBytes() / (1024 * 1024)} MB";
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {done:N0}/{total:N0} records ({100.0 * done / Math.Max(1, total):F0}%), {bytes / 1e6 / elapsed.TotalSeconds:F1} MB/s{rss}"));
    }

    private static void Report(TextWriter output, string what, RunResult run, BenchOptions options, ProcessSampler? sampler)
    {
        var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {run.Bytes / 1e6 / seconds:F1} MB/s, {run.Records / seconds:N0} records/s, {run.Records:N0} records in {seconds:F2} s{(run.Failed > 0 ? $", {run.Failed:N0} FAILED" : "")}"));
        if (run.Latency is { Count: > 0 } latency)
        {
            var (p50, p99, p999, max) = latency.Percentiles();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  latency ms: p50 {p50:F2}  p99 {p99:F2}  p999 {p999:F2}  max {max:F2}"));
        }
        if (sampler is not null)
        {
            var rss = sampler.RssBytes();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  broker (pid {sampler.Pid}): CPU {run.BrokerCpuSeconds / seconds:F2} cores ({run.BrokerCpuSeconds:F2} s), RSS {rss / (1024 * 1024)} MB (peak {sampler.PeakRssBytes() / (1024 * 1024)} MB)"));
        }
        output.Flush();
        _ = options;
    }
}
