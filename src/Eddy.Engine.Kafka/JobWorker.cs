using System.Diagnostics.Metrics;
using Eddy.Engine.Kafka.Control;
using Eddy.Engine.Kafka.Metrics;
using Eddy.Engine.Plan;
using Eddy.Engine.RocksDb;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Runs a <see cref="JobPlan"/> against a Kafka cluster: one worker process's share of the job. The worker's
/// <see cref="JobWorkerOptions.Threads"/> stream threads each join the job's consumer group (the job's name) with their
/// own consumer and transactional producer, so partitions, and the tasks and state that go with them, spread over the
/// threads of every worker of the job; the worker's state lives in one state backend (RocksDB in its state directory
/// unless <see cref="JobWorkerOptions.StateBackend"/> says otherwise).
/// </summary>
/// <remarks>
/// Lifecycle: <see cref="StartAsync"/> once, then <see cref="StopAsync"/> (or <see cref="DisposeAsync"/>) for a clean
/// stop; <see cref="Completion"/> tells when and why the worker stopped, including by itself (fenced, failed). The
/// members are safe to call from any thread; the stream threads are the worker's own.
/// </remarks>
public sealed class JobWorker : IAsyncDisposable, IDisposable
{
    /// <summary>The header carrying a repartitioned record's row kind (absent: insert).</summary>
    public const string KindHeader = OutputWriter.KindHeader;

    private readonly JobTopology _topology;
    private readonly JobWorkerOptions _options;
    private readonly List<StreamThread> _threads = [];
    private readonly TaskCompletionSource<WorkerExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ICheckpointedStateBackend? _backend;
    private volatile StreamThread? _stuck;
    private JobControlAgent? _control;
    private bool _starting;
    private bool _backendClosed;
    private Task? _stopping;

    public JobWorker(JobPlan plan, JobWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        _options = options;
        _topology = new JobTopology(plan, options);
        Metrics = new WorkerMetrics(plan.Name, () => Status, () => Threads.Sum(t => t.RestoreRemaining), ReadState);
    }

    /// <summary>The worker's instruments (its <see cref="WorkerMetrics.Meter"/>, for a metrics endpoint); disposed when the worker stops.</summary>
    public WorkerMetrics Metrics { get; }

    /// <summary>A read of the state backend for the metrics, under the gate: the backend is not closed meanwhile.</summary>
    private List<Measurement<long>> ReadState(Func<ICheckpointedStateBackend?, List<Measurement<long>>> read)
    {
        lock (_gate)
        {
            return read(_backendClosed ? null : _backend);
        }
    }

    /// <summary>
    /// Completes when the worker has stopped, with the reason: every thread stopped (stopped by its host), or the
    /// first thread that ended otherwise (fenced, failed), after which the worker stops its other threads cleanly.
    /// </summary>
    public Task<WorkerExit> Completion => _completion.Task;

    /// <summary>The error a failed worker stopped on.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Transactions (or offset commits, at least once) that succeeded, over all threads.</summary>
    public long Commits => Threads.Sum(t => t.Commits);

    /// <summary>Changelog records replayed into the state while restoring tasks.</summary>
    public long RestoredRecords => Threads.Sum(t => t.RestoredRecords);

    /// <summary>The tasks the worker runs now (for diagnostics).</summary>
    internal string Tasks => string.Join(",", Status.Tasks.Select(t => $"{t.Stage}/{t.Partition}@{t.Watermark}"));

    /// <summary>The transactional ids of the worker's threads' producers: <c>{job}-{worker id}-{thread}</c>.</summary>
    public IReadOnlyList<string> TransactionalIds => Threads.Select(t => t.TransactionalId).ToList();

    /// <summary>The worker's numbers as of its threads' latest commit intervals.</summary>
    public WorkerStatus Status => WorkerStatus.Combine(Threads.Select(t => t.Status).ToList());

