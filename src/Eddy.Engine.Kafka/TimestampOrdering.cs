using Confluent.Kafka;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Picks the next record of a task with several input topics by timestamp, as Kafka Streams' PartitionGroup: the
/// records of the topics a multi-input stage reads (a join's two sides, a union's inputs) are buffered per partition
/// as they are consumed, and handed on in order of their timestamps, the smallest buffered head first, so that an
/// operator sees its inputs interleaved by event time rather than in the order librdkafka's fetches happened to bring
/// them. Topics read together by such stages form one group; a group's partition p holds the partitions p of its
/// topics (co-partitioned: the range assignor gives them to the same consumer).
/// </summary>
/// <remarks>
/// <para>
/// When an input of a group has nothing buffered, the others wait for it (what the next record is depends on it):
/// while it is not known to be at its end (no end-of-partition event since its last record: its records are on their
/// way, or its first fetch has not come back), they wait until it brings a record or reaches its end; once it is at its
/// end, they wait <see cref="JobWorkerOptions.MaxTaskIdle"/> more (zero: not at all), then go on without it until it
/// brings a record again. A negative <see cref="JobWorkerOptions.MaxTaskIdle"/> never waits. A stream–table join's
/// stream partition held by <see cref="TableBootstrap"/> is not waited for: the table goes first anyway.
/// </para>
/// <para>
/// Buffered records are not processed, so their offsets are not committed: a rewind, a revocation or a lost partition
/// drops them and the consumer reads them again. A partition with more than <see cref="Cap"/> records buffered is
/// paused until half of them are processed, so that one input far ahead of another does not fill the memory.
/// </para>
/// One per stream thread, called on that thread only.
/// </remarks>
internal sealed class TimestampOrdering
{
    /// <summary>
    /// Buffered records of one partition above which it is paused (Kafka Streams' buffered.records.per.partition is
    /// 1,000). Pausing makes librdkafka drop what it prefetched of the partition and fetch it again on resume, so a
    /// small cap stalls a thread whose inputs arrive in large runs of one topic: an interval join of two source
    /// topics ran 30 % slower with 10,000 than without ordering; with 100,000, within the noise.
    /// </summary>
    public const int Cap = 100_000;

    private readonly JobTopology _topology;
    private readonly long _maxIdleMs;
    private readonly Dictionary<TopicPartition, Input> _inputs = [];
    private readonly List<Group> _groups = [];

    public TimestampOrdering(JobTopology topology, TimeSpan maxTaskIdle)
    {
        _topology = topology;
        _maxIdleMs = maxTaskIdle < TimeSpan.Zero ? -1 : (long)maxTaskIdle.TotalMilliseconds;
    }

    /// <summary>Whether some assigned partition is read in timestamp order.</summary>
    public bool Active => _groups.Count > 0;

    /// <summary>
    /// The earliest time (<see cref="Environment.TickCount64"/>) at which a group waiting for an input at its end stops
    /// waiting; null when none does.
    /// </summary>
    public long? WakeAt { get; private set; }

    /// <summary>A new assignment (the eager protocol: the whole of it): the groups of its partitions, nothing buffered.</summary>
    public void OnAssigned(IEnumerable<TopicPartition> assignment)
    {
        _inputs.Clear();
        _groups.Clear();
        WakeAt = null;
        var groups = new Dictionary<(int Group, int Partition), Group>();
        foreach (var tp in assignment)
        {
            var id = _topology.OrderGroupOf(tp.Topic);
            if (id < 0)
            {
                continue;
            }

            if (!groups.TryGetValue((id, tp.Partition.Value), out var group))
            {
                groups[(id, tp.Partition.Value)] = group = new Group();
                _groups.Add(group);
            }

            var input = new Input(tp, group);
            group.Inputs.Add(input);
            _inputs[tp] = input;
        }
    }

    /// <summary>
    /// Buffers a record of an ordered partition and hands on what may go now (<paramref name="process"/>, in order);
    /// false when the partition is not read in timestamp order (the caller processes it as it comes).
    /// </summary>
    public bool TryAdd(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> record, Func<TopicPartition, bool> held,
        Action<ConsumeResult<byte[]?, byte[]?>> process)
    {
        if (!_inputs.TryGetValue(record.TopicPartition, out var input))
        {
            return false;
        }

        input.Records.Enqueue(record);
        input.AtEnd = false;
        if (input.Records.Count >= Cap && !input.Paused)
        {
            consumer.Pause([input.Partition]);
            input.Paused = true;
        }

        Drain(consumer, input.Group, Environment.TickCount64, held, process);
        return true;
    }

