using System.CommandLine;
using Eddy.Cli.Jobs;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;
using Eddy.Cli.Run;
using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy jobs list|describe|stop</c>: the jobs whose workers run against a cluster, from the job control topic
/// they write (<see cref="JobControlTopic"/>), with the lag of each job's consumer group as <c>eddy groups describe</c>
/// computes it; <c>stop</c> writes a stop request the workers obey and waits until their records are gone.
/// </summary>
public static class JobsCommand
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var jobs = new Command("jobs", $"List, describe and stop the stream jobs running against a cluster (eddy run, hosted workers), from the control topic their workers write ({JobControlTopic.DefaultName}).");
        jobs.Add(CreateList(console, environment));
        jobs.Add(CreateDescribe(console, environment));
        jobs.Add(CreateStop(console, environment));
        return jobs;
    }

    public static Task<int> ListAsync(JobsListOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var snapshot = await ReadAsync(options.Client, options.ControlTopic, cancellationToken);
            var jobs = JobSummary.Of(snapshot);
            if (options.Output == OutputFormat.Json)
            {
                JobsJson.WriteList(jobs, stdout);
            }
            else if (jobs.Count == 0)
            {
                await stderr.WriteAsync($"No jobs on the control topic {options.ControlTopic}.\n");
            }
            else
            {
                JobsText.WriteList(jobs, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DescribeAsync(JobsDescribeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var snapshot = await ReadAsync(options.Client, options.ControlTopic, cancellationToken);
            var workers = WorkersOf(snapshot, options.Job, options.ControlTopic);
            var job = JobSummary.Of(options.Job, workers, snapshot.ReadAt);
            // The job's consumer group is its name: its lag as 'eddy groups describe' shows it.
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var group = (await GroupsCommand.WithLagTimestampsAsync(options.Client,
                await GroupsCommand.CollectGroupsAsync(admin, [options.Job], withOffsets: true, cancellationToken), cancellationToken))[0];
            var offsets = group.State == ConsumerGroupInfo.Dead ? [] : GroupOffsetRows.Build(group);
            if (options.Output == OutputFormat.Json)
            {
                JobsJson.WriteDescription(job, workers, snapshot.ReadAt, offsets, stdout);
            }
            else
            {
                JobsText.WriteDescription(job, workers, snapshot.ReadAt, stdout);
                await stdout.WriteAsync($"\nConsumer group {options.Job}:\n");
                if (offsets.Count == 0)
                {
                    await stdout.WriteAsync("  no committed offsets and no members yet\n");
                }
                GroupDescriptionText.WriteOffsets(offsets, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>
    /// Removes the records of the job's lost and failed workers (they cannot), asks the live ones to stop, and waits
    /// until their records are gone (each has committed its last transaction and left the group), printing each
    /// worker's progress on stderr. On success the stop request is cleared; on timeout it stays, for the workers that
    /// have not read it yet.
    /// </summary>
    public static Task<int> StopAsync(JobsStopOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Timeout <= TimeSpan.Zero)
            {
                throw CliException.Usage("--timeout must be positive");
            }
            var registry = Registry(options.Client, options.ControlTopic);
            var snapshot = await ReadAsync(options.Client, options.ControlTopic, cancellationToken);
            var workers = WorkersOf(snapshot, options.Job, options.ControlTopic);
            if (options.Worker is { } id)
            {
                workers = [.. workers.Where(w => w.WorkerId == id)];
                if (workers.Count == 0)
                {
                    throw new CliException($"job '{options.Job}' has no worker '{id}'; its workers: {string.Join(", ", snapshot.WorkersOf(options.Job).Select(w => w.WorkerId))}");
                }
            }

            var waiting = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var worker in workers)
            {
                var state = worker.StateAt(snapshot.ReadAt);
                if (state is JobWorkerStates.Lost or JobWorkerStates.Failed)
                {
                    await stderr.WriteAsync($"Worker {worker.WorkerId} is {state} (last seen {JobsText.Time(worker.UpdatedAt)}): removing its record.\n");
                    await registry.RemoveWorkerAsync(options.Job, worker.WorkerId, cancellationToken);
                }
                else
                {
                    waiting[worker.WorkerId] = state;
                }
            }

            if (waiting.Count > 0)
            {
                var offset = await registry.RequestStopAsync(options.Job, options.Worker, cancellationToken);
                await stderr.WriteAsync($"Asked {Workers(waiting.Keys)} of job {options.Job} to stop (stop request at offset {offset} of {options.ControlTopic}); waiting up to {options.Timeout.TotalSeconds:0.#} s.\n");
                await stderr.FlushAsync(cancellationToken);
                await WaitForStopAsync(options, waiting, stderr, cancellationToken);
                await registry.ClearStopRequestAsync(options.Job, options.Worker, cancellationToken);
            }

            await stdout.WriteAsync(options.Worker is null
                ? $"Stopped job {options.Job} ({Workers(workers.Select(w => w.WorkerId))}).\n"
                : $"Stopped worker {options.Worker} of job {options.Job}.\n");
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static async Task WaitForStopAsync(JobsStopOptions options, Dictionary<string, string> waiting, TextWriter stderr, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.Timeout;
        while (waiting.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(
                    $"timed out after {options.Timeout.TotalSeconds:0.#} s: {Workers(waiting.Keys)} of job {options.Job} still running ({string.Join(", ", waiting.Select(w => $"{w.Key}: {w.Value}"))}); the stop request stays on {options.ControlTopic} for them");
            }
            await Task.Delay(options.PollInterval, cancellationToken);
            var snapshot = await Registry(options.Client, options.ControlTopic).ReadAsync(cancellationToken);
            var records = snapshot.WorkersOf(options.Job).ToDictionary(w => w.WorkerId, StringComparer.Ordinal);
            foreach (var (id, previous) in waiting.ToList())
            {
                if (!records.TryGetValue(id, out var record))
                {
                    waiting.Remove(id);
                    await stderr.WriteAsync($"Worker {id} stopped.\n");
                    continue;
                }
                var state = record.StateAt(snapshot.ReadAt);
                if (state is JobWorkerStates.Lost or JobWorkerStates.Failed)
                {
                    // It died while stopping: it will never delete its record, so its stop cannot be confirmed.
                    waiting.Remove(id);
                    await stderr.WriteAsync($"Worker {id} is {state}{(record.Error is { } error ? $" ({error})" : "")}: removing its record.\n");
                    await Registry(options.Client, options.ControlTopic).RemoveWorkerAsync(options.Job, id, cancellationToken);
                }
                else if (state != previous)
                {
                    waiting[id] = state;
                    await stderr.WriteAsync($"Worker {id} is {state}.\n");
                }
            }
            await stderr.FlushAsync(cancellationToken);
        }
    }

    /// <summary>The job's workers; an unknown job is an error that lists the known ones.</summary>
    private static IReadOnlyList<JobWorkerRecord> WorkersOf(JobRegistrySnapshot snapshot, string job, string topic)
    {
        var workers = snapshot.WorkersOf(job);
        if (workers.Count == 0)
        {
            var known = snapshot.Jobs;
            throw new CliException(known.Count == 0
                ? $"job '{job}' is not known: no job runs (the control topic {topic} has no workers)"
                : $"job '{job}' is not known; known jobs: {string.Join(", ", known)}");
        }
        return workers;
    }

    /// <summary>
    /// Reads the control topic. The cluster is asked for its metadata first through the CLI's admin connection, so an
    /// unreachable broker fails at once with the client's own error rather than after the reader's timeouts.
    /// </summary>
    private static async Task<JobRegistrySnapshot> ReadAsync(ClientSettings client, string topic, CancellationToken cancellationToken)
    {
        using (var admin = KafkaClientFactory.CreateAdmin(client))
        {
            var metadata = await admin.GetMetadataAsync(null, MetadataTimeout, cancellationToken);
            if (!metadata.Topics.Any(t => t.Topic == topic && !t.Error.IsError))
            {
                return new JobRegistrySnapshot(DateTimeOffset.UtcNow, [], []);
            }
        }
        return await Registry(client, topic).ReadAsync(cancellationToken);
    }

    private static JobRegistry Registry(ClientSettings client, string topic)
    {
        var config = KafkaClientFactory.BuildConfig(client);
        return new JobRegistry(config["bootstrap.servers"], config, topic);
    }

    private static string Workers(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 1 ? $"worker {list[0]}" : $"{list.Count} workers ({string.Join(", ", list)})";
    }

    private static Option<string> ControlTopicOption() => new("--control-topic")
    {
        Description = $"The job control topic the workers write. Default: {JobControlTopic.DefaultName}.",
        HelpName = "topic",
        DefaultValueFactory = _ => JobControlTopic.DefaultName,
    };

    private static Command CreateList(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topic = ControlTopicOption();
        var output = TopicsCommand.OutputOption("text: JOB STATE WORKERS LOST FAILED STARTED IN/S OUT/S GUARANTEE, one row per job; json: {\"jobs\":[...]}.");
        var command = new Command("list",
            $"List the jobs whose workers have a record on the control topic: state, workers alive, lost (no heartbeat for {JobWorkerRecord.LostAfterHeartbeats} intervals, as after kill -9) and failed, start time, records in/out per second.")
        {
            topic, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => ListAsync(
            new JobsListOptions { Client = client.Read(parseResult), ControlTopic = parseResult.GetValue(topic)!, Output = parseResult.GetValue(output) },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDescribe(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var job = new Argument<string>("job") { Description = "The job (its name, which is also its consumer group)." };
        var topic = ControlTopicOption();
        var output = TopicsCommand.OutputOption("text: the job, a table of its workers, its plan and its consumer group's offsets and lag; json: one document with all of it.");
        var command = new Command("describe",
            "Show a job: its workers (host, pid, state, partitions, rates, lag, last commit), its plan (stages, operators, topics) and its consumer group's committed offsets, log-end offsets and lag per partition.")
        {
            job, topic, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DescribeAsync(
            new JobsDescribeOptions
            {
                Client = client.Read(parseResult),
                Job = parseResult.GetRequiredValue(job),
                ControlTopic = parseResult.GetValue(topic)!,
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateStop(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var job = new Argument<string>("job") { Description = "The job to stop." };
        var worker = new Option<string>("--worker") { Description = "Stop only this worker (its id); the job's other workers take over its partitions.", HelpName = "id" };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "How long to wait for the workers to stop, e.g. 30s, 2m. Default: 60s.",
            HelpName = "duration",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (Durations.TryParse(text, out var value))
                {
                    return value;
                }
                result.AddError($"Invalid duration '{text}' for --timeout: use e.g. 500ms, 30s, 5m, 1h or hh:mm:ss");
                return null;
            },
        };
        var topic = ControlTopicOption();
        var command = new Command("stop",
            "Stop a job's workers cleanly, as Ctrl-C does (last transaction committed, state checkpointed, group left): writes a stop request to the control topic and waits until every worker's record is gone. Lost and failed workers' records are removed.")
        {
            job, worker, timeout, topic,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => StopAsync(
            new JobsStopOptions
            {
                Client = client.Read(parseResult),
                Job = parseResult.GetRequiredValue(job),
                Worker = parseResult.GetValue(worker),
                Timeout = parseResult.GetValue(timeout) ?? TimeSpan.FromSeconds(60),
                ControlTopic = parseResult.GetValue(topic)!,
            },
            console.Out, console.Error, ct));
        return command;
    }
}