    /// <summary>
    /// Whether the worker stopped because a stop request on the job control topic (<c>eddy jobs stop</c>) asked it to;
    /// it then stopped cleanly, as <see cref="StopAsync"/> does, and <see cref="Completion"/> says Stopped.
    /// </summary>
    public bool StopRequested => _control?.StopRequested ?? false;

    /// <summary>The threads, once started (a snapshot: readers on other threads never see the list being filled).</summary>
    private List<StreamThread> Threads
    {
        get
        {
            lock (_gate)
            {
                return [.. _threads];
            }
        }
    }

    /// <summary>
    /// Creates the internal topics that are missing while it opens the state, then starts the threads; returns once
    /// they are started (they join the group and restore their tasks on their own). <paramref name="cancellationToken"/>
    /// ends the start before the threads exist (OperationCanceledException); after that, stopping is
    /// <see cref="StopAsync"/>'s.
    /// </summary>
    /// <exception cref="InvalidOperationException">The worker was started before.</exception>
    /// <exception cref="ObjectDisposedException">The worker was stopped or disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping is not null, this);
            if (_starting)
            {
                throw new InvalidOperationException("The worker has been started already.");
            }

            _starting = true;
        }

        var backend = await CreateTopicsAndOpenStateAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_stopping is not null || cancellationToken.IsCancellationRequested)
            {
                // Stopped while the topics were being created: nothing to start.
                backend.Dispose();
                ObjectDisposedException.ThrowIf(_stopping is not null, this);
                cancellationToken.ThrowIfCancellationRequested();
            }

            _backend = backend;
            for (var i = 0; i < _options.Threads; i++)
            {
                _threads.Add(new StreamThread(_topology, _options, _backend, i, Metrics));
            }

            foreach (var thread in _threads)
            {
                thread.Start();
            }

            if (_options.Control is { } control)
            {
                // The worker's record on the control topic, and the stop requests it obeys (eddy jobs).
                _control = new JobControlAgent(_topology.Plan, _options, control, () => Status,
                    () => [.. Threads.Select(t => t.Stalled.Phase)], () => _ = Stop(crash: false));
                _control.Start();
            }
        }

        _ = WatchAsync();
        _ = WatchLivenessAsync();
    }

    /// <summary>
    /// Creates the missing internal topics while the state backend opens: each takes a few hundred milliseconds of a
    /// worker's start (admin requests and their metadata; RocksDB's files and, the first time, its native library), and
    /// neither needs the other. When either fails, an opened backend is closed again.
    /// </summary>
    private async Task<ICheckpointedStateBackend> CreateTopicsAndOpenStateAsync(CancellationToken cancellationToken)
    {
        var opening = Task.Run(() => _options.StateBackend?.Invoke() ?? new RocksDbStateBackend(_options.StateDirectory), CancellationToken.None);
        try
        {
            await _topology.CreateTopicsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await opening.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        return await opening.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the worker cleanly: each thread commits its open interval, checkpoints its state and leaves the group;
    /// then the state backend is closed. Calls after the first wait for the same stop. A cancelled
    /// <paramref name="cancellationToken"/> stops the waiting, not the stop: the threads finish it in the background.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Stop(crash: false).WaitAsync(cancellationToken);

    /// <summary>Stops the worker cleanly (see <see cref="StopAsync"/>).</summary>
    public ValueTask DisposeAsync() => new(Stop(crash: false));

    /// <summary>
    /// Stops the worker cleanly (see <see cref="StopAsync"/>), blocking the caller until it has stopped; prefer
    /// <see cref="DisposeAsync"/> on a thread that should not block. The stop never needs the caller's thread (no
    /// continuation of it runs on a captured context), so blocking on it cannot deadlock.
    /// </summary>
    public void Dispose() => Stop(crash: false).GetAwaiter().GetResult();

    /// <summary>
    /// For tests: stops the worker as a crash would, between two records: the open transactions are left open (the
    /// next producers with the same transactional ids abort them), nothing is committed, checkpointed or revoked.
    /// </summary>
    internal void Crash() => Stop(crash: true).GetAwaiter().GetResult();

    /// <summary>The one stop of the worker: the first caller decides how (clean or crash); later callers share it.</summary>
    private Task Stop(bool crash)
    {
        lock (_gate)
        {
            // On the thread pool: no continuation of the stop needs the caller's thread or context, so Dispose may block on it.
            List<StreamThread> threads = [.. _threads];
            return _stopping ??= Task.Run(() => StopThreadsAsync(crash, threads));
        }
    }

    private async Task StopThreadsAsync(bool crash, List<StreamThread> threads)
    {
        // In parallel: each thread's clean stop waits on its group's rebalance. A stuck thread is abandoned (it is a
        // background thread), and with it the state it may still touch: the process is expected to exit.
        var live = threads.Where(t => t != _stuck).ToList();
        if (!crash)
        {
            _control?.Stopping();
        }

        foreach (var thread in live)
        {
            thread.RequestStop(crash);
        }

        var abandoned = _stuck is not null;
        foreach (var thread in live)
        {
            if (await thread.StoppedAsync(_options.StallTimeout).ConfigureAwait(false))
            {
                thread.Dispose();
            }
            else
            {
                abandoned = true;
                var (stalled, phase) = thread.Stalled;
                Error ??= new TimeoutException($"Stream thread {thread.TransactionalId} did not stop: {phase} for {stalled.TotalSeconds:0} s.");
                _completion.TrySetResult(WorkerExit.Failed);
            }
        }

        if (!abandoned)
        {
            // Under the gate: a start that is still creating topics sees the stop before it opens a backend.
            lock (_gate)
            {
                _backend?.Dispose();
                _backendClosed = true;
            }
        }

        // Before Completion: once a worker has stopped cleanly, its record is gone from the control topic.
        if (crash)
        {
            _control?.Abandon();
        }
        else if (_control is not null)
        {
            await _control.CompleteAsync(_completion.Task.IsCompleted ? _completion.Task.Result : WorkerExit.Stopped, Error?.Message).ConfigureAwait(false);
        }

        Metrics.Dispose();
        _completion.TrySetResult(WorkerExit.Stopped);
    }

    /// <summary>
    /// A thread stuck in one step longer than <see cref="JobWorkerOptions.StallTimeout"/> (librdkafka calls can wait
    /// past their own timeouts, e.g. sending offsets after a broker restart) fails the worker: it stops its other
    /// threads and reports Failed, so its host exits and a supervisor restarts it — the stuck thread cannot be
    /// interrupted, only abandoned.
    /// </summary>
    private async Task WatchLivenessAsync()
    {
        var threads = Threads;
        while (!_completion.Task.IsCompleted)
        {
            await Task.WhenAny(_completion.Task, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            foreach (var thread in threads)
            {
                var (stalled, phase) = thread.Stalled;
                if (stalled > _options.StallTimeout && !thread.Completion.IsCompleted && !_completion.Task.IsCompleted)
                {
                    Error = new TimeoutException(
                        $"Stream thread {thread.TransactionalId} has been {phase} for {stalled.TotalSeconds:0} s without coming back; the worker stops so that it can be restarted.");
                    _stuck = thread;
                    _completion.TrySetResult(WorkerExit.Failed);
                    _ = Stop(crash: false);
                    return;
                }
            }
        }
    }

    /// <summary>The first thread that ends other than stopped ends the worker, which stops the others cleanly.</summary>
    private async Task WatchAsync()
    {
        var threads = Threads;
        var pending = threads.Select(t => t.Completion).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            var exit = await done.ConfigureAwait(false);
            if (exit != WorkerExit.Stopped)
            {
                Error = threads.First(t => t.Completion == done).Error;
                _completion.TrySetResult(exit);
                _ = Stop(crash: false);
                return;
            }
        }
    }
}
