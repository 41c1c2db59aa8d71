using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.Testing;

/// <summary>Topic sizes and the starting processing time of a <see cref="JobTestDriver"/>.</summary>
public sealed class JobTestDriverOptions
{
    /// <summary>Partitions of every topic not listed in <see cref="TopicPartitions"/> (repartition topics included).</summary>
    public int Partitions { get; init; } = 1;

    public IReadOnlyDictionary<string, int> TopicPartitions { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public DateTimeOffset StartTime { get; init; } = DateTimeOffset.UnixEpoch;
}

/// <summary>
/// Runs a job plan in-process, deterministically, without threads or a broker (as Kafka Streams' TopologyTestDriver):
/// one <see cref="StageTask"/> per stage and partition over an in-memory state backend. Each call runs to quiescence:
/// repartitioned records go straight to the downstream task of the key's partition (Kafka's murmur2 partitioner),
/// and every upstream task's watermark is carried to the downstream tasks as a control record, as the runtime will.
/// </summary>
public sealed class JobTestDriver : IDisposable
{
    private readonly JobPlan _plan;
    private readonly JobTestDriverOptions _options;
    private readonly ManualClock _clock;
    private readonly InMemoryStateBackend _state = new();
    private readonly StageTask[][] _tasks;
    private readonly Dictionary<string, OutputLog> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SideOutputRecord>> _sideOutputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sideOutputRead = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), long> _nextOffset = [];
    private readonly List<DeadLetterRecord> _deadLetters = [];
    private readonly Dictionary<string, int> _repartitionPartitions = new(StringComparer.Ordinal);

    public JobTestDriver(JobPlan plan, JobTestDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _options = options ?? new JobTestDriverOptions();
        _clock = new ManualClock(_options.StartTime);
        _tasks = new StageTask[plan.Stages.Count][];
        // As a worker: source topics have their declared (or default) partitions, repartition topics as many as the
        // stage reading them has tasks, unless the test declares them.
        var repartition = plan.Stages.SelectMany(s => s.RepartitionTopics).ToHashSet(StringComparer.Ordinal);
        var stagePartitions = StagePartitioning.Resolve(plan, topic =>
            _options.TopicPartitions.TryGetValue(topic, out var n) ? n : repartition.Contains(topic) ? null : _options.Partitions);
        foreach (var stage in plan.Stages)
        {
            foreach (var input in stage.Inputs.Where(i => i.IsRepartition))
            {
                _repartitionPartitions[input.Topic] = stagePartitions[stage.Id];
            }

            _tasks[stage.Id] = new StageTask[stagePartitions[stage.Id]];
        }

        CreateTasks();
    }

    /// <summary>
    /// Starts every task afresh over the state it has kept, as a worker does after a restart or when a partition moves
    /// (state restored from its changelog): operators must resume from their stores alone, without what they held in
    /// memory. Watermarks resume from the stages' watermark stores.
    /// </summary>
    public void RestartTasks()
    {
        // As before a worker's commit: the watermarks are kept with the state they go with.
        foreach (var task in _tasks.SelectMany(t => t))
        {
            task.SaveWatermarks();
        }

        CreateTasks();
    }

    private void CreateTasks()
    {
        foreach (var stage in _plan.Stages)
        {
            for (var p = 0; p < _tasks[stage.Id].Length; p++)
            {
                _tasks[stage.Id][p] = new StageTask(stage, p, _state, _clock, topic => _tasks[UpstreamOf(topic)].Length, _plan.BadInput,
                    _plan.ProcessingErrors);
            }
        }
    }

    public void Dispose() => _state.Dispose();

    public long ProcessingTime => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Records that came after their windows' allowed lateness, over all tasks.</summary>
    public long LateRecordCount => _tasks.SelectMany(t => t).Sum(t => t.Metrics.LateRecords);

    public TestInputTopic<TKey, TValue> Input<TKey, TValue>(string topic)
    {
        var source = _plan.Operators.FirstOrDefault(o => o.Kind is OperatorKind.Source or OperatorKind.TableSource && o.Topic == topic)
            ?? throw new ArgumentException($"Job '{_plan.Name}' reads no topic '{topic}'.", nameof(topic));
        return new TestInputTopic<TKey, TValue>(this, topic, Serde<TKey>(source.KeySerde, source), Serde<TValue>(source.ValueSerde, source));
    }

