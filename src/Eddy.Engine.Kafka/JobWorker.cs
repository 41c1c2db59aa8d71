using Eddy.Engine.Plan;
using Eddy.Engine.RocksDb;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Runs a <see cref="JobPlan"/> against a Kafka cluster: one worker process's share of the job. The worker's
/// <see cref="JobWorkerOptions.Threads"/> stream threads each join the job's consumer group (the job's name) with their
/// own consumer and transactional producer, so partitions, and the tasks and state that go with them, spread over the
/// threads of every worker of the job; the worker's state lives in one RocksDB database in its state directory.
/// </summary>
public sealed class JobWorker : IDisposable
{
    /// <summary>The header carrying a repartitioned record's row kind (absent: insert).</summary>
    public const string KindHeader = OutputWriter.KindHeader;

    private readonly JobTopology _topology;
    private readonly JobWorkerOptions _options;
    private readonly List<StreamThread> _threads = [];
    private readonly TaskCompletionSource<WorkerExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RocksDbStateBackend? _backend;
    private volatile StreamThread? _stuck;
    private bool _disposed;

    public JobWorker(JobPlan plan, JobWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        _options = options;
        _topology = new JobTopology(plan, options);
    }

    /// <summary>
    /// Completes when the worker has stopped, with the reason: every thread stopped (disposed), or the first thread
    /// that ended otherwise (fenced, failed), after which the worker stops its other threads cleanly.
    /// </summary>
    public Task<WorkerExit> Completion => _completion.Task;

    /// <summary>The error a failed worker stopped on.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Transactions (or offset commits, at least once) that succeeded, over all threads.</summary>
    public long Commits => _threads.Sum(t => t.Commits);

    /// <summary>Changelog records replayed into the state while restoring tasks.</summary>
    public long RestoredRecords => _threads.Sum(t => t.RestoredRecords);

    /// <summary>The tasks the worker runs now (for diagnostics).</summary>
    internal string Tasks => string.Join(",", Status.Tasks.Select(t => $"{t.Stage}/{t.Partition}@{t.Watermark}"));

    /// <summary>The transactional ids of the worker's threads' producers: <c>{job}-{worker id}-{thread}</c>.</summary>
    public IReadOnlyList<string> TransactionalIds => _threads.Select(t => t.TransactionalId).ToList();

    /// <summary>The worker's numbers as of its threads' latest commit intervals.</summary>
    public WorkerStatus Status => WorkerStatus.Combine(_threads.Select(t => t.Status).ToList());

    /// <summary>Creates the internal topics that are missing, opens the state, then starts the threads.</summary>
    public async Task StartAsync()
    {
        await _topology.CreateTopicsAsync().ConfigureAwait(false);
        _backend = new RocksDbStateBackend(_options.StateDirectory);
        for (var i = 0; i < _options.Threads; i++)
        {
            _threads.Add(new StreamThread(_topology, _options, _backend, i));
        }

        foreach (var thread in _threads)
        {
            thread.Start();
        }

        _ = WatchAsync();
        _ = WatchLivenessAsync();
    }

    /// <summary>Stops the worker: each thread commits its open interval, checkpoints its state and leaves the group.</summary>
    public void Dispose() => Stop(crash: false);

    /// <summary>
    /// For tests: stops the worker as a crash would, between two records: the open transactions are left open (the
    /// next producers with the same transactional ids abort them), nothing is committed, checkpointed or revoked.
    /// </summary>
    internal void Crash() => Stop(crash: true);

    private void Stop(bool crash)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // In parallel: each thread's clean stop waits on its group's rebalance. A stuck thread is abandoned (it is a
        // background thread), and with it the state it may still touch: the process is expected to exit.
        var live = _threads.Where(t => t != _stuck).ToList();
        foreach (var thread in live)
        {
            thread.RequestStop(crash);
        }

        var abandoned = _stuck is not null;
        foreach (var thread in live)
        {
            if (thread.Join(_options.StallTimeout))
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
            _backend?.Dispose();
        }

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
        while (!_completion.Task.IsCompleted)
        {
            await Task.WhenAny(_completion.Task, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            foreach (var thread in _threads)
            {
                var (stalled, phase) = thread.Stalled;
                if (stalled > _options.StallTimeout && !thread.Completion.IsCompleted && !_completion.Task.IsCompleted)
                {
                    Error = new TimeoutException(
                        $"Stream thread {thread.TransactionalId} has been {phase} for {stalled.TotalSeconds:0} s without coming back; the worker stops so that it can be restarted.");
                    _stuck = thread;
                    _completion.TrySetResult(WorkerExit.Failed);
                    _ = Task.Run(Dispose);
                    return;
                }
            }
        }
    }

    /// <summary>The first thread that ends other than stopped ends the worker, which stops the others cleanly.</summary>
    private async Task WatchAsync()
    {
        var pending = _threads.Select(t => t.Completion).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            var exit = await done.ConfigureAwait(false);
            if (exit != WorkerExit.Stopped)
            {
                Error = _threads.First(t => t.Completion == done).Error;
                _completion.TrySetResult(exit);
                _ = Task.Run(Dispose);
                return;
            }
        }
    }
}
