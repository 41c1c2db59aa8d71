using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Nexmark;

namespace Eddy.Cli.Nexmark;

/// <summary>What <c>eddy nexmark generate</c> was asked to do.</summary>
internal sealed record NexmarkGenerateOptions
{
    public required ClientSettings Client { get; init; }

    public long Events { get; init; }

    public long Rate { get; init; } = 10_000_000;

    public string TopicPrefix { get; init; } = "";

    public int Partitions { get; init; } = 8;

    public string Format { get; init; } = "json";

    public long Seed { get; init; }

    public long BaseTime { get; init; } = NexmarkConfig.DefaultBaseTime;

    public bool Paced { get; init; }

    public bool DryRun { get; init; }

    /// <summary>The union topic: <c>{prefix}nexmark</c> (Flink's Kafka mode calls it <c>nexmark</c>).</summary>
    public string Topic => TopicPrefix + "nexmark";
}

/// <summary>
/// <c>eddy nexmark generate</c>: fills a Kafka topic with a Nexmark run for end-to-end benchmarks, as Flink's Kafka mode
/// does (one union topic, JSON rows of the union table, one generator per partition), printing its progress on stderr
/// and a summary on stdout.
/// </summary>
internal static class NexmarkCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var nexmark = new Command("nexmark", "The Nexmark streaming benchmark (people, auctions, bids): fill Kafka topics with its events for the standard queries q0-q22.");
        nexmark.Add(CreateGenerate(console, environment));
        return nexmark;
    }

    private static Command CreateGenerate(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var events = new Option<long>("--events", "-n")
        {
            Description = "How many events to write over all partitions (1 person : 3 auctions : 46 bids in every 50). Required.",
            HelpName = "N",
            Required = true,
        };
        var rate = new Option<long>("--rate")
        {
            Description = "Events per second of event time over all partitions (Flink's first-event.rate); the event times advance at this rate. 10000000 is the Flink suite's tps.",
            HelpName = "R",
            DefaultValueFactory = _ => 10_000_000,
        };
        var prefix = new Option<string>("--topic-prefix")
        {
            Description = "Prefix of the union topic's name, {prefix}nexmark. Default: none (the topic is nexmark, as in Flink's Kafka mode).",
            HelpName = "P",
            DefaultValueFactory = _ => "",
        };
        var partitions = new Option<int>("--partitions", "-p")
        {
            Description = "Partitions of the topic when it is created, one generator each (an existing topic keeps its own). 8 is the Flink suite's.",
            HelpName = "n",
            DefaultValueFactory = _ => 8,
        };
        var format = new Option<string>("--format")
        {
            Description = "The records' format: json (Flink's json format of the union row).",
            HelpName = "json",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "avro");
        var seed = new Option<long>("--seed") { Description = "The seed of the random fields: the same seed, events and partitions make the same events. Default: 0.", HelpName = "s" };
        var baseTime = new Option<string>("--base-time")
        {
            Description = "The event time of event 0: 'now', milliseconds since the epoch, or yyyy-MM-ddTHH:mm:ss (UTC). Default: 2026-01-01T00:00:00, fixed so a run can be repeated.",
            HelpName = "time",
        };
        var paced = new Option<bool>("--paced")
        {
            Description = "Write each event when its event time comes in wall-clock time (Flink's max-emit-speed = false); by default as fast as the cluster takes them.",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Generate and encode the events on this thread without writing them anywhere: the generator's own speed.",
        };
        var command = new Command("generate",
            "Write a Nexmark run into the topic {prefix}nexmark: Flink's generator model (hot sellers, bidders and auctions, log-uniform prices, padding to 200/500/100-byte people/auctions/bids), deterministic for a seed, one generator per partition, each record's timestamp its event time. Rerun over the same topic, it writes only the events missing.")
        {
            events, rate, prefix, partitions, format, seed, baseTime, paced, dryRun,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(console.Error, () =>
        {
            var options = new NexmarkGenerateOptions
            {
                Client = client.Read(parseResult),
                Events = parseResult.GetValue(events),
                Rate = parseResult.GetValue(rate),
                TopicPrefix = parseResult.GetValue(prefix) ?? "",
                Partitions = parseResult.GetValue(partitions),
                Format = parseResult.GetValue(format) ?? "json",
                Seed = parseResult.GetValue(seed),
                BaseTime = ParseBaseTime(parseResult.GetValue(baseTime)),
                Paced = parseResult.GetValue(paced),
                DryRun = parseResult.GetValue(dryRun),
            };
            return GenerateAsync(options, console.Out, console.Error, ct);
        }, ct));
        return command;
    }

    internal static long ParseBaseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return NexmarkConfig.DefaultBaseTime;
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
            return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millis))
            return millis;
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return (long)(time - DateTime.UnixEpoch).TotalMilliseconds;
        throw CliException.Usage($"Invalid --base-time '{text}': use now, milliseconds since the epoch or yyyy-MM-ddTHH:mm:ss");
    }

    /// <summary>Writes the run, a progress line on <paramref name="stderr"/> every half second, and the summary on <paramref name="stdout"/>.</summary>
    internal static async Task<int> GenerateAsync(NexmarkGenerateOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.Events <= 0)
            throw CliException.Usage($"--events must be positive, not {options.Events}");
        if (options.Partitions < 1)
            throw CliException.Usage($"--partitions must be at least 1, not {options.Partitions}");
        if (options.Format != "json")
            throw CliException.Usage($"--format {options.Format} is not supported yet: the topic is written in json, as Flink's Kafka mode writes it");
        var config = new NexmarkConfig { Events = options.Events, FirstEventRate = options.Rate, NextEventRate = options.Rate, Seed = options.Seed,
            BaseTime = options.BaseTime, MaxEmitSpeed = !options.Paced };
        if (config.Problem() is { } problem)
            throw CliException.Usage(problem.Replace("'first-event.rate'", "--rate", StringComparison.Ordinal));
        if (options.DryRun)
            return await DryRunAsync(config with { Generators = options.Partitions }, stdout, cancellationToken);
        var writer = new NexmarkKafkaWriter(config, options.Topic);
        var clientConfig = KafkaClientFactory.BuildConfig(options.Client);
        var bootstrap = clientConfig["bootstrap.servers"];
        clientConfig.Remove("bootstrap.servers");
        clientConfig.Remove("client.id");

        var clock = Stopwatch.StartNew();
        var running = writer.RunAsync(bootstrap, clientConfig, options.Partitions, cancellationToken);
        while (await Task.WhenAny(running, Task.Delay(ProgressEvery, CancellationToken.None)) != running)
            await stderr.WriteAsync($"\r{Progress(writer, clock.Elapsed)}");
        await running;
        clock.Stop();
        await stderr.WriteAsync($"\r{Progress(writer, clock.Elapsed)}\n");
        await stderr.FlushAsync(cancellationToken);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        var found = writer.Events - writer.Written;
        await stdout.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {writer.Written:N0} events ({writer.Bytes / 1e6:N1} MB) to {options.Topic} in {seconds:N1} s: {writer.Written / seconds:N0} events/s, {writer.Bytes / 1e6 / seconds:N1} MB/s.{(found > 0 ? $" The topic already held {found:N0}." : "")}\n"));
        await stdout.FlushAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return ExitCodes.Success;
    }

    /// <summary>Generates and encodes the run's events (the generators in turns, batch by batch, as the writer does) and reports the rate.</summary>
    private static async Task<int> DryRunAsync(NexmarkConfig config, TextWriter stdout, CancellationToken cancellationToken)
    {
        var generators = Enumerable.Range(0, config.Generators).Select(p => new NexmarkGenerator(config, p)).ToArray();
        var batch = new NexmarkEvent[256];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        using var json = new NexmarkJsonWriter();
        long events = 0, bytes = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var more = true; more && !cancellationToken.IsCancellationRequested;)
        {
            more = false;
            foreach (var generator in generators)
            {
                var n = generator.Next(batch);
                for (var i = 0; i < n; i++)
                {
                    json.Write(batch[i], buffer);
                    bytes += buffer.WrittenCount;
                    buffer.ResetWrittenCount();
                }
                events += n;
                more |= generator.HasNext;
            }
        }
        var generateSeconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        // The generator alone, without encoding, over the same events.
        var again = Enumerable.Range(0, config.Generators).Select(p => new NexmarkGenerator(config, p)).ToArray();
        clock.Restart();
        for (var more = true; more && !cancellationToken.IsCancellationRequested;)
        {
            more = false;
            foreach (var generator in again)
            {
                generator.Next(batch);
                more |= generator.HasNext;
            }
        }
        var onlySeconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        await stdout.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"Generated {events:N0} events ({bytes / 1e6:N1} MB of JSON) in {generateSeconds:N2} s on one thread: {events / generateSeconds:N0} events/s with JSON encoding, "
            + $"{events / onlySeconds:N0} events/s generating only; {(double)allocated / Math.Max(events, 1):N0} bytes allocated per event.\n"));
        await stdout.FlushAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return ExitCodes.Success;
    }

    private static string Progress(NexmarkKafkaWriter writer, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        var share = writer.Limit > 0 ? $" ({100.0 * writer.Events / writer.Limit:0.0}%)" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{writer.Events:N0}/{writer.Limit:N0} events{share}, {writer.Bytes / 1e6:N1} MB, {writer.Written / seconds:N0} events/s   ");
    }
}
