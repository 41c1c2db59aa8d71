using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Plan;

namespace Eddy.Engine.Kafka;

/// <summary>
/// What a worker's threads share about the job and the cluster: which stages read a topic, the stores by name, the
/// partition count of every topic the job reads or writes (its internal topics created when missing).
/// </summary>
internal sealed class JobTopology
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    private readonly JobWorkerOptions _options;
    private readonly ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);
    private readonly int[] _stagePartitions;
    private readonly Dictionary<string, List<StagePlan>> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sourceTopics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreDeclaration> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StartPosition> _starts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _orderGroups;

    public JobTopology(JobPlan plan, JobWorkerOptions options)
    {
        Plan = plan;
        _options = options;
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

        foreach (var source in plan.Operators.Where(o => o.StartAt is not null && o.Kind is OperatorKind.Source or OperatorKind.TableSource))
        {
            _starts[source.Topic!] = source.StartAt!;
        }

        foreach (var store in plan.Stores)
        {
            _stores[store.Name] = store;
        }

        // Topics read together by a stage with several inputs are read in timestamp order (TimestampOrdering); stages
        // sharing a topic share its order, so their topics form one group.
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topics in plan.Stages.Select(s => s.Inputs.Select(i => i.Topic).Distinct(StringComparer.Ordinal).ToList()).Where(t => t.Count > 1))
        {
            var merged = topics.Where(groupOf.ContainsKey).Select(t => groupOf[t]).Distinct().ToList();
            var id = merged.Count > 0 ? merged.Min() : groupOf.Count == 0 ? 0 : groupOf.Values.Max() + 1;
            foreach (var topic in groupOf.Where(g => merged.Contains(g.Value)).Select(g => g.Key).ToList())
            {
                groupOf[topic] = id;
            }

            foreach (var topic in topics)
            {
                groupOf[topic] = id;
            }
        }

        _orderGroups = groupOf;
    }

    /// <summary>
    /// The group of topics <paramref name="topic"/> is read in timestamp order with (read by a stage with several
    /// input topics, <see cref="TimestampOrdering"/>); -1 when it is read as it comes.
    /// </summary>
    public int OrderGroupOf(string topic) => _orderGroups.GetValueOrDefault(topic, -1);

    public JobPlan Plan { get; }

    /// <summary>Every topic a task reads: the consumers' subscription.</summary>
    public IEnumerable<string> InputTopics => _readers.Keys;

    public IReadOnlyDictionary<string, StoreDeclaration> Stores => _stores;

    /// <summary>The stages with a task per partition of <paramref name="topic"/>.</summary>
    public IReadOnlyList<StagePlan> StagesReading(string topic) => _readers[topic];

    public bool IsSourceTopic(string topic) => _sourceTopics.Contains(topic);

    /// <summary>Where the sources of a topic start reading a partition without a committed offset; null for the earliest offset.</summary>
    public StartPosition? StartOf(string topic) => _starts.GetValueOrDefault(topic);

    /// <summary>How many tasks a stage has: the partitions of its inputs.</summary>
    public int StagePartitions(int stage) => _stagePartitions[stage];

    /// <summary>Partitions of a topic the job writes; a side output first seen while running gets its topic now.</summary>
    public int PartitionsOf(string topic) =>
        _partitions.TryGetValue(topic, out var partitions) ? partitions : CreateSideOutputTopic(topic, _stagePartitions.Max());

    /// <summary>Learns the partition counts, then creates the internal topics that are missing (cancellable before it creates them).</summary>
    public async Task CreateTopicsAsync(CancellationToken cancellationToken)
    {
        var plan = Plan;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }.Overlay(_options.ClientConfig)).Build();
        var metadata = admin.GetMetadata(KafkaTimeout);
        cancellationToken.ThrowIfCancellationRequested();
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

        // Repartition topics are not fixed by what exists unless they do exist (from an earlier run of the job).
        var stagePartitions = StagePartitioning.Resolve(plan, topic => _partitions.TryGetValue(topic, out var n) ? n : null);
        stagePartitions.CopyTo(_stagePartitions, 0);
        foreach (var stage in plan.Stages)
        {
            foreach (var input in stage.Inputs.Where(i => i.IsRepartition))
            {
                // A repartition topic has as many partitions as the stage reading it has tasks.
                Need(input.Topic, _stagePartitions[stage.Id]);
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

        Need(plan.DeadLetterTopic, 1);
        if (create.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
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
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }.Overlay(_options.ClientConfig)).Build();
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
}
