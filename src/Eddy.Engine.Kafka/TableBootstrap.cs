using Confluent.Kafka;
using Eddy.Engine.Plan;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Holds a stream–table join's stream back until its table is loaded, so that a fresh start does not drop the stream
/// records whose table rows were written before them (an inner join drops a record whose row it has not read yet).
/// For each task of a stage with a stream–table join, from its assignment until its table is loaded or
/// <see cref="JobWorkerOptions.TableBootstrapTimeout"/> has passed, the task's other input partitions are held: the
/// first record read from one pauses it and is dropped with what follows, and the partition is sought back to that
/// record when released. Nothing of a held partition is processed, so nothing of it is committed. Kafka Streams reaches
/// the same end by processing a task's inputs in timestamp order (the table's older rows first, see
/// <see cref="TimestampOrdering"/>); loading the table first does not depend on the timestamps.
/// </summary>
/// <remarks>
/// <para>
/// A table read from a topic in the join's stage is loaded when its partition has reached its end once (the
/// consumer's end-of-partition event).
/// </para>
/// <para>
/// A table that comes through a repartition topic (<c>KeyBy(...).ToTable()</c>, an aggregate of a repartitioned
/// stream) is written by the tasks of an upstream stage, on any thread of any worker, from every partition of that
/// stage's source topics; its repartition partition can be at its end (empty) long before they are done. It is loaded
/// when, first, the job's group has committed offsets at or past the ends that those source partitions had when the
/// task was assigned (under exactly once the upstream tasks' outputs commit with their offsets, so every row they made
/// of them is in the repartition topic by then), and then this consumer has read the repartition partition up to the
/// end it had at that moment. This is checked every <see cref="CheckInterval"/> (the group's committed offsets and the
/// partitions' ends are broker requests). Only the upstream stage's source topics are followed: a table repartitioned
/// twice is waited for only until its first repartition is done.
/// </para>
/// One per stream thread, called on that thread only.
/// </remarks>
internal sealed class TableBootstrap
{
    /// <summary>How often the loading of a repartitioned table is checked (broker requests).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(10);

    private readonly List<(HashSet<string> Tables, List<(string Topic, List<string> Sources)> Repartitioned, List<string> Held)> _stages = [];
    private readonly Func<string, int> _partitionsOf;
    private readonly TimeSpan _timeout;
    private readonly List<Waiting> _waiting = [];
    private readonly Dictionary<TopicPartition, Held> _held = [];

    /// <summary>The ends of upstream source partitions as of the assignment (asked once per assignment).</summary>
    private readonly Dictionary<TopicPartition, long> _sourceEnds = [];

    /// <summary>How far this consumer has read each repartitioned table partition (a record's next offset, or an end-of-partition event's).</summary>
    private readonly Dictionary<TopicPartition, long> _read = [];

    private long _nextCheck;

    public TableBootstrap(JobPlan plan, Func<string, int> partitionsOf, TimeSpan timeout)
    {
        _partitionsOf = partitionsOf;
        _timeout = timeout;
        foreach (var stage in plan.Stages.Where(s => s.Operators.Any(o => o.Kind == OperatorKind.StreamTableJoin)))
        {
            var tables = stage.Operators.Where(o => o.Kind == OperatorKind.TableSource).Select(o => o.Topic!).ToHashSet(StringComparer.Ordinal);
            var repartitioned = stage.Operators.Where(o => o.Kind == OperatorKind.StreamTableJoin)
                .SelectMany(join => RepartitionedTables(stage, join))
                .Distinct(StringComparer.Ordinal)
                .Select(topic => (topic, SourcesUpstreamOf(plan, stage, topic)))
                .ToList();
            var waitedFor = tables.Concat(repartitioned.Select(r => r.topic)).ToHashSet(StringComparer.Ordinal);
            if (waitedFor.Count > 0)
            {
                _stages.Add((tables, repartitioned, stage.Inputs.Select(i => i.Topic).Where(t => !waitedFor.Contains(t)).Distinct().ToList()));
            }
        }
    }

    /// <summary>The repartition topics the table side of a stream–table join comes from, within its stage.</summary>
    private static IEnumerable<string> RepartitionedTables(StagePlan stage, OperatorNode join)
    {
        var byName = stage.Operators.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var pending = new Stack<string>([join.Inputs[1]]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name) || !byName.TryGetValue(name, out var node))
            {
                continue;
            }

