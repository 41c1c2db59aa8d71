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
/// second; <see cref="EngineInputs"/>), then runs over them, each with EOS and a 100 ms commit interval, two stream
/// threads (--threads), broker on the same machine, the jobs asked for: a stateless filter + map, a keyed 1 s
/// tumbling-window count, and the relational operators (a count into a table, through a repartition topic or on the
/// keyed input, a stream-table join over a table of K rows, an interval join of two streams, a table-table join, a
/// Top-10 per key);
/// and the same jobs with Streamiz.Kafka.Net as the reference (a child process) where it has the operator. A run is
/// timed from the worker's start until the job's consumer group has committed its whole input and everything it wrote
/// to its repartition topics.
/// </summary>
public static class EngineBenchmark
{
    internal static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(10);

    /// <summary>One run: <see cref="Operator"/> pairs an Eddy run with its Streamiz reference for the ratio.</summary>
    internal sealed record RunResult(string Name, string Operator, bool Reference, long Records, TimeSpan Elapsed, long PeakRss, long PeakManaged,
        double WorkerCpu, double BrokerCpu, long Allocated, long Commits, long StateBytes)
    {
        public double RecordsPerSecond => Records / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    /// <summary>What a run reads (topic → records to commit) and how many of those records its rate counts.</summary>
    internal sealed record RunInputs(IReadOnlyDictionary<string, long> Topics, long Counted);

    /// <summary>
    /// Runs the benchmark: the table of results and the Eddy/Streamiz ratios go to <paramref name="output"/>, live
    /// numbers every second to <paramref name="progress"/>. Returns 0 when every run processed its whole input.
    /// </summary>
    /// <exception cref="FileNotFoundException">A Streamiz run is asked for and its program is not where <see cref="StreamizReference.Resolve"/> says.</exception>
    public static async Task<int> RunAsync(EngineBenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        string? streamiz = null;
        if (options.Jobs.Any(j => j.StartsWith("streamiz", StringComparison.Ordinal)))
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
        var inputs = new EngineInputs(options, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (options.Records * 1000 / options.EventRate) - 120_000);
        var input = $"engine-in-{run}";
        await CreateTopicAsync(bootstrap, input, options.Partitions);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine: {options.Records:N0} records of ~{options.RecordSize} B in {input} ({options.Partitions} partitions), {options.Keys:N0} keys, {options.EventRate:N0} records per event-time second; EOS, commit every {options.CommitInterval.TotalMilliseconds:F0} ms, {options.Threads} stream thread(s), broker={bootstrap}"));
        Load(bootstrap, input, inputs.Stream(), options.Records, output, progress, cancellationToken);

        // The table (one row per key) and the right stream of the interval join, loaded only for the runs that read them.
        var table = $"engine-table-{run}";
        if (options.Jobs.Overlaps(["stream-table-join", "streamiz-stream-table-join", "table-join", "streamiz-table-join"]))
        {
            await CreateTopicAsync(bootstrap, table, options.Partitions);
            Load(bootstrap, table, inputs.Table(), options.Keys, output, progress, cancellationToken);
        }

        var right = $"engine-right-{run}";
        if (options.Jobs.Overlaps(["interval-join", "streamiz-interval-join"]))
        {
            await CreateTopicAsync(bootstrap, right, options.Partitions);
            Load(bootstrap, right, inputs.Stream(), options.Records, output, progress, cancellationToken);
        }

        var stream = new RunInputs(new Dictionary<string, long> { [input] = options.Records }, options.Records);
        var streamAndTable = new RunInputs(new Dictionary<string, long> { [input] = options.Records, [table] = options.Keys }, options.Records);
        var bothTables = streamAndTable with { Counted = options.Records + options.Keys };
        var twoStreams = new RunInputs(new Dictionary<string, long> { [input] = options.Records, [right] = options.Records }, 2 * options.Records);
        var results = new List<RunResult>();
        async Task Eddy(string job, string name, string op, Engine.Plan.JobPlan plan, RunInputs read)
        {
            if (options.Jobs.Contains(job))
            {
                results.Add(await RunEddyAsync(name, op, plan, bootstrap, read, options, brokerSampler, progress, cancellationToken));
                Report(output, results[^1]);
            }
        }

        async Task Streamiz(string job, string name, string op, RunInputs read, Dictionary<string, string> arguments)
        {
            if (options.Jobs.Contains(job))
            {
                results.Add(await RunStreamizAsync(streamiz!, name, op, arguments, bootstrap, read, run, options, brokerSampler, progress, cancellationToken));
                Report(output, results[^1]);
            }
        }

        if (options.Jobs.Contains("stateless"))
        {
            var job = new JobBuilder($"bench-map-{run}");
            // Drops the tenth of the records whose value starts with '0', upper-cases the rest.
            job.Source(input, Serdes.String, Serdes.String)
                .Filter((_, value) => value.Length > 0 && value[0] != '0')
                .MapValues(value => value.ToUpperInvariant(), Serdes.String)
                .To($"engine-map-out-{run}");
            await Eddy("stateless", "eddy stateless filter+map", "stateless", job.Build(), stream);
        }

        if (options.Jobs.Contains("window"))
        {
            var job = new JobBuilder($"bench-window-{run}");
            job.Source(input, Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero))
                .KeyBy((key, _) => key, Serdes.String, name: "by-key")
                .Window(Engine.Windows.Tumbling(TimeSpan.FromSeconds(1)), name: "count")
                .Count()
                .To($"engine-window-out-{run}");
            await Eddy("window", "eddy window count", "window count", job.Build(), stream);
        }

        await Streamiz("streamiz", $"streamiz window count ({options.StreamizStore} store)", "window count", stream,
            new() { ["job"] = "window", ["input"] = input, ["window-ms"] = "1000" });

        if (options.Jobs.Contains("count"))
        {
            var job = new JobBuilder($"bench-count-{run}");
            // KeyBy repartitions, as Streamiz's GroupBy does: the like-for-like comparison (AsKeyed would skip it).
            job.Source(input, Serdes.String, Serdes.String)
                .KeyBy((key, _) => key, Serdes.String, name: "by-key")
                .Count(name: "count")
                .To($"engine-count-out-{run}");
            await Eddy("count", "eddy count", "count", job.Build(), stream);
        }

        await Streamiz("streamiz-count", $"streamiz count ({options.StreamizStore} store)", "count", stream,
            new() { ["job"] = "count", ["input"] = input });

        if (options.Jobs.Contains("count-keyed"))
        {
            var job = new JobBuilder($"bench-count-keyed-{run}");
            // The input is partitioned by key (murmur2) already: AsKeyed counts it where it is, no repartition topic, as
            // Kafka Streams' GroupByKey does for a keyed topic.
            job.Source(input, Serdes.String, Serdes.String)
                .AsKeyed()
                .Count(name: "count")
                .To($"engine-count-keyed-out-{run}");
            await Eddy("count-keyed", "eddy count, keyed input", "count, keyed input", job.Build(), stream);
        }

        await Streamiz("streamiz-count-keyed", $"streamiz count, keyed input ({options.StreamizStore} store)", "count, keyed input", stream,
            new() { ["job"] = "count-keyed", ["input"] = input });

        if (options.Jobs.Contains("stream-table-join"))
        {
            var job = new JobBuilder($"bench-stj-{run}");
            var rows = job.Table(table, Serdes.String, Serdes.String, name: "rows");
            // Stream and table are partitioned by key (murmur2), as Kafka Streams' join needs them: no repartition.
            job.Source(input, Serdes.String, Serdes.String).AsKeyed()
                .Join(rows, (_, value, row) => string.Concat(value.AsSpan(0, 8), row.AsSpan(0, 8)), Serdes.String, name: "join")
                .To($"engine-stj-out-{run}");
            await Eddy("stream-table-join", "eddy stream-table join", "stream-table join", job.Build(), streamAndTable);
        }

        await Streamiz("streamiz-stream-table-join", $"streamiz stream-table join ({options.StreamizStore} store)", "stream-table join", streamAndTable,
            new() { ["job"] = "stream-table-join", ["input"] = input, ["table"] = table });

        if (options.Jobs.Contains("interval-join"))
        {
            var job = new JobBuilder($"bench-ij-{run}");
            // Both topics are partitioned by key: no repartition, as in Streamiz's KStream-KStream join. Each record's
            // partner in the other stream has its index, so its timestamp: with the default ±100 ms and 100,000 keys
            // at 500,000 records/s (a key recurs every 200 ms), each left record joins exactly one right record.
            var watermarks = WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero);
            var rights = job.Source(right, Serdes.String, Serdes.String, watermarks).AsKeyed();
            job.Source(input, Serdes.String, Serdes.String, watermarks).AsKeyed()
                .IntervalJoin(rights, -options.JoinInterval, options.JoinInterval, (_, l, r) => string.Concat(l.AsSpan(0, 8), r.AsSpan(0, 8)),
                    Serdes.String, name: "join")
                .To($"engine-ij-out-{run}");
            await Eddy("interval-join", "eddy interval join", "interval join", job.Build(), twoStreams);
        }

