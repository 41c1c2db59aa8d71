using Eddy.Engine.Kafka;
using Eddy.Engine.Plan;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eddy.Engine.Hosting;

/// <summary>
/// One job's <see cref="JobWorker"/> as a hosted service: started with the host, stopped cleanly with it (the open
/// interval committed, the state checkpointed, the group left). A worker that stops by itself (fenced by another worker
/// with its id, or failed) does what a failing <see cref="BackgroundService"/> does under the default
/// <c>BackgroundServiceExceptionBehavior.StopHost</c>: the failure is logged and the application stopped; then this
/// service's <see cref="StopAsync"/> throws it, so the host's <c>StopAsync</c>/<c>RunAsync</c> fails and the process
/// exits with an error for its supervisor to restart it.
/// </summary>
/// <remarks>Threading: the host calls Start and Stop one after the other; <see cref="Worker"/> may be read from any thread.</remarks>
public sealed partial class JobWorkerService : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly JobPlan _plan;
    private readonly JobWorkerOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<JobWorkerService> _logger;
    private volatile JobWorker? _worker;

    public JobWorkerService(JobPlan plan, JobWorkerOptions options, IHostApplicationLifetime lifetime, ILogger<JobWorkerService> logger)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(logger);
        _plan = plan;
        _options = options;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>The job's name (its consumer group).</summary>
    public string JobName => _plan.Name;

    /// <summary>The running worker (its status, numbers and <see cref="JobWorker.Completion"/>); null before the host starts it.</summary>
    public JobWorker? Worker => _worker;

    /// <summary>Starts the worker: creates the job's missing internal topics, opens the state, starts the stream threads.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_worker is not null)
        {
            throw new InvalidOperationException($"Job {_plan.Name} has been started already.");
        }

        var worker = new JobWorker(_plan, _options);
        _worker = worker;
        await worker.StartAsync(cancellationToken);
        LogStarted(_logger, _plan.Name, _options.WorkerId);
        _ = WatchAsync(worker);
    }

    /// <summary>
    /// Stops the worker cleanly; throws when it had stopped by itself (fenced, failed). A cancelled token (the
    /// host's shutdown timeout) stops the waiting; the worker finishes its stop in the background.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is not { } worker)
        {
            return;
        }

        await worker.StopAsync(cancellationToken);
        var exit = await worker.Completion;
        if (exit != WorkerExit.Stopped)
        {
            throw new InvalidOperationException($"Job {_plan.Name}'s worker {_options.WorkerId} stopped by itself: {Describe(exit, worker)}", worker.Error);
        }

        LogStopped(_logger, _plan.Name, _options.WorkerId, worker.Commits);
    }

    /// <summary>Stops the worker if the host did not.</summary>
    public ValueTask DisposeAsync() => _worker?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Stops the worker if the host did not, blocking (for a service provider disposed synchronously).</summary>
    public void Dispose() => _worker?.Dispose();

    /// <summary>A worker that ends by itself stops the application, as a failed BackgroundService does.</summary>
    private async Task WatchAsync(JobWorker worker)
    {
        var exit = await worker.Completion.ConfigureAwait(false);
        if (exit == WorkerExit.Stopped && worker.StopRequested)
        {
            // 'eddy jobs stop': the job stops, the application (which may host more) runs on.
            LogStopRequested(_logger, _plan.Name, _options.WorkerId, worker.Commits);
        }
        else if (exit != WorkerExit.Stopped)
        {
            LogEnded(_logger, worker.Error, _plan.Name, _options.WorkerId, Describe(exit, worker));
            _lifetime.StopApplication();
        }
    }

    private static string Describe(WorkerExit exit, JobWorker worker) => exit switch
    {
        WorkerExit.Fenced => $"fenced: another worker with the same id (transactional ids {string.Join(", ", worker.TransactionalIds)}) took over",
        _ => $"failed: {worker.Error?.Message ?? "unknown error"}",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} started as worker {WorkerId}.")]
    private static partial void LogStarted(ILogger logger, string job, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}'s worker {WorkerId} stopped after {Commits} commits.")]
    private static partial void LogStopped(ILogger logger, string job, string workerId, long commits);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}'s worker {WorkerId} stopped on a stop request (eddy jobs stop) after {Commits} commits.")]
    private static partial void LogStopRequested(ILogger logger, string job, string workerId, long commits);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Job {Job}'s worker {WorkerId} stopped by itself ({Reason}); stopping the application.")]
    private static partial void LogEnded(ILogger logger, Exception? error, string job, string workerId, string reason);
}
