using System.CommandLine;
using Eddy.Bench;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy bench state</c>: whether the state of the expiring operators stays bounded over a long run.</summary>
internal static class BenchStateCommand
{
    internal static Command Create(CliConsole console)
    {
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Run against an existing cluster. Default: start a fresh `eddy up` process.", HelpName = "host:port" };
        var minutes = new Option<double>("--minutes") { Description = "How long each job runs with input arriving. Default: 3.", HelpName = "n", DefaultValueFactory = _ => 3 };
        var rate = new Option<int>("--rate") { Description = "Input records per second (over both inputs of a join). Default: 5000.", HelpName = "records/s", DefaultValueFactory = _ => 5_000 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions of the inputs. Default: 4.", HelpName = "n", DefaultValueFactory = _ => 4 };
        var interval = new Option<double>("--sample-seconds") { Description = "Seconds between two samples. Default: 5.", HelpName = "s", DefaultValueFactory = _ => 5 };
        var ttl = new Option<double>("--ttl-seconds") { Description = "State TTL of the regular join and the deduplication. Default: 5.", HelpName = "s", DefaultValueFactory = _ => 5 };
        var jobs = new Option<string>("--jobs") { Description = $"Comma-separated jobs among {string.Join(", ", StateGrowthOptions.AllJobs)}. Default: all.", HelpName = "list", DefaultValueFactory = _ => string.Join(',', StateGrowthOptions.AllJobs) };
        var threads = new Option<int>("--threads") { Description = "Stream threads of the worker. Default: 2.", HelpName = "n", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Write the samples and verdicts as one JSON document." };
        var command = new Command("state",
            "State over a long run: for each job (interval join, window join, regular join with a state TTL, deduplication with a TTL) produces input at a steady rate with keys that are never reused, and samples the state (entries and bytes per store, the state directory), RSS and managed heap; reports whether each stays flat in the run's second half. Exit code 1 when one grows.")
        {
            bootstrap, minutes, rate, partitions, interval, ttl, jobs, threads, json,
        };
        command.SetAction((parseResult, ct) =>
        {
            var selected = parseResult.GetValue(jobs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var sampleSeconds = parseResult.GetValue(interval);
            var runMinutes = parseResult.GetValue(minutes);
            var error = runMinutes <= 0 ? "--minutes must be positive"
                : parseResult.GetValue(rate) <= 0 ? "--rate must be positive"
                : parseResult.GetValue(partitions) <= 0 ? "--partitions must be positive"
                : sampleSeconds <= 0 ? "--sample-seconds must be positive"
                // The verdict compares two windows of the second half: each needs a few samples.
                : runMinutes * 60 / sampleSeconds < 12 ? "--minutes must cover at least 12 samples (--sample-seconds)"
                : parseResult.GetValue(ttl) <= 0 ? "--ttl-seconds must be positive"
                : parseResult.GetValue(threads) <= 0 ? "--threads must be positive"
                : selected.Count == 0 || selected.Any(j => !StateGrowthOptions.AllJobs.Contains(j)) ? $"--jobs takes {string.Join(", ", StateGrowthOptions.AllJobs)}"
                : null;
            return CommandRunner.RunAsync(console.Error, () => error is not null
                ? throw CliException.Usage(error)
                : StateGrowthBenchmark.RunAsync(new StateGrowthOptions
                {
                    Bootstrap = parseResult.GetValue(bootstrap),
                    Broker = BenchCommand.SelfAsBroker(Environment.ProcessPath!, Environment.GetCommandLineArgs()[0]),
                    Duration = TimeSpan.FromMinutes(runMinutes),
                    Rate = parseResult.GetValue(rate),
                    Partitions = parseResult.GetValue(partitions),
                    SampleInterval = TimeSpan.FromSeconds(sampleSeconds),
                    Ttl = TimeSpan.FromSeconds(parseResult.GetValue(ttl)),
                    Jobs = selected,
                    Threads = parseResult.GetValue(threads),
                    Json = parseResult.GetValue(json),
                }, console.Out, console.Error, ct), ct);
        });
        return command;
    }
}
