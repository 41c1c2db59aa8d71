using Eddy.Engine.Plan;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Runs one stage's operator chain for one partition. The runtime (or the test kit) feeds it batches of records per
/// input topic and watermark control records from upstream tasks, and drains <see cref="Outputs"/> after each call.
/// Watermark advance fires event-time work; <see cref="OnProcessingTime"/> (the task's clock) fires processing-time
/// timers and lets idle inputs drop out of the watermark.
/// </summary>
public sealed class StageTask
{
    private readonly TaskContext _context;
    private readonly Operator[] _operators;
    private readonly WatermarkTracker _watermarks = new();
    private readonly BadInputPolicy _badInput;
    private readonly ProcessingErrorPolicy _processingErrors;
    private readonly bool _writesRepartition;
    private (long Watermark, bool Idle)? _published;
    private readonly Dictionary<string, List<(IRecordSource Source, int Channel)>> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _firstUpstreamChannel = new(StringComparer.Ordinal);
    private readonly IKeyValueStore? _watermarkStore;
    private byte[]? _savedWatermarks;

    /// <param name="upstreamTasks">How many tasks write each repartition topic this stage reads (the upstream stage's partitions).</param>
    public StageTask(StagePlan stage, int partition, IStateBackend backend, TimeProvider clock, Func<string, int> upstreamTasks,
        BadInputPolicy badInput = BadInputPolicy.DeadLetter, ProcessingErrorPolicy processingErrors = ProcessingErrorPolicy.Fail)
    {
        _badInput = badInput;
        _processingErrors = processingErrors;
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(upstreamTasks);
        Stage = stage;
        Partition = partition;
        _context = new TaskContext(partition, backend, clock, Outputs, Metrics);
        var now = _context.ProcessingTime;

        _writesRepartition = stage.RepartitionTopics.Any();
        var byName = new Dictionary<string, Operator>(StringComparer.Ordinal);
        _operators = stage.Operators.Select(node => byName[node.Name] = node.Factory()).ToArray();
        foreach (var (node, op) in stage.Operators.Zip(_operators))
        {
            // An operator fed twice by the same parent (a self-join) gets the record on both inputs.
            var next = stage.Operators
                .SelectMany(n => n.Inputs.Select((parent, input) => (Parent: parent, Node: n, Input: input)))
                .Where(edge => edge.Parent == node.Name)
                .Select(edge => (byName[edge.Node.Name], edge.Input))
                .ToArray();
            op.Attach(_context, node, next);
            if (node.Kind is OperatorKind.Source or OperatorKind.TableSource)
            {
                // A table without a watermark strategy does not move event time: its channel is left out.
                var channel = node.Watermarks is { } strategy
                    ? _watermarks.AddSource((long)strategy.OutOfOrderness.TotalMilliseconds,
                        strategy.IdleTimeout is { } idle ? (long)idle.TotalMilliseconds : null, now)
                    : -1;
                SourcesOf(node.Topic!).Add(((IRecordSource)op, channel));
            }
            else if (node.Kind == OperatorKind.RepartitionSource)
            {
                SourcesOf(node.Topic!).Add(((IRecordSource)op, -1));
                _firstUpstreamChannel[node.Topic!] = _watermarks.AddUpstream();
                for (var i = 1; i < upstreamTasks(node.Topic!); i++)
                {
                    _watermarks.AddUpstream();
                }
            }
        }

        if (stage.WatermarkStore is { } store)
        {
            _watermarkStore = backend.Store(store.Name, partition);
            _savedWatermarks = _watermarkStore.Get(WatermarksKey);
            if (_savedWatermarks is not null && _watermarks.Restore(_savedWatermarks, now))
            {
                // The committed state already reflects every window and timer up to this watermark: advancing to it
                // fires nothing twice, and downstream tasks hear it again.
                AdvanceWatermark();
            }
        }
    }

    private static ReadOnlySpan<byte> WatermarksKey => "wm"u8;

    public StagePlan Stage { get; }

    public int Partition { get; }

    public TaskOutputs Outputs { get; } = new();

    public TaskMetrics Metrics { get; } = new();

    public long Watermark => _watermarks.Current;

    /// <summary>The records each operator of the chain took in and passed on so far, in the chain's order (for metrics).</summary>
    internal OperatorRecordCounts[] OperatorCounts()
    {
        var counts = new OperatorRecordCounts[_operators.Length];
        for (var i = 0; i < _operators.Length; i++)
        {
            counts[i] = new OperatorRecordCounts(_operators[i].Name, _operators[i].RecordsIn, _operators[i].RecordsOut);
        }

        return counts;
    }

    /// <summary>All inputs are idle: a downstream task leaves this one out of its minimum watermark.</summary>
    public bool IsIdle => _watermarks.IsIdle;

    /// <summary>
    /// Processes a batch read from one input topic, then advances the watermark (firing windows and timers). A function
    /// that throws on a record is handled by the job's <see cref="ProcessingErrorPolicy"/>, record by record; one that
    /// throws in the time-driven work fails the task, as there is no record to skip.
    /// </summary>
    public void ProcessBatch(string topic, ReadOnlySpan<InputRecord> batch)
    {
        var sources = SourcesFor(topic);
        var now = _context.ProcessingTime;
        foreach (ref readonly var record in batch)
        {
            Metrics.RecordsIn++;
            foreach (var (source, channel) in sources)
            {
                bool ingested;
                long timestamp;
                Exception? error;
                try
                {
                    ingested = source.TryIngest(record, out timestamp, out error);
                }
                catch (ProcessingException e)
                {
                    // The record's trip through the chain ended in a function that threw: the effects of the operators
                    // before it stay (as in Kafka Streams), the rest of its trip is abandoned.
                    ProcessingError(topic, record, e);
                    continue;
                }

                if (!ingested)
                {
                    BadInput(topic, record, error!);
                    continue;
                }

                ((Operator)source).RecordsIn++;
                if (channel >= 0)
                {
                    _watermarks.OnRecord(channel, timestamp, now);
                }
            }
        }

        AdvanceWatermark();
    }

