using System.Runtime.InteropServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>
/// The tasks of one stream thread, as Kafka Streams' TaskManager: creates them (their stores restored from the
/// changelogs first) when their partitions are assigned, closes them when revoked, drops them with their local state
/// when lost or aborted, feeds them their input runs, writes their outputs and changelogs for a commit, and
/// checkpoints their state. It does not own the Kafka clients: the thread passes the writer and admin client it needs.
/// </summary>
/// <remarks>
/// Threading: owned by its stream thread and called only from it (the poll loop and the rebalance callbacks, which
/// librdkafka runs inside that thread's Consume and Close). The state backend is shared with the worker's other
/// threads; their tasks are disjoint.
/// </remarks>
internal sealed class TaskManager : IDisposable
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    private readonly JobTopology _topology;
    private readonly JobPlan _plan;
    private readonly ICheckpointedStateBackend _backend;
    private readonly ChangeLoggingBackend _logging;
    private readonly ChangelogRestorer _restorer;
    private readonly TimeSpan _checkpointInterval;
    private readonly Dictionary<(int Stage, int Partition), StageTask> _tasks = [];
    private readonly List<InputRecord> _batch = [];
    private long _lastCheckpoint = Environment.TickCount64;

    public TaskManager(JobTopology topology, ICheckpointedStateBackend backend, ChangelogRestorer restorer, TimeSpan checkpointInterval)
    {
        _topology = topology;
        _plan = topology.Plan;
        _backend = backend;
        _logging = new ChangeLoggingBackend(backend);
        _restorer = restorer;
        _checkpointInterval = checkpointInterval;
    }

    /// <summary>Changelog records replayed into the state while restoring tasks (readable from any thread).</summary>
    public long RestoredRecords => _restorer.RestoredRecords;

    /// <summary>Changelog records still to replay in the restore under way (0 when none is; readable from any thread).</summary>
    public long RestoreRemaining => _restorer.RemainingRecords;

    /// <summary>The running tasks.</summary>
    public IEnumerable<StageTask> Tasks => _tasks.Values;

    /// <summary>Creates the tasks of newly assigned partitions (restoring their state first).</summary>
    public void OnAssigned(IEnumerable<TopicPartition> partitions) =>
        EnsureTasks(partitions.SelectMany(tp => _topology.StagesReading(tp.Topic).Select(stage => (stage, tp.Partition.Value))));

    /// <summary>Closes the tasks of revoked partitions (after their last commit and checkpoint); their local state stays.</summary>
    public void Close(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            foreach (var stage in _topology.StagesReading(tp.Topic))
            {
                _tasks.Remove((stage.Id, tp.Partition.Value));
            }
        }
    }

    /// <summary>
    /// Forgets lost partitions: their tasks go with their local state, which may hold writes that were never
    /// committed (another worker owns the partitions now).
    /// </summary>
    public void DropLost(IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            foreach (var stage in _topology.StagesReading(tp.Topic))
            {
                foreach (var store in stage.Stores)
                {
                    _logging.DropPartition(store.Name, tp.Partition.Value);
                }
            }
        }

        Close(partitions);
    }

    /// <summary>
    /// After an aborted transaction: forgets the changelog writes not yet sent and every task with its local state
    /// (which holds the aborted writes); with <paramref name="recreate"/>, creates the same tasks again from their
    /// changelogs.
    /// </summary>
    public void DropAll(bool recreate)
    {
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

        if (recreate)
        {
            EnsureTasks(keys.Select(k => (_plan.Stages[k.Stage], k.Partition)));
        }
    }

    /// <summary>Forgets every task without touching the state (the thread is ending).</summary>
    public void Clear() => _tasks.Clear();

    /// <summary>
    /// Feeds a run of records of one input partition, in order, to the tasks reading it and writes their outputs
    /// (or, with <paramref name="writer"/> null, keeps them in the tasks, for <see cref="WriteOutputs"/>); the run's
    /// state writes go to the backend as one write. Returns whether any task of this thread reads the partition.
    /// </summary>
    public bool Process(List<ConsumeResult<byte[]?, byte[]?>> run, OutputWriter? writer)
    {
        var tp = run[0].TopicPartition;
        var fed = false;
        var batch = _batch;
        using var writes = _backend.BeginBatch();
        foreach (var stage in _topology.StagesReading(tp.Topic))
        {
            if (!_tasks.TryGetValue((stage.Id, tp.Partition.Value), out var task))
            {
                continue;
            }

            fed = true;
            batch.Clear();
            foreach (var record in run)
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
            writer?.Write(task);
        }

        writes.Commit();
        return fed;
    }

    private static void Feed(StageTask task, string topic, List<InputRecord> batch)
    {
        if (batch.Count > 0)
        {
            task.ProcessBatch(topic, CollectionsMarshal.AsSpan(batch));
            batch.Clear();
        }
    }

    /// <summary>
    /// The tasks' part of a commit: processing-time timers fire, every output and the watermarks are written, then
    /// the changelog records of the interval's state writes.
    /// </summary>
    public void PrepareCommit(OutputWriter writer)
    {
        foreach (var task in _tasks.Values)
        {
            task.OnProcessingTime();
            writer.Write(task);
            task.SaveWatermarks();
        }

        writer.WriteChangelogs(_logging, _topology.Stores);
    }

    /// <summary>Writes the outputs the tasks kept (processed while the producer could not take them).</summary>
    public void WriteOutputs(OutputWriter writer)
    {
        foreach (var task in _tasks.Values)
        {
            writer.Write(task);
        }
    }

    /// <summary>The checkpoint interval has passed: the next commit is to be followed by a checkpoint.</summary>
    public bool CheckpointDue => Environment.TickCount64 - _lastCheckpoint >= (long)_checkpointInterval.TotalMilliseconds;

    /// <summary>After a commit: checkpoints every task's state when the checkpoint interval has passed.</summary>
    public void MaybeCheckpoint(IAdminClient admin)
    {
        if (CheckpointDue)
        {
            Checkpoint(admin);
        }
    }

    /// <summary>
    /// Right after a commit (nothing written since): records, for each store partition of the tasks, the changelog's
    /// last stable offset as the position the local state reflects, then makes the state durable with the checkpoint.
    /// The tasks' partitions have one writer, this worker, whose writes are all committed now; an offset below that
    /// (another producer's transaction still open there) only makes a later restore replay records the state already
    /// has, which leaves it the same.
    /// </summary>
    public void Checkpoint(IAdminClient admin)
    {
        var partitions = _tasks.Keys
            .SelectMany(t => _plan.Stages[t.Stage].Stores.Select(store => (store.Name, Target: new TopicPartition(store.ChangelogTopic, t.Partition))))
            .ToList();
        if (partitions.Count > 0)
        {
            var result = admin.ListOffsetsAsync(
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

    /// <summary>The tasks' numbers, for the thread's status snapshot.</summary>
    public List<TaskStatus> Statuses() => _tasks.Values
        .Select(t => new TaskStatus(t.Stage.Id, t.Partition, t.Watermark, t.Metrics.RecordsIn, t.Metrics.LateRecords, t.Metrics.BadRecords)
        {
            ProcessingErrors = t.Metrics.ProcessingErrors,
            Operators = t.OperatorCounts(),
        })
        .OrderBy(t => t.Stage).ThenBy(t => t.Partition)
        .ToList();

    /// <summary>Creates the tasks (stage, partition) not running yet, once their stores are restored from their changelogs.</summary>
    private void EnsureTasks(IEnumerable<(StagePlan Stage, int Partition)> wanted)
    {
        var missing = wanted.Where(t => !_tasks.ContainsKey((t.Stage.Id, t.Partition))).Distinct().ToList();
        _restorer.Restore(missing.SelectMany(t => t.Stage.Stores.Select(store => (Store: store, t.Partition))).ToList());
        foreach (var (stage, partition) in missing)
        {
            _tasks[(stage.Id, partition)] = new StageTask(stage, partition, _logging, TimeProvider.System,
                topic => _topology.StagePartitions(stage.Inputs.First(i => i.Topic == topic).UpstreamStage!.Value), _plan.BadInput,
                _plan.ProcessingErrors);
        }
    }

    /// <summary>The backend belongs to the worker: only the change-logging wrapper goes.</summary>
    public void Dispose() => _logging.Dispose();
}
