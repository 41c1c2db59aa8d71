using System.CommandLine;
using Eddy.Bench;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy bench produce|consume</c>: measured throughput, latency and broker cost with Confluent.Kafka.
/// Without --bootstrap it starts a fresh <c>eddy up</c> process on a free port and measures that process.
/// </summary>
public static class BenchCommand
{
    private static readonly string[] CompressionValues = ["none", "gzip", "snappy", "lz4", "zstd"];

    internal static Command Create(CliConsole console)
    {
        var bench = new Command("bench", "Benchmarks with Confluent.Kafka: MB/s, records/s, latency percentiles, broker CPU and RSS. Results go to stdout, live progress to stderr.");
        bench.Add(Verb("produce", "Produce N records of S bytes over P partitions and report throughput and delivery latency.", console, Benchmarks.ProduceAsync));
        bench.Add(Verb("consume", "Consume N records of S bytes over P partitions (loading them first if the topic has fewer) and report throughput.", console, Benchmarks.ConsumeAsync));
        bench.Add(Verb("compaction", "The log cleaner alone: N updates of S bytes over (P x 1250) keys written to a log, then compacted once; reports MB/s and records/s.", console, CompactionBenchmark.RunAsync));
        bench.Add(Verb("transactions", "Exactly-once: a transactional consume-transform-produce copier (commit every 100 ms) copying N records of S bytes while they are produced, in MB/s; and the commit latency of a 4-partition transaction.", console, TransactionBenchmarks.RunAsync));
        bench.Add(Verb("registry", "Schema registry over HTTP: registrations/s (new schemas, compatibility-checked, acknowledged after the log applies them), then schema-by-id reads/s with 32 concurrent clients. With --bootstrap, pass -X registry.url=http://host:port.", console, RegistryBenchmarks.RunAsync));
        bench.Add(EngineVerb(console));
        bench.Add(SqlVerb(console));
        bench.Add(BenchStateCommand.Create(console));
        bench.Add(Verb("groups", "Consumer groups: rebalance time of 3 members over 12 partitions after the last one joins, and offset commits/s from one client.", console, GroupBenchmarks.RunAsync));
        return bench;
    }

