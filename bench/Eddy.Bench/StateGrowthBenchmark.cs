using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine;
using Eddy.Engine.Kafka;
using Eddy.Engine.Plan;
using Eddy.Engine.RocksDb;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench state`: does the state of the operators that expire it stay bounded over a long run? For each job
/// (interval join, window join, regular join with a state TTL, deduplication with a TTL) it produces input at a steady
/// rate for several minutes, with keys that are never used again once their few records are out and timestamps taken
/// from the wall clock (so watermarks move and TTLs run out), while a <see cref="JobWorker"/> runs the job exactly-once
/// in this process. Every few seconds it samples the state (live entries and bytes per store from RocksDB, the state
/// directory's size on disk), this process's RSS and managed heap, and the records processed; at the end it judges each
/// series' second half with <see cref="StateTrend"/> and shows, per store, what it held at half time and at the end.
/// </summary>
public static class StateGrowthBenchmark
{
    // Each key gets this many consecutive records per side, then is never used again.
    private const int RecordsPerKey = 2;

    // One key in ten has no right rows: the outer joins' unmatched path (emitted on expiry) runs too.
    private const int UnmatchedEvery = 10;

    private const long MiB = 1024 * 1024;

    // Noise floors of the flatness test (StateTrend): a few hundred keys (one sample's jitter in how many keys the TTL
    // or watermark has just reached), a few memtables' worth of bytes on disk. Memory is judged on the RSS outside the state's block cache (the cache
    // fills up to its budget over minutes, which a 15-minute run shows levelling off), on the floor alone, with
    // no relative part: most of it is the runtime and librdkafka, not state, and a tenth of that
    // baseline would hide a leak of tens of MiB a minute. 16 MiB between the two windows is above what the flat runs
    // move by (a garbage collection of the few MiB of managed heap, allocator arenas: 5-10 MiB over 2.5 minutes).
    private const double EntriesFloor = 500;
    private const double DiskFloor = 4 * MiB;
    private const double RssFloor = 16 * MiB;

    private sealed record Sample(double Minutes, long Produced, long RecordsIn, long RecordsOut, long Lag, long Late, long DiskBytes,
        long Rss, long ManagedHeap, long BlockCache, IReadOnlyList<StoreStatistics> Stores)
    {
        /// <summary>
        /// RSS less what the state's block cache holds (data, index and filter blocks and the memtables charged to it):
        /// the cache fills up to its budget over minutes as blocks are read, which is growth by design and bounded; a
        /// leak anywhere else (the runtime, librdkafka, iterators, the allocator) shows here.
        /// </summary>
        public long RssOutsideCache => Rss - BlockCache;

        public long Entries => Stores.Sum(s => s.Entries);

        public long EstimatedKeys => Stores.Sum(s => s.EstimatedKeys);

        public long SstBytes => Stores.Sum(s => s.SstBytes);

        public long MemTableBytes => Stores.Sum(s => s.MemTableBytes);
    }

    private sealed record JobResult(string Job, string Detail, string PlanName, IReadOnlyList<Sample> Samples, StateTrend Entries, StateTrend Disk,
        StateTrend RssOutsideCache, StateTrend Rss, StateTrend BlockCache, StateTrend Heap)
    {
        public bool Flat => Entries.Flat && Disk.Flat && RssOutsideCache.Flat;
    }

    /// <summary>
    /// Runs the jobs one after another; a line per sample goes to <paramref name="progress"/>, the tables (or with
    /// <see cref="StateGrowthOptions.Json"/> one JSON document) to <paramref name="output"/>. Returns 0 when every
    /// job's state and RSS stayed flat, 1 otherwise.
    /// </summary>
    public static async Task<int> RunAsync(StateGrowthOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(progress);
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--set", "group.initial.rebalance.delay.ms=0") : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var header = string.Create(CultureInfo.InvariantCulture,
            $"state: {options.Rate:N0} input records/s for {options.Duration.TotalMinutes:0.#} min per job, {options.Partitions} partitions, {RecordsPerKey} records per key and side then never again, TTL {options.Ttl.TotalSeconds:0.#} s; EOS, commit every {options.CommitInterval.TotalMilliseconds:F0} ms, {options.Threads} stream thread(s), a sample every {options.SampleInterval.TotalSeconds:0.#} s, broker={bootstrap}");
        progress.WriteLine(header);
        var results = new List<JobResult>();
        foreach (var job in StateGrowthOptions.AllJobs.Where(options.Jobs.Contains))
        {
            results.Add(await RunJobAsync(job, bootstrap, options, progress, cancellationToken));
        }

        if (options.Json)
        {
            WriteJson(output, options, results);
        }
        else
        {
            output.WriteLine(header);
            foreach (var result in results)
            {
                WriteTables(output, result);
            }

            WriteVerdicts(output, results);
        }

        return results.All(r => r.Flat) ? 0 : 1;
    }

    /// <summary>What each job is, as built by <see cref="Build"/>.</summary>
    private static string Describe(string job, StateGrowthOptions options) => job switch
    {
        "interval-join" => "left interval join, right in [left - 1 s, left + 1 s], state expired by the watermark",
        "window-join" => "left window join in 1 s tumbling windows, a window's rows forgotten when it fires",
        "regular-join-ttl" => string.Create(CultureInfo.InvariantCulture, $"left regular join, state TTL {options.Ttl.TotalSeconds:0.#} s (processing time)"),
        "dedup-ttl" => string.Create(CultureInfo.InvariantCulture, $"deduplication keeping the first row by event time, TTL {options.Ttl.TotalSeconds:0.#} s"),
        _ => throw new ArgumentOutOfRangeException(nameof(job), job, "Unknown job."),
    };

    private static JobPlan Build(string job, string name, string left, string right, string output, StateGrowthOptions options)
    {
        var builder = new JobBuilder(name);
        // The input's timestamps are the wall clock at produce time, in order per partition: a small bound suffices.
        var watermarks = WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(200));
        var lefts = builder.Source(left, Serdes.String, Serdes.String, watermarks).KeyBy((key, _) => key, Serdes.String, name: "left-by-key");
        if (job == "dedup-ttl")
        {
            lefts.Deduplicate(DeduplicateKeep.First, TimeDomain.EventTime, options.Ttl, name: "dedup").To(output);
            return builder.Build();
        }

        var rights = builder.Source(right, Serdes.String, Serdes.String, watermarks).KeyBy((key, _) => key, Serdes.String, name: "right-by-key");
        static string Joiner(string key, string l, string? r) => r is null ? l[..4] : string.Concat(l.AsSpan(0, 4), "|", r.AsSpan(0, 4));
        var joined = job switch
        {
            "interval-join" => lefts.IntervalJoin(rights, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1), Joiner, Serdes.String, JoinType.Left, name: "join"),
            "window-join" => lefts.WindowJoin(rights, Engine.Windows.Tumbling(TimeSpan.FromSeconds(1)), Joiner, Serdes.String, JoinType.Left, name: "join"),
            "regular-join-ttl" => lefts.Join(rights, Joiner, Serdes.String, JoinType.Left, options.Ttl, name: "join"),
            _ => throw new ArgumentOutOfRangeException(nameof(job), job, "Unknown job."),
        };
        joined.To(output);
        return builder.Build();
    }

    private static async Task<JobResult> RunJobAsync(string job, string bootstrap, StateGrowthOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var run = $"{job}-{Guid.NewGuid().ToString("N")[..8]}";
        var (left, right, output) = ($"state-left-{run}", $"state-right-{run}", $"state-out-{run}");
        var twoSides = job != "dedup-ttl";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([.. new[] { left, right, output }.Select(t => new TopicSpecification { Name = t, NumPartitions = options.Partitions, ReplicationFactor = 1 })]);
        }

        var plan = Build(job, $"bench-state-{run}", left, right, output, options);
        var stateDirectory = Path.Combine(Path.GetTempPath(), $"eddy-bench-state-{run}");
        // The backend is opened here, not by the worker, so that its stores can be read while the job runs; the worker
        // still owns it (disposes it when it stops).
        RocksDbStateBackend? backend = null;
        var self = new ProcessSampler(Environment.ProcessId);
        // Settle the previous job's garbage, so that this job's heap figures are its own.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var samples = new List<Sample>();
        try
        {
            var worker = new JobWorker(plan, new JobWorkerOptions
            {
                BootstrapServers = bootstrap,
                StateDirectory = stateDirectory,
                StateBackend = () => backend = new RocksDbStateBackend(stateDirectory),
                WorkerId = "bench",
                Guarantee = ProcessingGuarantee.ExactlyOnce,
                CommitInterval = options.CommitInterval,
                Threads = options.Threads,
            });
            await using (worker)
            {
                await worker.StartAsync(CancellationToken.None);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var producer = new SteadyProducer(bootstrap, left, twoSides ? right : null, options.Rate);
                var producing = Task.Run(() => producer.Run(stop.Token), CancellationToken.None);
                var watch = Stopwatch.StartNew();
                var next = options.SampleInterval;
                try
                {
                    while (watch.Elapsed < options.Duration + TimeSpan.FromMilliseconds(1))
                    {
                        var wait = next - watch.Elapsed;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.WhenAny(Task.Delay(wait, cancellationToken), worker.Completion, producing);
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                        if (worker.Completion.IsCompleted)
                        {
                            throw new InvalidOperationException($"The worker of {job} stopped ({await worker.Completion}): {worker.Error}");
                        }

                        if (producing.IsCompleted)
                        {
                            await producing; // its exception
                            throw new InvalidOperationException($"The producer of {job} stopped.");
                        }

                        var sample = TakeSample(watch.Elapsed.TotalMinutes, producer.Produced, worker.Status, backend, stateDirectory, self);
                        samples.Add(sample);
                        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {job} {Clock(sample.Minutes)}: produced {sample.Produced:N0}, in {sample.RecordsIn:N0} (lag {sample.Lag:N0}, late {sample.Late:N0}), out {sample.RecordsOut:N0}; state {sample.Entries:N0} entries, SST {Mib(sample.SstBytes)}, memtables {Mib(sample.MemTableBytes)}, disk {Mib(sample.DiskBytes)}; RSS {Mib(sample.Rss)} (block cache {Mib(sample.BlockCache)}), heap {Mib(sample.ManagedHeap)}"));
                        next += options.SampleInterval;
                    }
                }
                finally
                {
                    await stop.CancelAsync();
                    await producing.ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(stateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary directory.
            }
        }

        var minutes = samples.Select(s => s.Minutes).ToList();
        var relative = StateTrend.DefaultRelativeTolerance;
        return new JobResult(job, Describe(job, options), plan.Name, samples,
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.Entries)], relative, EntriesFloor),
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.DiskBytes)], relative, DiskFloor),
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.RssOutsideCache)], 0, RssFloor),
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.Rss)], 0, RssFloor),
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.BlockCache)], 0, RssFloor),
            StateTrend.Of(minutes, [.. samples.Select(s => (double)s.ManagedHeap)], 0, RssFloor));
    }

    private static Sample TakeSample(double minutes, long produced, WorkerStatus status, RocksDbStateBackend? backend, string stateDirectory, ProcessSampler self) =>
        new(minutes, produced, status.RecordsIn, status.RecordsOut, status.Lag, status.Tasks.Sum(t => t.LateRecords), DirectoryBytes(stateDirectory),
            self.RssBytes(), GC.GetGCMemoryInfo().HeapSizeBytes, backend?.MemoryUsage().BlockCacheUsage ?? 0, backend?.Statistics(countEntries: true) ?? []);

    /// <summary>The files under <paramref name="directory"/>, in bytes (files removed by a compaction meanwhile are skipped).</summary>
    private static long DirectoryBytes(string directory)
    {
        long bytes = 0;
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                bytes += file.Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted by a compaction between listing and reading.
            }
        }

        return bytes;
    }

    private static void WriteTables(TextWriter output, JobResult result)
    {
        output.WriteLine();
        output.WriteLine($"{result.Job}: {result.Detail}");
        output.WriteLine();
        output.WriteLine("| t | produced | processed | lag | late | state entries | est. keys | SST | memtables | state dir | RSS | block cache | RSS outside the cache | managed heap |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in result.Samples)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Clock(s.Minutes)} | {s.Produced:N0} | {s.RecordsIn:N0} | {s.Lag:N0} | {s.Late:N0} | {s.Entries:N0} | {s.EstimatedKeys:N0} | {Mib(s.SstBytes)} | {Mib(s.MemTableBytes)} | {Mib(s.DiskBytes)} | {Mib(s.Rss)} | {Mib(s.BlockCache)} | {Mib(s.RssOutsideCache)} | {Mib(s.ManagedHeap)} |"));
        }

        // Per store: where the state is, and which store grows if one does.
        var half = result.Samples.First(s => s.Minutes >= result.Samples[^1].Minutes / 2);
        var last = result.Samples[^1];
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| store | entries at {Clock(half.Minutes)} | entries at {Clock(last.Minutes)} | SST at {Clock(half.Minutes)} | SST at {Clock(last.Minutes)} | live data at {Clock(last.Minutes)} |"));
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var store in last.Stores)
        {
            var before = half.Stores.FirstOrDefault(s => s.Store == store.Store);
            // Stores are named after the job: the operator's part is what tells them apart.
            var name = store.Store.StartsWith(result.PlanName + "-", StringComparison.Ordinal) ? store.Store[(result.PlanName.Length + 1)..] : store.Store;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {before.Entries:N0} | {store.Entries:N0} | {Mib(before.SstBytes)} | {Mib(store.SstBytes)} | {Mib(store.LiveDataBytes)} |"));
        }
    }

    private static void WriteVerdicts(TextWriter output, IReadOnlyList<JobResult> results)
    {
        output.WriteLine();
        output.WriteLine("Second half of each run: least-squares slope, mean of the third and of the last quarter, growth between them, and the tolerance (state: 10% of the second half's mean + a noise floor; memory: 16 MiB). Memory is judged on the RSS outside the state's block cache, which fills up to its budget by design.");
        output.WriteLine();
        output.WriteLine("| job | series | slope | 3rd quarter | 4th quarter | growth | tolerance | verdict |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Row(r.Job, "state entries", r.Entries, v => v.ToString("N0", CultureInfo.InvariantCulture), "/min");
            Row(r.Job, "state dir", r.Disk, v => Mib(v), "/min");
            Row(r.Job, "RSS outside the block cache", r.RssOutsideCache, v => Mib(v), "/min");
            Row(r.Job, "RSS (not judged)", r.Rss, v => Mib(v), "/min");
            Row(r.Job, "block cache (not judged: bounded by the state memory budget)", r.BlockCache, v => Mib(v), "/min");
            Row(r.Job, "managed heap (not judged)", r.Heap, v => Mib(v), "/min");
        }

        output.WriteLine();
        foreach (var r in results)
        {
            output.WriteLine($"  {r.Job}: {(r.Flat ? "bounded (state entries, state dir and RSS flat)" : "GROWS")}");
        }

        void Row(string job, string series, StateTrend t, Func<double, string> format, string per) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {job} | {series} | {format(t.SlopePerMinute)}{per} | {format(t.ThirdQuarterMean)} | {format(t.LastQuarterMean)} | {format(t.Growth)} | {format(t.Tolerance)} | {(t.Flat ? "flat" : "grows")} |"));
    }

    private static void WriteJson(TextWriter output, StateGrowthOptions options, IReadOnlyList<JobResult> results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("rate", options.Rate);
            json.WriteNumber("minutes", options.Duration.TotalMinutes);
            json.WriteNumber("partitions", options.Partitions);
            json.WriteNumber("ttlSeconds", options.Ttl.TotalSeconds);
            json.WriteStartArray("jobs");
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteString("job", r.Job);
                json.WriteString("detail", r.Detail);
                json.WriteBoolean("flat", r.Flat);
                json.WriteStartObject("trends");
                Trend("entries", r.Entries);
                Trend("stateDirBytes", r.Disk);
                Trend("rssOutsideCacheBytes", r.RssOutsideCache);
                Trend("rssBytes", r.Rss);
                Trend("blockCacheBytes", r.BlockCache);
                Trend("managedHeapBytes", r.Heap);
                json.WriteEndObject();
                json.WriteStartArray("samples");
                foreach (var s in r.Samples)
                {
                    json.WriteStartObject();
                    json.WriteNumber("minutes", Math.Round(s.Minutes, 4));
                    json.WriteNumber("produced", s.Produced);
                    json.WriteNumber("recordsIn", s.RecordsIn);
                    json.WriteNumber("recordsOut", s.RecordsOut);
                    json.WriteNumber("lag", s.Lag);
                    json.WriteNumber("late", s.Late);
                    json.WriteNumber("stateDirBytes", s.DiskBytes);
                    json.WriteNumber("rssBytes", s.Rss);
                    json.WriteNumber("blockCacheBytes", s.BlockCache);
                    json.WriteNumber("managedHeapBytes", s.ManagedHeap);
                    json.WriteStartArray("stores");
                    foreach (var store in s.Stores)
                    {
                        json.WriteStartObject();
                        json.WriteString("store", store.Store);
                        json.WriteNumber("entries", store.Entries);
                        json.WriteNumber("estimatedKeys", store.EstimatedKeys);
                        json.WriteNumber("sstBytes", store.SstBytes);
                        json.WriteNumber("liveDataBytes", store.LiveDataBytes);
                        json.WriteNumber("memTableBytes", store.MemTableBytes);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            void Trend(string name, StateTrend t)
            {
                json.WriteStartObject(name);
                json.WriteNumber("slopePerMinute", Math.Round(t.SlopePerMinute, 1));
                json.WriteNumber("thirdQuarterMean", Math.Round(t.ThirdQuarterMean, 1));
                json.WriteNumber("lastQuarterMean", Math.Round(t.LastQuarterMean, 1));
                json.WriteNumber("growth", Math.Round(t.Growth, 1));
                json.WriteNumber("tolerance", Math.Round(t.Tolerance, 1));
                json.WriteBoolean("flat", t.Flat);
                json.WriteEndObject();
            }
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    internal static string Clock(double minutes)
    {
        // Rounded to the second first: 59.7 s is 1:00, not 0:60 or 0:00.
        var seconds = (long)Math.Round(minutes * 60);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:D2}");
    }

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / MiB:F1} MiB");

    /// <summary>
    /// Produces the input at a steady rate: pair n writes a left record and (unless the key is one of the unmatched
    /// tenth, or there is no right topic) a right record, both keyed k(n / <see cref="RecordsPerKey"/>) and stamped with
    /// the wall clock. Keys are never reused, so state that is not expired accumulates.
    /// </summary>
    private sealed class SteadyProducer(string bootstrap, string left, string? right, int rate)
    {
        private long _produced;
        private long _failed;

        public long Produced => Interlocked.Read(ref _produced);

        public void Run(CancellationToken stop)
        {
            var value = Encoding.ASCII.GetBytes(new string('v', 80));
            using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
            {
                BootstrapServers = bootstrap,
                Acks = Acks.All,
                LingerMs = 5,
            }).Build();
            var watch = Stopwatch.StartNew();
            long pair = 0;
            while (!stop.IsCancellationRequested)
            {
                var due = (long)(watch.Elapsed.TotalSeconds * rate);
                while (Produced < due)
                {
                    var keyIndex = pair / RecordsPerKey;
                    var key = Encoding.ASCII.GetBytes(keyIndex.ToString("D12", CultureInfo.InvariantCulture));
                    var timestamp = new Timestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), TimestampType.CreateTime);
                    Produce(producer, left, key, value, timestamp);
                    if (right is not null && keyIndex % UnmatchedEvery != 0)
                    {
                        Produce(producer, right, key, value, timestamp);
                    }

                    pair++;
                }

                if (Interlocked.Read(ref _failed) is var failed and > 0)
                {
                    throw new InvalidOperationException($"{failed} input records failed to be produced.");
                }

                producer.Poll(TimeSpan.Zero);
                Thread.Sleep(5);
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        private void Produce(IProducer<byte[], byte[]> producer, string topic, byte[] key, byte[] value, Timestamp timestamp)
        {
            var message = new Message<byte[], byte[]> { Key = key, Value = value, Timestamp = timestamp };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            Interlocked.Increment(ref _failed);
                        }
                    });
                    Interlocked.Increment(ref _produced);
                    return;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(1));
                }
            }
        }
    }
}
