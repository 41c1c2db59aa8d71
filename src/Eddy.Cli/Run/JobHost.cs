using Eddy.Broker.Metrics;
using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Cli.Run.View;
using Eddy.Engine.Kafka;
using Eddy.Engine.Kafka.Control;
using Eddy.Engine.Plan;

namespace Eddy.Cli.Run;

/// <summary>
/// Runs one job on one worker against a cluster until asked to stop: creates the missing input topics, starts the
/// sample generator, starts the worker, shows a frame per interval, and on stop (Ctrl-C, SIGTERM, --duration) stops
/// the generator first, then stops the worker (its last transaction commits and its state is checkpointed), and
/// prints a summary. A worker that stops on its own (fenced, failed) ends the run with an error.
/// </summary>
internal sealed class JobHost(HostedJob job, JobPlan plan, RunOptions options, string bootstrapServers, string clusterLabel,
    IRunView view, TextWriter progress)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var generator = options.NoGenerator ? null : job.Generator?.Invoke();
        IReadOnlyList<string> topics = generator is null ? InputTopics.Of(plan) : [.. InputTopics.Of(plan).Append(generator.Topic).Distinct(StringComparer.Ordinal)];
        var clientConfig = KafkaClientFactory.BuildConfig(new ClientSettings
        {
            Bootstrap = bootstrapServers,
            CommandConfigFile = options.CommandConfigFile,
            Properties = options.ClientProperties,
        });
        await InputTopics.EnsureAsync(clientConfig, topics, options.Partitions, progress);

        var stateDirectory = Path.GetFullPath(options.StateDir ?? Path.Combine("eddy-state", job.Name, options.WorkerId));
        var guarantee = options.AtLeastOnce ? ProcessingGuarantee.AtLeastOnce : ProcessingGuarantee.ExactlyOnce;
        using var stopGenerator = new CancellationTokenSource();
        var generating = generator is null ? Task.CompletedTask : Task.Run(() => generator.RunAsync(clientConfig, options.Rate, stopGenerator.Token), CancellationToken.None);
        if (generator is not null)
        {
            await progress.WriteAsync($"Generating {options.Rate:0.##} records/s into {generator.Topic} (--rate; --no-generator to stop it).\n");
        }

        var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = bootstrapServers,
            ClientConfig = clientConfig,
            StateDirectory = stateDirectory,
            WorkerId = options.WorkerId,
            Guarantee = guarantee,
            CommitInterval = options.CommitInterval,
            // Listed by 'eddy jobs', and stopped by 'eddy jobs stop' as by Ctrl-C.
            Control = new JobControlOptions { Description = job.Job.Description },
        });
        using var metrics = StartMetrics(worker);
        if (metrics is not null)
        {
            await progress.WriteAsync($"Worker metrics on {metrics.Url}\n");
        }
        var started = DateTimeOffset.UtcNow;
        var meter = new RateMeter(new RunFrame
        {
            Job = job.Name,
            WorkerId = options.WorkerId,
            Guarantee = guarantee == ProcessingGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once",
            Cluster = clusterLabel,
            Now = started,
            Elapsed = TimeSpan.Zero,
            Status = WorkerStatus.Starting,
        }, started);
        try
        {
            // Not cancelled by Ctrl-C: a start that was asked to stop runs to its end, then the worker stops cleanly below.
            await worker.StartAsync(CancellationToken.None);
            await progress.WriteAsync($"Running {job.Name} as worker {options.WorkerId} of consumer group {plan.Name}, state in {stateDirectory}.\n");
            await progress.FlushAsync(CancellationToken.None);
            await ShowUntilStoppedAsync(worker, generator, meter, cancellationToken);
        }
        finally
        {
            await stopGenerator.CancelAsync();
            // The worker's threads commit, checkpoint and leave the group; the stop is not cancelled by Ctrl-C (that is what asked for it).
            await worker.StopAsync(CancellationToken.None);
            await ObserveGeneratorAsync(generating, generator);
        }

        var exit = await worker.Completion;
        if (worker.StopRequested)
        {
            await progress.WriteAsync($"Stopped by a stop request on the control topic {JobControlTopic.DefaultName} ('eddy jobs stop').\n");
        }
        await view.SummarizeAsync(meter.Next(worker.Status, generator?.Produced, DateTimeOffset.UtcNow, "stopped"), CancellationToken.None);
        return exit switch
        {
            WorkerExit.Fenced => throw new CliException(
                $"worker {options.WorkerId} of {job.Name} was fenced: another worker with the same --worker-id (transactional id {string.Join(", ", worker.TransactionalIds)}) took over; each worker of a job needs its own id"),
            WorkerExit.Failed => throw new CliException($"worker {options.WorkerId} of {job.Name} failed: {worker.Error?.Message ?? "unknown error"}"),
            _ => ExitCodes.Success,
        };
    }

    /// <summary>The Prometheus endpoint over the worker's meter when --metrics-port asks for one (a port that cannot be served is an error).</summary>
    private PrometheusEndpoint? StartMetrics(JobWorker worker)
    {
        if (options.MetricsPort is not { } port)
        {
            return null;
        }
        try
        {
            return PrometheusEndpoint.Start(options.MetricsHost, port, worker.Metrics.Meter);
        }
        catch (IOException e)
        {
            throw new CliException(e.Message);
        }
    }

    private async Task ShowUntilStoppedAsync(JobWorker worker, IDataGenerator? generator, RateMeter meter, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }
        while (!stop.IsCancellationRequested && !worker.Completion.IsCompleted)
        {
            var tick = Task.Delay(options.Interval, stop.Token);
            await Task.WhenAny(tick, worker.Completion);
            if (stop.IsCancellationRequested || worker.Completion.IsCompleted)
            {
                break;
            }
            await view.ShowAsync(meter.Next(worker.Status, generator?.Produced, DateTimeOffset.UtcNow), CancellationToken.None);
        }
    }

    private async Task ObserveGeneratorAsync(Task generating, IDataGenerator? generator)
    {
        try
        {
            await generating;
        }
        catch (Exception e) when (e is Confluent.Kafka.KafkaException or InvalidOperationException)
        {
            await progress.WriteAsync($"warning: the generator stopped: {e.Message}\n");
        }
        if (generator is { Failed: > 0 })
        {
            await progress.WriteAsync($"warning: {generator.Failed} generated records were not delivered: {generator.LastError}\n");
        }
    }
}
