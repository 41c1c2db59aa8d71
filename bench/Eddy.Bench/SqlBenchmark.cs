using System.Globalization;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Syntax;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench sql`: what SQL costs over the same job written in C#. Loads N JSON clicks (<see cref="ClickInputs"/>),
/// then runs, in rounds, a SQL filter/projection and its hand-written C# equivalent, a SQL 10 s tumbling count per page
/// and its C# equivalent, each on an in-process worker as `eddy bench engine` runs its jobs (EOS, 100 ms commits, the
/// run timed until the job's group has committed its whole input), and reports records/s, worker CPU and allocation per
/// record, and the SQL / C# ratio of CPU per record (the figure that does not move with the other processes on a shared
/// machine) against the 1.3x that issue 14 allows.
/// </summary>
public static class SqlBenchmark
{
    /// <summary>What issue 14 allows SQL over C# in CPU per record.</summary>
    public const double AllowedRatio = 1.3;

    /// <summary>The SQL filter/projection, over the <c>clicks</c> table.</summary>
    public const string FilterQuery = "INSERT INTO filtered SELECT `user`, page, amount * 2 FROM clicks WHERE amount > 10";

    /// <summary>The SQL tumbling count, over the <c>clicks</c> table.</summary>
    public const string TumbleQuery =
        "INSERT INTO page_counts SELECT window_start, window_end, page, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, page";

    /// <summary>One pair: a SQL job's runs and its C# equivalent's.</summary>
    private sealed record Pair(string Operator, string Sql, string CSharp);

    /// <summary>Records of the warm-up runs (fewer when the input has fewer).</summary>
    private const long WarmUpRecords = 100_000;

    private static readonly Pair[] Pairs =
    [
        new("filter/projection", "sql-filter", "csharp-filter"),
        new("tumbling count", "sql-tumble", "csharp-tumble"),
    ];

    /// <summary>
    /// Runs the benchmark: each run's line, then the table of all runs and the SQL / C# ratios, go to
    /// <paramref name="output"/>, live numbers to <paramref name="progress"/>. Returns 0 when every run processed its
    /// whole input (whatever the ratios: they are figures to read, not a pass or fail).
    /// </summary>
    public static async Task<int> RunAsync(SqlBenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var engine = options.Engine();
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--set", "group.initial.rebalance.delay.ms=0") : null;
        var bootstrap = options.Bootstrap ?? broker!.BootstrapServers;
        var brokerSampler = broker is not null && ProcessSampler.IsAvailable(broker.Pid) ? new ProcessSampler(broker.Pid) : null;
        var run = Guid.NewGuid().ToString("N")[..8];
        var inputs = new ClickInputs(options, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (options.Records * 1000 / options.EventRate) - 120_000);
        var input = $"sql-clicks-{run}";
        await EngineBenchmark.CreateTopicAsync(bootstrap, input, options.Partitions);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sql: {options.Records:N0} JSON clicks in {input} ({options.Partitions} partitions), {options.Users:N0} users, {options.Pages:N0} pages, {options.EventRate:N0} records per event-time second; EOS, commit every {options.CommitInterval.TotalMilliseconds:F0} ms, {options.Threads} stream thread(s), {options.Rounds} round(s), broker={bootstrap}"));
        EngineBenchmark.Load(bootstrap, input, inputs.Records(), options.Records, output, progress, cancellationToken);

        // A warm-up of every job over the first records, not reported: otherwise the first run pays the JIT of the
        // engine code all runs share, and the job that runs first looks dearer than it is.
        var warmUp = Math.Min(options.Records, WarmUpRecords);
        var warmUpTopic = $"sql-clicks-warm-up-{run}";
        await EngineBenchmark.CreateTopicAsync(bootstrap, warmUpTopic, options.Partitions);
        EngineBenchmark.Load(bootstrap, warmUpTopic, inputs.Records().Take((int)warmUp), warmUp, output, progress, cancellationToken);
        var warmUpRead = new EngineBenchmark.RunInputs(new Dictionary<string, long> { [warmUpTopic] = warmUp }, warmUp);
        foreach (var job in SqlBenchOptions.JobNames.Where(options.Jobs.Contains))
        {
            var name = $"bench-{job}-{run}-warm-up";
            await EngineBenchmark.RunEddyAsync($"{job} (warm-up)", job, await PlanAsync(job, name, warmUpTopic), bootstrap, warmUpRead, engine, brokerSampler, progress,
                cancellationToken);
        }

        var read = new EngineBenchmark.RunInputs(new Dictionary<string, long> { [input] = options.Records }, options.Records);
        var results = new List<(string Job, EngineBenchmark.RunResult Result)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var job in SqlBenchOptions.JobNames.Where(options.Jobs.Contains))
            {
                var name = $"bench-{job}-{run}-{round}";
                var op = Array.Find(Pairs, p => p.Sql == job || p.CSharp == job)!.Operator;
                var result = await EngineBenchmark.RunEddyAsync($"{job} (round {round})", op, await PlanAsync(job, name, input), bootstrap, read, engine, brokerSampler,
                    progress, cancellationToken);
                results.Add((job, result));
                EngineBenchmark.Report(output, result);
            }
        }

        output.WriteLine();
        output.WriteLine("| run | records/s | elapsed | worker CPU | worker CPU/record | allocated/record | worker peak RSS |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (_, r) in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.RecordsPerSecond:N0} | {r.Elapsed.TotalSeconds:F2} s | {r.WorkerCpu:F2} cores | {CpuPerRecord(r):F2} µs | {r.Allocated / (double)r.Records:F0} B | {r.PeakRss / (1024 * 1024)} MiB |"));
        }

        output.WriteLine();
        output.WriteLine("| job | runs | records/s (mean) | worker CPU/record (mean) | allocated/record (mean) |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var job in SqlBenchOptions.JobNames)
        {
            var runs = results.Where(r => r.Job == job).Select(r => r.Result).ToList();
            if (runs.Count > 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {job} | {runs.Count} | {runs.Average(r => r.RecordsPerSecond):N0} | {runs.Average(CpuPerRecord):F2} µs | {runs.Average(r => r.Allocated / (double)r.Records):F0} B |"));
            }
        }

        output.WriteLine();
        foreach (var pair in Pairs)
        {
            var sql = results.Where(r => r.Job == pair.Sql).Select(r => CpuPerRecord(r.Result)).ToList();
            var csharp = results.Where(r => r.Job == pair.CSharp).Select(r => CpuPerRecord(r.Result)).ToList();
            if (sql.Count > 0 && csharp.Count > 0)
            {
                var ratio = sql.Average() / csharp.Average();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {pair.Operator}, SQL / C# worker CPU per record: {ratio:F2}x ({(ratio <= AllowedRatio ? "within" : "over")} the {AllowedRatio:F1}x allowed)"));
            }
        }

        return 0;
    }

    /// <summary>The job <paramref name="job"/> (one of <see cref="SqlBenchOptions.JobNames"/>) over <paramref name="input"/>, writing <c>{name}-out</c>.</summary>
    private static async Task<Engine.Plan.JobPlan> PlanAsync(string job, string name, string input) => job switch
    {
        "sql-filter" => await SqlPlanAsync(name, input, FilterQuery),
        "csharp-filter" => ClickJobs.Filter(name, input, $"{name}-out"),
        "sql-tumble" => await SqlPlanAsync(name, input, TumbleQuery),
        "csharp-tumble" => ClickJobs.Tumble(name, input, $"{name}-out"),
        _ => throw new ArgumentException($"'{job}' is not a run of `eddy bench sql`.", nameof(job)),
    };

    private static double CpuPerRecord(EngineBenchmark.RunResult r) => r.WorkerCpu * r.Elapsed.TotalSeconds * 1e6 / r.Records;

    /// <summary>
    /// The SQL job as a session would plan it: the tables declared in DDL in an in-memory catalog, the INSERT parsed,
    /// bound and translated into the engine's plan.
    /// </summary>
    internal static async Task<Engine.Plan.JobPlan> SqlPlanAsync(string name, string input, string insert)
    {
        await using var catalog = SqlCatalog.CreateInMemory();
        foreach (var ddl in Tables(input, $"{name}-out"))
        {
            await catalog.ExecuteAsync(SqlParser.ParseStatement(ddl), ddl);
        }

        var sink = new SqlBinder(catalog).BindInsert((InsertStatement)SqlParser.ParseStatement(insert));
        return JobTranslator.Translate(name, sink);
    }

    /// <summary>The clicks table over <paramref name="input"/> and the two sink tables, both writing <paramref name="output"/>.</summary>
    internal static string[] Tables(string input, string output) =>
    [
        $"""
         CREATE TABLE clicks (
           `user` STRING,
           page STRING,
           amount INT,
           ts TIMESTAMP(3),
           WATERMARK FOR ts AS ts
         ) WITH ('connector' = 'kafka', 'topic' = '{input}', 'scan.startup.mode' = 'earliest-offset',
                 'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601')
         """,
        $"""
         CREATE TABLE filtered (`user` STRING, page STRING, amount2 INT)
         WITH ('connector' = 'kafka', 'topic' = '{output}', 'format' = 'json')
         """,
        $"""
         CREATE TABLE page_counts (window_start TIMESTAMP(3), window_end TIMESTAMP(3), page STRING, cnt BIGINT)
         WITH ('connector' = 'kafka', 'topic' = '{output}', 'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601')
         """,
    ];
}
