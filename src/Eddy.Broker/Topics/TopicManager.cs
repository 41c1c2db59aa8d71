using Eddy.Broker.Configuration;
using Eddy.Protocol;
using Eddy.Storage;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Topics;

/// <summary>The result of a topic change: Kafka's error code and message, or success.</summary>
public readonly record struct TopicResult(ErrorCode Error, string? Message = null)
{
    public static readonly TopicResult Ok = new(ErrorCode.None);
}

/// <summary>
/// Owns every topic and partition log of the broker. Reads take an immutable snapshot (lock-free);
/// creations, deletions and config changes are serialized, persisted, then published.
/// Partition directories are laid out as Kafka does: <c>{data}/{topic}-{partition}</c>.
/// </summary>
public sealed class TopicManager : IDisposable
{
    private readonly BrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TopicStore _store;
    private readonly Lock _changeLock = new();
    private volatile Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> _topicDefaults;

    /// <param name="topicDefaults">The broker-wide default of every topic key (<see cref="ApplyTopicDefaults"/> changes them).</param>
    public TopicManager(BrokerOptions options, IReadOnlyDictionary<string, string> topicDefaults, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _options = options;
        _topicDefaults = topicDefaults;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<TopicManager>();
        _store = new TopicStore(options.DataDirectory);
    }

    /// <summary>Raised after any append to any partition (the fetch path waits on it).</summary>
    public event Action<Partition>? Appended;

    public IReadOnlyCollection<Topic> Topics => _topics.Values;

    public Topic? Find(string name) => _topics.GetValueOrDefault(name);

    public Topic? Find(Uuid id) => _topics.Values.FirstOrDefault(t => t.Id == id);

    public void Load()
    {
        lock (_changeLock)
        {
            var topics = new Dictionary<string, Topic>(StringComparer.Ordinal);
            foreach (var record in _store.Load())
            {
                var config = TopicConfig.Resolve(_topicDefaults, record.Configs);
                if (!Uuid.TryParse(record.Id, out var id))
                {
                    throw new InvalidDataException($"Topic {record.Name} has an invalid id '{record.Id}'.");
                }
                topics[record.Name] = new Topic(record.Name, id, config, OpenPartitions(record.Name, 0, record.Partitions, config, []));
            }
            _topics = topics;
            AddMissingInternalTopics();
            RemoveOrphanDirectories(_topics);
            _logger.LogInformation("Loaded {Count} topics from {Directory}", topics.Count, _options.DataDirectory);
        }
    }