    /// <summary>A watermark control record read from a repartition topic.</summary>
    public void OnWatermarkControl(string topic, WatermarkControl control) =>
        OnWatermarkControl(topic, control.UpstreamTask, control.Watermark, control.Idle);

    /// <summary>A watermark control record: upstream task <paramref name="upstreamTask"/> of a repartition topic reached <paramref name="watermark"/>.</summary>
    public void OnWatermarkControl(string topic, int upstreamTask, long watermark, bool idle)
    {
        if (!_firstUpstreamChannel.TryGetValue(topic, out var first))
        {
            throw new ArgumentException($"Stage {Stage.Id} reads no repartition topic '{topic}'.", nameof(topic));
        }

        _watermarks.OnUpstream(first + upstreamTask, watermark, idle);
        AdvanceWatermark();
    }

    /// <summary>Sets a source partition's watermark explicitly (it only moves forward).</summary>
    public void ForceSourceWatermark(string topic, long watermark)
    {
        var now = _context.ProcessingTime;
        foreach (var (_, channel) in SourcesFor(topic).Where(s => s.Channel >= 0))
        {
            _watermarks.Force(channel, watermark, now);
        }

        AdvanceWatermark();
    }

    /// <summary>The task's clock ticked: idle inputs may drop out, and processing-time timers fire.</summary>
    public void OnProcessingTime()
    {
        AdvanceWatermark();
        var now = _context.ProcessingTime;
        foreach (var op in _operators)
        {
            TimeDriven(op, static (op, now) => op.OnProcessingTime(now), now);
        }
    }

    /// <summary>
    /// Runs an operator's time-driven work (windows firing, timers): a function that throws there fails the task
    /// whatever the policy, as no record can be skipped or dead-lettered for it.
    /// </summary>
    private static void TimeDriven(Operator op, Action<Operator, long> work, long time)
    {
        try
        {
            work(op, time);
        }
        catch (ProcessingException e) when (e.Topic is null && e.Operator is not null)
        {
            throw new ProcessingException(e.Operator, e.InnerException ?? e, timeDriven: true);
        }
        catch (Exception e) when (ProcessingFailures.IsUserError(e))
        {
            throw new ProcessingException(op.Name, e, timeDriven: true);
        }
    }

    /// <summary>
    /// Keeps the task's event-time progress in its watermark store (when it changed), so it commits with the
    /// state it goes with. The runtime calls it before each commit.
    /// </summary>
    public void SaveWatermarks()
    {
        if (_watermarkStore is null)
        {
            return;
        }

        var bytes = _watermarks.Save();
        if (_savedWatermarks is null || !bytes.AsSpan().SequenceEqual(_savedWatermarks))
        {
            _watermarkStore.Put(WatermarksKey, bytes);
            _savedWatermarks = bytes;
        }
    }

    private void BadInput(string topic, in InputRecord record, Exception error)
    {
        Metrics.BadRecords++;
        if (_badInput == BadInputPolicy.Stop)
        {
            throw new BadInputException(topic, Partition, record.Offset, error);
        }

        Outputs.DeadLetters.Add(new DeadLetterRecord(topic, Partition, record.Offset, record.Key, record.Value, record.Timestamp,
            $"{error.GetType().Name}: {error.Message}"));
    }

    private void ProcessingError(string topic, in InputRecord record, ProcessingException error)
    {
        Metrics.ProcessingErrors++;
        var cause = error.InnerException ?? error;
        switch (_processingErrors)
        {
            case ProcessingErrorPolicy.Skip:
                break;
            case ProcessingErrorPolicy.DeadLetter:
                Outputs.DeadLetters.Add(new DeadLetterRecord(topic, Partition, record.Offset, record.Key, record.Value, record.Timestamp,
                    ProcessingException.Describe(cause)) { Operator = error.Operator });
                break;
            default:
                throw new ProcessingException(error.Operator ?? "?", topic, Partition, record.Offset, cause);
        }
    }

    private void AdvanceWatermark()
    {
        if (_watermarks.Update(_context.ProcessingTime))
        {
            _context.Watermark = _watermarks.Current;
            foreach (var op in _operators)
            {
                TimeDriven(op, static (op, watermark) => op.OnWatermark(watermark), _watermarks.Current);
            }
        }

        var state = (_watermarks.Current, _watermarks.IsIdle);
        if (_writesRepartition && _published != state)
        {
            _published = state;
            Outputs.Watermark = new WatermarkControl(Partition, state.Current, state.IsIdle);
        }
    }

    private List<(IRecordSource Source, int Channel)> SourcesOf(string topic)
    {
        if (!_sources.TryGetValue(topic, out var list))
        {
            _sources[topic] = list = [];
        }

        return list;
    }

    private List<(IRecordSource Source, int Channel)> SourcesFor(string topic) =>
        _sources.TryGetValue(topic, out var list) ? list : throw new ArgumentException($"Stage {Stage.Id} reads no topic '{topic}'.", nameof(topic));
}