        await Streamiz("streamiz-interval-join", $"streamiz stream-stream join ({options.StreamizStore} store)", "interval join", twoStreams,
            new() { ["job"] = "interval-join", ["input"] = input, ["right"] = right, ["interval-ms"] = IntervalMs(options) });

        if (options.Jobs.Contains("table-join"))
        {
            var job = new JobBuilder($"bench-tj-{run}");
            // The input read as a table (its records upsert 100,000 keys) joined with the table topic's rows.
            var rows = job.Table(table, Serdes.String, Serdes.String, name: "rows");
            job.Table(input, Serdes.String, Serdes.String, name: "updates")
                .Join(rows, (_, l, r) => string.Concat(l.AsSpan(0, 8), r.AsSpan(0, 8)), Serdes.String, name: "join")
                .To($"engine-tj-out-{run}");
            await Eddy("table-join", "eddy table-table join", "table-table join", job.Build(), bothTables);
        }

        await Streamiz("streamiz-table-join", $"streamiz table-table join ({options.StreamizStore} store)", "table-table join", bothTables,
            new() { ["job"] = "table-join", ["input"] = input, ["table"] = table });

        if (options.Jobs.Contains("topn"))
        {
            var job = new JobBuilder($"bench-topn-{run}");
            var groups = options.TopNKeys;
            job.Source(input, Serdes.String, Serdes.String)
                .KeyBy((key, _) => EngineInputs.TopNGroup(key, groups), Serdes.Int, name: "by-group")
                .TopN(10, EngineInputs.Score, descending: true, name: "top10")
                .To($"engine-topn-out-{run}");
            await Eddy("topn", $"eddy top-10 per key ({groups:N0} keys)", "top-10", job.Build(), stream);
        }

