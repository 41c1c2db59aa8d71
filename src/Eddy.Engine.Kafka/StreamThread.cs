using System.Diagnostics;
using Confluent.Kafka;
using Eddy.Engine.Kafka.Metrics;
using Eddy.Engine.Plan;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>
/// One thread of a worker: the poll loop and the clients. Its own consumer in the job's group (subscribed to every
/// stage's input topics with the range assignor, so the partitions it gets are co-partitioned) and its own
/// transactional producer, <c>{job}-{worker id}-{thread}</c>; its <see cref="TaskManager"/> turns assigned partitions
/// into tasks (stage, partition). Every commit interval the thread writes the tasks' outputs, watermark control
/// records, changelog records and the consumed offsets in one transaction (EOS v2), or, at least once, flushes the
/// outputs and then commits the offsets; retriable failures abort and replay the interval.
/// </summary>
/// <remarks>
/// Threading: everything but <see cref="Start"/>, <see cref="RequestStop"/>, <see cref="StoppedAsync"/> and the
/// read-only numbers (<see cref="Status"/>, <see cref="Commits"/>, <see cref="Stalled"/>, <see cref="Completion"/>) runs
/// on the thread itself, including the rebalance callbacks (librdkafka calls them inside Consume and Close).
/// </remarks>
internal sealed class StreamThread : IDisposable
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    private readonly JobTopology _topology;
    private readonly JobPlan _plan;
    private readonly JobWorkerOptions _options;
    private readonly bool _eos;
    private readonly List<ConsumeResult<byte[]?, byte[]?>> _pending = [];
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<WorkerExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskManager _tasks;
    private readonly TableBootstrap _bootstrap;
    private readonly SourceStartPositions _starts;
    private readonly WorkerMetrics? _metrics;
    private readonly TimestampOrdering _ordering;
    private readonly Func<TopicPartition, bool> _isHeld;
    private readonly Action<ConsumeResult<byte[]?, byte[]?>> _enqueue;
    private Thread? _thread;
    private IProducer<byte[]?, byte[]?>? _producer;
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private IAdminClient? _admin;
    private OutputWriter? _writer;
    private bool _fenced;
    private volatile bool _crashing;
    private long _commits;
    private volatile WorkerStatus _status = WorkerStatus.Starting;
    private long _recordsIn;
    private long _aborts;
    private TimeSpan _lastCommitLatency;
    private TimeSpan _maxCommitLatency;
    private long _lastProgress = Environment.TickCount64;
    private volatile string _phase = "starting";

    /// <summary>
    /// The commit in flight (exactly once): SendOffsetsToTransaction and CommitTransaction on a thread of their own
    /// while this thread reads and processes the next interval's records. A transactional producer cannot write into
    /// the next transaction before CommitTransaction returns, so meanwhile the tasks keep their outputs.
    /// </summary>
    private Task? _committing;
    private CommitThread? _committer;
    private long _commitStarted;

    public StreamThread(JobTopology topology, JobWorkerOptions options, ICheckpointedStateBackend backend, int index, WorkerMetrics? metrics = null)
    {
        _metrics = metrics;
        _topology = topology;
        _plan = topology.Plan;
        _options = options;
        _eos = options.Guarantee == ProcessingGuarantee.ExactlyOnce;
        var restorer = new ChangelogRestorer(backend, options.BootstrapServers, options.ClientConfig, _plan.Name, () => Progress("restoring state"), _stop.Token);
        _tasks = new TaskManager(topology, backend, restorer, options.CheckpointInterval);
        _bootstrap = new TableBootstrap(_plan, topology.PartitionsOf, options.TableBootstrapTimeout);
        _starts = new SourceStartPositions(topology);
        _ordering = new TimestampOrdering(topology, options.MaxTaskIdle);
        _isHeld = _bootstrap.IsHeld;
        _enqueue = Enqueue;
        TransactionalId = $"{_plan.Name}-{options.WorkerId}-{index}";
    }

    public string TransactionalId { get; }

    /// <summary>Completes when the thread has stopped, with the reason.</summary>
    public Task<WorkerExit> Completion => _completion.Task;

    /// <summary>The error a failed thread stopped on.</summary>
    public Exception? Error { get; private set; }

    public long Commits => Interlocked.Read(ref _commits);

    public long RestoredRecords => _tasks.RestoredRecords;

    /// <summary>Changelog records still to replay in the restore under way (0 when none is).</summary>
    public long RestoreRemaining => _tasks.RestoreRemaining;

    /// <summary>The thread's numbers as of its latest commit interval.</summary>
    public WorkerStatus Status => _status;

    /// <summary>
    /// How long the thread has been in its current step without coming back (a librdkafka call that ignores its
    /// timeout, as SendOffsetsToTransaction can after a broker restart), and which step that is.
    /// </summary>
    public (TimeSpan For, string Phase) Stalled => (TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastProgress)), _phase);

    private void Progress(string phase)
    {
        Interlocked.Exchange(ref _lastProgress, Environment.TickCount64);
        _phase = phase;
    }

    public void Start()
    {
        _thread = new Thread(Run) { Name = $"eddy-{TransactionalId}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>
    /// Asks the thread to stop at its next step: cleanly (the open interval committed, the state checkpointed, the
    /// group left) or, with <paramref name="crash"/>, as a crash would, between two records: nothing committed,
    /// checkpointed or revoked.
    /// </summary>
    public void RequestStop(bool crash)
    {
        _crashing |= crash;
        _stop.Cancel();
    }

    /// <summary>
    /// Completes with true when the thread has ended, or with false as soon as it stays stuck in one step past
    /// <paramref name="stallTimeout"/>: it is then abandoned (a background thread).
    /// </summary>
    public async Task<bool> StoppedAsync(TimeSpan stallTimeout)
    {
        while (!_completion.Task.IsCompleted)
        {
            await Task.WhenAny(_completion.Task, Task.Delay(TimeSpan.FromMilliseconds(200))).ConfigureAwait(false);
            if (!_completion.Task.IsCompleted && Stalled.For > stallTimeout)
            {
                return false;
            }
        }

        // Completion is the thread's last act: this join returns at once.
        _thread?.Join();
        return true;
    }

    /// <summary>After the thread has ended.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        _tasks.Dispose();
    }

    private void Run()
    {
        var exit = WorkerExit.Stopped;
        try
        {
            using var producer = _producer = new ProducerBuilder<byte[]?, byte[]?>(WorkerClientConfig.StreamProducer(_options, TransactionalId)).Build();
            using var admin = _admin = new DependentAdminClientBuilder(producer.Handle).Build();
            using var committer = _committer = new CommitThread($"eddy-{TransactionalId}-commit");
            if (_eos)
            {
                // librdkafka looks up the transaction coordinator as soon as InitTransactions is called and, when no
                // connection to a broker is up yet (a new producer's is still being made), tries again only 500 ms
                // later: half a second of every worker's start. A metadata request waits for the connection instead.
                admin.GetMetadata(_plan.DeadLetterTopic, KafkaTimeout);
                producer.InitTransactions(KafkaTimeout);
            }

            _writer = new OutputWriter(producer, _eos, _plan.DeadLetterTopic, _topology.PartitionsOf, _metrics);

            using var consumer = _consumer = new ConsumerBuilder<byte[]?, byte[]?>(WorkerClientConfig.StreamConsumer(_options, _plan.Name))
                .SetPartitionsAssignedHandler((assigned, partitions) =>
                {
                    _metrics?.Rebalanced();
                    _tasks.OnAssigned(partitions);
                    _bootstrap.OnAssigned(partitions);
                    _ordering.OnAssigned(partitions);
                    return _starts.OnAssigned(assigned, partitions);
                })
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition)))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions.Select(p => p.TopicPartition)))
                .Build();
            consumer.Subscribe(_topology.InputTopics);
            try
            {
                exit = Loop();
            }
            finally
            {
                // Stopped as by a crash, fenced or failed: a commit still in flight ends before its producer goes.
                AbandonCommit();
            }

            if (exit == WorkerExit.Stopped && !_crashing)
            {
                // Revocation (in Close) commits the open interval and checkpoints the state.
                consumer.Close();
            }
            else if (exit == WorkerExit.Fenced)
            {
                LeaveGroupFenced(consumer);
            }
        }
        catch (KafkaException e) when (IsFenced(e.Error))
        {
            exit = WorkerExit.Fenced;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped while restoring: nothing of the interval was committed; the next owner restores again.
            exit = WorkerExit.Stopped;
        }
