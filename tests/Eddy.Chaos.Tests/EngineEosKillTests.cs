using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Chaos.EngineWorker;
using Eddy.Engine.Runtime;
using Eddy.Testing;
using Xunit.Abstractions;
using EngineSerdes = Eddy.Engine.Serdes;

namespace Eddy.Chaos.Tests;

/// <summary>
/// Running-aggregate exactly-once under faults (reliability.md T2, a port of Kafka Streams' streams_eos_test): three
/// worker processes run the job <see cref="EosJob"/> (echo; per-key running min, sum, max, count over RocksDB state;
/// a running count and sum per group after a second repartition) while the input is produced, one worker is killed
/// with SIGKILL three times and the broker once. Afterwards every output partition, read as read_committed, is exactly
/// what the input determines (see <see cref="EosJob"/> for why each output is deterministic), record for record, and
/// no transaction is left open. Set-equality would miss what this catches: a state update applied twice or lost (the
/// changelog and the offsets not committed atomically with the outputs) changes every later running aggregate.
/// </summary>
public class EngineEosKillTests(ITestOutputHelper output)
{
    /// <summary>
    /// Input records: 30 s of input at the rate below. More makes the run longer mostly through the restores: a
    /// restarted worker replays its changelogs (six records per input record) from the start.
    /// </summary>
    private const int Total = 12_000;

    /// <summary>Keys k0..k599: each key gets about 20 records, so the running aggregates move.</summary>
    private const int Keys = 600;

    private const int RecordsPerSecond = 400;

    /// <summary>No output and no worker progress for this long: the watchdog restarts the workers that are stuck.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);

