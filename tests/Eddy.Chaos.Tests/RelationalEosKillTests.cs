using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Chaos.EngineWorker;
using Eddy.Engine;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;
using Eddy.Testing;
using Xunit.Abstractions;
using EngineSerdes = Eddy.Engine.Serdes;

namespace Eddy.Chaos.Tests;

/// <summary>
/// Exactly-once of the relational operators under faults (issue 13): three worker processes run
/// <see cref="RelationalJob"/> (a table of orders with updates and deletes, re-keyed by customer, joined with a
/// customers table by a stream–table join and by a regular join, aggregated and ranked Top-N per customer; orders joined with deliveries by
/// a table–table join; payments joined with shipments by an interval join) while the input is produced; one worker is killed with SIGKILL three times, once
/// with its state directory deleted so that its state must come back from the changelogs, and the broker once.
/// Afterwards every output, read as read_committed, is materialized (its row kinds applied in offset order per
/// partition) and compared record for record with an oracle computed here from the input: a join and a ranking of the
/// final orders and deliveries tables, aggregates of them, and a brute-force interval join. A state update or output lost or applied twice leaves a row too many or too few, or a
/// retraction of a row that is not there.
/// </summary>
public class RelationalEosKillTests(ITestOutputHelper output)
{
    /// <summary>
    /// Input records: 30 s at the rate below; 50 % order changes (upserts and deletes), 10 % delivery changes, 20 %
    /// payments, 20 % shipments.
    /// </summary>
    private const int Total = 12_000;

    /// <summary>Order ids: each gets about 4 changes, so orders are updated, moved between customers and deleted.</summary>
    private const int OrderIds = 1_500;

    /// <summary>Customers c0..c99; c0..c89 have a row in the customers table, the others' orders join nothing.</summary>
    private const int Customers = 100;

    private const int CustomersWithRow = 90;

    /// <summary>
    /// Payments and shipments are for orders o0..o99 only: about 24 each per order over the run, so a payment has a
    /// shipment in its three-second interval about half the time.
    /// </summary>
    private const int PaidOrderIds = 100;

    /// <summary>The event time of the first payment or shipment; each later one is 25 ms later, then up to a second earlier.</summary>
    private const long EventTimeBase = 1_800_000_000_000;

    private const int StepMs = 25;

    private const int JitterMs = 1_000;

    private const int RecordsPerSecond = 400;

    /// <summary>No output and no worker progress for this long: the watchdog restarts the workers that are stuck.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);

    private static readonly ISerde<Ranked<string>> RankedSerde = Ranked.Serde(EngineSerdes.String);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task Joined_and_ranked_tables_stay_exact_while_a_worker_is_killed_three_times_once_without_its_state_and_the_broker_once()
    {
        var seed = Environment.TickCount;
        var input = Generate(seed);
        var expected = Oracle(input);
        Log($"seed {seed}: {input.Count} records ({input.Count(r => r.Topic == RelationalJob.Orders)} changes of {OrderIds} orders, {Customers} customers), "
            + $"{RelationalJob.Partitions} partitions; expected rows: {string.Join(", ", expected.Select(o => $"{o.Key} {o.Value.Values.Sum()}"))}");

        using var data = new TempDirectory("eddy-chaos-relational");
        using var state = new TempDirectory("eddy-chaos-relational-state");
        var port = BrokerProcess.FreePort();
        string[] brokerArgs = ["--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500", "--set", "group.initial.rebalance.delay.ms=0"];
        var broker = BrokerProcess.Start(data.Path, port, brokerArgs);
        var workers = new EngineWorkerProcess[3];
        var plan = RelationalJob.Build();
        var unexpectedExits = 0;
        var watchdogKills = 0;
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync(InputTopics.Append(RelationalJob.Customers)
                    .Select(t => new TopicSpecification { Name = t, NumPartitions = RelationalJob.Partitions, ReplicationFactor = 1 }));
            }

