using Confluent.Kafka;
using Eddy.Engine.Plan;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Holds a stream–table join's stream back until its table is loaded, so that a fresh start does not drop the stream
/// records whose table rows were written before them (an inner join drops a record whose row it has not read yet).
/// For each task of a stage with a stream–table join, from its assignment until every table source partition of the
/// task has reached its end once (the consumer's end-of-partition event) or <see cref="JobWorkerOptions.TableBootstrapTimeout"/>
/// has passed, the task's other input partitions are held: the first record read from one pauses it and is dropped
/// with what follows, and the partition is sought back to that record when released. Nothing of a held partition is
/// processed, so nothing of it is committed. Kafka Streams reaches the same end by processing a task's inputs in
/// timestamp order (the table's older rows first, see <see cref="TimestampOrdering"/>); loading the table first does not depend on the timestamps.
/// One per stream thread, called on that thread only.
/// </summary>
internal sealed class TableBootstrap
{
    private readonly List<(HashSet<string> Tables, List<string> Held)> _stages = [];
    private readonly TimeSpan _timeout;
    private readonly List<Waiting> _waiting = [];
    private readonly Dictionary<TopicPartition, Held> _held = [];

    public TableBootstrap(JobPlan plan, TimeSpan timeout)
    {
        _timeout = timeout;
        foreach (var stage in plan.Stages.Where(s => s.Operators.Any(o => o.Kind == OperatorKind.StreamTableJoin)))
        {
            var tables = stage.Operators.Where(o => o.Kind == OperatorKind.TableSource).Select(o => o.Topic!).ToHashSet(StringComparer.Ordinal);
            if (tables.Count > 0)
            {
                _stages.Add((tables, stage.Inputs.Select(i => i.Topic).Where(t => !tables.Contains(t)).Distinct().ToList()));
            }
        }
    }

    /// <summary>Whether some task still waits for its tables.</summary>
    public bool Active => _waiting.Count > 0;

    /// <summary>A new assignment (the eager protocol: the whole of it): its join tasks start loading their tables.</summary>
    public void OnAssigned(IReadOnlyCollection<TopicPartition> assignment)
    {
        _waiting.Clear();
        _held.Clear();
        if (_stages.Count == 0 || _timeout <= TimeSpan.Zero)
        {
            return;
        }

        var assigned = assignment.ToHashSet();
        var deadline = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
        foreach (var partition in assignment.Select(tp => tp.Partition).Distinct())
        {
            foreach (var (tables, held) in _stages)
            {
                var waitFor = tables.Select(t => new TopicPartition(t, partition)).Where(assigned.Contains).ToHashSet();
                var hold = held.Select(t => new TopicPartition(t, partition)).Where(assigned.Contains).ToList();
                if (waitFor.Count == 0 || hold.Count == 0)
                {
                    continue;
                }

                _waiting.Add(new Waiting(waitFor, hold, deadline));
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

    /// <summary>A partition reached its end: the tasks waiting for it as a table stop waiting for it.</summary>
    public void OnEndOfPartition(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Tables.Remove(partition) && _waiting[i].Tables.Count == 0)
            {
                Release(consumer, i);
            }
        }
    }

    /// <summary>Releases the tasks whose wait timed out.</summary>
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

    private sealed record Waiting(HashSet<TopicPartition> Tables, List<TopicPartition> Held, long Deadline);

    private sealed class Held
    {
        public bool Paused { get; set; }

        /// <summary>The offset of the first record dropped (null after a rewind, which placed the partition already).</summary>
        public long? From { get; set; }
    }
}