    private static readonly string[] Outputs = [EosJob.Echo, EosJob.Min, EosJob.Sum, EosJob.Max, EosJob.Count, EosJob.Groups];

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task Running_aggregates_stay_exact_while_a_worker_is_killed_three_times_and_the_broker_once()
    {
        var seed = Environment.TickCount;
        var input = Generate(seed);
        Log($"seed {seed}: {Total} records, {Keys} keys, {EosJob.Partitions} partitions");

        using var data = new TempDirectory("eddy-chaos-engine");
        using var state = new TempDirectory("eddy-chaos-engine-state");
        var port = BrokerProcess.FreePort();
        string[] brokerArgs = ["--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500", "--set", "group.initial.rebalance.delay.ms=0"];
        var broker = BrokerProcess.Start(data.Path, port, brokerArgs);
        var workers = new EngineWorkerProcess[3];
        var unexpectedExits = 0;
        var watchdogKills = 0;
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = EosJob.Input, NumPartitions = EosJob.Partitions, ReplicationFactor = 1 }]);
            }

            EngineWorkerProcess StartWorker(int i) =>
                EngineWorkerProcess.Start(broker.BootstrapServers, Path.Combine(state.Path, $"w{i}"), $"w{i}");
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = StartWorker(i);
            }

            using var stopProducing = new CancellationTokenSource();
            var producing = Task.Run(() => Produce(broker.BootstrapServers, input, stopProducing.Token));
            var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            using var stopReading = new CancellationTokenSource();
            var reader = Task.Run(() => CountCommittedOutput(broker.BootstrapServers, counts, stopReading.Token));

            // One worker is the victim of all three kills, at random moments while the input flows; the broker dies
            // once later. Moments are fractions of the echo output committed so far.
            var victim = Random.Shared.Next(workers.Length);
            var faults = new (double At, string Fault)[]
            {
                (0.10 + (Random.Shared.NextDouble() * 0.1), "kill worker"),
                (0.30 + (Random.Shared.NextDouble() * 0.1), "kill worker"),
                (0.50 + (Random.Shared.NextDouble() * 0.1), "kill worker"),
                (0.65 + (Random.Shared.NextDouble() * 0.1), "kill broker"),
            };
            Log($"victim w{victim}; faults at {string.Join(", ", faults.Select(f => $"{f.Fault} {f.At:P0}"))}");
            var next = 0;
            var lastFault = TimeSpan.Zero;
            var deadline = DateTime.UtcNow.AddMinutes(4);
            var lastReport = TimeSpan.Zero;
            bool Complete() => Outputs.All(topic => counts.GetValueOrDefault(topic) >= Total);
            var committedBefore = 0;
            var outputMovedAt = _clock.Elapsed;
            var progress = workers.Select(w => (Line: w.LastProgress, At: _clock.Elapsed)).ToArray();
            while (!Complete() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                for (var i = 0; i < workers.Length; i++)
                {
                    if (workers[i].HasExited)
                    {
                        // A worker that stops by itself (e.g. its calls timed out while the broker was down) is
                        // restarted, as a supervisor would; logged, since it is worth knowing why.
                        unexpectedExits++;
                        Log($"w{i} exited by itself with {workers[i].ExitCode}; restarting. Its output:\n{workers[i].Tail()}");
                        workers[i].Dispose();
                        workers[i] = StartWorker(i);
                        progress[i] = ("", _clock.Elapsed);
                    }

                    if (workers[i].LastProgress != progress[i].Line)
                    {
                        progress[i] = (workers[i].LastProgress, _clock.Elapsed);
                    }
                }

                var committed = counts.Values.Sum();
                if (committed != committedBefore)
                {
                    (committedBefore, outputMovedAt) = (committed, _clock.Elapsed);
                }

                // The supervisor's watchdog, so that a hung worker fails the test with its stack instead of running it
                // into CI's timeout. librdkafka 2.16 used to hang for good inside SendOffsetsToTransaction after a
                // broker restart: its re-bootstrap (all brokers down) decommissioned the cached group coordinator
                // (librdkafka issue #5511); the workers now run without re-bootstrap, and any kill here is a problem.
                if (_clock.Elapsed - outputMovedAt >= StallTimeout)
                {
                    for (var i = 0; i < workers.Length; i++)
                    {
                        if (_clock.Elapsed - progress[i].At >= StallTimeout)
                        {
                            watchdogKills++;
                            Log($"watchdog: w{i} has made no progress for {StallTimeout.TotalSeconds} s ({workers[i].LastProgress}); kill -9 and restart."
                                + $" Its worker thread:\n{workers[i].Stacks() ?? "(install dotnet-stack to see it)"}");
                            workers[i].Kill9();
                            workers[i].Dispose();
                            workers[i] = StartWorker(i);
                            progress[i] = ("", _clock.Elapsed);
                        }
                    }

                    outputMovedAt = _clock.Elapsed;
                }

                var echoed = counts.GetValueOrDefault(EosJob.Echo);
                if (next < faults.Length && echoed >= faults[next].At * Total && _clock.Elapsed - lastFault >= TimeSpan.FromSeconds(5))
                {
                    lastFault = _clock.Elapsed;
                    Log($"{faults[next].Fault} at {echoed} echoed");
                    if (faults[next].Fault == "kill worker")
                    {
                        workers[victim].Kill9();
                        workers[victim].Dispose();
                        workers[victim] = StartWorker(victim);
                        progress[victim] = ("", _clock.Elapsed);
                    }
                    else
                    {
                        broker.Kill9();
                        broker.Dispose();
                        broker = BrokerProcess.Start(data.Path, port, brokerArgs);
                        Log("broker restarted");
                    }

                    next++;
                }

                if (_clock.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
                {
                    lastReport = _clock.Elapsed;
                    Log($"committed: {string.Join(", ", Outputs.Select(t => $"{t} {counts.GetValueOrDefault(t)}"))}; "
                        + string.Join("; ", workers.Select((w, i) => $"w{i} {w.LastProgress}")));
                }
            }

            var complete = Complete();
            Log(complete ? "every output is complete" : "timed out waiting for the outputs: verifying what is there");
            await stopProducing.CancelAsync();
            var produced = await producing;
            await stopReading.CancelAsync();
            await reader;

            // Stop the workers as a service manager would; the open transactions commit. A worker restoring a task
            // finishes the restore first (up to a minute), so the grace period is generous.
            var problems = new List<string>();
            var exitCodes = await Task.WhenAll(workers.Select(w => Task.Run(() => w.Terminate(TimeSpan.FromSeconds(90)))));
            for (var i = 0; i < workers.Length; i++)
            {
                Log($"w{i} stopped with {exitCodes[i]}: {workers[i].LastProgress}");
                if (exitCodes[i] != 0)
                {
                    problems.Add($"w{i} did not stop cleanly on SIGTERM (exit code {exitCodes[i]}, -1: still running after 90 s) {workers[i].StuckOnStop}");
                }
            }
            if (watchdogKills > 0)
            {
                problems.Add($"the watchdog killed {watchdogKills} stalled workers (see the log for their stacks)");
            }

            if (next < faults.Length)
            {
                problems.Add($"only {next} of {faults.Length} faults were applied");
            }

            if (produced != Total)
            {
                problems.Add($"the producer had {produced} of {Total} records acknowledged");
            }

            CheckNoOpenTransaction(broker.BootstrapServers, problems);
            Verify(broker.BootstrapServers, input, problems);
            Log($"{unexpectedExits} unexpected worker exits, {watchdogKills} watchdog kills; {problems.Count} problems");
            Assert.True(problems.Count == 0, $"{string.Join("\n", problems)}\n\nlog:\n{_log}\n{WorkerTails(workers)}");
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker?.Dispose();
            }

            broker.Dispose();
        }
    }

    /// <summary>The input in production order: random keys and values, each record in its key's murmur2 partition.</summary>
    private static List<(string Key, long Value, int Partition)> Generate(int seed)
    {
        var random = new Random(seed);
        var records = new List<(string, long, int)>(Total);
        for (var i = 0; i < Total; i++)
        {
            var key = EosJob.Key(random.Next(Keys));
            records.Add((key, random.Next(10_000), PartitionOf(key)));
        }

        return records;
    }

    private static int PartitionOf(string key) => Murmur2Partitioner.Partition(EngineSerdes.String.Serialize(key), EosJob.Partitions);

    /// <summary>Produces the input at <see cref="RecordsPerSecond"/> with an idempotent producer; returns how many were acknowledged.</summary>
    private static int Produce(string bootstrap, List<(string Key, long Value, int Partition)> input, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = 120_000,
        }).Build();
        var acknowledged = 0;
        const int batch = 100;
        for (var i = 0; i < input.Count && !stop.IsCancellationRequested; i++)
        {
            var (key, value, partition) = input[i];
            producer.Produce(new TopicPartition(EosJob.Input, partition),
                new Message<byte[], byte[]> { Key = EngineSerdes.String.Serialize(key), Value = EngineSerdes.Long.Serialize(value) }, report =>
                {
                    if (report.Error.Code == ErrorCode.NoError)
                    {
                        Interlocked.Increment(ref acknowledged);
                    }
                });
            if (i % batch == batch - 1)
            {
                Thread.Sleep(1000 * batch / RecordsPerSecond);
            }
        }

        producer.Flush(TimeSpan.FromSeconds(120));
        return acknowledged;
    }

    /// <summary>Counts the committed output records per topic, for progress; keeps going across broker restarts.</summary>
    private static void CountCommittedOutput(string bootstrap, ConcurrentDictionary<string, int> counts, CancellationToken stop)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "progress",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            // The output topics are created by the first worker: until then the assignment finds nothing.
            TopicMetadataRefreshIntervalMs = 1000,
        }).Build();
        consumer.Assign(Outputs.SelectMany(topic => Enumerable.Range(0, EosJob.Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning))));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is not null)
                {
                    counts.AddOrUpdate(result.Topic, 1, (_, n) => n + 1);
                }
            }
            catch (ConsumeException)
            {
                // The broker is being restarted, or a topic does not exist yet.
            }
        }
    }

    /// <summary>After the workers stopped: on every partition the job writes, the last stable offset is the high watermark.</summary>
    private void CheckNoOpenTransaction(string bootstrap, List<string> problems)
    {
        var plan = EosJob.Build();
        var topics = Outputs.Concat(plan.Stages.SelectMany(s => s.RepartitionTopics)).Concat(plan.Stores.Select(s => s.ChangelogTopic)).ToList();
        problems.AddRange(CommittedLog.OpenTransactions(bootstrap, topics, EosJob.Partitions));
        Log($"checked LSO == HW on {topics.Count} topics");
    }

    /// <summary>Reads every topic in full and compares it with what the input determines.</summary>
    private void Verify(string bootstrap, List<(string Key, long Value, int Partition)> input, List<string> problems)
    {
        // The input as the broker kept it must be the input as produced; the outputs are then checked against the
        // broker's copy, so a broker fault and an engine fault show up as different problems.
        var stored = ReadAll(bootstrap, EosJob.Input).Select(p => p.Select(r => (Key: EngineSerdes.String.Deserialize(r.Key), Value: EngineSerdes.Long.Deserialize(r.Value))).ToList()).ToArray();
        for (var p = 0; p < EosJob.Partitions; p++)
        {
            var produced = input.Where(r => r.Partition == p).Select(r => Show(r.Key, r.Value)).ToList();
            CompareSequence($"{EosJob.Input}/{p} (as produced)", produced, stored[p].Select(r => Show(r.Key, r.Value)).ToList(), problems);
        }

        var echo = ReadAll(bootstrap, EosJob.Echo);
        for (var p = 0; p < EosJob.Partitions; p++)
        {
            CompareSequence($"{EosJob.Echo}/{p}", stored[p].Select(r => Show(r.Key, r.Value)).ToList(),
                echo[p].Select(r => Show(EngineSerdes.String.Deserialize(r.Key), EngineSerdes.Long.Deserialize(r.Value))).ToList(), problems);
        }

        foreach (var topic in EosJob.Aggregates)
        {
            var actual = ReadAll(bootstrap, topic);
            for (var p = 0; p < EosJob.Partitions; p++)
            {
                var expected = RunningAggregate(topic, stored[p]);
                CompareSequence($"{topic}/{p}", expected,
                    actual[p].Select(r => Show(EngineSerdes.String.Deserialize(r.Key), EngineSerdes.Long.Deserialize(r.Value))).ToList(), problems);
            }
        }

        VerifyGroups(ReadAll(bootstrap, EosJob.Groups), stored, problems);
        Log("verified every output");
    }

    private static List<string> RunningAggregate(string topic, List<(string Key, long Value)> partition)
    {
        var aggregates = new Dictionary<string, long>(StringComparer.Ordinal);
        var expected = new List<string>(partition.Count);
        foreach (var (key, value) in partition)
        {
            var next = !aggregates.TryGetValue(key, out var current) ? (topic == EosJob.Count ? 1 : value)
                : topic switch
                {
                    EosJob.Min => Math.Min(current, value),
                    EosJob.Max => Math.Max(current, value),
                    EosJob.Sum => current + value,
                    _ => current + 1,
                };
            aggregates[key] = next;
            expected.Add(Show(key, next));
        }

        return expected;
    }

    /// <summary>
    /// The group output (see <see cref="EosJob"/>): each group in its murmur2 partition; its n-th record says count n
    /// and sum = the previous sum + its source value; each key's source records appear once each, in input order.
    /// </summary>
    private static void VerifyGroups(List<(byte[] Key, byte[] Value)>[] actual, List<(string Key, long Value)>[] stored, List<string> problems)
    {
        var expectedPerKey = stored.SelectMany(p => p).GroupBy(r => r.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Value).ToList(), StringComparer.Ordinal);
        var groups = expectedPerKey.Keys.GroupBy(EosJob.GroupOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var seenGroups = new HashSet<string>(StringComparer.Ordinal);
        for (var p = 0; p < EosJob.Partitions; p++)
        {
            foreach (var byGroup in actual[p].Select(r => (Group: EngineSerdes.String.Deserialize(r.Key), Record: EosJob.ParseGroupRecord(EngineSerdes.String.Deserialize(r.Value))))
                .GroupBy(r => r.Group, StringComparer.Ordinal))
            {
                var group = byGroup.Key;
                seenGroups.Add(group);
                var where = $"{EosJob.Groups}/{p} group {group}";
                if (PartitionOf(group) != p)
                {
                    problems.Add($"{where}: the group belongs to partition {PartitionOf(group)}");
                }

                var records = byGroup.Select(r => r.Record).ToList();
                long sum = 0;
                for (var i = 0; i < records.Count; i++)
                {
                    var (count, runningSum, key, value) = records[i];
                    sum += value;
                    if (count != i + 1 || runningSum != sum)
                    {
                        problems.Add($"{where}: record {i} ({key}={value}) says count {count} sum {runningSum}, expected count {i + 1} sum {sum}");
                        break;
                    }
                }

                var perKey = records.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.Value).ToList(), StringComparer.Ordinal);
                foreach (var key in groups.GetValueOrDefault(group) ?? [])
                {
                    CompareSequence($"{where} source key {key}", expectedPerKey[key].Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(),
                        (perKey.GetValueOrDefault(key) ?? []).Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(), problems);
                    perKey.Remove(key);
                }

                foreach (var stray in perKey.Keys)
                {
                    problems.Add($"{where}: records of key {stray}, which is not in the group or not in the input");
                }
            }
        }

        foreach (var missing in groups.Keys.Where(g => !seenGroups.Contains(g)))
        {
            problems.Add($"{EosJob.Groups}: group {missing} has no records");
        }
    }

    private static string Show(string key, long value) => $"{key}={value.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Records the first difference of two sequences (and their lengths), with some context.</summary>
    private static void CompareSequence(string what, List<string> expected, List<string> actual, List<string> problems)
    {
        var first = 0;
        while (first < expected.Count && first < actual.Count && expected[first] == actual[first])
        {
            first++;
        }

        if (first == expected.Count && first == actual.Count)
        {
            return;
        }

        string Around(List<string> list) => string.Join(" ", list.Skip(Math.Max(0, first - 2)).Take(6));
        problems.Add($"{what}: {actual.Count} records, expected {expected.Count}; first difference at {first}: "
            + $"expected [{Around(expected)}], got [{Around(actual)}]");
    }

    /// <summary>Every committed record of a topic's partitions, read until the end of each.</summary>
    private static List<(byte[] Key, byte[] Value)>[] ReadAll(string bootstrap, string topic) =>
        CommittedLog.ReadAll(bootstrap, topic, EosJob.Partitions).Select(p => p.Select(r => (r.Key, r.Value!)).ToList()).ToArray();

    private static string WorkerTails(EngineWorkerProcess[] workers) =>
        string.Join("\n", workers.Select((w, i) => $"--- w{i} (last instance) output:\n{w?.Tail()}"));

    private void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}";
        lock (_log)
        {
            _log.AppendLine(line);
        }

        output.WriteLine(line);
    }
}