            if (node.Kind == OperatorKind.RepartitionSource)
            {
                yield return node.Topic!;
            }
            else if (node.Kind != OperatorKind.TableSource)
            {
                foreach (var input in node.Inputs)
                {
                    pending.Push(input);
                }
            }
        }
    }

    /// <summary>The source topics (not repartition topics) of the stage that writes repartition topic <paramref name="topic"/>.</summary>
    private static List<string> SourcesUpstreamOf(JobPlan plan, StagePlan stage, string topic)
    {
        var upstream = stage.Inputs.First(i => string.Equals(i.Topic, topic, StringComparison.Ordinal)).UpstreamStage!.Value;
        return [.. plan.Stages[upstream].Inputs.Where(i => !i.IsRepartition).Select(i => i.Topic).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether some task still waits for its tables.</summary>
    public bool Active => _waiting.Count > 0;

    /// <summary>A new assignment (the eager protocol: the whole of it): its join tasks start loading their tables.</summary>
    public void OnAssigned(IReadOnlyCollection<TopicPartition> assignment)
    {
        _waiting.Clear();
        _held.Clear();
        _sourceEnds.Clear();
        _read.Clear();
        _nextCheck = 0;
        if (_stages.Count == 0 || _timeout <= TimeSpan.Zero)
        {
            return;
        }

        var assigned = assignment.ToHashSet();
        var deadline = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
        foreach (var partition in assignment.Select(tp => tp.Partition).Distinct())
        {
            foreach (var (tables, repartitioned, held) in _stages)
            {
                var waitFor = tables.Select(t => new TopicPartition(t, partition)).Where(assigned.Contains).ToHashSet();
                var upstream = repartitioned.Select(r => new Upstream(new TopicPartition(r.Topic, partition), r.Sources))
                    .Where(u => assigned.Contains(u.Table)).ToList();
                var hold = held.Select(t => new TopicPartition(t, partition)).Where(assigned.Contains).ToList();
                if ((waitFor.Count == 0 && upstream.Count == 0) || hold.Count == 0)
                {
                    continue;
                }

                _waiting.Add(new Waiting(waitFor, upstream, hold, deadline));
                foreach (var u in upstream)
                {
                    _read.TryAdd(u.Table, 0);
                }

                foreach (var tp in hold)
                {
                    _held.TryAdd(tp, new Held());
                }
            }
        }
    }

    /// <summary>Whether the partition is held (its records are not read yet).</summary>
    public bool IsHeld(TopicPartition partition) => _held.ContainsKey(partition);

    /// <summary>
    /// Whether the record belongs to a held partition (then it is not to be processed): the first one pauses the
    /// partition and is where it resumes.
    /// </summary>
    public bool Holds(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!_held.TryGetValue(record.TopicPartition, out var held))
        {
            if (_read.ContainsKey(record.TopicPartition))
            {
                _read[record.TopicPartition] = record.Offset.Value + 1;
            }

            return false;
        }

        if (!held.Paused)
        {
            consumer.Pause([record.TopicPartition]);
            held.Paused = true;
            held.From = record.Offset.Value;
        }

        return true;
    }

    /// <summary>A partition reached its end (at <paramref name="end"/>): the tasks waiting for it as a table stop waiting for it.</summary>
    public void OnEndOfPartition(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long end)
    {
        if (_read.TryGetValue(partition, out var read))
        {
            _read[partition] = Math.Max(read, end);
        }

        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Tables.Remove(partition) && _waiting[i].Done)
            {
                Release(consumer, i);
            }
        }
    }

    /// <summary>Releases the tasks whose wait timed out, and those whose repartitioned tables are loaded (checked every <see cref="CheckInterval"/>).</summary>
    public void Tick(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (now >= _waiting[i].Deadline)
            {
                Release(consumer, i);
            }
        }

        if (now >= _nextCheck && _waiting.Exists(w => w.Repartitioned.Count > 0))
        {
            CheckRepartitioned(consumer);
            _nextCheck = Environment.TickCount64 + (long)CheckInterval.TotalMilliseconds;
        }
    }

    /// <summary>
    /// For each repartitioned table still waited for: once the group has committed its upstream sources up to their
    /// ends as of the assignment, the end of its repartition partition now is where this consumer must read to.
    /// </summary>
    private void CheckRepartitioned(IConsumer<byte[]?, byte[]?> consumer)
    {
        var upstream = _waiting.SelectMany(w => w.Repartitioned).ToList();
        var sources = upstream.Where(u => u.Target is null)
            .SelectMany(u => u.Sources.SelectMany(topic => Enumerable.Range(0, _partitionsOf(topic)).Select(p => new TopicPartition(topic, p))))
            .Distinct()
            .ToList();
        if (sources.Count > 0)
        {
            foreach (var tp in sources.Where(tp => !_sourceEnds.ContainsKey(tp)))
            {
                _sourceEnds[tp] = consumer.QueryWatermarkOffsets(tp, KafkaTimeout).High.Value;
            }

            // An offset the group never committed reads as unset: such a partition is done only when it is empty.
            var committed = consumer.Committed(sources, KafkaTimeout)
                .ToDictionary(c => c.TopicPartition, c => c.Offset == Offset.Unset ? 0 : c.Offset.Value);
            foreach (var u in upstream.Where(u => u.Target is null))
            {
                var done = u.Sources.All(topic => Enumerable.Range(0, _partitionsOf(topic))
                    .Select(p => new TopicPartition(topic, p))
                    .All(tp => committed[tp] >= _sourceEnds[tp]));
                if (done)
                {
                    u.Target = consumer.QueryWatermarkOffsets(u.Table, KafkaTimeout).High.Value;
                    var position = consumer.Position(u.Table);
                    if (position != Offset.Unset)
                    {
                        _read[u.Table] = Math.Max(_read[u.Table], position.Value);
                    }
                }
            }
        }

        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            var waiting = _waiting[i];
            waiting.Repartitioned.RemoveAll(u => u.Target is { } target && _read.TryGetValue(u.Table, out var read) && read >= target);
            if (waiting.Done)
            {
                Release(consumer, i);
            }
        }
    }

    /// <summary>The consumer was sent back to the committed offsets: a held partition resumes from there, not from its first dropped record.</summary>
    public void Rewound()
    {
        foreach (var held in _held.Values)
        {
            held.From = null;
        }
    }

    /// <summary>
    /// The assignment is revoked or lost (its partitions still assigned): its waits go with it, and the partitions
    /// paused here are resumed, so that none stays paused should the consumer be given it again.
    /// </summary>
    public void Clear(IConsumer<byte[]?, byte[]?> consumer)
    {
        var paused = _held.Where(h => h.Value.Paused).Select(h => h.Key).ToList();
        _waiting.Clear();
        _held.Clear();
        if (paused.Count > 0)
        {
            consumer.Resume(paused);
        }
    }

    private void Release(IConsumer<byte[]?, byte[]?> consumer, int index)
    {
        var done = _waiting[index];
        _waiting.RemoveAt(index);
        foreach (var tp in done.Held)
        {
            if (_waiting.Exists(w => w.Held.Contains(tp)) || !_held.Remove(tp, out var held) || !held.Paused)
            {
                continue;
            }

            if (held.From is { } from)
            {
                consumer.Seek(new TopicPartitionOffset(tp, from));
            }

            consumer.Resume([tp]);
        }
    }

    private sealed record Waiting(HashSet<TopicPartition> Tables, List<Upstream> Repartitioned, List<TopicPartition> Held, long Deadline)
    {
        public bool Done => Tables.Count == 0 && Repartitioned.Count == 0;
    }

    /// <summary>A repartitioned table partition waited for, and the source topics of the stage that writes it.</summary>
    private sealed class Upstream(TopicPartition table, List<string> sources)
    {
        public TopicPartition Table { get; } = table;

        public List<string> Sources { get; } = sources;

        /// <summary>Where this consumer must have read the table partition to, once the upstream sources are committed to their ends.</summary>
        public long? Target { get; set; }
    }

    private sealed class Held
    {
        public bool Paused { get; set; }

        /// <summary>The offset of the first record dropped (null after a rewind, which placed the partition already).</summary>
        public long? From { get; set; }
    }
}