    /// <summary>A source topic written with other serdes than the job reads it with (to send bad input, say).</summary>
    public TestInputTopic<TKey, TValue> Input<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) =>
        _plan.Operators.Any(o => o.Kind is OperatorKind.Source or OperatorKind.TableSource && o.Topic == topic)
            ? new TestInputTopic<TKey, TValue>(this, topic, keySerde, valueSerde)
            : throw new ArgumentException($"Job '{_plan.Name}' reads no topic '{topic}'.", nameof(topic));

    /// <summary>A sink topic, read with the serdes the job writes it with.</summary>
    public TestOutputTopic<TKey, TValue> Output<TKey, TValue>(string topic)
    {
        var sink = _plan.Operators.FirstOrDefault(o => o.Kind == OperatorKind.Sink && o.Topic == topic)
            ?? throw new ArgumentException($"Job '{_plan.Name}' writes no topic '{topic}'.", nameof(topic));
        return new TestOutputTopic<TKey, TValue>(RowsOf(topic), Serde<TKey>(sink.KeySerde, sink), Serde<TValue>(sink.ValueSerde, sink));
    }

    /// <summary>A sink topic read with other serdes than the job writes it with (to see its bytes, say).</summary>
    public TestOutputTopic<TKey, TValue> Output<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) =>
        _plan.Operators.Any(o => o.Kind == OperatorKind.Sink && o.Topic == topic)
            ? new TestOutputTopic<TKey, TValue>(RowsOf(topic), keySerde, valueSerde)
            : throw new ArgumentException($"Job '{_plan.Name}' writes no topic '{topic}'.", nameof(topic));

    /// <summary>The side output's records since the last read.</summary>
    public IReadOnlyList<TestRecord<TKey, TValue>> SideOutput<TKey, TValue>(OutputTag<TKey, TValue> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var all = _sideOutputs.TryGetValue(tag.Name, out var list) ? list : [];
        var from = _sideOutputRead.GetValueOrDefault(tag.Name);
        _sideOutputRead[tag.Name] = all.Count;
        return all.Skip(from).Select(r => new TestRecord<TKey, TValue>((TKey)r.Key!, (TValue)r.Value!, r.Timestamp)).ToList();
    }

    /// <summary>
    /// Input records the job could not read, and with <see cref="ProcessingErrorPolicy.DeadLetter"/> those a function
    /// threw on (what the runtime writes to <see cref="JobPlan.DeadLetterTopic"/>).
    /// </summary>
    public IReadOnlyList<DeadLetterRecord> DeadLetters => _deadLetters;

    /// <summary>A task's state store, to inspect (as TopologyTestDriver's getKeyValueStore).</summary>
    public IKeyValueStore Store(string storeName, int partition = 0) => _state.Store(storeName, partition);

    /// <summary>The watermark of a stage's task.</summary>
    public long Watermark(int stage, int partition = 0) => _tasks[stage][partition].Watermark;

    /// <summary>Moves the watermark of a source topic's partition (all partitions when null) forward, explicitly.</summary>
    public void AdvanceWatermark(string topic, long watermark, int? partition = null)
    {
        foreach (var (stage, task) in TasksReading(topic, partition))
        {
            task.ForceSourceWatermark(topic, watermark);
            Drain(stage, task);
        }
    }

    /// <summary>Moves the processing-time clock: idle inputs time out, processing-time timers fire.</summary>
    public void AdvanceProcessingTime(TimeSpan by)
    {
        _clock.Advance(by);
        foreach (var stage in _plan.Stages)
        {
            foreach (var task in _tasks[stage.Id])
            {
                task.OnProcessingTime();
                Drain(stage.Id, task);
            }
        }
    }

    internal void Pipe(string topic, IReadOnlyList<(byte[]? Key, byte[]? Value, long Timestamp, int? Partition)> records)
    {
        var partitions = PartitionsOf(topic);
        var batches = new SortedDictionary<int, List<InputRecord>>();
        foreach (var (key, value, timestamp, partition) in records)
        {
            var target = partition ?? (key is null ? 0 : Murmur2Partitioner.Partition(key, partitions));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, partitions, nameof(partition));
            var offset = _nextOffset.GetValueOrDefault((topic, target));
            _nextOffset[(topic, target)] = offset + 1;
            if (!batches.TryGetValue(target, out var batch))
            {
                batches[target] = batch = [];
            }

            batch.Add(new InputRecord(key, value, timestamp, offset));
        }

        foreach (var (target, batch) in batches)
        {
            foreach (var (stage, task) in TasksReading(topic, target))
            {
                task.ProcessBatch(topic, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
                Drain(stage, task);
            }
        }
    }

    /// <summary>Delivers a task's outputs: sink rows, side outputs, repartitioned records, then its watermark.</summary>
    private void Drain(int stage, StageTask task)
    {
        var records = task.Outputs.Records.ToList();
        var watermark = task.Outputs.Watermark;
        foreach (var side in task.Outputs.SideOutputs)
        {
            if (!_sideOutputs.TryGetValue(side.Tag, out var list))
            {
                _sideOutputs[side.Tag] = list = [];
            }

            list.Add(side);
        }

        _deadLetters.AddRange(task.Outputs.DeadLetters);
        task.Outputs.Clear();
        foreach (var record in records)
        {
            var partitions = PartitionsOf(record.Topic);
            var partition = record.Key is null ? 0 : Murmur2Partitioner.Partition(record.Key, partitions);
            if (!record.IsRepartition)
            {
                RowsOf(record.Topic).Rows.Add(new OutputRow(partition, record.Key, record.Value, record.Timestamp, record.Kind));
                continue;
            }

            var input = new InputRecord(record.Key, record.Value, record.Timestamp, Kind: record.Kind);
            foreach (var (downstream, next) in TasksReading(record.Topic, partition))
            {
                next.ProcessBatch(record.Topic, new ReadOnlySpan<InputRecord>(in input));
                Drain(downstream, next);
            }
        }

        if (watermark is { } control)
        {
            PublishWatermark(stage, control);
        }
    }

    /// <summary>As the runtime will: the control record goes to every partition of each repartition topic the stage writes.</summary>
    private void PublishWatermark(int stage, WatermarkControl control)
    {
        foreach (var topic in _plan.Stages[stage].RepartitionTopics)
        {
            foreach (var (downstream, next) in TasksReading(topic, null))
            {
                next.OnWatermarkControl(topic, WatermarkControl.Parse(control.ToBytes()));
                Drain(downstream, next);
            }
        }
    }

    private IEnumerable<(int Stage, StageTask Task)> TasksReading(string topic, int? partition)
    {
        var any = false;
        foreach (var stage in _plan.Stages.Where(s => s.Inputs.Any(i => i.Topic == topic)))
        {
            any = true;
            foreach (var task in _tasks[stage.Id].Where(t => partition is null || t.Partition == partition))
            {
                yield return (stage.Id, task);
            }
        }

        if (!any)
        {
            throw new ArgumentException($"Job '{_plan.Name}' reads no topic '{topic}'.", nameof(topic));
        }
    }

    private int UpstreamOf(string repartitionTopic) =>
        _plan.Stages.Single(s => s.RepartitionTopics.Contains(repartitionTopic)).Id;

    private int PartitionsOf(string topic) =>
        _repartitionPartitions.TryGetValue(topic, out var r) ? r : _options.TopicPartitions.TryGetValue(topic, out var n) ? n : _options.Partitions;

    private OutputLog RowsOf(string topic)
    {
        if (!_outputs.TryGetValue(topic, out var log))
        {
            _outputs[topic] = log = new OutputLog();
        }

        return log;
    }

    private static ISerde<T> Serde<T>(object? serde, OperatorNode node) =>
        serde as ISerde<T> ?? throw new ArgumentException($"Operator '{node.Name}' uses a serde of {serde?.GetType().Name ?? "nothing"}, not of {typeof(T).Name}.");
}