    /// <summary>An ordered partition reached its end: the others of its group stop waiting for its records (after the idle time).</summary>
    public void OnEndOfPartition(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, Func<TopicPartition, bool> held,
        Action<ConsumeResult<byte[]?, byte[]?>> process)
    {
        if (_inputs.TryGetValue(partition, out var input))
        {
            input.AtEnd = true;
            Drain(consumer, input.Group, Environment.TickCount64, held, process);
        }
    }

    /// <summary>Hands on what may go now in every group (time has passed: idle waits may have ended, held partitions been released).</summary>
    public void DrainAll(IConsumer<byte[]?, byte[]?> consumer, Func<TopicPartition, bool> held, Action<ConsumeResult<byte[]?, byte[]?>> process)
    {
        var now = Environment.TickCount64;
        WakeAt = null;
        foreach (var group in _groups)
        {
            Drain(consumer, group, now, held, process);
        }
    }

    /// <summary>
    /// The consumer is sent back to the committed offsets (or its partitions go): the buffered records are dropped
    /// (they are read again) and the partitions paused here resumed. Whether an input is at its end stays known: a
    /// partition sent back to where it ended brings no new end-of-partition event.
    /// </summary>
    public void Drop(IConsumer<byte[]?, byte[]?> consumer)
    {
        var paused = new List<TopicPartition>();
        foreach (var input in _inputs.Values)
        {
            input.Records.Clear();
            if (input.Paused)
            {
                input.Paused = false;
                paused.Add(input.Partition);
            }
        }

        foreach (var group in _groups)
        {
            group.IdleSince = null;
        }

        WakeAt = null;
        if (paused.Count > 0)
        {
            consumer.Resume(paused);
        }
    }

    private void Drain(IConsumer<byte[]?, byte[]?> consumer, Group group, long now, Func<TopicPartition, bool> held,
        Action<ConsumeResult<byte[]?, byte[]?>> process)
    {
        var inputs = group.Inputs;
        while (true)
        {
            Input? next = null;
            var complete = true;
            foreach (var input in inputs)
            {
                if (input.Records.Count == 0)
                {
                    complete = false;
                }
                else if (next is null || input.Records.Peek().Message.Timestamp.UnixTimestampMs < next.Records.Peek().Message.Timestamp.UnixTimestampMs)
                {
                    next = input;
                }
            }

            if (next is null)
            {
                return;
            }

            if (complete)
            {
                // Every input has a head: the order is known, and a later empty input starts its idle wait afresh.
                group.IdleSince = null;
            }
            else if (!MayGoWithout(group, now, held))
            {
                return;
            }

            var record = next.Records.Dequeue();
            if (next.Paused && next.Records.Count <= Cap / 2)
            {
                consumer.Resume([next.Partition]);
                next.Paused = false;
            }

            process(record);
        }
    }

    /// <summary>Whether the group may hand on its smallest head although some input has nothing buffered.</summary>
    private bool MayGoWithout(Group group, long now, Func<TopicPartition, bool> held)
    {
        if (_maxIdleMs < 0)
        {
            return true;
        }

        var caughtUp = false;
        foreach (var input in group.Inputs)
        {
            if (input.Records.Count > 0 || held(input.Partition))
            {
                continue;
            }

            if (!input.AtEnd)
            {
                // Its records are on their way (or its first fetch is): wait for them or for its end.
                return false;
            }

            caughtUp = true;
        }

        if (!caughtUp || _maxIdleMs == 0)
        {
            return true;
        }

        group.IdleSince ??= now;
        var until = group.IdleSince.Value + _maxIdleMs;
        if (now >= until)
        {
            return true;
        }

        WakeAt = WakeAt is { } wake ? Math.Min(wake, until) : until;
        return false;
    }

    private sealed class Group
    {
        public List<Input> Inputs { get; } = [];

        /// <summary>Since when the group has been waiting for an input at its end (null: it is not).</summary>
        public long? IdleSince { get; set; }
    }

    private sealed class Input(TopicPartition partition, Group group)
    {
        public TopicPartition Partition { get; } = partition;

        public Group Group { get; } = group;

        public Queue<ConsumeResult<byte[]?, byte[]?>> Records { get; } = new();

        /// <summary>An end-of-partition event came after its last record: nothing more is on its way.</summary>
        public bool AtEnd { get; set; }

        /// <summary>Paused here for holding <see cref="Cap"/> records.</summary>
        public bool Paused { get; set; }
    }
}