    public TopicResult Create(string name, int partitions, IReadOnlyDictionary<string, string> configs, bool validateOnly, out Topic? topic)
    {
        topic = null;
        if (TopicNames.Validate(name) is { } invalid)
        {
            return new(ErrorCode.InvalidTopicException, invalid);
        }
        if (partitions <= 0)
        {
            return new(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
        }
        if (!TryResolve(configs, out var config, out var invalidConfig))
        {
            return invalidConfig;
        }
        lock (_changeLock)
        {
            if (_topics.ContainsKey(name))
            {
                return new(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
            }
            if (_topics.Keys.FirstOrDefault(existing => TopicNames.Collide(name, existing)) is { } other)
            {
                return new(ErrorCode.InvalidTopicException, $"Topic '{name}' collides with existing topic: {other}");
            }
            if (validateOnly)
            {
                topic = new Topic(name, Uuid.Zero, config, []);
                return TopicResult.Ok;
            }
            topic = new Topic(name, Uuid.NewRandom(), config, OpenPartitions(name, 0, partitions, config, []));
            Publish(new Dictionary<string, Topic>(_topics, StringComparer.Ordinal) { [name] = topic });
            _logger.LogInformation("Created topic {Topic} with {Partitions} partitions", name, partitions);
            return TopicResult.Ok;
        }
    }

    /// <summary>
    /// Creates the topic with the broker's defaults if it does not exist (Metadata auto-creation). A name that cannot
    /// be created (one colliding with an existing topic) returns the creation's error and no topic.
    /// </summary>
    public TopicResult GetOrAutoCreate(string name, out Topic? topic)
    {
        if (Find(name) is { } existing)
        {
            topic = existing;
            return TopicResult.Ok;
        }
        var result = Create(name, _options.NumPartitions, new Dictionary<string, string>(), validateOnly: false, out topic);
        if (result.Error == ErrorCode.TopicAlreadyExists)
        {
            topic = Find(name);
            return TopicResult.Ok;
        }
        return result;
    }

    public TopicResult Delete(string name)
    {
        if (!_options.DeleteTopicEnable)
        {
            return new(ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled.");
        }
        Topic? topic;
        lock (_changeLock)
        {
            if (!_topics.TryGetValue(name, out topic))
            {
                return new(ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
            }
            if (topic.IsInternal)
            {
                // Kafka lets a client delete them; it would lose every committed offset or transaction, so Eddy refuses.
                return new(ErrorCode.InvalidRequest, $"Deletion of internal topic {name} is prohibited.");
            }
            var next = new Dictionary<string, Topic>(_topics, StringComparer.Ordinal);
            next.Remove(name);
            Publish(next);
        }
        foreach (var partition in topic.Partitions)
        {
            // Marked before the log closes: whoever then finds it closed knows why.
            partition.MarkDeleted();
            partition.Log.DeleteLog();
        }
        _logger.LogInformation("Deleted topic {Topic}", name);
        return TopicResult.Ok;
    }

    public TopicResult AddPartitions(string name, int count, bool validateOnly)
    {
        lock (_changeLock)
        {
            if (!_topics.TryGetValue(name, out var topic))
            {
                return new(ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
            }
            if (topic.IsInternal)
            {
                // Each coordinator writes one partition; more would only hold nothing.
                return new(ErrorCode.InvalidRequest, $"Adding partitions to internal topic {name} is prohibited.");
            }
            var current = topic.Partitions.Count;
            if (count < current)
            {
                return new(ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {count}.");
            }
            if (count == current)
            {
                return new(ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
            }
            if (validateOnly)
            {
                return TopicResult.Ok;
            }
            var partitions = OpenPartitions(name, current, count, topic.Config, topic.Partitions);
            Publish(new Dictionary<string, Topic>(_topics, StringComparer.Ordinal) { [name] = new Topic(name, topic.Id, topic.Config, partitions) });
            _logger.LogInformation("Topic {Topic} now has {Partitions} partitions", name, count);
            return TopicResult.Ok;
        }
    }

    /// <summary>Replaces the topic's overrides with <paramref name="overrides"/> (validated first).</summary>
    public TopicResult SetConfigs(string name, IReadOnlyDictionary<string, string> overrides, bool validateOnly)
    {
        lock (_changeLock)
        {
            if (!_topics.TryGetValue(name, out var topic))
            {
                return new(ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
            }
            if (!TryResolve(overrides, out var config, out var invalidConfig))
            {
                return invalidConfig;
            }
            if (validateOnly)
            {
                return TopicResult.Ok;
            }
            foreach (var partition in topic.Partitions)
            {
                partition.Log.Config = config.Log;
            }
            Publish(new Dictionary<string, Topic>(_topics, StringComparer.Ordinal) { [name] = new Topic(name, topic.Id, config, topic.Partitions) });
            return TopicResult.Ok;
        }
    }

    /// <summary>
    /// New broker-wide topic defaults (a dynamic broker config changed): every topic's effective configuration is resolved
    /// again, so a topic without its own value takes the new default, and its logs apply it from their next operation.
    /// </summary>
    public void ApplyTopicDefaults(IReadOnlyDictionary<string, string> topicDefaults)
    {
        lock (_changeLock)
        {
            var next = new Dictionary<string, Topic>(_topics.Count, StringComparer.Ordinal);
            foreach (var topic in _topics.Values)
            {
                var config = TopicConfig.Resolve(topicDefaults, topic.Config.Overrides);
                foreach (var partition in topic.Partitions)
                {
                    partition.Log.Config = config.Log;
                }
                next[topic.Name] = new Topic(topic.Name, topic.Id, config, topic.Partitions);
            }
            _topicDefaults = topicDefaults;
            _topics = next;
        }
    }

    /// <summary>Every partition of every topic (a snapshot).</summary>
    public IEnumerable<Partition> AllPartitions() => _topics.Values.SelectMany(t => t.Partitions);

    /// <summary>Applies retention to every partition; returns the number of segments deleted.</summary>
    public int EnforceRetention()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var topic in _topics.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                try
                {
                    deleted += partition.Log.EnforceRetention(now);
                }
                catch (ObjectDisposedException) when (partition.IsDeleted)
                {
                    // Deleted concurrently.
                }
            }
        }
        return deleted;
    }

    /// <summary>The log of an internal topic's only partition, which its coordinator writes.</summary>
    internal PartitionLog InternalLog(string name) =>
        TopicNames.IsInternal(name) && Find(name)?.Partition(0) is { } partition
            ? partition.Log
            : throw new InvalidOperationException($"{name} is not an internal topic of this broker.");

    public void Dispose()
    {
        lock (_changeLock)
        {
            foreach (var topic in _topics.Values)
            {
                foreach (var partition in topic.Partitions)
                {
                    partition.Log.Dispose();
                }
            }
            _topics = new(StringComparer.Ordinal);
        }
    }

    private bool TryResolve(IReadOnlyDictionary<string, string> overrides, out TopicConfig config, out TopicResult error)
    {
        try
        {
            config = TopicConfig.Resolve(_topicDefaults, overrides);
            error = TopicResult.Ok;
            return true;
        }
        catch (ConfigException e)
        {
            config = null!;
            error = new(ErrorCode.InvalidConfig, e.Message);
            return false;
        }
    }

    // A data directory written before Eddy listed its internal topics (or a new one) gets them here; their logs may
    // already hold the coordinators' records, which the one log object opened here keeps serving.
    private void AddMissingInternalTopics()
    {
        var next = new Dictionary<string, Topic>(_topics, StringComparer.Ordinal);
        foreach (var (name, partitions, configs) in InternalTopics.All.Where(t => !_topics.ContainsKey(t.Name)))
        {
            var config = TopicConfig.Resolve(_topicDefaults, configs);
            next[name] = new Topic(name, Uuid.NewRandom(), config, OpenPartitions(name, 0, partitions, config, []));
        }
        if (next.Count != _topics.Count)
        {
            Publish(next);
        }
    }

    private void Publish(Dictionary<string, Topic> next)
    {
        _store.Save(next.Values.Select(t => new TopicStore.TopicRecord(
            t.Name, t.Id.ToString(), t.Partitions.Count, new Dictionary<string, string>(t.Config.Overrides, StringComparer.Ordinal))));
        _topics = next;
    }

    private List<Partition> OpenPartitions(string topic, int from, int to, TopicConfig config, IReadOnlyList<Partition> existing)
    {
        var partitions = new List<Partition>(existing);
        for (var i = from; i < to; i++)
        {
            var directory = Path.Combine(_options.DataDirectory, $"{topic}-{i}");
            var log = PartitionLog.Open(directory, config.Log, _time, _loggerFactory.CreateLogger<PartitionLog>());
            var partition = new Partition(topic, i, log);
            log.Appended += _ => Appended?.Invoke(partition);
            partitions.Add(partition);
        }
        return partitions;
    }

    // Only a directory holding nothing but segment files is removed: a stray user directory named like "backup-2" stays.
    private static bool LooksLikePartition(string directory) =>
        Directory.EnumerateFiles(directory).All(f => Path.GetExtension(f) is ".log" or ".index" or ".timeindex" or ".tmp" or ".deleted" or ".cleaned" or ".swap" or ""
            || Path.GetFileName(f).StartsWith("log-start-offset", StringComparison.Ordinal)
            || Path.GetFileName(f).StartsWith("cleaner-offset", StringComparison.Ordinal))
        && !Directory.EnumerateDirectories(directory).Any();

    // A crash between removing a topic from the store and deleting its directories leaves them behind.
    private void RemoveOrphanDirectories(Dictionary<string, Topic> topics)
    {
        var known = topics.Values.SelectMany(t => t.Partitions).Select(p => Path.GetFileName(p.Log.Directory)).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories(_options.DataDirectory))
        {
            var name = Path.GetFileName(directory);
            var dash = name.LastIndexOf('-');
            if (dash > 0 && int.TryParse(name.AsSpan(dash + 1), out _) && !known.Contains(name) && LooksLikePartition(directory))
            {
                _logger.LogWarning("Removing {Directory}: no such topic-partition in eddy-topics.json", directory);
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
