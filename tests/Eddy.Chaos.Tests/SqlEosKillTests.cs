using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DuckDB.NET.Data;
using Eddy.Chaos.EngineWorker;
using Eddy.Engine.Runtime;
using Eddy.Testing;
using Xunit.Abstractions;

namespace Eddy.Chaos.Tests;

/// <summary>
/// Exactly-once of a job written in SQL under faults (issue 14): two worker processes run <see cref="SqlJob"/> (orders
/// joined with an upsert-kafka customers table by a regular join and grouped by region into an upsert-kafka table;
/// the orders counted per customer in tumbling windows into a plain JSON topic; a window Top-N of the customers' totals
/// per window into another) while the orders and the customer
/// updates are produced; one worker is killed with SIGKILL twice, once with its state directory deleted, the other
/// once, and the broker once. Afterwards both outputs, read as read_committed, are materialized (the upsert table by
/// key, its tombstones deleting; the window and Top-N rows as multisets) and compared row for row with DuckDB's answer to the
/// same queries, run as batch SQL over the same orders and the final customer rows. A state update or output lost or
/// applied twice leaves a region's count or sum off, or a window row missing or doubled.
/// </summary>
public class SqlEosKillTests(ITestOutputHelper output)
{
    private const int OrderCount = 4_000;

    /// <summary>Customers c0..c299 place orders; c0..c269 have a row (and get updates), the others' orders join nothing.</summary>
    private const int CustomerCount = 300;

    private const int CustomersWithRow = 270;

    private const int Regions = 12;

    /// <summary>About one customer update for every six orders: a customer moves to another region while its orders flow.</summary>
    private const double UpdateRate = 0.15;

    /// <summary>The event time of the first order (a window boundary); each later order is 25 ms later, then up to 700 ms earlier.</summary>
    private static readonly DateTime EventTimeBase = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    private const int StepMs = 25;

    /// <summary>Less than the watermark's one-second delay: no order is late, so every order is in its window.</summary>
    private const int JitterMs = 700;

    private const int RecordsPerSecond = 160;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task A_sql_join_aggregate_and_window_job_matches_DuckDB_after_workers_and_the_broker_are_killed()
    {
        var seed = Environment.TickCount;
        var input = Generate(seed);
        var expectedStats = RegionStatsOracle(input);
        var expectedWindows = WindowsOracle(input);
        var expectedTop = Multiset(DuckDb(input, SqlJob.WindowTopQuery));
        Log($"seed {seed}: {input.Count} records ({input.Count(r => r.Topic == SqlJob.Orders)} orders, {input.Count(r => r.Topic == SqlJob.Customers)} customer rows);"
            + $" DuckDB expects {expectedStats.Count} region rows, {expectedWindows.Values.Sum()} window rows, {expectedTop.Values.Sum()} Top-N rows");

        using var data = new TempDirectory("eddy-chaos-sql");
        using var state = new TempDirectory("eddy-chaos-sql-state");
        var port = BrokerProcess.FreePort();
        string[] brokerArgs = ["--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500", "--set", "group.initial.rebalance.delay.ms=0"];
        var broker = BrokerProcess.Start(data.Path, port, brokerArgs);
        var workers = new EngineWorkerProcess[2];
        var plan = await SqlJob.BuildAsync();
        var unexpectedExits = 0;
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync(new[] { SqlJob.Orders, SqlJob.Customers }
                    .Select(t => new TopicSpecification { Name = t, NumPartitions = SqlJob.Partitions, ReplicationFactor = 1 }));
            }