        if (options.Jobs.Contains("topn-rows"))
        {
            // The same Top-10 without rank numbers: only rows entering or leaving a key's top 10 are emitted.
            var job = new JobBuilder($"bench-topn-rows-{run}");
            var groups = options.TopNKeys;
            job.Source(input, Serdes.String, Serdes.String)
                .KeyBy((key, _) => EngineInputs.TopNGroup(key, groups), Serdes.Int, name: "by-group")
                .TopNRows(10, EngineInputs.Score, descending: true, name: "top10")
                .To($"engine-topn-rows-out-{run}");
            await Eddy("topn-rows", $"eddy top-10 rows per key ({groups:N0} keys)", "top-10 rows", job.Build(), stream);
        }

        output.WriteLine();
        // CPU per record is the figure to compare between runs on a shared machine: records/s falls with every other
        // process that wants the cores, the work done per record does not.
        output.WriteLine("| run | records/s | elapsed | worker peak RSS | peak managed heap | worker CPU | worker CPU/record | broker CPU | allocated/record | commits | state size |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.RecordsPerSecond:N0} | {r.Elapsed.TotalSeconds:F2} s | {r.PeakRss / (1024 * 1024)} MiB | {(r.PeakManaged > 0 ? $"{r.PeakManaged / (1024 * 1024)} MiB" : "n/a")} | {r.WorkerCpu:F2} cores | {r.WorkerCpu * r.Elapsed.TotalSeconds * 1e6 / r.Records:F1} µs | {r.BrokerCpu:F2} cores | {(r.Allocated > 0 ? $"{r.Allocated / (double)r.Records:F0} B" : "n/a")} | {(r.Reference ? "n/a" : r.Commits)} | {Size(r.StateBytes)} |"));
        }

        foreach (var eddy in results.Where(r => !r.Reference))
        {
            if (results.FirstOrDefault(r => r.Reference && r.Operator == eddy.Operator) is { } reference)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {eddy.Operator}, Eddy / Streamiz.Kafka.Net: {eddy.RecordsPerSecond / reference.RecordsPerSecond:F2}x"));
            }
        }

        return 0;
    }

    private static string IntervalMs(EngineBenchOptions options) => ((long)options.JoinInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB");

    /// <summary>The bytes of the files under <paramref name="directory"/> (RocksDB's SSTs, logs and manifests); 0 when it does not exist.</summary>
    internal static long DirectorySize(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        long total = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                // RocksDB deletes obsolete files while it runs.
            }
        }

        return total;
    }

    /// <summary>Loads <paramref name="records"/> into <paramref name="topic"/>, each to the partition it names.</summary>
    internal static void Load(string bootstrap, string topic, IEnumerable<InputRecord> records, long count, TextWriter output, TextWriter progress,
        CancellationToken cancellationToken)
    {
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
            var next = TimeSpan.FromSeconds(1);
            long i = 0;
            foreach (var record in records)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var message = new Message<byte[], byte[]>
                {
                    Key = record.Key,
                    Value = record.Value,
                    Timestamp = new Timestamp(record.Timestamp, TimestampType.CreateTime),
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, record.Partition), message, report =>
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

                if ((++i & 0xFFFF) == 0 && watch.Elapsed >= next)
                {
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loading {topic}: {i:N0}/{count:N0}"));
                    next += TimeSpan.FromSeconds(1);
                }
            }

            producer.Flush(cancellationToken);
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} records failed to load into {topic}.");
        }

        var loaded = watch.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  loaded {count:N0} records into {topic} in {loaded.TotalSeconds:F1} s ({count / loaded.TotalSeconds:N0} records/s)"));
    }

    internal static async Task<RunResult> RunEddyAsync(string name, string op, Engine.Plan.JobPlan plan, string bootstrap, RunInputs read, EngineBenchOptions options,
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
            using var progressWatch = new CommittedOffsets(bootstrap, plan.Name, read.Topics);
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
                        $"  {name}: {inputDone:N0}/{progressWatch.Total:N0} input records committed, {worker.Commits} commits, RSS {peakRss / (1024 * 1024)} MiB"));
                    next += TimeSpan.FromSeconds(1);
                }

                if (watch.Elapsed > GiveUp || cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{name} did not commit its input in {GiveUp.TotalMinutes} minutes.");
                }

                await Task.Delay(20, CancellationToken.None);
            }

            var elapsed = watch.Elapsed;
            var result = new RunResult(name, op, false, read.Counted, elapsed, peakRss, peakManaged, (self.CpuSeconds() - cpuBefore) / elapsed.TotalSeconds,
                ((brokerSampler?.CpuSeconds() ?? 0) - brokerCpuBefore) / elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore,
                worker.Commits, 0);
            // Stopped first: the worker's RocksDB runs without a WAL and flushes its memtables when it closes, so only
            // then does the directory hold the whole state (before, it holds the last checkpoint's).
            worker.Dispose();
            return result with { StateBytes = DirectorySize(state) };
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

    private static async Task<RunResult> RunStreamizAsync(string dll, string name, string op, Dictionary<string, string> arguments, string bootstrap,
        RunInputs read, string run, EngineBenchOptions options, ProcessSampler? brokerSampler, TextWriter progress, CancellationToken cancellationToken)
    {
        var applicationId = $"bench-streamiz-{arguments["job"]}-{run}";
        var output = $"engine-streamiz-{arguments["job"]}-out-{run}";
        await CreateTopicAsync(bootstrap, output, options.Partitions);
        var state = Path.Combine(Path.GetTempPath(), $"eddy-bench-streamiz-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>(arguments)
        {
            ["bootstrap"] = bootstrap,
            ["output"] = output,
            ["application-id"] = applicationId,
            ["state-dir"] = state,
            ["store"] = options.StreamizStore,
            ["commit-interval-ms"] = ((long)options.CommitInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["threads"] = options.Threads.ToString(CultureInfo.InvariantCulture),
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
            using var committed = new CommittedOffsets(bootstrap, applicationId, read.Topics);
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
                        $"  {name}: {inputDone:N0}/{committed.Total:N0} input records committed, RSS {sampler.RssBytes() / (1024 * 1024)} MiB"));
                    next += TimeSpan.FromSeconds(1);
                }

                if (watch.Elapsed > GiveUp || cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{name} did not commit its input in {GiveUp.TotalMinutes} minutes.");
                }

                await Task.Delay(20, CancellationToken.None);
            }

            var elapsed = watch.Elapsed;
            return new RunResult(name, op, true, read.Counted, elapsed, sampler.PeakRssBytes(), 0, (sampler.CpuSeconds() - cpuBefore) / elapsed.TotalSeconds,
                ((brokerSampler?.CpuSeconds() ?? 0) - brokerCpuBefore) / elapsed.TotalSeconds, 0, 0, DirectorySize(state));
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

    internal static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    internal static void Report(TextWriter output, RunResult r) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Name}: {r.RecordsPerSecond:N0} records/s ({r.Records:N0} records in {r.Elapsed.TotalSeconds:F2} s), worker peak RSS {r.PeakRss / (1024 * 1024)} MiB, worker CPU {r.WorkerCpu:F2} cores, broker CPU {r.BrokerCpu:F2} cores"));

    /// <summary>
    /// Watches a group's committed offsets: done when every input is committed to its end and every other partition the
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
        private readonly IReadOnlyDictionary<string, long> _inputs;
        private readonly Dictionary<string, int> _partitions = new(StringComparer.Ordinal);

        /// <param name="inputs">Each input topic and the records it holds.</param>
        public CommittedOffsets(string bootstrap, string group, IReadOnlyDictionary<string, long> inputs)
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
            _inputs = inputs;
            Total = inputs.Values.Sum();
        }

        /// <summary>The records of all inputs.</summary>
        public long Total { get; }

        public async Task<(long InputCommitted, bool Done)> CheckAsync()
        {
            var listed = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(_group, null)]);
            var committed = listed.SelectMany(g => g.Partitions).Where(p => p.Offset.Value >= 0)
                .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
            var input = committed.Where(c => _inputs.ContainsKey(c.Key.Topic)).Sum(c => c.Value);
            if (_inputs.Any(i => committed.Where(c => c.Key.Topic == i.Key).Sum(c => c.Value) < i.Value))
            {
                return (input, false);
            }

            foreach (var topic in committed.Keys.Select(tp => tp.Topic).Where(t => !_inputs.ContainsKey(t)).Distinct())
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
