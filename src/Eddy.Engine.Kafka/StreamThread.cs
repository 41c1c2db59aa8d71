using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.RocksDb;
using Eddy.Engine.Runtime;

namespace Eddy.Engine.Kafka;

/// <summary>
/// One thread of a worker: its own consumer in the job's group (subscribed to every stage's input topics with the
/// range assignor, so the partitions it gets are co-partitioned) and its own transactional producer,
/// <c>{job}-{worker id}-{thread}</c>. Each assigned partition becomes a task (stage, partition) whose state is first
/// restored from its changelog topics. Every commit interval the thread writes the tasks' outputs, watermark control
/// records, changelog records and the consumed offsets in one transaction (EOS v2), or, at least once, flushes the
/// outputs and then commits the offsets. The worker's RocksDB is shared: tasks are disjoint between threads.
/// </summary>
internal sealed class StreamThread : IDisposable
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Kafka Streams' EOS choice: a dead worker's open transaction blocks its partitions' successors this long at most.</summary>
    private const int TransactionTimeoutMs = 10_000;

    /// <summary>
    /// No KIP-1102 re-bootstrap when every broker is down (as when a single broker restarts): librdkafka 2.16 then
    /// decommissions the broker it cached as group coordinator and SendOffsetsToTransaction waits for it forever
    /// (librdkafka issue #5511). Without re-bootstrap the client reconnects to the brokers it knows.
    /// </summary>
    internal const MetadataRecoveryStrategy NoRebootstrap = MetadataRecoveryStrategy.None;

    private readonly JobTopology _topology;
    private readonly JobPlan _plan;
    private readonly JobWorkerOptions _options;
    private readonly RocksDbStateBackend _backend;
    private readonly bool _eos;
    private readonly Dictionary<(int Stage, int Partition), StageTask> _tasks = [];
    private readonly List<ConsumeResult<byte[]?, byte[]?>> _pending = [];
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<WorkerExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChangeLoggingBackend _logging;
    private readonly ChangelogRestorer _restorer;
    private Thread? _thread;
    private IProducer<byte[]?, byte[]?>? _producer;
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private IAdminClient? _admin;
    private OutputWriter? _writer;
    private bool _fenced;
    private volatile bool _crashing;
    private long _lastCheckpoint;
    private long _commits;
    private volatile WorkerStatus _status = WorkerStatus.Starting;
    private long _recordsIn;
    private long _aborts;
    private TimeSpan _lastCommitLatency;
    private TimeSpan _maxCommitLatency;
    private long _lastProgress = Environment.TickCount64;
    private volatile string _phase = "starting";

    public StreamThread(JobTopology topology, JobWorkerOptions options, RocksDbStateBackend backend, int index)
    {
        _topology = topology;
        _plan = topology.Plan;
        _options = options;
        _backend = backend;
        _eos = options.Guarantee == ProcessingGuarantee.ExactlyOnce;
        _logging = new ChangeLoggingBackend(backend);
        _restorer = new ChangelogRestorer(backend, options.BootstrapServers, options.ClientConfig, _plan.Name, () => Progress("restoring state"), _stop.Token);
        TransactionalId = $"{_plan.Name}-{options.WorkerId}-{index}";
    }

    public string TransactionalId { get; }

    /// <summary>Completes when the thread has stopped, with the reason.</summary>
    public Task<WorkerExit> Completion => _completion.Task;

    /// <summary>The error a failed thread stopped on.</summary>
    public Exception? Error { get; private set; }

    public long Commits => Interlocked.Read(ref _commits);

    public long RestoredRecords => _restorer.RestoredRecords;

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

    /// <summary>Stops the thread: the open interval is committed, the state checkpointed, the group left.</summary>
    public void Stop()
    {
        _stop.Cancel();
        Join();
    }

    /// <summary>
    /// Waits for the thread to end, unless it stays stuck in one step past <paramref name="stallTimeout"/>: then it is
    /// abandoned (a background thread) and false returned.
    /// </summary>
    public bool Join(TimeSpan? stallTimeout = null)
    {
        while (_thread is { } thread && !thread.Join(TimeSpan.FromMilliseconds(200)))
        {
            if (stallTimeout is { } limit && Stalled.For > limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Asks the thread to stop at its next step.</summary>
    public void RequestStop(bool crash)
    {
        _crashing |= crash;
        _stop.Cancel();
    }

    /// <summary>Stops as a crash would, between two records: nothing committed, checkpointed or revoked.</summary>
    public void Crash()
    {
        _crashing = true;
        Stop();
    }

    /// <summary>After <see cref="Stop"/> or <see cref="Crash"/>.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        _logging.Dispose();
    }

    private void Run()
    {
        var exit = WorkerExit.Stopped;
        try
        {
            var producerConfig = new ProducerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                EnableIdempotence = true,
                // Batches of 20 ms rather than 5: a quarter of the produce requests for the same records (less CPU in the client
                // and the broker per record), while the commit every 100 ms still has little left to flush.
                LingerMs = 20,
                // A commit interval's outputs may outnumber its inputs (flatMap, windows firing): room for them.
                QueueBufferingMaxMessages = 1_000_000,
                MetadataRecoveryStrategy = NoRebootstrap,
            }.Overlay(_options.ClientConfig);
            if (_eos)
            {
                producerConfig.TransactionalId = TransactionalId;
                producerConfig.TransactionTimeoutMs = TransactionTimeoutMs;
                // A failed delivery fails the commit: records are produced without a handler, and the reports carry
                // nothing to marshal.
                producerConfig.DeliveryReportFields = "none";
            }

            using var producer = _producer = new ProducerBuilder<byte[]?, byte[]?>(producerConfig).Build();
            if (_eos)
            {
                producer.InitTransactions(KafkaTimeout);
            }

            using var admin = _admin = new DependentAdminClientBuilder(producer.Handle).Build();
            _writer = new OutputWriter(producer, _eos, _plan.DeadLetterTopic, _topology.PartitionsOf);

            using var consumer = _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                GroupId = _plan.Name,
                EnableAutoCommit = false,
                IsolationLevel = IsolationLevel.ReadCommitted,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
                SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
                // A member learns that the group is rebalancing from its next heartbeat: librdkafka's 3 s default left
                // a worker's first thread owning every partition for up to 3 s while its other threads waited to join.
                HeartbeatIntervalMs = Math.Max(100, (int)_options.SessionTimeout.TotalMilliseconds / 20),
                // Larger fetches than librdkafka's defaults: the thread reads many small records per interval.
                FetchMaxBytes = 32 * 1024 * 1024,
                MaxPartitionFetchBytes = 8 * 1024 * 1024,
                QueuedMaxMessagesKbytes = 64 * 1024,
                MetadataRecoveryStrategy = NoRebootstrap,
            }.Overlay(_options.ClientConfig))
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition)))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions.Select(p => p.TopicPartition)))
                .Build();
            consumer.Subscribe(_topology.InputTopics);
            _lastCheckpoint = Environment.TickCount64;
            exit = Loop();
            if (exit == WorkerExit.Stopped && !_crashing)
            {
                // Revocation (in Close) commits the open interval and checkpoints the state.
                consumer.Close();
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
        while (!_stop.IsCancellationRequested)
        {
            var deadline = Environment.TickCount64 + interval;
            var read = 0;
            try
            {
                while (read < _options.MaxRecordsPerCommit && !_stop.IsCancellationRequested)
                {
                    var remaining = deadline - Environment.TickCount64;
                    if (remaining <= 0)
                    {
                        break;
                    }

                    Progress("reading input");
                    var record = _consumer!.Consume(TimeSpan.FromMilliseconds(remaining));
                    if (_fenced)
                    {
                        return WorkerExit.Fenced;
                    }

                    if (_crashing)
                    {
                        return WorkerExit.Stopped;
                    }

                    if (record is not null && !record.IsPartitionEOF)
                    {
                        // Records are processed (and their outputs produced) as they arrive, a run of one partition at
                        // a time, not held until the interval ends: they die young instead of surviving collections,
                        // and the producer sends during the interval rather than all of it at commit.
                        if (_pending.Count >= RunLength
                            || (_pending.Count > 0 && (_pending[0].Partition.Value != record.Partition.Value || !string.Equals(_pending[0].Topic, record.Topic, StringComparison.Ordinal))))
                        {
                            ProcessPending();
                        }

                        _pending.Add(record);
                        read++;
                    }
                }

                if (_crashing)
                {
                    return WorkerExit.Stopped;
                }

                ProcessAndCommit();
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

        return WorkerExit.Stopped;
    }

    /// <summary>Feeds the pending records to their tasks, writes every output and commits (the transaction, or the offsets).</summary>
    private void ProcessAndCommit()
    {
        ProcessPending();
        foreach (var task in _tasks.Values)
        {
            task.OnProcessingTime();
            _writer!.Write(task);
            task.SaveWatermarks();
        }

        _writer!.WriteChangelogs(_logging, _topology.Stores);
        Commit();
    }

    /// <summary>Records of one partition processed together: long enough to amortise the per-batch work, short enough to stay in gen0.</summary>
    private const int RunLength = 1_000;

    private readonly List<InputRecord> _batch = [];

    /// <summary>Feeds the pending run (records of one partition, in order) to the tasks reading it and writes their outputs.</summary>
    private void ProcessPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var tp = _pending[0].TopicPartition;
        var fed = false;
        var batch = _batch;
        // The run's state writes go to RocksDB as one write, not one per record.
        using var writes = _backend.BeginBatch();
        foreach (var stage in _topology.StagesReading(tp.Topic))
        {
            if (!_tasks.TryGetValue((stage.Id, tp.Partition.Value), out var task))
            {
                continue;
            }

            fed = true;
            batch.Clear();
            foreach (var record in _pending)
            {
                var headers = record.Message.Headers;
                if (headers is not null && headers.TryGetLastBytes(WatermarkControl.Header, out var control))
                {
                    Feed(task, tp.Topic, batch);
                    task.OnWatermarkControl(tp.Topic, WatermarkControl.Parse(control));
                    continue;
                }

                var kind = headers is not null && headers.TryGetLastBytes(OutputWriter.KindHeader, out var k) && k.Length == 1 ? (RowKind)k[0] : RowKind.Insert;
                batch.Add(new InputRecord(record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs, record.Offset.Value, kind));
            }

            Feed(task, tp.Topic, batch);
            _writer!.Write(task);
        }

        writes.Commit();
        if (fed)
        {
            _positions[tp] = _pending[^1].Offset.Value + 1;
            if (_topology.IsSourceTopic(tp.Topic))
            {
                _recordsIn += _pending.Count;
            }
        }

        _pending.Clear();
    }

    private static void Feed(StageTask task, string topic, List<InputRecord> batch)
    {
        if (batch.Count > 0)
        {
            task.ProcessBatch(topic, CollectionsMarshal.AsSpan(batch));
            batch.Clear();
        }
    }

    private void Commit()
    {
        if (_positions.Count == 0 && !_writer!.InTransaction)
        {
            PublishStatus();
            MaybeCheckpoint();
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

            if (offsets.Count > 0)
            {
                Progress("sending offsets to the transaction");
                Retrying(() => _producer!.SendOffsetsToTransaction(offsets, _consumer!.ConsumerGroupMetadata, KafkaTimeout));
            }

            Progress("committing the transaction");
            Retrying(() => _producer!.CommitTransaction(KafkaTimeout));
            _writer!.TransactionEnded();
        }
        else
        {
            _producer!.Flush(KafkaTimeout);
            _writer!.ThrowOnDeliveryError();
            if (offsets.Count > 0)
            {
                _consumer!.Commit(offsets);
            }
        }

        _positions.Clear();

        Interlocked.Increment(ref _commits);
        _failuresInARow = 0;
        _lastCommitLatency = Stopwatch.GetElapsedTime(started);
        _maxCommitLatency = _lastCommitLatency > _maxCommitLatency ? _lastCommitLatency : _maxCommitLatency;
        PublishStatus();
        MaybeCheckpoint();
    }

    /// <summary>A snapshot of the numbers for readers on other threads (the live view); taken once per commit interval.</summary>
    private void PublishStatus()
    {
        var consumer = _consumer!;
        var lag = 0L;
        foreach (var tp in consumer.Assignment)
        {
            var high = consumer.GetWatermarkOffsets(tp).High;
            var position = consumer.Position(tp);
            if (high != Offset.Unset && position != Offset.Unset && high.Value > position.Value)
            {
                lag += high.Value - position.Value;
            }
        }

        var tasks = _tasks.Values
            .Select(t => new TaskStatus(t.Stage.Id, t.Partition, t.Watermark, t.Metrics.RecordsIn, t.Metrics.LateRecords, t.Metrics.BadRecords))
            .OrderBy(t => t.Stage).ThenBy(t => t.Partition)
            .ToList();
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
            RestoredRecords = _restorer.RestoredRecords,
            LastError = _lastError,
            Lag = lag,
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

    private void MaybeCheckpoint()
    {
        if (Environment.TickCount64 - _lastCheckpoint >= (long)_options.CheckpointInterval.TotalMilliseconds)
        {
            CheckpointState(_tasks.Keys);
        }
    }

    /// <summary>
    /// Right after a commit (nothing written since): records, for each store partition of the given tasks, the
    /// changelog's last stable offset as the position the local state reflects, then flushes RocksDB and writes the
    /// checkpoint. The tasks' partitions have one writer, this worker, whose writes are all committed now; an offset
    /// below that (another producer's transaction still open there) only makes a later restore replay records the
    /// state already has, which leaves it the same.
    /// </summary>
    private void CheckpointState(IEnumerable<(int Stage, int Partition)> tasks)
    {
        var partitions = tasks
            .SelectMany(t => _plan.Stages[t.Stage].Stores.Select(store => (store.Name, Target: new TopicPartition(store.ChangelogTopic, t.Partition))))
            .ToList();
        if (partitions.Count > 0)
        {
            var result = _admin!.ListOffsetsAsync(
                    partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p.Target, OffsetSpec = OffsetSpec.Latest() }),
                    new ListOffsetsOptions { IsolationLevel = IsolationLevel.ReadCommitted, RequestTimeout = KafkaTimeout })
                .GetAwaiter().GetResult();
            var ends = result.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
            foreach (var (store, target) in partitions)
            {
                _backend.SetChangelogOffset(store, target.Partition.Value, ends[target]);
            }
        }

        _backend.Checkpoint();
        _lastCheckpoint = Environment.TickCount64;
    }

    /// <summary>
    /// An abortable error: the transaction is aborted, the tasks' state (which holds its writes) wiped and restored
    /// from the changelogs, and the consumer sent back to the committed offsets.
    /// </summary>
    private void AbortAndRewind()
    {
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
        _logging.Clear();
        var keys = _tasks.Keys.ToList();
        foreach (var key in keys)
        {
            _tasks.Remove(key);
            foreach (var store in _plan.Stages[key.Stage].Stores)
            {
                _logging.DropPartition(store.Name, key.Partition);
            }
        }

        EnsureTasks(keys.Select(k => (_plan.Stages[k.Stage], k.Partition)));

        var assignment = _consumer!.Assignment;
        foreach (var committed in _consumer.Committed(assignment, KafkaTimeout))
        {
            _consumer.Seek(committed.Offset == Offset.Unset
                ? new TopicPartitionOffset(committed.TopicPartition, Offset.Beginning)
                : committed);
        }
    }

    private void OnAssigned(IEnumerable<TopicPartition> partitions)
    {
        EnsureTasks(partitions.SelectMany(tp => _topology.StagesReading(tp.Topic).Select(stage => (stage, tp.Partition.Value))));
    }

    private void OnRevoked(IEnumerable<TopicPartition> partitions)
    {
        if (_fenced || _crashing)
        {
            return;
        }

        try
        {
            ProcessAndCommit();
        }
        catch (KafkaException e) when (IsFenced(e.Error))
        {
            _fenced = true;
            return;
        }
        catch (KafkaException e) when (!IsFenced(e.Error))
        {
            // The partitions go to another owner: abort what was not committed and forget the state that holds it.
            if (_eos && _writer!.InTransaction)
            {
                _producer!.AbortTransaction(KafkaTimeout);
                _writer.TransactionEnded();
            }

            _writer!.ClearDeliveryError();

            _pending.Clear();
            _positions.Clear();
            _logging.Clear();
            foreach (var key in _tasks.Keys.ToList())
            {
                _tasks.Remove(key);
                foreach (var store in _plan.Stages[key.Stage].Stores)
                {
                    _logging.DropPartition(store.Name, key.Partition);
                }
            }
        }

        CheckpointState(_tasks.Keys);
        CloseTasks(partitions);
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
        var lost = partitions.ToList();
        foreach (var tp in lost)
        {
            foreach (var stage in _topology.StagesReading(tp.Topic))
            {
                foreach (var store in stage.Stores)
                {
                    _logging.DropPartition(store.Name, tp.Partition.Value);
                }
            }
        }

        CloseTasks(lost);
        AbortAndRewind();
    }

    private void CloseTasks(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            foreach (var stage in _topology.StagesReading(tp.Topic))
            {
                _tasks.Remove((stage.Id, tp.Partition.Value));
            }
        }
    }

    /// <summary>Creates the tasks (stage, partition) not running yet, once their stores are restored from their changelogs.</summary>
    private void EnsureTasks(IEnumerable<(StagePlan Stage, int Partition)> wanted)
    {
        var missing = wanted.Where(t => !_tasks.ContainsKey((t.Stage.Id, t.Partition))).Distinct().ToList();
        _restorer.Restore(missing.SelectMany(t => t.Stage.Stores.Select(store => (Store: store, t.Partition))).ToList());
        foreach (var (stage, partition) in missing)
        {
            _tasks[(stage.Id, partition)] = new StageTask(stage, partition, _logging, TimeProvider.System,
                topic => _topology.StagePartitions(stage.Inputs.First(i => i.Topic == topic).UpstreamStage!.Value), _plan.BadInput);
        }
    }

    private static bool IsFenced(Error error) =>
        error.IsFatal || error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced
            or ErrorCode.TransactionalIdAuthorizationFailed;
}
