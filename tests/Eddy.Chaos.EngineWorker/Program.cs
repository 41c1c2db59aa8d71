using System.Globalization;
using System.Runtime.InteropServices;
using Eddy.Chaos.EngineWorker;
using Eddy.Engine.Kafka;

// eddy-engine-worker --bootstrap HOST:PORT --state-dir DIR --worker-id ID [--job eos|relational|sql]
//
// Runs one worker of the T2 job (EosJob, the default) of the relational job (RelationalJob) or of the SQL job (SqlJob) until SIGTERM, which stops it cleanly (the open transaction committed, the
// state checkpointed, the group left; exit code 0), or SIGKILL. If the worker stops by itself it prints why and exits
// with 2 (fenced) or 3 (failed): the test restarts it, as a supervisor would. Prints "commits C restored R" every
// second for the test's progress log.
var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    arguments[args[i]] = args[i + 1];
}

if (!arguments.TryGetValue("--bootstrap", out var bootstrap) || !arguments.TryGetValue("--state-dir", out var stateDirectory)
    || !arguments.TryGetValue("--worker-id", out var workerId))
{
    await Console.Error.WriteLineAsync("usage: eddy-engine-worker --bootstrap HOST:PORT --state-dir DIR --worker-id ID [--job eos|relational|sql]");
    return 64;
}

var plan = arguments.GetValueOrDefault("--job", "eos") switch
{
    "eos" => EosJob.Build(),
    "relational" => RelationalJob.Build(),
    "sql" => await SqlJob.BuildAsync(),
    _ => null,
};
if (plan is null)
{
    await Console.Error.WriteLineAsync($"unknown job '{arguments["--job"]}': eos, relational or sql");
    return 64;
}

using var terminate = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    // Keep the process alive until the worker has stopped cleanly.
    context.Cancel = true;
    terminate.Cancel();
});

var worker = new JobWorker(plan, new JobWorkerOptions
{
    BootstrapServers = bootstrap,
    StateDirectory = stateDirectory,
    WorkerId = workerId,
    // The shortest session the broker allows by default: a killed worker's partitions move on sooner.
    SessionTimeout = TimeSpan.FromSeconds(6),
});
try
{
    await worker.StartAsync();
    Console.WriteLine($"started {string.Join(", ", worker.TransactionalIds)}");
    using var progress = new Timer(_ => Console.WriteLine(
        $"commits {worker.Commits.ToString(CultureInfo.InvariantCulture)} restored {worker.RestoredRecords.ToString(CultureInfo.InvariantCulture)}"),
        null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    var stopped = await Task.WhenAny(worker.Completion, Task.Delay(Timeout.Infinite, terminate.Token).ContinueWith(_ => WorkerExit.Stopped, TaskScheduler.Default));
    if (stopped != worker.Completion)
    {
        Console.WriteLine("SIGTERM: stopping");
        await worker.StopAsync();
        var exit = await worker.Completion;
        Console.WriteLine($"stopped: {exit} after {worker.Commits} commits{(worker.Error is { } error ? $": {error}" : "")}");
        return exit == WorkerExit.Stopped ? 0 : 1;
    }

    var reason = await worker.Completion;
    Console.WriteLine($"worker ended by itself: {reason}{(worker.Error is { } e ? $": {e}" : "")}");
    return reason == WorkerExit.Fenced ? 2 : 3;
}
catch (Exception e)
{
    // E.g. the broker is down while the worker creates its topics: the supervisor (the test) starts it again.
    Console.WriteLine($"worker failed to run: {e}");
    return 4;
}
finally
{
    await worker.DisposeAsync();
}
