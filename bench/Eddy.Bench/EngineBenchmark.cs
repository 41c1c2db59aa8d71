using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine;
using Eddy.Engine.Kafka;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench engine`: pre-loads N records of about S bytes (K keys, timestamps advancing at R records per event-time
/// second), then runs over them, each with EOS and a 100 ms commit interval, two stream threads (--threads), broker on the same
/// machine: (a) a stateless filter + map job, (b) a keyed 1 s tumbling-window count, (c) the same count with
/// Streamiz.Kafka.Net as the reference (a child process). A run is timed from the worker's start until the job's consumer
/// group has committed the whole input and everything it wrote to its repartition topic.
/// </summary>
public static class EngineBenchmark
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(10);

    private sealed record RunResult(string Name, long Records, TimeSpan Elapsed, long PeakRss, long PeakManaged, double WorkerCpu, double BrokerCpu, long Allocated, long Commits)
    {
        public double RecordsPerSecond => Records / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    /// <summary>
    /// Runs the benchmark: the table of results and the Eddy/Streamiz ratio go to <paramref name="output"/>, live
    /// numbers every second to <paramref name="progress"/>. Returns 0 when every run processed the whole input.
    /// </summary>
    /// <exception cref="FileNotFoundException">The Streamiz run is asked for and its program is not where <see cref="StreamizReference.Resolve"/> says.</exception>
    public static async Task<int> RunAsync(EngineBenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        string? streamiz = null;
        if (options.Jobs.Contains("streamiz"))
        {
            streamiz = StreamizReference.Resolve(options.StreamizPath);
            if (!File.Exists(streamiz))
            {
                throw new FileNotFoundException($"The Streamiz reference {streamiz} does not exist.", streamiz);
            }
        }

        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--set", "group.initial.rebalance.delay.ms=0") : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var brokerSampler = broker is not null && ProcessSampler.IsAvailable(broker.Pid) ? new ProcessSampler(broker.Pid) : null;
        var run = Guid.NewGuid().ToString("N")[..8];
        var input = $"engine-in-{run}";
        await CreateTopicAsync(bootstrap, input, options.Partitions);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine: {options.Records:N0} records of ~{options.RecordSize} B in {input} ({options.Partitions} partitions), {options.Keys:N0} keys, {options.EventRate:N0} records per event-time second; EOS, commit every {options.CommitInterval.TotalMilliseconds:F0} ms, {options.Threads} stream thread(s), broker={bootstrap}"));
        var loaded = Load(bootstrap, input, options, progress, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  loaded {options.Records:N0} records in {loaded.TotalSeconds:F1} s ({options.Records / loaded.TotalSeconds:N0} records/s)"));

        var results = new List<RunResult>();
        if (options.Jobs.Contains("stateless"))
        {
            var job = new JobBuilder($"bench-map-{run}");
            // Drops the tenth of the records whose value starts with '0', upper-cases the rest.
            job.Source(input, Serdes.String, Serdes.String)
                .Filter((_, value) => value.Length > 0 && value[0] != '0')
                .MapValues(value => value.ToUpperInvariant(), Serdes.String)
                .To($"engine-map-out-{run}");
            results.Add(await RunEddyAsync("eddy stateless filter+map", job.Build(), bootstrap, input, options, brokerSampler, progress, cancellationToken));
            Report(output, results[^1]);
        }

        if (options.Jobs.Contains("window"))
        {
            var job = new JobBuilder($"bench-window-{run}");
            job.Source(input, Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero))
                .KeyBy((key, _) => key, Serdes.String, name: "by-key")
                .Window(Engine.Windows.Tumbling(TimeSpan.FromSeconds(1)), name: "count")
                .Count()
                .To($"engine-window-out-{run}");
            results.Add(await RunEddyAsync("eddy window count", job.Build(), bootstrap, input, options, brokerSampler, progress, cancellationToken));
            Report(output, results[^1]);
        }

        if (streamiz is not null)
        {
            results.Add(await RunStreamizAsync(streamiz, bootstrap, input, run, options, brokerSampler, progress, cancellationToken));
            Report(output, results[^1]);
        }

        output.WriteLine();
        // CPU per record is the figure to compare between runs on a shared machine: records/s falls with every other
        // process that wants the cores, the work done per record does not.
        output.WriteLine("| run | records/s | elapsed | worker peak RSS | peak managed heap | worker CPU | worker CPU/record | broker CPU | allocated/record | commits |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.RecordsPerSecond:N0} | {r.Elapsed.TotalSeconds:F2} s | {r.PeakRss / (1024 * 1024)} MiB | {(r.PeakManaged > 0 ? $"{r.PeakManaged / (1024 * 1024)} MiB" : "n/a")} | {r.WorkerCpu:F2} cores | {r.WorkerCpu * r.Elapsed.TotalSeconds * 1e6 / r.Records:F1} µs | {r.BrokerCpu:F2} cores | {(r.Allocated > 0 ? $"{r.Allocated / (double)r.Records:F0} B" : "n/a")} | {r.Commits} |"));
        }

        var eddyWindow = results.FirstOrDefault(r => r.Name.StartsWith("eddy window", StringComparison.Ordinal));
        var reference = results.FirstOrDefault(r => r.Name.StartsWith("streamiz", StringComparison.Ordinal));
        if (eddyWindow is not null && reference is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  window count, Eddy / Streamiz.Kafka.Net: {eddyWindow.RecordsPerSecond / reference.RecordsPerSecond:F2}x"));
        }

        return results.All(r => r.Records == options.Records) ? 0 : 1;
    }

    /// <summary>Loads the input: record i has key key-(i mod K), a ~S-byte text value and timestamp base + i / R s.</summary>
    private static TimeSpan Load(string bootstrap, string topic, EngineBenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, options.Keys).Select(k => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"key-{k:D6}"))).ToArray();
        var valueLength = Math.Max(1, options.RecordSize - keys[0].Length);
        // Ten values whose first character is the digit 0-9 (the stateless job's filter drops the '0' ones).
        var values = Enumerable.Range(0, 10).Select(d =>
        {
            var text = new char[valueLength];
            for (var i = 0; i < text.Length; i++)
            {
                text[i] = (char)('a' + ((i * 7 + d) % 26));
            }

            text[0] = (char)('0' + d);
            return Encoding.ASCII.GetBytes(text);
        }).ToArray();
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (options.Records * 1000 / options.EventRate) - 60_000;
        var watch = Stopwatch.StartNew();
        long failed = 0;
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1 << 20,
            QueueBufferingMaxKbytes = 128 << 10,
        }).Build())
        {
            var partitions = Enumerable.Range(0, options.Partitions).Select(p => new TopicPartition(topic, p)).ToArray();
            var next = TimeSpan.FromSeconds(1);
            for (long i = 0; i < options.Records && !cancellationToken.IsCancellationRequested; i++)
            {
                var message = new Message<byte[], byte[]>
                {
                    Key = keys[i % keys.Length],
                    Value = values[(i / 7) % values.Length],
                    Timestamp = new Timestamp(start + i * 1000 / options.EventRate, TimestampType.CreateTime),
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(partitions[i % partitions.Length], message, report =>
                        {
                            if (report.Error.IsError)
                            {
                                Interlocked.Increment(ref failed);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(1));
                    }
                }

                if ((i & 0xFFFF) == 0 && watch.Elapsed >= next)
                {
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loading: {i:N0}/{options.Records:N0}"));
                    next += TimeSpan.FromSeconds(1);
                }
            }

            producer.Flush(cancellationToken);
        }

        return failed > 0 ? throw new InvalidOperationException($"{failed} input records failed to load.") : watch.Elapsed;
    }

    private static async Task<RunResult> RunEddyAsync(string name, Engine.Plan.JobPlan plan, string bootstrap, string input, EngineBenchOptions options,
        ProcessSampler? brokerSampler, TextWriter progress, CancellationToken cancellationToken)
    {
        var state = Path.Combine(Path.GetTempPath(), $"eddy-bench-state-{Guid.NewGuid():N}");
        var self = new ProcessSampler(Environment.ProcessId);
        // Settle the loader's garbage first so that the heap figures are the worker's.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = self.CpuSeconds();
        var brokerCpuBefore = brokerSampler?.CpuSeconds() ?? 0;
        var peakRss = self.RssBytes();
        long peakManaged = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            using var worker = new JobWorker(plan, new JobWorkerOptions
            {
                BootstrapServers = bootstrap,
                StateDirectory = state,
                WorkerId = "bench",
                Guarantee = ProcessingGuarantee.ExactlyOnce,
                CommitInterval = options.CommitInterval,
                MaxRecordsPerCommit = options.MaxRecordsPerCommit ?? new JobWorkerOptions { BootstrapServers = "", StateDirectory = "" }.MaxRecordsPerCommit,
                Threads = options.Threads,
            });
            await worker.StartAsync(CancellationToken.None);
            using var progressWatch = new CommittedOffsets(bootstrap, plan.Name, input, options.Records);
            var next = TimeSpan.FromSeconds(1);
            while (true)
            {
                if (worker.Completion.IsCompleted)
                {
                    throw new InvalidOperationException($"The worker stopped ({await worker.Completion}): {worker.Error}");
                }

                var (inputDone, allDone) = await progressWatch.CheckAsync();
                peakRss = Math.Max(peakRss, self.RssBytes());
                peakManaged = Math.Max(peakManaged, GC.GetGCMemoryInfo().HeapSizeBytes);
                if (allDone)
                {
                    break;
                }

                if (watch.Elapsed >= next)
                {
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name}: {inputDone:N0}/{options.Records:N0} input records committed, {worker.Commits} commits, RSS {peakRss / (1024 * 1024)} MiB"));
                    next += TimeSpan.FromSeconds(1);
                }

                if (watch.Elapsed > GiveUp || cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{name} did not commit its input in {GiveUp.TotalMinutes} minutes.");
                }

                await Task.Delay(20, CancellationToken.None);
            }

            var elapsed = watch.Elapsed;
            var result = new RunResult(name, options.Records, elapsed, peakRss, peakManaged, (self.CpuSeconds() - cpuBefore) / elapsed.TotalSeconds,
                ((brokerSampler?.CpuSeconds() ?? 0) - brokerCpuBefore) / elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore,
                worker.Commits);
            return result;
        }
        finally
        {
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary directory.
            }
        }
    }

    private static async Task<RunResult> RunStreamizAsync(string dll, string bootstrap, string input, string run, EngineBenchOptions options,
        ProcessSampler? brokerSampler, TextWriter progress, CancellationToken cancellationToken)
    {
        var name = $"streamiz window count ({options.StreamizStore} store)";
        var applicationId = $"bench-streamiz-{run}";
        var output = $"engine-streamiz-out-{run}";
        await CreateTopicAsync(bootstrap, output, options.Partitions);
        var state = Path.Combine(Path.GetTempPath(), $"eddy-bench-streamiz-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["bootstrap"] = bootstrap,
            ["input"] = input,
            ["output"] = output,
            ["application-id"] = applicationId,
            ["state-dir"] = state,
            ["store"] = options.StreamizStore,
            ["commit-interval-ms"] = ((long)options.CommitInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["threads"] = options.Threads.ToString(CultureInfo.InvariantCulture),
            ["window-ms"] = "1000",
        })
        {
            info.ArgumentList.Add($"{key}={value}");
        }

        using var process = Process.Start(info)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (errors.Length < 8192)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            // Timed from the moment it starts its streams, as the Eddy runs from StartAsync.
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line && line != "starting")
            {
            }

            var sampler = new ProcessSampler(process.Id);
            var cpuBefore = sampler.CpuSeconds();
            var brokerCpuBefore = brokerSampler?.CpuSeconds() ?? 0;
            var watch = Stopwatch.StartNew();
            using var committed = new CommittedOffsets(bootstrap, applicationId, input, options.Records);
            var next = TimeSpan.FromSeconds(1);
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Streamiz exited with {process.ExitCode}: {errors}");
                }

                var (inputDone, allDone) = await committed.CheckAsync();
                if (allDone)
                {
                    break;
                }

                if (watch.Elapsed >= next)
                {
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name}: {inputDone:N0}/{options.Records:N0} input records committed, RSS {sampler.RssBytes() / (1024 * 1024)} MiB"));
                    next += TimeSpan.FromSeconds(1);
                }

                if (watch.Elapsed > GiveUp || cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{name} did not commit its input in {GiveUp.TotalMinutes} minutes.");
                }

                await Task.Delay(20, CancellationToken.None);
            }

            var elapsed = watch.Elapsed;
            return new RunResult(name, options.Records, elapsed, sampler.PeakRssBytes(), 0, (sampler.CpuSeconds() - cpuBefore) / elapsed.TotalSeconds,
                ((brokerSampler?.CpuSeconds() ?? 0) - brokerCpuBefore) / elapsed.TotalSeconds, 0, 0);
        }
        finally
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary directory.
            }
        }
    }

    private static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    private static void Report(TextWriter output, RunResult r) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Name}: {r.RecordsPerSecond:N0} records/s ({r.Records:N0} records in {r.Elapsed.TotalSeconds:F2} s), worker peak RSS {r.PeakRss / (1024 * 1024)} MiB, worker CPU {r.WorkerCpu:F2} cores, broker CPU {r.BrokerCpu:F2} cores"));

    /// <summary>
    /// Watches a group's committed offsets: done when the input is committed to its end and every other partition the
    /// group commits (its repartition topics) is committed up to its log end, less the transaction markers that end it
    /// (usually one; more when a transaction that wrote nothing there, or whose records were aborted, ended last).
    /// </summary>
    private sealed class CommittedOffsets : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        // Past this many offsets short of the end, records surely remain; within it, a read tells markers from records.
        private const int MarkerSlack = 16;

        private readonly IAdminClient _admin;
        private readonly IConsumer<Ignore, Ignore> _consumer;
        private readonly IConsumer<Ignore, Ignore> _reader;
        private readonly string _group;
        private readonly string _input;
        private readonly long _records;
        private readonly Dictionary<string, int> _partitions = new(StringComparer.Ordinal);

        public CommittedOffsets(string bootstrap, string group, string input, long records)
        {
            _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group + "-watch" }).Build();
            _reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = group + "-watch",
                IsolationLevel = IsolationLevel.ReadCommitted,
                EnablePartitionEof = true,
                EnableAutoCommit = false,
                FetchWaitMaxMs = 20,
            }).Build();
            _group = group;
            _input = input;
            _records = records;
        }

        public async Task<(long InputCommitted, bool Done)> CheckAsync()
        {
            var listed = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(_group, null)]);
            var committed = listed.SelectMany(g => g.Partitions).Where(p => p.Offset.Value >= 0)
                .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
            var input = committed.Where(c => c.Key.Topic == _input).Sum(c => c.Value);
            if (input < _records)
            {
                return (input, false);
            }

            foreach (var topic in committed.Keys.Select(tp => tp.Topic).Where(t => t != _input).Distinct())
            {
                for (var p = 0; p < PartitionsOf(topic); p++)
                {
                    var tp = new TopicPartition(topic, p);
                    var end = _consumer.QueryWatermarkOffsets(tp, Timeout).High.Value;
                    var at = committed.GetValueOrDefault(tp, 0);
                    if (end > 0 && at < end - 1 && (at < end - MarkerSlack || HasRecordsFrom(tp, at)))
                    {
                        return (input, false);
                    }
                }
            }

            return (input, true);
        }

        /// <summary>True when a committed record lies at or after <paramref name="offset"/> (not only markers).</summary>
        private bool HasRecordsFrom(TopicPartition tp, long offset)
        {
            _reader.Assign(new TopicPartitionOffset(tp, offset));
            try
            {
                var deadline = DateTime.UtcNow + Timeout;
                while (DateTime.UtcNow < deadline)
                {
                    if (_reader.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
                    {
                        return !result.IsPartitionEOF;
                    }
                }
                return true;
            }
            finally
            {
                _reader.Unassign();
            }
        }

        private int PartitionsOf(string topic)
        {
            if (!_partitions.TryGetValue(topic, out var count))
            {
                var metadata = _admin.GetMetadata(topic, Timeout);
                _partitions[topic] = count = metadata.Topics.Single(t => t.Topic == topic).Partitions.Count;
            }

            return count;
        }

        public void Dispose()
        {
            _consumer.Dispose();
            _reader.Dispose();
            _admin.Dispose();
        }
    }
}