            string StateOf(int i) => Path.Combine(state.Path, $"w{i}");
            EngineWorkerProcess StartWorker(int i) => EngineWorkerProcess.Start(broker.BootstrapServers, StateOf(i), $"w{i}", "sql");
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = StartWorker(i);
            }

            using var stopProducing = new CancellationTokenSource();
            var produced = 0;
            var producing = Task.Run(() => Produce(broker.BootstrapServers, input, ref produced, stopProducing.Token));

            // Faults at random moments while the input flows (fractions of the input produced).
            var victim = Random.Shared.Next(workers.Length);
            var faults = new (double At, string Fault, int Worker)[]
            {
                (0.10 + (Random.Shared.NextDouble() * 0.1), "kill worker", victim),
                (0.30 + (Random.Shared.NextDouble() * 0.1), "kill worker and delete its state", victim),
                (0.50 + (Random.Shared.NextDouble() * 0.1), "kill broker", -1),
                (0.70 + (Random.Shared.NextDouble() * 0.1), "kill worker", 1 - victim),
            };
            Log($"faults at {string.Join(", ", faults.Select(f => $"{f.Fault}{(f.Worker >= 0 ? $" w{f.Worker}" : "")} {f.At:P0}"))}");
            var next = 0;
            var lastFault = TimeSpan.Zero;
            var lastReport = TimeSpan.Zero;
            var lastCheck = TimeSpan.Zero;
            var deadline = DateTime.UtcNow.AddMinutes(5);
            var complete = false;
            while (!complete && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                for (var i = 0; i < workers.Length; i++)
                {
                    if (workers[i].HasExited)
                    {
                        // A worker that stops by itself (e.g. the broker was down) is restarted, as a supervisor would.
                        unexpectedExits++;
                        Log($"w{i} exited by itself with {workers[i].ExitCode}; restarting. Its output:\n{workers[i].Tail()}");
                        workers[i].Dispose();
                        workers[i] = StartWorker(i);
                    }
                }

                var producedNow = Volatile.Read(ref produced);
                if (next < faults.Length && producedNow >= faults[next].At * input.Count && _clock.Elapsed - lastFault >= TimeSpan.FromSeconds(5))
                {
                    lastFault = _clock.Elapsed;
                    var (_, fault, target) = faults[next];
                    Log($"{fault}{(target >= 0 ? $" w{target}" : "")} at {producedNow} produced");
                    if (target >= 0)
                    {
                        workers[target].Kill9();
                        workers[target].Dispose();
                        if (fault.EndsWith("delete its state", StringComparison.Ordinal))
                        {
                            Directory.Delete(StateOf(target), recursive: true);
                        }

                        workers[target] = StartWorker(target);
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
                    Log($"produced {producedNow}; " + string.Join("; ", workers.Select((w, i) => $"w{i} {w.LastProgress}")));
                }

                // Done when the input is in, every fault applied, and the committed outputs say what DuckDB says
                // (read again from scratch below, after the workers stopped).
                if (next == faults.Length && producing.IsCompleted && _clock.Elapsed - lastCheck >= TimeSpan.FromSeconds(3))
                {
                    lastCheck = _clock.Elapsed;
                    var problems = new List<string>();
                    Compare(broker.BootstrapServers, expectedStats, expectedWindows, expectedTop, problems, log: false);
                    complete = problems.Count == 0;
                }
            }

            Log(complete ? "the outputs match DuckDB's answer" : "timed out waiting for the outputs: verifying what is there");
            await stopProducing.CancelAsync();
            var acknowledged = await producing;

            var failures = new List<string>();
            var exitCodes = await Task.WhenAll(workers.Select(w => Task.Run(() => w.Terminate(TimeSpan.FromSeconds(90)))));
            for (var i = 0; i < workers.Length; i++)
            {
                Log($"w{i} stopped with {exitCodes[i]}: {workers[i].LastProgress}");
                if (exitCodes[i] != 0)
                {
                    failures.Add($"w{i} did not stop cleanly on SIGTERM (exit code {exitCodes[i]}, -1: still running after 90 s) {workers[i].StuckOnStop}");
                }
            }

            if (next < faults.Length)
            {
                failures.Add($"only {next} of {faults.Length} faults were applied");
            }

            if (acknowledged != input.Count)
            {
                failures.Add($"the producer had {acknowledged} of {input.Count} records acknowledged");
            }

            var written = new[] { SqlJob.RegionStats, SqlJob.CustomerWindows, SqlJob.WindowTop }.Concat(plan.Stages.SelectMany(s => s.RepartitionTopics))
                .Concat(plan.Stores.Select(s => s.ChangelogTopic)).ToList();
            failures.AddRange(CommittedLog.OpenTransactions(broker.BootstrapServers, written, SqlJob.Partitions));
            Log($"checked LSO == HW on {written.Count} topics");
            Compare(broker.BootstrapServers, expectedStats, expectedWindows, expectedTop, failures, log: true);
            Log($"{unexpectedExits} unexpected worker exits; {failures.Count} problems");
            Assert.True(failures.Count == 0, $"seed {seed}\n{string.Join("\n", failures)}\n\nlog:\n{_log}\n"
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

    /// <summary>An input record: an order (a JSON row, no key) or a customer row (JSON key and value), on its partition.</summary>
    private readonly record struct InputRecord(string Topic, string? Key, string Value, int Partition, Order? Order = null, (string Id, string Region)? Customer = null);

    private sealed record Order(long Id, string Customer, int Amount, DateTime Ts);

    private static string CustomerId(int n) => "c" + n.ToString(CultureInfo.InvariantCulture);

    private static string Region(int n) => "r" + n.ToString(CultureInfo.InvariantCulture);

    private static string TimestampText(DateTime ts) => ts.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>
    /// The input in production order: every customer's first row, then the orders with customer updates among them,
    /// then one order per partition far in the future whose watermark closes every window (its customer has no row
    /// and its own window never closes, so it is in no output).
    /// </summary>
    private static List<InputRecord> Generate(int seed)
    {
        var random = new Random(seed);
        var input = new List<InputRecord>();
        void Customer(int n)
        {
            var id = CustomerId(n);
            var region = Region(random.Next(Regions));
            var key = JsonSerializer.Serialize(new { id });
            var partition = Murmur2Partitioner.Partition(Encoding.UTF8.GetBytes(key), SqlJob.Partitions);
            input.Add(new InputRecord(SqlJob.Customers, key, JsonSerializer.Serialize(new { id, region }), partition, Customer: (id, region)));
        }

        void AddOrder(Order order, int partition) => input.Add(new InputRecord(SqlJob.Orders, null, JsonSerializer.Serialize(new
        {
            order_id = order.Id,
            customer = order.Customer,
            amount = order.Amount,
            ts = TimestampText(order.Ts),
        }), partition, Order: order));

        for (var c = 0; c < CustomersWithRow; c++)
        {
            Customer(c);
        }

        for (var i = 0; i < OrderCount; i++)
        {
            if (random.NextDouble() < UpdateRate)
            {
                Customer(random.Next(CustomersWithRow));
            }

            var ts = EventTimeBase.AddMilliseconds(((long)i * StepMs) - random.Next(JitterMs));
            AddOrder(new Order(i, CustomerId(random.Next(CustomerCount)), random.Next(1, 1000), ts), random.Next(SqlJob.Partitions));
        }

        var end = EventTimeBase.AddDays(1);
        for (var p = 0; p < SqlJob.Partitions; p++)
        {
            AddOrder(new Order(-1 - p, "end", 0, end), p);
        }

        return input;
    }

    private static List<Order> RealOrders(List<InputRecord> input) =>
        input.Where(r => r.Order is { Id: >= 0 }).Select(r => r.Order!).ToList();

    /// <summary>The final row of every customer (the last update wins), as the upsert table holds it at the end.</summary>
    private static Dictionary<string, string> FinalCustomers(List<InputRecord> input)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in input.Where(r => r.Customer is not null))
        {
            rows[record.Customer!.Value.Id] = record.Customer.Value.Region;
        }

        return rows;
    }

    /// <summary>DuckDB's answer for <c>sql-region-stats</c>: region → "region|count|sum".</summary>
    private static Dictionary<string, string> RegionStatsOracle(List<InputRecord> input) =>
        DuckDb(input, SqlJob.RegionStatsQuery).ToDictionary(r => r.Split('|')[0], r => r, StringComparer.Ordinal);

    /// <summary>DuckDB's answer for <c>sql-customer-windows</c>: "customer|start|end|count|sum" → how many times.</summary>
    private static Dictionary<string, int> WindowsOracle(List<InputRecord> input) => Multiset(DuckDb(input, SqlJob.CustomerWindowsQuery));

    /// <summary>Rows → how many times each occurs.</summary>
    private static Dictionary<string, int> Multiset(IEnumerable<string> rows)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            counts[row] = counts.GetValueOrDefault(row) + 1;
        }

        return counts;
    }

    /// <summary>Runs <paramref name="query"/> on DuckDB over tables <c>orders</c> and <c>customers</c> (final rows); rows rendered "a|b|...".</summary>
    private static List<string> DuckDb(List<InputRecord> input, string query)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, "CREATE TABLE orders (order_id BIGINT, customer VARCHAR, amount INTEGER, ts TIMESTAMP)");
        Execute(connection, "CREATE TABLE customers (id VARCHAR, region VARCHAR)");
        var orders = RealOrders(input);
        for (var start = 0; start < orders.Count; start += 500)
        {
            Execute(connection, "INSERT INTO orders VALUES " + string.Join(", ", orders.Skip(start).Take(500).Select(o =>
                string.Create(CultureInfo.InvariantCulture, $"({o.Id}, '{o.Customer}', {o.Amount}, TIMESTAMP '{TimestampText(o.Ts)}')"))));
        }

        Execute(connection, "INSERT INTO customers VALUES " + string.Join(", ", FinalCustomers(input).Select(c => $"('{c.Key}', '{c.Value}')")));
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = reader.GetValue(i) switch
                {
                    DateTime t => TimestampText(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString()!,
                };
            }

            rows.Add(string.Join('|', cells));
        }

        return rows;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Reads both outputs in full (read_committed), materializes them and adds every difference from DuckDB's answer.</summary>
    private void Compare(string bootstrap, Dictionary<string, string> expectedStats, Dictionary<string, int> expectedWindows, Dictionary<string, int> expectedTop,
        List<string> problems, bool log)
    {
        // The upsert table: per partition in offset order, the last value of a key wins and a tombstone deletes it.
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        var statsRecords = 0;
        foreach (var partition in CommittedLog.ReadAll(bootstrap, SqlJob.RegionStats, SqlJob.Partitions))
        {
            foreach (var record in partition)
            {
                statsRecords++;
                var region = JsonDocument.Parse(record.Key).RootElement.GetProperty("region").GetString()!;
                if (record.Value is null)
                {
                    stats.Remove(region);
                    continue;
                }

                var value = JsonDocument.Parse(record.Value).RootElement;
                stats[region] = string.Join('|', value.GetProperty("region").GetString(), value.GetProperty("order_count").GetInt64().ToString(CultureInfo.InvariantCulture),
                    value.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var region in expectedStats.Keys.Union(stats.Keys).Order(StringComparer.Ordinal))
        {
            var want = expectedStats.GetValueOrDefault(region);
            var got = stats.GetValueOrDefault(region);
            if (want != got)
            {
                problems.Add($"{SqlJob.RegionStats} {region}: DuckDB says {want ?? "(no row)"}, the job wrote {got ?? "(no row)"}");
            }
        }

        // The window rows: inserts only, each window of each customer exactly once.
        var windows = new Dictionary<string, int>(StringComparer.Ordinal);
        var windowRecords = 0;
        foreach (var partition in CommittedLog.ReadAll(bootstrap, SqlJob.CustomerWindows, SqlJob.Partitions))
        {
            foreach (var record in partition)
            {
                windowRecords++;
                if (record.Value is null)
                {
                    problems.Add($"{SqlJob.CustomerWindows}: a tombstone in an insert-only output");
                    continue;
                }

                var value = JsonDocument.Parse(record.Value).RootElement;
                var row = string.Join('|', value.GetProperty("customer").GetString(), Timestamp(value.GetProperty("window_start")), Timestamp(value.GetProperty("window_end")),
                    value.GetProperty("order_count").GetInt64().ToString(CultureInfo.InvariantCulture), value.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture));
                windows[row] = windows.GetValueOrDefault(row) + 1;
            }
        }

        var missing = Difference(expectedWindows, windows);
        var extra = Difference(windows, expectedWindows);
        if (missing.Count + extra.Count > 0)
        {
            problems.Add($"{SqlJob.CustomerWindows}: {windows.Values.Sum()} rows from {windowRecords} records, DuckDB says {expectedWindows.Values.Sum()};"
                + $" {missing.Count} missing (e.g. {string.Join(", ", missing.Take(5))}), {extra.Count} extra (e.g. {string.Join(", ", extra.Take(5))})");
        }

        // The window Top-N rows: inserts only, each window's three best customers exactly once, with their ranks.
        var top = new List<string>();
        foreach (var partition in CommittedLog.ReadAll(bootstrap, SqlJob.WindowTop, SqlJob.Partitions))
        {
            foreach (var record in partition)
            {
                if (record.Value is null)
                {
                    problems.Add($"{SqlJob.WindowTop}: a tombstone in an insert-only output");
                    continue;
                }

                var value = JsonDocument.Parse(record.Value).RootElement;
                top.Add(string.Join('|', Timestamp(value.GetProperty("window_start")), Timestamp(value.GetProperty("window_end")), value.GetProperty("customer").GetString(),
                    value.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture), value.GetProperty("rn").GetInt64().ToString(CultureInfo.InvariantCulture)));
            }
        }

        var topRows = Multiset(top);
        var topMissing = Difference(expectedTop, topRows);
        var topExtra = Difference(topRows, expectedTop);
        if (topMissing.Count + topExtra.Count > 0)
        {
            problems.Add($"{SqlJob.WindowTop}: {top.Count} rows, DuckDB says {expectedTop.Values.Sum()};"
                + $" {topMissing.Count} missing (e.g. {string.Join(", ", topMissing.Take(5))}), {topExtra.Count} extra (e.g. {string.Join(", ", topExtra.Take(5))})");
        }

        if (log)
        {
            Log($"{SqlJob.RegionStats}: {statsRecords} records, {stats.Count} regions; {SqlJob.CustomerWindows}: {windowRecords} records, {missing.Count} missing, {extra.Count} extra;"
                + $" {SqlJob.WindowTop}: {top.Count} records, {topMissing.Count} missing, {topExtra.Count} extra");
        }
    }

    private static string Timestamp(JsonElement value) =>
        TimestampText(DateTime.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.None));

    /// <summary>The rows of <paramref name="left"/> that <paramref name="right"/> has fewer of, once per missing copy.</summary>
    private static List<string> Difference(Dictionary<string, int> left, Dictionary<string, int> right) =>
        left.SelectMany(r => Enumerable.Repeat(r.Key, Math.Max(0, r.Value - right.GetValueOrDefault(r.Key)))).Order(StringComparer.Ordinal).ToList();

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
        const int batch = 40;
        for (var i = 0; i < input.Count && !stop.IsCancellationRequested; i++)
        {
            var record = input[i];
            var message = new Message<byte[], byte[]>
            {
                Key = record.Key is null ? null! : Encoding.UTF8.GetBytes(record.Key),
                Value = Encoding.UTF8.GetBytes(record.Value),
            };
            producer.Produce(new TopicPartition(record.Topic, record.Partition), message, report =>
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
