using System.Globalization;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

// The reference side of `eddy bench engine`: the jobs Eddy runs, as Streamiz.Kafka.Net runs them. eddy starts this as a
// child process, measures it from outside (the group's committed offsets, this process's RSS) and stops it by closing
// standard input. Arguments: key=value pairs (bootstrap, input, output, application-id, state-dir, store=memory|rocksdb,
// commit-interval-ms, threads, job, and per job: window-ms; table, the table topic; right, the right stream's topic;
// interval-ms, the join window's half-width).
var settings = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
string Setting(string name, string? fallback = null) =>
    settings.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"missing argument {name}=...");

var store = Setting("store", "memory");
if (store is not ("memory" or "rocksdb"))
{
    throw new ArgumentException($"store={store}: memory or rocksdb");
}

var config = new StreamConfig<StringSerDes, StringSerDes>
{
    ApplicationId = Setting("application-id"),
    BootstrapServers = Setting("bootstrap"),
    Guarantee = ProcessingGuarantee.EXACTLY_ONCE,
    CommitIntervalMs = long.Parse(Setting("commit-interval-ms", "100"), CultureInfo.InvariantCulture),
    NumStreamThreads = int.Parse(Setting("threads", "1"), CultureInfo.InvariantCulture),
    StateDir = Setting("state-dir"),
    AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
};

var builder = new StreamBuilder();
var output = Setting("output");
switch (Setting("job", "window"))
{
    case "window":
    {
        var windowMs = long.Parse(Setting("window-ms", "1000"), CultureInfo.InvariantCulture);
        var windowed = builder.Stream<string, string>(Setting("input"))
            // GroupBy (not GroupByKey) forces the repartition through a topic, as Eddy's KeyBy does.
            .GroupBy<string, StringSerDes>((key, _, _) => key)
            .WindowedBy(TumblingWindowOptions.Of(windowMs));
        var counts = store == "memory"
            ? windowed.Count(InMemoryWindows.As<string, long>("counts"))
            : windowed.Count(RocksDbWindows.As<string, long>("counts"));
        counts.ToStream().To(output, new TimeWindowedSerDes<string>(new StringSerDes(), windowMs), new Int64SerDes());
        break;
    }

    case "count":
    {
        // GroupBy (not GroupByKey) repartitions, as Eddy's KeyBy does before its Count.
        var grouped = builder.Stream<string, string>(Setting("input")).GroupBy<string, StringSerDes>((key, _, _) => key);
        var counts = store == "memory"
            ? grouped.Count(InMemory.As<string, long>("counts").WithValueSerdes<Int64SerDes>())
            : grouped.Count(RocksDb.As<string, long>("counts").WithValueSerdes<Int64SerDes>());
        counts.ToStream().To<StringSerDes, Int64SerDes>(output);
        break;
    }

    case "count-keyed":
    {
        // GroupByKey: the input is partitioned by key already, so Streamiz counts it without a repartition topic.
        var grouped = builder.Stream<string, string>(Setting("input")).GroupByKey();
        var counts = store == "memory"
            ? grouped.Count(InMemory.As<string, long>("counts").WithValueSerdes<Int64SerDes>())
            : grouped.Count(RocksDb.As<string, long>("counts").WithValueSerdes<Int64SerDes>());
        counts.ToStream().To<StringSerDes, Int64SerDes>(output);
        break;
    }

    case "stream-table-join":
    {
        // Stream and table topics are both partitioned by key (murmur2), so neither side repartitions.
        var table = store == "memory"
            ? builder.Table(Setting("table"), InMemory.As<string, string>("rows"))
            : builder.Table(Setting("table"), RocksDb.As<string, string>("rows"));
        builder.Stream<string, string>(Setting("input"))
            .Join(table, (value, row) => string.Concat(value.AsSpan(0, 8), row.AsSpan(0, 8)))
            .To(output);
        break;
    }

    case "interval-join":
    {
        // Kafka Streams' KStream-KStream join: a right row joins a left row within ±interval of its timestamp,
        // Eddy's interval join with symmetric bounds. The grace period is the time rows wait for late ones.
        var interval = TimeSpan.FromMilliseconds(long.Parse(Setting("interval-ms", "100"), CultureInfo.InvariantCulture));
        var grace = TimeSpan.FromSeconds(1);
        var windows = JoinWindowOptions.Of((long)interval.TotalMilliseconds, (long)grace.TotalMilliseconds);
        var retention = interval * 2 + grace;
        var props = store == "memory"
            ? StreamJoinProps.With<string, string, string>(
                Stores.InMemoryWindowStore("left-rows", retention, interval * 2, retainDuplicates: true),
                Stores.InMemoryWindowStore("right-rows", retention, interval * 2, retainDuplicates: true))
            : StreamJoinProps.With<string, string, string>(
                Stores.PersistentWindowStore("left-rows", retention, interval * 2, (long)retention.TotalMilliseconds, retainDuplicates: true),
                Stores.PersistentWindowStore("right-rows", retention, interval * 2, (long)retention.TotalMilliseconds, retainDuplicates: true));
        builder.Stream<string, string>(Setting("input"))
            .Join(builder.Stream<string, string>(Setting("right")), (left, right) => string.Concat(left.AsSpan(0, 8), right.AsSpan(0, 8)), windows, props)
            .To(output);
        break;
    }

    case "table-join":
    {
        var left = store == "memory"
            ? builder.Table(Setting("input"), InMemory.As<string, string>("left-rows"))
            : builder.Table(Setting("input"), RocksDb.As<string, string>("left-rows"));
        var right = store == "memory"
            ? builder.Table(Setting("table"), InMemory.As<string, string>("right-rows"))
            : builder.Table(Setting("table"), RocksDb.As<string, string>("right-rows"));
        left.Join(right, (l, r) => string.Concat(l.AsSpan(0, 8), r.AsSpan(0, 8))).ToStream().To(output);
        break;
    }

    default:
        throw new ArgumentException($"job={Setting("job")}: window, count, count-keyed, stream-table-join, interval-join or table-join");
}

var stream = new KafkaStream(builder.Build(), config);
Console.WriteLine("starting");
await stream.StartAsync();
Console.WriteLine("started");
// Runs until the parent closes standard input.
while (Console.ReadLine() is not null)
{
}

stream.Dispose();
Console.WriteLine("stopped");