#pragma warning disable CA1031 // The worker thread reports any failure through Completion.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Error = e;
            exit = WorkerExit.Failed;
        }
        finally
        {
            _tasks.Clear();
            _completion.TrySetResult(exit);
        }
    }

    /// <summary>
    /// A fenced thread leaves the group at once, so its partitions go to the other members now rather than after
    /// the session timeout. The revocation this brings commits nothing (the thread is fenced); a failure to leave
    /// only leaves the session timeout to do it, so it is not an error of the thread's.
    /// </summary>
    private void LeaveGroupFenced(IConsumer<byte[]?, byte[]?> consumer)
    {
        _fenced = true;
        Progress("leaving the group (fenced)");
        try
        {
            consumer.Close();
        }
        catch (KafkaException)
        {
        }
    }

    /// <summary>Consecutive failed commit intervals after which the worker gives up (each backs off longer, up to 5 s).</summary>
    private const int MaxFailuresInARow = 20;

    private int _failuresInARow;
    private string? _lastError;

    /// <summary>
    /// A call librdkafka allows to be repeated after a retriable error (commit, send offsets): repeated for up to a
    /// minute, as the broker may be restarting.
    /// </summary>
    private void Retrying(Action call)
    {
        var deadline = DateTime.UtcNow + (KafkaTimeout * 2);
        while (true)
        {
            try
            {
                call();
                return;
            }
            catch (KafkaRetriableException) when (DateTime.UtcNow < deadline)
            {
                // The call came back: the thread is alive, whatever the broker's state.
                Progress(_phase);
                Thread.Sleep(100);
            }
        }
    }

    private WorkerExit Loop()
    {
        var interval = (long)_options.CommitInterval.TotalMilliseconds;
        while (true)
        {
            var deadline = Environment.TickCount64 + interval;
            var read = 0;
            try
            {
                if (_stop.IsCancellationRequested)
                {
                    // A clean stop: the commit in flight ends here, where its failure is handled as any other.
                    if (!_crashing)
                    {
                        CompleteCommit();
                    }

                    return WorkerExit.Stopped;
                }

                while (read < _options.MaxRecordsPerCommit && !_stop.IsCancellationRequested)
                {
                    var remaining = deadline - Environment.TickCount64;
                    if (remaining <= 0)
                    {
                        break;
                    }

                    Progress("reading input");
                    if (_bootstrap.Active)
                    {
                        _bootstrap.Tick(_consumer!);
                    }

                    // A task waiting for an input at its end (MaxTaskIdle) goes on when the wait is over.
                    if (_ordering.WakeAt is { } wake)
                    {
                        var now = Environment.TickCount64;
                        if (now >= wake)
                        {
                            _ordering.DrainAll(_consumer!, _isHeld, _enqueue);
                        }
                        else
                        {
                            remaining = Math.Min(remaining, wake - now);
                        }
                    }

                    // While a commit is in flight, come back often to end it (and hand the tasks' outputs to the
                    // producer) soon after it ends, even when no record arrives.
                    var record = _consumer!.Consume(TimeSpan.FromMilliseconds(_committing is null ? remaining : Math.Min(remaining, 2)));
                    if (_fenced)
                    {
                        return WorkerExit.Fenced;
                    }

                    if (_crashing)
                    {
                        return WorkerExit.Stopped;
                    }

                    if (_committing is { IsCompleted: true })
                    {
                        EndCommit();
                    }

                    if (record is null)
                    {
                        if (_ordering.Active)
                        {
                            // A bootstrap released its stream, or an idle wait ended: what may go now goes.
                            _ordering.DrainAll(_consumer, _isHeld, _enqueue);
                        }
                    }
                    else if (record.IsPartitionEOF)
                    {
                        if (_bootstrap.Active)
                        {
                            _bootstrap.OnEndOfPartition(_consumer, record.TopicPartition, record.Offset.Value);
                        }

                        if (_ordering.Active)
                        {
                            _ordering.OnEndOfPartition(_consumer, record.TopicPartition, _isHeld, _enqueue);
                        }
                    }
                    else if (!(_bootstrap.Active && _bootstrap.Holds(_consumer, record)))
                    {
                        // A task with several input topics takes its records in timestamp order (buffered until the
                        // order is known); the others as they come.
                        if (!(_ordering.Active && _ordering.TryAdd(_consumer, record, _isHeld, _enqueue)))
                        {
                            Enqueue(record);
                        }

                        read++;
                    }
                }

                if (_crashing)
                {
                    return WorkerExit.Stopped;
                }

                ProcessAndCommit(overlap: true);
            }
            catch (KafkaException e) when (IsFenced(e.Error) || _fenced)
            {
                _fenced = true;
                return WorkerExit.Fenced;
            }
            catch (KafkaException e) when (!e.Error.IsFatal && ++_failuresInARow <= MaxFailuresInARow)
            {
                // Abortable (the transaction must go) or transient (the broker restarting, a timeout): what was not
                // committed is thrown away and read again. A worker that keeps failing stops as Failed.
                RecoverFrom(e.Error.ToString());
            }
            catch (TransientSerdeException e) when (++_failuresInARow <= MaxFailuresInARow)
            {
                // A serde's dependency (the schema registry) is unavailable: the records are not bad, read them again later.
                RecoverFrom(e.Message);
            }
        }
    }

    /// <summary>
    /// Feeds the pending records to their tasks, writes every output and commits (the transaction, or the offsets);
    /// with <paramref name="overlap"/>, a transaction's commit runs beside the next interval's processing.
    /// </summary>
    private void ProcessAndCommit(bool overlap)
    {
        CompleteCommit();
        ProcessPending();
        _tasks.PrepareCommit(_writer!);
        Commit(overlap);
    }

    /// <summary>
    /// Records are processed (and their outputs produced) as they arrive, a run of one partition at a time, not held
    /// until the interval ends: they die young instead of surviving collections, and the producer sends during the
    /// interval rather than all of it at commit.
    /// </summary>
    private void Enqueue(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (_pending.Count >= RunLength
            || (_pending.Count > 0 && (_pending[0].Partition.Value != record.Partition.Value || !string.Equals(_pending[0].Topic, record.Topic, StringComparison.Ordinal))))
        {
            ProcessPending();
        }

        _pending.Add(record);
    }

    /// <summary>Records of one partition processed together: long enough to amortise the per-batch work, short enough to stay in gen0.</summary>
    private const int RunLength = 1_000;

    /// <summary>Feeds the pending run (records of one partition, in order) to the tasks reading it and writes their outputs.</summary>
    private void ProcessPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // While a commit is in flight the producer takes nothing: the tasks keep their outputs (EndCommit writes them).
        var started = Stopwatch.GetTimestamp();
        var processed = _tasks.Process(_pending, _committing is null ? _writer : null);
        _metrics?.Processed(started);
        if (processed)
        {
            var tp = _pending[0].TopicPartition;
            _positions[tp] = _pending[^1].Offset.Value + 1;
            if (_topology.IsSourceTopic(tp.Topic))
            {
                _recordsIn += _pending.Count;
            }
        }

        _pending.Clear();
    }

    private void Commit(bool overlap)
    {
        if (_positions.Count == 0 && !_writer!.InTransaction)
        {
            PublishStatus();
            _tasks.MaybeCheckpoint(_admin!);
            return;
        }

        var started = Stopwatch.GetTimestamp();

        var offsets = _positions.Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();
        if (_eos)
        {
            if (!_writer!.InTransaction)
            {
                _producer!.BeginTransaction();
            }

            // The offsets are the transaction's from here on: records read from now on belong to the next one (a
            // failed commit rewinds them all, AbortAndRewind).
            _positions.Clear();
            var group = _consumer!.ConsumerGroupMetadata;
            if (overlap && !_tasks.CheckpointDue)
            {
                _commitStarted = started;
                _committing = _committer!.Start(() => CommitTransaction(offsets, group));
                return;
            }

            Progress("committing the transaction");
            CommitTransaction(offsets, group);
            _writer.TransactionEnded();
        }
        else
        {
            _producer!.Flush(KafkaTimeout);
            _writer!.ThrowOnDeliveryError();
            if (offsets.Count > 0)
            {
                _consumer!.Commit(offsets);
            }

            _positions.Clear();
        }

        Committed(started);
        _tasks.MaybeCheckpoint(_admin!);
    }

    /// <summary>The offsets and the commit of a transaction whose records were written: on the stream thread, or on the commit's own.</summary>
    private void CommitTransaction(List<TopicPartitionOffset> offsets, IConsumerGroupMetadata group)
    {
        if (offsets.Count > 0)
        {
            Retrying(() => _producer!.SendOffsetsToTransaction(offsets, group, KafkaTimeout));
        }

        Retrying(() => _producer!.CommitTransaction(KafkaTimeout));
    }

    /// <summary>The bookkeeping of a successful commit.</summary>
    private void Committed(long started)
    {
        _metrics?.Committed(started);
        Interlocked.Increment(ref _commits);
        _failuresInARow = 0;
        _lastCommitLatency = Stopwatch.GetElapsedTime(started);
        _maxCommitLatency = _lastCommitLatency > _maxCommitLatency ? _lastCommitLatency : _maxCommitLatency;
        PublishStatus();
    }

    /// <summary>
    /// A commit that ran beside the processing has ended: its failure is thrown here, on the stream thread; on success
    /// the outputs the tasks kept meanwhile go to the producer, in the next transaction. No checkpoint follows such a
    /// commit: the state holds writes of the next transaction already (a commit that a checkpoint is due after runs
    /// on the stream thread, with nothing processed beside it).
    /// </summary>
    private void EndCommit()
    {
        var committing = _committing!;
        _committing = null;
        committing.GetAwaiter().GetResult();
        _writer!.TransactionEnded();
        Committed(_commitStarted);
        _tasks.WriteOutputs(_writer);
    }

    /// <summary>Waits for the commit in flight, if any, and ends it (<see cref="EndCommit"/>).</summary>
    private void CompleteCommit()
    {
        if (_committing is not null)
        {
            Progress("committing the transaction");
            EndCommit();
        }
    }

    /// <summary>
    /// Before the transaction is aborted or the producer closed: the commit in flight ends first, whatever its outcome
    /// (a failed one leaves the transaction open, for the abort).
    /// </summary>
    private void AbandonCommit()
    {
        if (_committing is not { } committing)
        {
            return;
        }

        _committing = null;
        try
        {
            committing.GetAwaiter().GetResult();
            _writer!.TransactionEnded();
        }
        catch (KafkaException)
        {
        }
    }

    /// <summary>A snapshot of the numbers for readers on other threads (the live view); taken once per commit interval.</summary>
    private void PublishStatus()
    {
        var consumer = _consumer!;
        var lag = 0L;
        var assignment = consumer.Assignment;
        var inputLag = new List<InputPartitionLag>(assignment.Count);
        foreach (var tp in assignment)
        {
            var high = consumer.GetWatermarkOffsets(tp).High;
            var position = consumer.Position(tp);
            if (high != Offset.Unset && position != Offset.Unset)
            {
                var behind = Math.Max(0, high.Value - position.Value);
                lag += behind;
                inputLag.Add(new InputPartitionLag(tp.Topic, tp.Partition.Value, behind));
            }
        }

        var tasks = _tasks.Statuses();
        var watermarks = tasks.Where(t => t.Watermark != long.MinValue).Select(t => t.Watermark).ToList();
        _status = new WorkerStatus
        {
            RecordsIn = _recordsIn,
            RecordsOut = _writer!.RecordsOut,
            SideOutputRecords = _writer.SideOutputRecords,
            DeadLetters = _writer.DeadLetters,
            Commits = Interlocked.Read(ref _commits),
            Aborts = _aborts,
            LastCommitLatency = _lastCommitLatency,
            MaxCommitLatency = _maxCommitLatency,
            RestoredRecords = _tasks.RestoredRecords,
            LastError = _lastError,
            Lag = lag,
            InputLag = inputLag,
            Watermark = watermarks.Count > 0 ? watermarks.Min() : null,
            Tasks = tasks,
        };
        _maxCommitLatency = TimeSpan.Zero;
    }

    private void RecoverFrom(string error)
    {
        _lastError = error;
        Thread.Sleep(Math.Min(100 << Math.Min(_failuresInARow, 6), 5_000));
        AbortAndRewind();
    }

    /// <summary>
    /// An abortable error: the transaction is aborted, the tasks' state (which holds its writes) wiped and restored
    /// from the changelogs, and the consumer sent back to the committed offsets.
    /// </summary>
    private void AbortAndRewind()
    {
        AbandonCommit();
        _aborts++;
        if (_eos && _writer!.InTransaction)
        {
            Progress("aborting the transaction");
            Retrying(() => _producer!.AbortTransaction(KafkaTimeout));
            _writer.TransactionEnded();
        }

        _writer!.ClearDeliveryError();

        _pending.Clear();
        _positions.Clear();
        _ordering.Drop(_consumer!);
        _tasks.DropAll(recreate: true);

        var assignment = _consumer!.Assignment;
        foreach (var position in _starts.Rewind(_consumer, assignment))
        {
            _consumer.Seek(position);
        }

        _bootstrap.Rewound();
    }

    private void OnRevoked(IEnumerable<TopicPartition> partitions)
    {
        if (_fenced || _crashing)
        {
            return;
        }

        try
        {
            ProcessAndCommit(overlap: false);
        }
        catch (KafkaException e) when (IsFenced(e.Error))
        {
            _fenced = true;
            return;
        }
        catch (KafkaException e) when (!IsFenced(e.Error))
        {
            // The partitions go to another owner: abort what was not committed and forget the state that holds it.
            AbandonCommit();
            if (_eos && _writer!.InTransaction)
            {
                _producer!.AbortTransaction(KafkaTimeout);
                _writer.TransactionEnded();
            }

            _writer!.ClearDeliveryError();

            _pending.Clear();
            _positions.Clear();
            _tasks.DropAll(recreate: false);
        }

        _tasks.Checkpoint(_admin!);
        _tasks.Close(partitions);
        _bootstrap.Clear(_consumer!);
        _ordering.Drop(_consumer!);
    }

    private void OnLost(IEnumerable<TopicPartition> partitions)
    {
        if (_fenced || _crashing)
        {
            return;
        }

        // Another worker owns these partitions now: nothing of them may be committed from here. Their tasks go first
        // (with their local state, which may hold uncommitted writes), then the open transaction is aborted and the
        // remaining tasks rewound to their committed point.
        _tasks.DropLost(partitions.ToList());
        _bootstrap.Clear(_consumer!);
        AbortAndRewind();
    }

    private static bool IsFenced(Error error) =>
        error.IsFatal || error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced
            or ErrorCode.TransactionalIdAuthorizationFailed;
}
