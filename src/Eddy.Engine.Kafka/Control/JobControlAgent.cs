using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Confluent.Kafka;
using Eddy.Engine.Plan;
using Eddy.CompactedLog;

namespace Eddy.Engine.Kafka.Control;

/// <summary>
/// A worker's side of the control topic, on a thread of its own: opens the topic as a <see cref="CompactedTopicLog"/>
/// (created when missing), publishes the worker's record (at start, then every heartbeat with its live status), takes
/// the stop requests the log's reader delivers after its record and asks the worker to stop on the first that
/// applies, and at the end deletes the record (clean stop), leaves a final one (failed) or writes nothing (crash,
/// fenced: the successor with the same id owns the key).
/// </summary>
/// <remarks>
/// The control topic is a view for operators, not part of the job's data path: when it cannot be written the worker
/// runs on and the agent tries again at the next heartbeat (<see cref="LastError"/> says why).
/// </remarks>
internal sealed class JobControlAgent : IDisposable
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly JobPlan _plan;
    private readonly JobWorkerOptions _options;
    private readonly JobControlOptions _control;
    private readonly Func<WorkerStatus> _status;
    private readonly Func<IReadOnlyList<string>> _phases;
    private readonly Action _onStopRequest;
    private readonly JobWorkerRecord _identity;
    private readonly string _key;
    private readonly CancellationTokenSource _end = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Stop requests as the log's reader delivers them (its thread), taken by the agent's thread once the worker's
    // record has an offset: only a request written after the record applies.
    private readonly ConcurrentQueue<(long Offset, byte[] Value)> _stopRequests = new();
    private CompactedTopicLog? _log;
    private long? _registeredOffset;
    private volatile bool _stopping;
    private volatile bool _publishNow;
    private (DateTimeOffset At, long In, long Out)? _previous;
    private long _lastCommits;
    private DateTimeOffset? _lastCommitAt;

    public JobControlAgent(JobPlan plan, JobWorkerOptions options, JobControlOptions control, Func<WorkerStatus> status,
        Func<IReadOnlyList<string>> phases, Action onStopRequest)
    {
        _plan = plan;
        _options = options;
        _control = control;
        _status = status;
        _phases = phases;
        _onStopRequest = onStopRequest;
        _key = JobControlTopic.WorkerKey(plan.Name, options.WorkerId);
        _identity = Identity(plan, options, control);
    }

    /// <summary>Whether a stop request on the control topic stopped the worker.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why the control topic could not be written or read, the latest time it failed (null: no failure).</summary>
    public string? LastError { get; private set; }

    public void Start()
    {
        var thread = new Thread(Run) { Name = $"eddy-{_plan.Name}-{_options.WorkerId}-control", IsBackground = true };
        thread.Start();
    }

    /// <summary>The worker is stopping: its record says so at once.</summary>
    public void Stopping()
    {
        _stopping = true;
        _publishNow = true;
    }

    /// <summary>
    /// Ends the agent once the worker has stopped: a clean stop deletes the record (a tombstone), a failure leaves a
    /// final record in the failed state, a fenced worker writes nothing (its successor owns the key).
    /// </summary>
    public async Task CompleteAsync(WorkerExit exit, string? error)
    {
        await _end.CancelAsync().ConfigureAwait(false);
        await _ended.Task.ConfigureAwait(false);
        var log = _log;
        if (log is null)
        {
            Dispose();
            return;
        }

        try
        {
            if (exit == WorkerExit.Stopped && _registeredOffset is not null)
            {
                await log.ProduceAsync(Encoding.UTF8.GetBytes(_key), null, CancellationToken.None).ConfigureAwait(false);
            }
            else if (exit == WorkerExit.Failed)
            {
                var record = Snapshot(JobWorkerStates.Failed) with { Error = error };
                await log.ProduceAsync(Encoding.UTF8.GetBytes(_key), record.ToJson(), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (CompactedTopicLogException e)
        {
            LastError = e.Message;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Ends the agent without writing anything, as a crash (<c>kill -9</c>) would: the record stays and turns lost.</summary>
    public void Abandon()
    {
        _end.Cancel();
        _ended.Task.GetAwaiter().GetResult();
        Dispose();
    }

    /// <summary>After the agent's thread has ended (<see cref="CompleteAsync"/>, <see cref="Abandon"/> call it).</summary>
    public void Dispose()
    {
        _log?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _end.Dispose();
    }

    private void Run()
    {
        try
        {
            var nextHeartbeat = DateTime.UtcNow;
            while (!_end.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= nextHeartbeat || _publishNow)
                {
                    _publishNow = false;
                    nextHeartbeat = DateTime.UtcNow + _control.HeartbeatInterval;
                    try
                    {
                        _log ??= OpenLog();
                        var offset = Publish(_log);
                        _registeredOffset ??= offset;
                        LastError = null;
                    }
                    catch (CompactedTopicLogException e)
                    {
                        LastError = e.Message;
                    }
                    catch (OperationCanceledException) when (_end.IsCancellationRequested)
                    {
                        // The worker ended while the topic was being opened.
                        break;
                    }
                }

                if (_registeredOffset is { } registered)
                {
                    TakeStopRequests(registered);
                }

                _end.Token.WaitHandle.WaitOne(PollInterval);
            }
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    /// <summary>
    /// The control topic as a log: created when missing (with the worker's replication factor), used as it is when it
    /// exists (a topic created elsewhere is not refused: the control topic is a view, not the job's data path).
    /// </summary>
    private CompactedTopicLog OpenLog()
    {
        var config = new ClientConfig { BootstrapServers = _options.BootstrapServers }.Overlay(_options.ClientConfig);
        var options = new CompactedTopicLogOptions
        {
            KafkaConfig = config.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            Topic = _control.Topic,
            Role = "control topic",
            ClientId = $"eddy-{_plan.Name}-{_options.WorkerId}-control",
            // Assigned, never subscribed, never committed: the group id is only required by the client.
            ReaderGroupId = $"{_control.Topic}-{_plan.Name}-{_options.WorkerId}",
            InitTimeout = AdminTimeout,
            // A heartbeat that cannot be delivered is replaced by the next one: do not let it wait longer.
            StoreTimeout = TimeSpan.FromMilliseconds(Math.Clamp(_control.HeartbeatInterval.TotalMilliseconds * 2, 5_000, 60_000)),
            ReplicationFactor = _options.ReplicationFactor,
            VerifyTopic = false,
        };
        return CompactedTopicLog.OpenAsync(options, OnRecord, logger: null, _end.Token).GetAwaiter().GetResult();
    }

    /// <summary>On the log's reader thread: keeps the stop requests (with a value) for the agent's thread.</summary>
    private string? OnRecord(CompactedTopicRecord record)
    {
        if (record is { Key: { } key, Value: { } value } && JobControlTopic.IsStopKey(Encoding.UTF8.GetString(key)))
        {
            _stopRequests.Enqueue((record.Offset, value));
        }

        return null;
    }

    /// <summary>Writes the worker's record with its live status; returns its offset (acknowledged, not read back: nobody here reads it).</summary>
    private long Publish(CompactedTopicLog log) =>
        log.ProduceAsync(Encoding.UTF8.GetBytes(_key), Snapshot(null).ToJson(), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Obeys the first stop request written after the worker's record that applies to it.</summary>
    private void TakeStopRequests(long registered)
    {
        while (_stopRequests.TryDequeue(out var entry))
        {
            if (entry.Offset <= registered || StopRequested)
            {
                continue;
            }

            JobStopRequest request;
            try
            {
                request = JobStopRequest.FromJson(entry.Value);
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }

            if (request.Applies(_plan.Name, _options.WorkerId))
            {
                StopRequested = true;
                Stopping();
                // The worker's stop waits for this agent to end: it must not run on the agent's thread.
                _ = Task.Run(_onStopRequest);
            }
        }
    }

    private JobWorkerRecord Snapshot(string? state)
    {
        var status = _status();
        var now = DateTimeOffset.UtcNow;
        double inRate = 0, outRate = 0;
        if (_previous is { } previous && now > previous.At)
        {
            var seconds = (now - previous.At).TotalSeconds;
            inRate = Math.Max(0, status.RecordsIn - previous.In) / seconds;
            outRate = Math.Max(0, status.RecordsOut - previous.Out) / seconds;
        }

        _previous = (now, status.RecordsIn, status.RecordsOut);
        if (status.Commits != _lastCommits)
        {
            _lastCommits = status.Commits;
            _lastCommitAt = status.At;
        }

        return _identity with
        {
            State = state ?? LiveState(),
            UpdatedAt = now,
            Partitions = Partitions(status),
            RecordsIn = status.RecordsIn,
            RecordsOut = status.RecordsOut,
            InRate = Math.Round(inRate, 1),
            OutRate = Math.Round(outRate, 1),
            Commits = status.Commits,
            LastCommitAt = _lastCommitAt,
            Lag = status.Lag,
            Error = status.LastError,
        };
    }

    private string LiveState()
    {
        if (_stopping)
        {
            return JobWorkerStates.Stopping;
        }

        var phases = _phases();
        return phases.Count == 0 || phases.Contains("starting") ? JobWorkerStates.Starting
            : phases.Contains("restoring state") ? JobWorkerStates.Restoring
            : JobWorkerStates.Running;
    }

    /// <summary>The partitions the worker's tasks read: each task (stage, partition) reads that partition of every input of its stage.</summary>
    private List<JobTopicPartition> Partitions(WorkerStatus status) =>
        [.. status.Tasks
            .SelectMany(t => _plan.Stages[t.Stage].Inputs.Select(i => new JobTopicPartition(i.Topic, t.Partition)))
            .Distinct()
            .OrderBy(p => p.Topic, StringComparer.Ordinal)
            .ThenBy(p => p.Partition)];

    private static JobWorkerRecord Identity(JobPlan plan, JobWorkerOptions options, JobControlOptions control) => new()
    {
        Job = plan.Name,
        WorkerId = options.WorkerId,
        Description = control.Description,
        Host = Environment.MachineName,
        Pid = Environment.ProcessId,
        StartedAt = DateTimeOffset.UtcNow,
        EddyVersion = typeof(JobWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
        ExactlyOnce = options.Guarantee == ProcessingGuarantee.ExactlyOnce,
        Threads = options.Threads,
        InputTopics = [.. plan.Stages.SelectMany(s => s.Inputs).Where(i => !i.IsRepartition).Select(i => i.Topic).Distinct(StringComparer.Ordinal)],
        OutputTopics = [.. plan.Stages.SelectMany(s => s.Operators).Where(o => o.Kind == OperatorKind.Sink).Select(o => o.Topic!).Distinct(StringComparer.Ordinal)],
        Stages = [.. plan.Stages.Select(s => new JobStageSummary(
            s.Id,
            [.. s.Inputs.Select(i => i.Topic)],
            [.. s.Operators.Select(o => new JobOperatorSummary(o.Name, o.Kind.ToString(), o.Topic))]))],
        HeartbeatIntervalMs = (long)control.HeartbeatInterval.TotalMilliseconds,
    };
}