            // The customers come first, and the orders only once the join's copy of the customers table is committed:
            // a stream–table join looks up the row the table holds when the order is processed, so an order processed
            // before its customer's row would join nothing, and the result would depend on timing.
            ProduceCustomers(broker.BootstrapServers);
            string StateOf(int i) => Path.Combine(state.Path, $"w{i}");
            EngineWorkerProcess StartWorker(int i) => EngineWorkerProcess.Start(broker.BootstrapServers, StateOf(i), $"w{i}", "relational");
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = StartWorker(i);
            }

            var joinRows = plan.Stages.SelectMany(s => s.Operators).Single(o => o.Kind == OperatorKind.StreamTableJoin).Stores.Single().ChangelogTopic;
            await WaitForCommitted(broker.BootstrapServers, joinRows, CustomersWithRow, TimeSpan.FromSeconds(60));
            Log($"the join's copy of the customers table is committed ({joinRows})");

            using var stopProducing = new CancellationTokenSource();
            var produced = 0;
            var producing = Task.Run(() => Produce(broker.BootstrapServers, input, ref produced, stopProducing.Token));
            using var materialized = new LiveMaterialization(broker.BootstrapServers);
            var reader = Task.Run(materialized.Run);

            // One worker is the victim of all three kills, at random moments while the input flows, the second time
            // with its state directory deleted; the broker dies once later. Moments are fractions of the input produced.
            var victim = Random.Shared.Next(workers.Length);
            var faults = new (double At, string Fault)[]
            {
                (0.10 + (Random.Shared.NextDouble() * 0.1), "kill worker"),
                (0.30 + (Random.Shared.NextDouble() * 0.1), "kill worker and delete its state"),
                (0.50 + (Random.Shared.NextDouble() * 0.1), "kill worker"),
                (0.70 + (Random.Shared.NextDouble() * 0.1), "kill broker"),
            };
            Log($"victim w{victim}; faults at {string.Join(", ", faults.Select(f => $"{f.Fault} {f.At:P0}"))}");
            var next = 0;
            var lastFault = TimeSpan.Zero;
            var deadline = DateTime.UtcNow.AddMinutes(4);
            var lastReport = TimeSpan.Zero;
            var outputBefore = 0L;
            var outputMovedAt = _clock.Elapsed;
            var progress = workers.Select(w => (Line: w.LastProgress, At: _clock.Elapsed)).ToArray();
            var complete = false;
            while (!complete && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
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

                var outputRead = materialized.RecordsRead;
                if (outputRead != outputBefore)
                {
                    (outputBefore, outputMovedAt) = (outputRead, _clock.Elapsed);
                }

                // The supervisor's watchdog (as in EngineEosKillTests), so that a hung worker fails the test with its
                // stack instead of running it into CI's timeout.
                if (_clock.Elapsed - outputMovedAt >= StallTimeout && !complete)
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

                var producedNow = Volatile.Read(ref produced);
                if (next < faults.Length && producedNow >= faults[next].At * input.Count && _clock.Elapsed - lastFault >= TimeSpan.FromSeconds(5))
                {
                    lastFault = _clock.Elapsed;
                    var fault = faults[next].Fault;
                    Log($"{fault} at {producedNow} produced");
                    if (fault.StartsWith("kill worker", StringComparison.Ordinal))
                    {
                        workers[victim].Kill9();
                        workers[victim].Dispose();
                        if (fault.EndsWith("delete its state", StringComparison.Ordinal))
                        {
                            Directory.Delete(StateOf(victim), recursive: true);
                        }

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

                // Done when the input is in and what the outputs say so far is the oracle (checked again from scratch below).
                complete = next == faults.Length && producing.IsCompleted && materialized.Matches(expected);
                if (_clock.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
                {
                    lastReport = _clock.Elapsed;
                    Log($"produced {producedNow}; output read {outputRead} ({materialized.Summary()}); "
                        + string.Join("; ", workers.Select((w, i) => $"w{i} {w.LastProgress}")));
                }
            }

            Log(complete ? "the outputs match the oracle" : "timed out waiting for the outputs: verifying what is there");
            await stopProducing.CancelAsync();
            var acknowledged = await producing;
            materialized.Stop();
            await reader;

            // Stop the workers as a service manager would; the open transactions commit. A worker restoring a task
            // finishes the restore first, so the grace period is generous.
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

            if (acknowledged != input.Count)
            {
                problems.Add($"the producer had {acknowledged} of {input.Count} records acknowledged");
            }

            var written = RelationalJob.Outputs.Concat(plan.Stages.SelectMany(s => s.RepartitionTopics)).Concat(plan.Stores.Select(s => s.ChangelogTopic)).ToList();
            problems.AddRange(CommittedLog.OpenTransactions(broker.BootstrapServers, written, RelationalJob.Partitions));
            Log($"checked LSO == HW on {written.Count} topics");
            Verify(broker.BootstrapServers, input, expected, problems);
            Log($"{unexpectedExits} unexpected worker exits, {watchdogKills} watchdog kills; {problems.Count} problems");
            Assert.True(problems.Count == 0, $"seed {seed}\n{string.Join("\n", problems)}\n\nlog:\n{_log}\n"
                + string.Join("\n", workers.Select((w, i) => $"--- w{i} (last instance) output:\n{w?.Tail()}")));
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

    private static readonly string[] InputTopics = [RelationalJob.Orders, RelationalJob.Deliveries, RelationalJob.Payments, RelationalJob.Shipments];

    /// <summary>
    /// An input record: an order change (an upsert of "orderId:customer:amount", or a delete: null), a delivery change
    /// ("d{i}" or a delete), a payment ("p{i}") or a shipment ("s{i}") with its event time.
    /// </summary>
    private readonly record struct InputRecord(string Topic, string Key, string? Value, int Partition, long? Timestamp = null);

    /// <summary>
    /// The input in production order. Amounts are unique (a random part, then the record's index), so a ranking has no
    /// ties; most order updates keep the order's customer, some move it, about one change in eight deletes. Payments
    /// and shipments go forward in event time, each up to <see cref="JitterMs"/> earlier than its place, which is
    /// within the watermark's bound; the last record of every partition of both topics is far in the future, so the
    /// watermark passes every other.
    /// </summary>
    private static List<InputRecord> Generate(int seed)
    {
        var random = new Random(seed);
        var customerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = new List<InputRecord>(Total + (2 * RelationalJob.Partitions));
        for (var i = 0; i < Total; i++)
        {
            var kind = random.Next(10);
            if (kind >= 6)
            {
                var key = RelationalJob.OrderId(random.Next(PaidOrderIds));
                var timestamp = EventTimeBase + ((long)i * StepMs) - random.Next(JitterMs);
                records.Add(kind < 8
                    ? new InputRecord(RelationalJob.Payments, key, "p" + i.ToString(CultureInfo.InvariantCulture), PartitionOf(key), timestamp)
                    : new InputRecord(RelationalJob.Shipments, key, "s" + i.ToString(CultureInfo.InvariantCulture), PartitionOf(key), timestamp));
                continue;
            }

            var orderId = RelationalJob.OrderId(random.Next(OrderIds));
            if (kind == 5)
            {
                records.Add(new InputRecord(RelationalJob.Deliveries, orderId, random.Next(4) == 0 ? null : "d" + i.ToString(CultureInfo.InvariantCulture), PartitionOf(orderId)));
                continue;
            }

            if (customerOf.ContainsKey(orderId) && random.Next(8) == 0)
            {
                customerOf.Remove(orderId);
                records.Add(new InputRecord(RelationalJob.Orders, orderId, null, PartitionOf(orderId)));
                continue;
            }

            var customer = customerOf.TryGetValue(orderId, out var current) && random.Next(5) != 0 ? current : RelationalJob.CustomerId(random.Next(Customers));
            customerOf[orderId] = customer;
            records.Add(new InputRecord(RelationalJob.Orders, orderId, RelationalJob.Order(orderId, customer, (random.Next(1_000) * 100_000L) + i), PartitionOf(orderId)));
        }

        var end = EventTimeBase + ((long)Total * StepMs) + (long)TimeSpan.FromMinutes(10).TotalMilliseconds;
        for (var p = 0; p < RelationalJob.Partitions; p++)
        {
            var key = Enumerable.Range(0, 1_000).Select(n => "end" + n.ToString(CultureInfo.InvariantCulture)).First(k => PartitionOf(k) == p);
            records.Add(new InputRecord(RelationalJob.Payments, key, "p-" + key, p, end));
            records.Add(new InputRecord(RelationalJob.Shipments, key, "s-" + key, p, end));
        }

        return records;
    }

    /// <summary>
    /// What each output must hold once materialized, as "key|value" rows with their counts, computed by brute force
    /// from the final orders table: every order of a customer with a row, joined with it; the
    /// <see cref="RelationalJob.TopCount"/> largest orders of every customer, with their ranks; and every payment with
    /// each shipment of its order in its interval, or alone when there is none (but for the last records, which the
    /// watermark never passes).
    /// </summary>
    private static Dictionary<string, Dictionary<string, int>> Oracle(List<InputRecord> input)
    {
        var orders = FinalTable(input, RelationalJob.Orders);
        var deliveries = FinalTable(input, RelationalJob.Deliveries);
        var orderDeliveries = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var orderId in orders.Keys.Union(deliveries.Keys))
        {
            Add(orderDeliveries, Row(orderId, RelationalJob.Delivered(orders.GetValueOrDefault(orderId), deliveries.GetValueOrDefault(orderId))));
        }

        var customerOrders = new Dictionary<string, int>(StringComparer.Ordinal);
        var customerStats = new Dictionary<string, int>(StringComparer.Ordinal);

        var enriched = new Dictionary<string, int>(StringComparer.Ordinal);
        var top = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var byCustomer in orders.Values.GroupBy(RelationalJob.CustomerOf, StringComparer.Ordinal))
        {
            var customer = byCustomer.Key;
            var hasRow = int.Parse(customer.AsSpan(1), CultureInfo.InvariantCulture) < CustomersWithRow;
            foreach (var order in byCustomer)
            {
                var joined = Row(customer, RelationalJob.Enrich(order, hasRow ? RelationalJob.CustomerName(customer) : null));
                Add(customerOrders, joined);
                if (hasRow)
                {
                    Add(enriched, joined);
                }
            }

            var amounts = byCustomer.Select(RelationalJob.AmountOf).ToList();
            Add(customerStats, Row(customer, RelationalJob.Stats(amounts.Count, amounts.Sum(), amounts.Max())));
            var rank = 0;
            foreach (var order in byCustomer.OrderByDescending(RelationalJob.AmountOf).Take(RelationalJob.TopCount))
            {
                Add(top, Row(customer, RankedRow(++rank, order)));
            }
        }

        var paidShipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var shipments = input.Where(r => r.Topic == RelationalJob.Shipments).ToLookup(r => r.Key, StringComparer.Ordinal);
        var from = (long)RelationalJob.ShipmentFrom.TotalMilliseconds;
        var to = (long)RelationalJob.ShipmentTo.TotalMilliseconds;
        foreach (var payment in input.Where(r => r.Topic == RelationalJob.Payments))
        {
            var matches = shipments[payment.Key].Where(s => s.Timestamp >= payment.Timestamp + from && s.Timestamp <= payment.Timestamp + to).ToList();
            foreach (var shipment in matches)
            {
                Add(paidShipped, Row(payment.Key, RelationalJob.PaidAndShipped(payment.Value!, shipment.Value)));
            }

            if (matches.Count == 0 && !payment.Value!.StartsWith("p-end", StringComparison.Ordinal))
            {
                Add(paidShipped, Row(payment.Key, RelationalJob.PaidAndShipped(payment.Value, null)));
            }
        }

        return new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal)
        {
            [RelationalJob.Enriched] = enriched,
            [RelationalJob.TopOrders] = top,
            [RelationalJob.CustomerOrders] = customerOrders,
            [RelationalJob.CustomerStats] = customerStats,
            [RelationalJob.OrderDeliveries] = orderDeliveries,
            [RelationalJob.PaidShipped] = paidShipped,
        };
    }

    /// <summary>The last row of every key of an upsert topic, as a table reading it holds it at the end.</summary>
    private static Dictionary<string, string> FinalTable(List<InputRecord> input, string topic)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var change in input.Where(r => r.Topic == topic))
        {
            if (change.Value is null)
            {
                rows.Remove(change.Key);
            }
            else
            {
                rows[change.Key] = change.Value;
            }
        }

        return rows;
    }

    private static void Add(Dictionary<string, int> rows, string row) => rows[row] = rows.GetValueOrDefault(row) + 1;

    private static string Row(string key, string value) => $"{key}|{value}";

    private static string RankedRow(int rank, string order) => $"#{rank.ToString(CultureInfo.InvariantCulture)} {order}";

    /// <summary>An output record as a "key|value" row, the value decoded as its topic's serde writes it.</summary>
    private static string Decode(string topic, byte[] key, byte[] value)
    {
        var keyText = EngineSerdes.String.Deserialize(key);
        if (topic == RelationalJob.TopOrders)
        {
            var ranked = RankedSerde.Deserialize(value);
            return Row(keyText, RankedRow(ranked.Rank, ranked.Value));
        }

        return Row(keyText, EngineSerdes.String.Deserialize(value));
    }

    private static int PartitionOf(string key) => Murmur2Partitioner.Partition(EngineSerdes.String.Serialize(key), RelationalJob.Partitions);

    private static void ProduceCustomers(string bootstrap)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build();
        for (var c = 0; c < CustomersWithRow; c++)
        {
            var customer = RelationalJob.CustomerId(c);
            producer.Produce(new TopicPartition(RelationalJob.Customers, PartitionOf(customer)), new Message<byte[], byte[]>
            {
                Key = EngineSerdes.String.Serialize(customer),
                Value = EngineSerdes.String.Serialize(RelationalJob.CustomerName(customer)),
            });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Produces the input at <see cref="RecordsPerSecond"/> with an idempotent producer; returns how many were acknowledged.</summary>
    private static int Produce(string bootstrap, List<InputRecord> input, ref int produced, CancellationToken stop)
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
            var (topic, key, value, partition, timestamp) = input[i];
            var message = new Message<byte[], byte[]> { Key = EngineSerdes.String.Serialize(key), Value = value is null ? null! : EngineSerdes.String.Serialize(value) };
            if (timestamp is { } eventTime)
            {
                message.Timestamp = new Timestamp(eventTime, TimestampType.CreateTime);
            }

            producer.Produce(new TopicPartition(topic, partition), message, report =>
            {
                if (report.Error.Code == ErrorCode.NoError)
                {
                    Interlocked.Increment(ref acknowledged);
                }
            });
            Volatile.Write(ref produced, i + 1);
            if (i % batch == batch - 1)
            {
                Thread.Sleep(1000 * batch / RecordsPerSecond);
            }
        }

        producer.Flush(TimeSpan.FromSeconds(120));
        return acknowledged;
    }

    /// <summary>Waits until <paramref name="topic"/> holds at least <paramref name="count"/> committed records.</summary>
    private static async Task WaitForCommitted(string bootstrap, string topic, int count, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "wait-" + topic,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            // The changelog topic is created by the first worker: until then the assignment finds nothing.
            TopicMetadataRefreshIntervalMs = 500,
        }).Build();
        consumer.Assign(Enumerable.Range(0, RelationalJob.Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (seen < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{topic} has {seen} of {count} committed records after {timeout.TotalSeconds} s");
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message is not null)
                {
                    seen++;
                }
            }
            catch (ConsumeException)
            {
                // The topic does not exist yet.
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Reads every output in full, checks the input the broker kept, and compares the materialized outputs with the oracle.</summary>
    private void Verify(string bootstrap, List<InputRecord> input, Dictionary<string, Dictionary<string, int>> expected, List<string> problems)
    {
        // The input as the broker kept it must be the input as produced: otherwise an output difference could be the
        // broker's fault, not the engine's.
        foreach (var topic in InputTopics)
        {
            var stored = CommittedLog.ReadAll(bootstrap, topic, RelationalJob.Partitions);
            for (var p = 0; p < RelationalJob.Partitions; p++)
            {
                var producedHere = input.Where(r => r.Topic == topic && r.Partition == p).Select(r => $"{r.Key}={r.Value ?? "(delete)"}").ToList();
                var storedHere = stored[p].Select(r => $"{EngineSerdes.String.Deserialize(r.Key)}={(r.Value is null ? "(delete)" : EngineSerdes.String.Deserialize(r.Value))}").ToList();
                if (!producedHere.SequenceEqual(storedHere, StringComparer.Ordinal))
                {
                    problems.Add($"{topic}/{p}: the broker holds {storedHere.Count} records, not the {producedHere.Count} produced (or not in order)");
                }
            }
        }

        foreach (var topic in RelationalJob.Outputs)
        {
            var partitions = CommittedLog.ReadAll(bootstrap, topic, RelationalJob.Partitions);
            var rows = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var p = 0; p < RelationalJob.Partitions; p++)
            {
                foreach (var (record, offset) in partitions[p].Select((r, i) => (r, i)))
                {
                    var key = EngineSerdes.String.Deserialize(record.Key);
                    if (PartitionOf(key) != p)
                    {
                        problems.Add($"{topic}/{p}: key {key} belongs to partition {PartitionOf(key)}");
                    }

                    if (record.Value is null)
                    {
                        problems.Add($"{topic}/{p} record {offset}: a tombstone in a changelog output");
                        continue;
                    }

                    if (!Materialize(rows, record.Kind, Decode(topic, record.Key, record.Value)))
                    {
                        problems.Add($"{topic}/{p} record {offset}: {record.Kind} of a row that is not there: {Decode(topic, record.Key, record.Value)}");
                    }
                }
            }

            var missing = Difference(expected[topic], rows);
            var extra = Difference(rows, expected[topic]);
            if (missing.Count + extra.Count > 0)
            {
                problems.Add($"{topic}: {rows.Values.Sum()} rows materialized from {partitions.Sum(p => p.Count)} records, expected {expected[topic].Values.Sum()};"
                    + $" {missing.Count} missing (e.g. {string.Join(", ", missing.Take(5))}), {extra.Count} extra (e.g. {string.Join(", ", extra.Take(5))})");
            }

            Log($"{topic}: {partitions.Sum(p => p.Count)} records, {rows.Values.Sum()} rows materialized; {missing.Count} missing, {extra.Count} extra");
        }
    }

    /// <summary>
    /// Applies one changelog row: insert and update-after add it, update-before and delete take back one equal row;
    /// false when there is none to take back.
    /// </summary>
    private static bool Materialize(Dictionary<string, int> rows, RowKind kind, string row)
    {
        if (kind is RowKind.Insert or RowKind.UpdateAfter)
        {
            Add(rows, row);
            return true;
        }

        if (!rows.TryGetValue(row, out var count))
        {
            return false;
        }

        if (count == 1)
        {
            rows.Remove(row);
        }
        else
        {
            rows[row] = count - 1;
        }

        return true;
    }

    /// <summary>The rows of <paramref name="left"/> that <paramref name="right"/> has fewer of, once per missing copy.</summary>
    private static List<string> Difference(Dictionary<string, int> left, Dictionary<string, int> right) =>
        left.SelectMany(r => Enumerable.Repeat(r.Key, Math.Max(0, r.Value - right.GetValueOrDefault(r.Key)))).Order(StringComparer.Ordinal).ToList();

    private void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}";
        lock (_log)
        {
            _log.AppendLine(line);
        }

        output.WriteLine(line);
    }

    /// <summary>
    /// The outputs materialized as they are committed, for knowing when the job is done; keeps reading across broker
    /// restarts. A retraction of a missing row is counted, not judged: the verification reads everything again.
    /// </summary>
    private sealed class LiveMaterialization(string bootstrap) : IDisposable
    {
        private readonly Dictionary<string, Dictionary<string, int>> _rows = RelationalJob.Outputs.ToDictionary(t => t, _ => new Dictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private long _read;
        private int _missingRetractions;

        public long RecordsRead => Interlocked.Read(ref _read);

        public void Run()
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = "progress",
                IsolationLevel = IsolationLevel.ReadCommitted,
                EnableAutoCommit = false,
                // The output topics are created by the first worker: until then the assignment finds nothing.
                TopicMetadataRefreshIntervalMs = 1000,
            }).Build();
            consumer.Assign(RelationalJob.Outputs.SelectMany(t => Enumerable.Range(0, RelationalJob.Partitions).Select(p => new TopicPartitionOffset(t, p, Offset.Beginning))));
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (result?.Message is { Value: not null } message)
                    {
                        lock (_rows)
                        {
                            if (!Materialize(_rows[result.Topic], CommittedLog.KindOf(message.Headers), Decode(result.Topic, message.Key, message.Value)))
                            {
                                _missingRetractions++;
                            }
                        }

                        Interlocked.Increment(ref _read);
                    }
                }
                catch (ConsumeException)
                {
                    // The broker is being restarted, or a topic does not exist yet.
                }
            }
        }

        public bool Matches(Dictionary<string, Dictionary<string, int>> expected)
        {
            lock (_rows)
            {
                return _rows.All(t => t.Value.Count == expected[t.Key].Count && t.Value.All(r => expected[t.Key].GetValueOrDefault(r.Key) == r.Value));
            }
        }

        public string Summary()
        {
            lock (_rows)
            {
                return string.Join(", ", _rows.Select(t => $"{t.Key} {t.Value.Values.Sum()} rows")) + (_missingRetractions > 0 ? $", {_missingRetractions} retractions of missing rows" : "");
            }
        }

        public void Stop() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();
    }
}
