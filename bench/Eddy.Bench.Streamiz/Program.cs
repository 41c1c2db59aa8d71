using System.Globalization;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

// The reference side of `eddy bench engine`: the keyed 1 s tumbling-window count as Streamiz.Kafka.Net runs it.
// eddy starts this as a child process, measures it from outside (the group's committed offsets, this process's RSS)
// and stops it by closing standard input. Arguments: key=value pairs (bootstrap, input, output, application-id,
// state-dir, store=memory|rocksdb, commit-interval-ms, threads, window-ms).
var settings = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
string Setting(string name, string? fallback = null) =>
    settings.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"missing argument {name}=...");

var windowMs = long.Parse(Setting("window-ms", "1000"), CultureInfo.InvariantCulture);
var store = Setting("store", "memory");
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
var windowed = builder.Stream<string, string>(Setting("input"))
    // GroupBy (not GroupByKey) forces the repartition through a topic, as Eddy's KeyBy does.
    .GroupBy<string, StringSerDes>((key, _, _) => key)
    .WindowedBy(TumblingWindowOptions.Of(windowMs));
var counts = store switch
{
    "memory" => windowed.Count(InMemoryWindows.As<string, long>("counts")),
    "rocksdb" => windowed.Count(RocksDbWindows.As<string, long>("counts")),
    _ => throw new ArgumentException($"store={store}: memory or rocksdb"),
};
counts.ToStream().To(Setting("output"), new TimeWindowedSerDes<string>(new StringSerDes(), windowMs), new Int64SerDes());

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