    private static Command Verb(string name, string description, CliConsole console, Func<BenchOptions, TextWriter, TextWriter, CancellationToken, Task<int>> run)
    {
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Benchmark an existing cluster. Default: start a fresh `eddy up` process and measure it.", HelpName = "host:port" };
        var brokerPid = new Option<int?>("--broker-pid") { Description = "With --bootstrap: the broker's process id, to report its CPU and RSS.", HelpName = "pid" };
        var topic = new Option<string>("--topic", "-t") { Description = "Topic to use (created if missing). Default: eddy-bench.", HelpName = "name", DefaultValueFactory = _ => "eddy-bench" };
        var records = new Option<long>("--records", "-n") { Description = "Number of records. Default: 1000000.", HelpName = "n", DefaultValueFactory = _ => 1_000_000 };
        var size = new Option<int>("--record-size", "-s") { Description = "Value size in bytes. Default: 1024.", HelpName = "bytes", DefaultValueFactory = _ => 1024 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the topic. Default: 8.", HelpName = "n", DefaultValueFactory = _ => 8 };
        var acks = new Option<string>("--acks") { Description = "all, 1 or 0. Default: all.", HelpName = "all|1|0", DefaultValueFactory = _ => "all" };
        acks.AcceptOnlyFromAmong("all", "-1", "1", "0");
        var compression = new Option<string>("--compression", "-z") { Description = "none, gzip, snappy, lz4 or zstd. Default: none.", HelpName = "codec", DefaultValueFactory = _ => "none" };
        compression.AcceptOnlyFromAmong(CompressionValues);
        var rate = new Option<double>("--rate-mbps") { Description = "Offered load in MB/s (produce); 0 = as fast as possible. Default: 0.", HelpName = "MB/s" };
        var properties = new Option<string[]>("-X") { Description = "A librdkafka client property, key=value (repeatable).", HelpName = "key=value", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description) { bootstrap, brokerPid, topic, records, size, partitions, acks, compression, rate, properties };
        command.SetAction((parseResult, ct) =>
        {
            var options = new BenchOptions
            {
                Bootstrap = parseResult.GetValue(bootstrap),
                Broker = SelfAsBroker(),
                BrokerPid = parseResult.GetValue(brokerPid),
                Topic = parseResult.GetValue(topic)!,
                Records = parseResult.GetValue(records),
                RecordSize = parseResult.GetValue(size),
                Partitions = parseResult.GetValue(partitions),
                Acks = parseResult.GetValue(acks)!,
                Compression = parseResult.GetValue(compression)!,
                RateMBps = parseResult.GetValue(rate),
                ClientProperties = [.. (parseResult.GetValue(properties) ?? []).Select(ParseProperty)],
            };
            return CommandRunner.RunAsync(console.Error, () => Validate(options) is { } error
                ? throw CliException.Usage(error)
                : run(options, console.Out, console.Error, ct), ct);
        });
        return command;
    }

    private static Command EngineVerb(CliConsole console)
    {
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Benchmark against an existing cluster. Default: start a fresh `eddy up` process.", HelpName = "host:port" };
        var records = new Option<long>("--records", "-n") { Description = "Input records, loaded first. Default: 2000000.", HelpName = "n", DefaultValueFactory = _ => 2_000_000 };
        var size = new Option<int>("--record-size", "-s") { Description = "Key + value size in bytes. Default: 100.", HelpName = "bytes", DefaultValueFactory = _ => 100 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the input (and of the internal topics). Default: 8.", HelpName = "n", DefaultValueFactory = _ => 8 };
        var keys = new Option<int>("--keys") { Description = "Distinct keys of the input (the window count's, the count's, the joins' and the table's). Default: 100000.", HelpName = "n", DefaultValueFactory = _ => 100_000 };
        var topNKeys = new Option<int>("--topn-keys") { Description = "Partition keys of the Top-10 (the input's keys modulo n). Default: 10000.", HelpName = "n", DefaultValueFactory = _ => 10_000 };
        var eventRate = new Option<long>("--event-rate") { Description = "Input records per second of event time (how fast the timestamps advance). Default: 500000.", HelpName = "records/s", DefaultValueFactory = _ => 500_000 };
        var jobs = new Option<string>("--jobs")
        {
            Description = $"Comma-separated runs among {string.Join(", ", EngineBenchOptions.JobNames)} (streamiz-X is X's Streamiz.Kafka.Net reference, streamiz the window count's); relational stands for {string.Join(",", EngineBenchOptions.RelationalJobs)}. Default: stateless,window,streamiz.",
            HelpName = "list",
            DefaultValueFactory = _ => "stateless,window,streamiz",
        };
        var streamiz = new Option<string>("--streamiz") { Description = "Path of Eddy.Bench.Streamiz.dll. Default: the copy that building eddy puts in streamiz/ beside it.", HelpName = "path" };
        var store = new Option<string>("--streamiz-store") { Description = "Streamiz's window store: rocksdb (as Eddy) or memory. Default: rocksdb.", HelpName = "rocksdb|memory", DefaultValueFactory = _ => "rocksdb" };
        store.AcceptOnlyFromAmong("rocksdb", "memory");
        var maxRecords = new Option<int?>("--max-records-per-commit") { Description = "The Eddy worker's cap on records read between two commits. Default: the worker's (20000).", HelpName = "n" };
        var threads = new Option<int>("--threads") { Description = "Stream threads of the Eddy worker and of Streamiz (the same for both; num.stream.threads one per core of the 2-core benchmark machine). Default: 2.", HelpName = "n", DefaultValueFactory = _ => 2 };
        var command = new Command("engine",
            "The stream engine: loads N records of ~100 B, then runs a stateless filter+map job and a keyed 1 s tumbling-window count (EOS, 100 ms commits, two stream threads unless --threads), the relational operators on request (--jobs relational: count with and without repartition, stream-table join, interval join, table-table join, Top-10), and the same jobs with Streamiz.Kafka.Net as the reference; reports records/s, worker CPU and memory, state size and the Eddy/Streamiz ratios.")
        {
            bootstrap, records, size, partitions, keys, topNKeys, eventRate, jobs, streamiz, store, maxRecords, threads,
        };
        command.SetAction((parseResult, ct) =>
        {
            var options = new EngineBenchOptions
            {
                Bootstrap = parseResult.GetValue(bootstrap),
                Broker = SelfAsBroker(),
                Records = parseResult.GetValue(records),
                RecordSize = parseResult.GetValue(size),
                Partitions = parseResult.GetValue(partitions),
                Keys = parseResult.GetValue(keys),
                TopNKeys = parseResult.GetValue(topNKeys),
                EventRate = parseResult.GetValue(eventRate),
                Jobs = EngineBenchOptions.ParseJobs(parseResult.GetValue(jobs)!),
                StreamizPath = parseResult.GetValue(streamiz),
                StreamizStore = parseResult.GetValue(store)!,
                MaxRecordsPerCommit = parseResult.GetValue(maxRecords),
                Threads = parseResult.GetValue(threads),
            };
            var error = options.Records <= 0 ? "--records must be positive"
                : options.RecordSize < 20 ? "--record-size must be at least 20"
                : options.Partitions <= 0 ? "--partitions must be positive"
                : options.Keys <= 0 || options.Keys > 999_999 ? "--keys must be between 1 and 999999"
                : options.TopNKeys <= 0 ? "--topn-keys must be positive"
                : options.EventRate <= 0 ? "--event-rate must be positive"
                : options.MaxRecordsPerCommit <= 0 ? "--max-records-per-commit must be positive"
                : options.Threads <= 0 ? "--threads must be positive"
                : options.Jobs.Count == 0 ? "--jobs needs at least one run"
                : options.Jobs.FirstOrDefault(j => !EngineBenchOptions.JobNames.Contains(j)) is { } unknown ? $"--jobs: '{unknown}' is not a run (see --help for the list)"
                : null;
            error ??= options.Jobs.Any(j => j.StartsWith("streamiz", StringComparison.Ordinal)) ? MissingStreamiz(StreamizReference.Resolve(options.StreamizPath)) : null;
            return CommandRunner.RunAsync(console.Error, () => error is not null
                ? throw CliException.Usage(error)
                : EngineBenchmark.RunAsync(options, console.Out, console.Error, ct), ct);
        });
        return command;
    }

    private static Command SqlVerb(CliConsole console)
    {
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Benchmark against an existing cluster. Default: start a fresh `eddy up` process.", HelpName = "host:port" };
        var records = new Option<long>("--records", "-n") { Description = "Input JSON clicks, loaded first. Default: 1000000.", HelpName = "n", DefaultValueFactory = _ => 1_000_000 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the input (and of the repartition topics). Default: 8.", HelpName = "n", DefaultValueFactory = _ => 8 };
        var pages = new Option<int>("--pages") { Description = "Distinct pages: the tumbling count's keys. Default: 1000.", HelpName = "n", DefaultValueFactory = _ => 1_000 };
        var eventRate = new Option<long>("--event-rate") { Description = "Input records per second of event time (a 10 s window holds ten times as many). Default: 20000.", HelpName = "records/s", DefaultValueFactory = _ => 20_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds, each running the jobs once with SQL and C# alternating. Default: 2.", HelpName = "n", DefaultValueFactory = _ => 2 };
        var jobs = new Option<string>("--jobs")
        {
            Description = $"Comma-separated runs among {string.Join(", ", SqlBenchOptions.JobNames)}. Default: all.",
            HelpName = "list",
            DefaultValueFactory = _ => string.Join(',', SqlBenchOptions.JobNames),
        };
        var threads = new Option<int>("--threads") { Description = "Stream threads of the worker. Default: 2.", HelpName = "n", DefaultValueFactory = _ => 2 };
        var command = new Command("sql",
            "SQL against the same job in C#: loads N JSON clicks {user, page, amount, ts}, then runs side by side, in rounds, `INSERT INTO ... SELECT user, page, amount * 2 FROM clicks WHERE amount > 10` and a hand-written C# filter/projection, a SQL 10 s TUMBLE count per page and the C# KeyBy(page).Window(Tumbling(10 s)).Count() (EOS, 100 ms commits); reports records/s, worker CPU and allocation per record, and the SQL / C# ratio of CPU per record against the 1.3x allowed.")
        {
            bootstrap, records, partitions, pages, eventRate, rounds, jobs, threads,
        };
        command.SetAction((parseResult, ct) =>
        {
            var selected = parseResult.GetValue(jobs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var options = new SqlBenchOptions
            {
                Bootstrap = parseResult.GetValue(bootstrap),
                Broker = SelfAsBroker(),
                Records = parseResult.GetValue(records),
                Partitions = parseResult.GetValue(partitions),
                Pages = parseResult.GetValue(pages),
                EventRate = parseResult.GetValue(eventRate),
                Rounds = parseResult.GetValue(rounds),
                Jobs = selected,
                Threads = parseResult.GetValue(threads),
            };
            var error = options.Records <= 0 ? "--records must be positive"
                : options.Partitions <= 0 ? "--partitions must be positive"
                : options.Pages <= 0 || options.Pages > 9_999 ? "--pages must be between 1 and 9999"
                : options.EventRate <= 0 ? "--event-rate must be positive"
                : options.Rounds <= 0 ? "--rounds must be positive"
                : options.Threads <= 0 ? "--threads must be positive"
                : selected.Count == 0 ? "--jobs needs at least one run"
                : selected.FirstOrDefault(j => !SqlBenchOptions.JobNames.Contains(j)) is { } unknown ? $"--jobs: '{unknown}' is not a run (see --help for the list)"
                : null;
            return CommandRunner.RunAsync(console.Error, () => error is not null
                ? throw CliException.Usage(error)
                : SqlBenchmark.RunAsync(options, console.Out, console.Error, ct), ct);
        });
        return command;
    }

    /// <summary>How to get the Streamiz reference when it is not at <paramref name="path"/>; null when it is.</summary>
    internal static string? MissingStreamiz(string path) => File.Exists(path)
        ? null
        : $"the Streamiz reference is not at {path}: building eddy from its repository (`dotnet build -c Release src/Eddy.Cli`) puts it in {StreamizReference.Folder}/ beside eddy; "
          + $"or build it with `dotnet build -c Release bench/Eddy.Bench.Streamiz` and pass --streamiz PATH/{StreamizReference.FileName}; or leave it out with --jobs stateless,window";

    // The benchmarks' own broker is this same eddy, run as `eddy up`. Under `dotnet eddy.dll` the process is the dotnet
    // host and eddy.dll its argument; as the apphost `eddy` the process is eddy itself, and takes no assembly argument
    // (although .NET reports eddy.dll as its first command-line argument there too).
    internal static BrokerCommand SelfAsBroker(string processPath, string entryAssembly) =>
        Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? new BrokerCommand(processPath, [entryAssembly])
            : new BrokerCommand(processPath, []);

    private static BrokerCommand SelfAsBroker() => SelfAsBroker(Environment.ProcessPath!, Environment.GetCommandLineArgs()[0]);

    private static string? Validate(BenchOptions options) =>
        options.Records <= 0 ? "--records must be positive"
        : options.RecordSize <= 0 ? "--record-size must be positive"
        : options.Partitions <= 0 ? "--partitions must be positive"
        : options.RateMBps < 0 ? "--rate-mbps must not be negative"
        : null;

    private static KeyValuePair<string, string> ParseProperty(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 ? throw CliException.Usage($"-X takes key=value, got '{text}'") : new(text[..eq], text[(eq + 1)..]);
    }
}
