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
/// Runs a <see cref="JobPlan"/> against a Kafka cluster. Workers of a job share one consumer group (the job's name):
/// the worker thread's consumer subscribes to every stage's input topics (sources and repartition topics) with the
/// range assignor, so the partitions a worker gets are co-partitioned; each assigned partition becomes a task
/// (stage, partition) whose state is first restored from its changelog topics. Every commit interval the thread
/// writes the tasks' outputs, watermark control records, changelog records and the consumed offsets in one
/// transaction (EOS v2), or, at least once, flushes the outputs and then commits the offsets.
/// </summary>
public sealed class JobWorker : IDisposable
{
    /// <summary>The header carrying a repartitioned record's row kind (absent: insert).</summary>
    public const string KindHeader = "eddy.kind";

    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a restore waits for a changelog's open transaction: longer than the transaction timeout of a worker
    /// that died holding it, plus the broker's abort sweep.
    /// </summary>
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Kafka Streams' EOS choice: a dead worker's open transaction blocks its partitions' successors this long at most.</summary>
    private const int TransactionTimeoutMs = 10_000;

    private readonly JobPlan _plan;
    private readonly JobWorkerOptions _options;
    private readonly bool _eos;
    private readonly Dictionary<string, int> _partitions = new(StringComparer.Ordinal);
    private readonly int[] _stagePartitions;
    private readonly Dictionary<string, List<StagePlan>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreDeclaration> _stores = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sourceTopics = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Stage, int Partition), StageTask> _tasks = [];
    private readonly List<ConsumeResult<byte[]?, byte[]?>> _pending = [];
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly Dictionary<(string Store, int Partition), long> _changelogOffsets = [];
    private readonly object _deliveryLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<WorkerExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Error? _deliveryError;
    private Thread? _thread;
    private RocksDbStateBackend? _backend;
    private ChangeLoggingBackend? _logging;
    private IProducer<byte[]?, byte[]?>? _producer;
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private bool _inTransaction;
    private bool _fenced;
    private volatile bool _crashing;
    private bool _disposed;
    private long _lastCheckpoint;

    public JobWorker(JobPlan plan, JobWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        _plan = plan;
        _options = options;
        _eos = options.Guarantee == ProcessingGuarantee.ExactlyOnce;
        _stagePartitions = new int[plan.Stages.Count];
        foreach (var stage in plan.Stages)
        {
            foreach (var input in stage.Inputs)
            {
                if (!_readers.TryGetValue(input.Topic, out var list))
                {
                    _readers[input.Topic] = list = [];
                }

                list.Add(stage);
                if (!input.IsRepartition)
                {
                    _sourceTopics.Add(input.Topic);
                }
            }
        }

        foreach (var store in plan.Stores)
        {
            _stores[store.Name] = store;
        }
    }

    /// <summary>Completes when the worker thread has stopped, with the reason.</summary>
    public Task<WorkerExit> Completion => _completion.Task;

    /// <summary>The error a failed worker stopped on.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Transactions (or offset commits, at least once) that succeeded.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    /// <summary>Changelog records replayed into the state while restoring tasks.</summary>
    public long RestoredRecords => Interlocked.Read(ref _restored);

    private long _restored;

    /// <summary>The tasks the worker runs now (for diagnostics).</summary>
    internal string Tasks => string.Join(",", Status.Tasks.Select(t => $"{t.Stage}/{t.Partition}@{t.Watermark}"));

    /// <summary>The worker's numbers as of its latest commit interval.</summary>
    public WorkerStatus Status => _status;

    private volatile WorkerStatus _status = WorkerStatus.Starting;
    private long _recordsIn;
    private long _recordsOut;
    private long _sideOutputRecords;
    private long _deadLetters;
    private long _aborts;
    private TimeSpan _lastCommitLatency;
    private TimeSpan _maxCommitLatency;

    /// <summary>The transactional id of the worker thread's producer.</summary>
    public string TransactionalId => $"{_plan.Name}-{_options.WorkerId}-0";

    /// <summary>Creates the internal topics that are missing, then starts the worker thread.</summary>
    public async Task StartAsync()
    {
        await CreateTopicsAsync().ConfigureAwait(false);
        _thread = new Thread(Run) { Name = $"eddy-{TransactionalId}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops the worker: the open transaction is committed, the state checkpointed, the group left.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
    }

    /// <summary>
    /// For tests: stops the worker as a crash would, between two records: the open transaction is left open (the
    /// next producer with the same transactional id aborts it), nothing is committed, checkpointed or revoked.
    /// </summary>
    internal void Crash()
    {
        _crashing = true;
        Dispose();
    }

    private async Task CreateTopicsAsync()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(KafkaTimeout);
        foreach (var topic in metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError))
        {
            _partitions[topic.Topic] = topic.Partitions.Count;
        }

        var create = new List<TopicSpecification>();
        void Need(string topic, int partitions, Dictionary<string, string>? configs = null)
        {
            if (_partitions.TryAdd(topic, partitions))
            {
                create.Add(new TopicSpecification
                {
                    Name = topic,
                    NumPartitions = partitions,
                    ReplicationFactor = _options.ReplicationFactor,
                    Configs = configs,
                });
            }
        }

        foreach (var stage in _plan.Stages)
        {
            var first = stage.Inputs[0];
            _stagePartitions[stage.Id] = first.UpstreamStage is { } upstream ? _stagePartitions[upstream]
                : _partitions.TryGetValue(first.Topic, out var n) ? n
                : throw new InvalidOperationException($"Job '{_plan.Name}' reads topic '{first.Topic}', which does not exist.");
            foreach (var topic in stage.RepartitionTopics)
            {
                Need(topic, _stagePartitions[stage.Id]);
            }

            foreach (var store in stage.Stores)
            {
                Need(store.ChangelogTopic, _stagePartitions[stage.Id], new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
            }

            foreach (var sink in stage.Operators.Where(o => o.Kind == OperatorKind.Sink))
            {
                Need(sink.Topic!, _stagePartitions[stage.Id]);
            }

            foreach (var side in stage.Operators.SelectMany(o => o.SideOutputs))
            {
                Need(side, _stagePartitions[stage.Id]);
            }
        }

        Need(_plan.DeadLetterTopic, 1);
        if (create.Count == 0)
        {
            return;
        }

        try
        {
            await admin.CreateTopicsAsync(create).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another worker of the job created them first.
        }
    }

    /// <summary>
    /// A side output first seen while running (a process function's tag): its topic is created (or found) now, once;
    /// rare enough to block the worker thread for the round trip.
    /// </summary>
    private int CreateSideOutputTopic(string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }).Build();
        try
        {
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = _options.ReplicationFactor }])
                .GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            partitions = admin.GetMetadata(topic, KafkaTimeout).Topics[0].Partitions.Count;
        }

        _partitions[topic] = partitions;
        return partitions;
    }

    private void Run()
    {
        var exit = WorkerExit.Stopped;
        try
        {
            using var backend = _backend = new RocksDbStateBackend(_options.StateDirectory);
            _logging = new ChangeLoggingBackend(backend);
            var producerConfig = new ProducerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                EnableIdempotence = true,
                LingerMs = 5,
            };
            if (_eos)
            {
                producerConfig.TransactionalId = TransactionalId;
                producerConfig.TransactionTimeoutMs = TransactionTimeoutMs;
            }

            using var producer = _producer = new ProducerBuilder<byte[]?, byte[]?>(producerConfig).Build();
            if (_eos)
            {
                producer.InitTransactions(KafkaTimeout);
            }

            using var consumer = _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                GroupId = _plan.Name,
                EnableAutoCommit = false,
                IsolationLevel = IsolationLevel.ReadCommitted,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
                SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            })
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition)))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions.Select(p => p.TopicPartition)))
                .Build();
            consumer.Subscribe(_readers.Keys);
            _lastCheckpoint = Environment.TickCount64;
            exit = Loop();
            if (exit == WorkerExit.Stopped && !_crashing)
            {
                consumer.Close();
                backend.Checkpoint();
            }
        }
        catch (KafkaException e) when (IsFenced(e.Error))
        {
            exit = WorkerExit.Fenced;
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
    private Error? _lastError;

    /// <summary>
    /// A call librdkafka allows to be repeated after a retriable error (commit, send offsets): repeated for up to a
    /// minute, as the broker may be restarting.
    /// </summary>
    private static void Retrying(Action call)
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
            try
            {
                while (_pending.Count < _options.MaxRecordsPerCommit && !_stop.IsCancellationRequested)
                {
                    var remaining = deadline - Environment.TickCount64;
                    if (remaining <= 0)
                    {
                        break;
                    }

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
                        _pending.Add(record);
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
                _lastError = e.Error;
                Thread.Sleep(Math.Min(100 << Math.Min(_failuresInARow, 6), 5_000));
                AbortAndRewind();
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
            Drain(task);
            task.SaveWatermarks();
        }

        WriteChangelogs();
        Commit();
    }

    private void ProcessPending()
    {
        var byPartition = new Dictionary<TopicPartition, List<ConsumeResult<byte[]?, byte[]?>>>();
        foreach (var record in _pending)
        {
            if (!byPartition.TryGetValue(record.TopicPartition, out var list))
            {
                byPartition[record.TopicPartition] = list = [];
            }

            list.Add(record);
        }

        _pending.Clear();
        var batch = new List<InputRecord>();
        foreach (var (tp, records) in byPartition)
        {
            var fed = false;
            foreach (var stage in _readers[tp.Topic])
            {
                if (!_tasks.TryGetValue((stage.Id, tp.Partition.Value), out var task))
                {
                    continue;
                }

                fed = true;
                batch.Clear();
                foreach (var record in records)
                {
                    var headers = record.Message.Headers;
                    if (headers is not null && headers.TryGetLastBytes(WatermarkControl.Header, out var control))
                    {
                        Feed(task, tp.Topic, batch);
                        task.OnWatermarkControl(tp.Topic, WatermarkControl.Parse(control));
                        continue;
                    }

                    var kind = headers is not null && headers.TryGetLastBytes(KindHeader, out var k) && k.Length == 1 ? (RowKind)k[0] : RowKind.Insert;
                    batch.Add(new InputRecord(record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs, record.Offset.Value, kind));
                }

                Feed(task, tp.Topic, batch);
                Drain(task);
            }

            if (fed)
            {
                _positions[tp] = records[^1].Offset.Value + 1;
                if (_sourceTopics.Contains(tp.Topic))
                {
                    _recordsIn += records.Count;
                }
            }
        }
    }

    private static void Feed(StageTask task, string topic, List<InputRecord> batch)
    {
        if (batch.Count > 0)
        {
            task.ProcessBatch(topic, CollectionsMarshal.AsSpan(batch));
            batch.Clear();
        }
    }

    /// <summary>Writes a task's outputs: sink and repartition records, dead letters, its watermark, and the changelog of its state writes.</summary>
    private void Drain(StageTask task)
    {
        var outputs = task.Outputs;
        foreach (var record in outputs.Records)
        {
            var partition = record.Key is null ? 0 : Murmur2Partitioner.Partition(record.Key, _partitions[record.Topic]);
            var message = new Message<byte[]?, byte[]?>
            {
                Key = record.Key,
                Value = record.Value,
                Timestamp = new Timestamp(Math.Max(0, record.Timestamp), TimestampType.CreateTime),
            };
            if (record.Kind != RowKind.Insert)
            {
                message.Headers = [new Header(KindHeader, [(byte)record.Kind])];
            }

            Produce(new TopicPartition(record.Topic, partition), message, null);
            if (!record.IsRepartition)
            {
                _recordsOut++;
            }
        }

        foreach (var side in outputs.SideOutputs)
        {
            if (!_partitions.TryGetValue(side.Tag, out var partitions))
            {
                partitions = CreateSideOutputTopic(side.Tag, _stagePartitions[task.Stage.Id]);
            }

            Produce(new TopicPartition(side.Tag, side.KeyBytes is null ? 0 : Murmur2Partitioner.Partition(side.KeyBytes, partitions)),
                new Message<byte[]?, byte[]?>
                {
                    Key = side.KeyBytes,
                    Value = side.ValueBytes,
                    Timestamp = new Timestamp(Math.Max(0, side.Timestamp), TimestampType.CreateTime),
                }, null);
            _sideOutputRecords++;
        }

        foreach (var dead in outputs.DeadLetters)
        {
            Produce(new TopicPartition(_plan.DeadLetterTopic, 0), new Message<byte[]?, byte[]?>
            {
                Key = dead.Key,
                Value = dead.Value,
                Timestamp = new Timestamp(Math.Max(0, dead.Timestamp), TimestampType.CreateTime),
                Headers =
                [
                    new Header("eddy.error", System.Text.Encoding.UTF8.GetBytes(dead.Error)),
                    new Header("eddy.source", System.Text.Encoding.UTF8.GetBytes($"{dead.Topic}/{dead.Partition}/{dead.Offset}")),
                ],
            }, null);
            _deadLetters++;
        }

        if (outputs.Watermark is { } watermark)
        {
            var bytes = watermark.ToBytes();
            foreach (var topic in task.Stage.RepartitionTopics)
            {
                for (var p = 0; p < _partitions[topic]; p++)
                {
                    Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?>
                    {
                        Value = bytes,
                        Headers = [new Header(WatermarkControl.Header, bytes)],
                    }, null);
                }
            }
        }

        outputs.Clear();
    }

    /// <summary>The state writes since the last commit (the last per key) go to their changelogs, in the commit's transaction.</summary>
    private void WriteChangelogs()
    {
        foreach (var change in _logging!.Drain())
        {
            Produce(new TopicPartition(_stores[change.Store].ChangelogTopic, change.Partition),
                new Message<byte[]?, byte[]?> { Key = change.Key, Value = change.Value }, (change.Store, change.Partition));
        }
    }

    private void Produce(TopicPartition target, Message<byte[]?, byte[]?> message, (string Store, int Partition)? changelog)
    {
        if (_eos && !_inTransaction)
        {
            _producer!.BeginTransaction();
            _inTransaction = true;
        }

        _producer!.Produce(target, message, report =>
        {
            lock (_deliveryLock)
            {
                if (report.Error.IsError)
                {
                    _deliveryError ??= report.Error;
                }
                else if (changelog is { } store)
                {
                    _changelogOffsets[store] = Math.Max(_changelogOffsets.GetValueOrDefault(store, -1), report.Offset.Value);
                }
            }
        });
    }

    private void Commit()
    {
        if (_positions.Count == 0 && !_inTransaction)
        {
            PublishStatus();
            MaybeCheckpoint();
            return;
        }

        var started = Stopwatch.GetTimestamp();

        var offsets = _positions.Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();
        if (_eos)
        {
            if (!_inTransaction)
            {
                _producer!.BeginTransaction();
                _inTransaction = true;
            }

            if (offsets.Count > 0)
            {
                Retrying(() => _producer!.SendOffsetsToTransaction(offsets, _consumer!.ConsumerGroupMetadata, KafkaTimeout));
            }

            Retrying(() => _producer!.CommitTransaction(KafkaTimeout));
            _inTransaction = false;
            ThrowOnDeliveryError();
        }
        else
        {
            _producer!.Flush(KafkaTimeout);
            ThrowOnDeliveryError();
            if (offsets.Count > 0)
            {
                _consumer!.Commit(offsets);
            }
        }

        _positions.Clear();
        lock (_deliveryLock)
        {
            foreach (var ((store, partition), offset) in _changelogOffsets)
            {
                _backend!.SetChangelogOffset(store, partition, offset + 1);
            }

            _changelogOffsets.Clear();
        }

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
            RecordsOut = _recordsOut,
            SideOutputRecords = _sideOutputRecords,
            DeadLetters = _deadLetters,
            Commits = Commits,
            Aborts = _aborts,
            LastCommitLatency = _lastCommitLatency,
            MaxCommitLatency = _maxCommitLatency,
            RestoredRecords = RestoredRecords,
            LastError = _lastError?.ToString(),
            Lag = lag,
            Watermark = watermarks.Count > 0 ? watermarks.Min() : null,
            Tasks = tasks,
        };
        _maxCommitLatency = TimeSpan.Zero;
    }

    private void ThrowOnDeliveryError()
    {
        lock (_deliveryLock)
        {
            if (_deliveryError is { } error)
            {
                _deliveryError = null;
                throw new KafkaException(error);
            }
        }
    }

    private void MaybeCheckpoint()
    {
        if (Environment.TickCount64 - _lastCheckpoint >= (long)_options.CheckpointInterval.TotalMilliseconds)
        {
            _backend!.Checkpoint();
            _lastCheckpoint = Environment.TickCount64;
        }
    }

    /// <summary>
    /// An abortable error: the transaction is aborted, the tasks' state (which holds its writes) wiped and restored
    /// from the changelogs, and the consumer sent back to the committed offsets.
    /// </summary>
    private void AbortAndRewind()
    {
        _aborts++;
        if (_eos && _inTransaction)
        {
            Retrying(() => _producer!.AbortTransaction(KafkaTimeout));
            _inTransaction = false;
        }

        lock (_deliveryLock)
        {
            _deliveryError = null;
            _changelogOffsets.Clear();
        }

        _pending.Clear();
        _positions.Clear();
        _logging!.Clear();
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
        EnsureTasks(partitions.SelectMany(tp => _readers[tp.Topic].Select(stage => (stage, tp.Partition.Value))));
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
            if (_eos && _inTransaction)
            {
                _producer!.AbortTransaction(KafkaTimeout);
                _inTransaction = false;
            }

            lock (_deliveryLock)
            {
                _deliveryError = null;
                _changelogOffsets.Clear();
            }

            _pending.Clear();
            _positions.Clear();
            _logging!.Clear();
            foreach (var key in _tasks.Keys.ToList())
            {
                _tasks.Remove(key);
                foreach (var store in _plan.Stages[key.Stage].Stores)
                {
                    _logging.DropPartition(store.Name, key.Partition);
                }
            }
        }

        CloseTasks(partitions);
        _backend!.Checkpoint();
        _lastCheckpoint = Environment.TickCount64;
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
            foreach (var stage in _readers[tp.Topic])
            {
                foreach (var store in stage.Stores)
                {
                    _logging!.DropPartition(store.Name, tp.Partition.Value);
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
            foreach (var stage in _readers[tp.Topic])
            {
                _tasks.Remove((stage.Id, tp.Partition.Value));
            }
        }
    }

    /// <summary>Creates the tasks (stage, partition) not running yet, once their stores are restored from their changelogs.</summary>
    private void EnsureTasks(IEnumerable<(StagePlan Stage, int Partition)> wanted)
    {
        var missing = wanted.Where(t => !_tasks.ContainsKey((t.Stage.Id, t.Partition))).Distinct().ToList();
        Restore(missing.SelectMany(t => t.Stage.Stores.Select(store => (Store: store, t.Partition))).ToList());
        foreach (var (stage, partition) in missing)
        {
            _tasks[(stage.Id, partition)] = new StageTask(stage, partition, _logging!, TimeProvider.System,
                topic => _stagePartitions[stage.Inputs.First(i => i.Topic == topic).UpstreamStage!.Value], _plan.BadInput);
        }
    }

    /// <summary>
    /// Replays stores' changelog partitions into RocksDB, all through one consumer: each from its checkpointed offset
    /// when the local state has one, else from the beginning into a wiped partition; up to the end of the committed
    /// changelog.
    /// </summary>
    private void Restore(List<(StoreDeclaration Store, int Partition)> stores)
    {
        if (stores.Count == 0)
        {
            return;
        }

        var backend = _backend!;
        var targets = new Dictionary<TopicPartition, (string Store, int Partition, long? From)>();
        foreach (var (store, partition) in stores)
        {
            var from = backend.CheckpointedOffset(store.Name, partition);
            if (from is null)
            {
                backend.Wipe(store.Name, partition);
            }

            targets[new TopicPartition(store.ChangelogTopic, partition)] = (store.Name, partition, from);
        }

        ConsumerConfig Config(IsolationLevel isolation) => new()
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = $"{_plan.Name}-restore",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
            EnablePartitionEof = true,
            // Restores end on an empty fetch at the log end: do not let the broker hold it for long.
            FetchWaitMaxMs = 20,
        };

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Config(IsolationLevel.ReadCommitted)).Build();
        using var logEnd = new ConsumerBuilder<byte[]?, byte[]?>(Config(IsolationLevel.ReadUncommitted)).Build();

        // A previous owner's last transaction may be decided while its markers are still being written, or still be
        // open if that owner died (it is aborted when the owner comes back or its timeout expires): the restore
        // waits until the last stable offset has caught up with the log end, then reads all of it.
        var deadline = DateTime.UtcNow + RestoreTimeout;
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var tp in targets.Keys)
        {
            while (true)
            {
                var high = logEnd.QueryWatermarkOffsets(tp, KafkaTimeout).High.Value;
                var stable = consumer.QueryWatermarkOffsets(tp, KafkaTimeout).High.Value;
                if (stable >= high)
                {
                    ends[tp] = stable;
                    break;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"Changelog {tp} has a transaction open past {stable} (log end {high}): its state cannot be restored yet.");
                }

                Thread.Sleep(50);
            }
        }

        var reading = targets.Where(t => ends[t.Key] > (t.Value.From ?? 0)).ToDictionary(t => t.Key, t => t.Value);
        if (reading.Count == 0)
        {
            return;
        }

        consumer.Assign(reading.Select(t => new TopicPartitionOffset(t.Key, t.Value.From is { } offset ? new Offset(offset) : Offset.Beginning)));
        var batches = reading.Keys.ToDictionary(tp => tp, _ => new List<(byte[] Key, byte[]? Value)>());
        var next = reading.ToDictionary(t => t.Key, t => t.Value.From ?? 0);
        void Apply(TopicPartition tp)
        {
            var (store, partition, _) = reading[tp];
            backend.ApplyChangelog(store, partition, batches[tp], next[tp]);
            batches[tp].Clear();
        }

        var remaining = new HashSet<TopicPartition>(reading.Keys);
        while (remaining.Count > 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Restoring {string.Join(", ", remaining)} did not reach the changelog end in time.");
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            var tp = record.TopicPartition;
            if (record.IsPartitionEOF)
            {
                // Control records (markers) advance the position without being returned: the end is where EOF is.
                if (record.Offset.Value >= ends[tp] && remaining.Remove(tp))
                {
                    next[tp] = Math.Max(next[tp], record.Offset.Value);
                    Apply(tp);
                }

                continue;
            }

            if (record.Message.Key is { } key)
            {
                batches[tp].Add((key, record.Message.Value));
            }

            next[tp] = record.Offset.Value + 1;
            Interlocked.Increment(ref _restored);
            if (batches[tp].Count >= 10_000)
            {
                Apply(tp);
            }
        }
    }

    private static bool IsFenced(Error error) =>
        error.IsFatal || error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced
            or ErrorCode.TransactionalIdAuthorizationFailed;
}
