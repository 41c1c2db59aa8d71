using System.Globalization;
using System.Text.Json;
using Eddy.Protocol;

namespace Eddy.Broker.Configuration;

/// <summary>Where a config value comes from, as DescribeConfigs v1+ reports it (config_source), in Kafka's order of precedence.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,
    DynamicTopic = 1,
    DynamicBroker = 2,
    DynamicDefaultBroker = 3,
    StaticBroker = 4,
    Default = 5,
}

/// <summary>One layer's value of a key, as DescribeConfigs lists synonyms.</summary>
public readonly record struct ConfigValue(string Name, string? Value, ConfigSource Source);

/// <summary>
/// The broker's configuration as it stands, as Kafka layers it: a dynamic per-broker value over a dynamic cluster-wide
/// default over the static value (eddy up's flags, environment and settings file) over the key's default. Dynamic
/// values are set with AlterConfigs / IncrementalAlterConfigs on the BROKER resource (this node's id, or "" for the
/// cluster-wide default), only for keys Kafka lets change at run time; they are persisted in the data directory
/// (<c>eddy-broker-configs.json</c>, where Kafka keeps them in its metadata log) and applied at once through
/// <see cref="Changed"/>. Keys Kafka defines but Eddy does not act on are accepted and reported, with no effect.
/// </summary>
public sealed class BrokerConfiguration
{
    private const string FileName = "eddy-broker-configs.json";

    // Kafka's synonym groups (DynamicBrokerConfig.brokerConfigSynonyms): a lower-priority name stands in for a higher one.
    private static readonly string[][] SynonymGroups =
    [
        [BrokerConfigs.LogRetentionMs, BrokerConfigs.LogRetentionMinutes, BrokerConfigs.LogRetentionHours],
        [BrokerConfigs.LogRollMs, BrokerConfigs.LogRollHours],
        ["log.roll.jitter.ms", "log.roll.jitter.hours"],
        [BrokerConfigs.LogFlushIntervalMs, "log.flush.scheduler.interval.ms"],
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Lock _lock = new();
    private readonly string _file;
    private readonly string _nodeId;
    private readonly IReadOnlyDictionary<string, string> _static;
    private Layers _dynamic;

    private sealed record Layers(Dictionary<string, string> Broker, Dictionary<string, string> Default);

    private sealed record Document(int Version, Dictionary<string, string> Broker, Dictionary<string, string> Default);

    public BrokerConfiguration(BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _file = Path.Combine(options.DataDirectory, FileName);
        _nodeId = options.NodeId.ToString(CultureInfo.InvariantCulture);
        _static = options.Properties;
        _dynamic = Load(_file);
        Effective = Compute(_static, _dynamic);
    }

    /// <summary>Raised (outside any lock) after dynamic values changed, with the new effective properties.</summary>
    public event Action<IReadOnlyDictionary<string, string>>? Changed;

    /// <summary>Every key that has a value other than its default, with the value in force.</summary>
    public IReadOnlyDictionary<string, string> Effective { get; private set; }

    /// <summary>The topic-level defaults that follow from the effective broker keys (log.retention.ms → retention.ms, ...).</summary>
    public IReadOnlyDictionary<string, string> TopicDefaults => BrokerOptions.TopicDefaultsFrom(Effective);

    /// <summary>A long-valued key as in force now.</summary>
    public long GetLong(string key) =>
        long.Parse(Effective.TryGetValue(key, out var value) ? value : BrokerConfigs.FindBroker(key)!.Default!, CultureInfo.InvariantCulture);

    /// <summary>Every key Kafka defines for a broker (Eddy's own definitions first), sorted by name.</summary>
    public static IEnumerable<string> AllKeys =>
        BrokerConfigs.Broker.Select(d => d.Name).Union(KafkaBrokerKeys.All.Select(k => k.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>How the key may change at run time in Eddy: Kafka's mode for keys Eddy applies at once or does not act on.</summary>
    public static ConfigUpdateMode UpdateMode(string key)
    {
        var kafkaMode = KafkaBrokerKeys.Find(key)?.UpdateMode ?? ConfigUpdateMode.ReadOnly;
        if (BrokerConfigs.FindBroker(key) is null)
        {
            return kafkaMode;
        }
        return BrokerConfigs.Dynamic.Contains(key) ? (kafkaMode == ConfigUpdateMode.ReadOnly ? ConfigUpdateMode.ClusterWide : kafkaMode) : ConfigUpdateMode.ReadOnly;
    }

    /// <summary>Where the key is set, highest precedence first, with the key's synonyms as Kafka lists them.</summary>
    public IReadOnlyList<ConfigValue> Synonyms(string key, bool clusterDefaultOnly = false)
    {
        var group = SynonymGroups.FirstOrDefault(g => g.Contains(key, StringComparer.Ordinal)) ?? [key];
        var dynamic = _dynamic;
        var layers = clusterDefaultOnly
            ? new[] { (ConfigSource.DynamicDefaultBroker, (IReadOnlyDictionary<string, string>)dynamic.Default) }
            : [(ConfigSource.DynamicBroker, dynamic.Broker), (ConfigSource.DynamicDefaultBroker, dynamic.Default), (ConfigSource.StaticBroker, _static),
                (ConfigSource.Default, Defaults)];
        var synonyms = new List<ConfigValue>();
        foreach (var (source, values) in layers)
        {
            foreach (var name in group)
            {
                if (values.TryGetValue(name, out var value))
                {
                    synonyms.Add(new ConfigValue(name, value, source));
                }
            }
        }
        // Kafka drops what comes before the key's own first entry: log.retention.hours set alone shows under
        // log.retention.hours, while log.retention.ms then lists nothing (ConfigHelper's dropWhile).
        return [.. synonyms.SkipWhile(s => s.Name != key)];
    }

    /// <summary>The key's own value in force (not a synonym's), or its default; null when it has neither.</summary>
    public string? Value(string key, bool clusterDefaultOnly = false)
    {
        var dynamic = _dynamic;
        if (clusterDefaultOnly)
        {
            return dynamic.Default.GetValueOrDefault(key);
        }
        return dynamic.Broker.TryGetValue(key, out var value) || dynamic.Default.TryGetValue(key, out value) || _static.TryGetValue(key, out value)
            ? value
            : Defaults.GetValueOrDefault(key);
    }

    /// <summary>The dynamic values set at one level: this broker's, or the cluster-wide default.</summary>
    public IReadOnlyDictionary<string, string> Dynamic(bool clusterDefault) => clusterDefault ? _dynamic.Default : _dynamic.Broker;

    /// <summary>True for "" (the cluster-wide default) and this node's id; false for another broker's id.</summary>
    public bool IsResource(string name, out bool clusterDefault)
    {
        clusterDefault = name.Length == 0;
        return clusterDefault || name == _nodeId;
    }

    public string UnexpectedBrokerMessage(string name) => $"Unexpected broker id, expected {_nodeId} or empty string, but received {name}";

    /// <summary>
    /// Replaces the dynamic values of one level with <paramref name="values"/>, after checking them as Kafka does:
    /// INVALID_REQUEST for a key that cannot change at run time (or only per broker, at the default level), INVALID_CONFIG
    /// for an unknown key or a bad value. Persisted, then applied.
    /// </summary>
    public (ErrorCode Error, string? Message) Replace(bool clusterDefault, IReadOnlyDictionary<string, string> values, bool validateOnly)
    {
        var unknown = values.Keys.Where(k => !BrokerConfigs.IsBrokerKey(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return (ErrorCode.InvalidConfig, $"Unknown broker configs: {string.Join(", ", unknown)}");
        }
        lock (_lock)
        {
            var current = clusterDefault ? _dynamic.Default : _dynamic.Broker;
            var changed = values.Where(kv => !current.TryGetValue(kv.Key, out var old) || old != kv.Value).Select(kv => kv.Key)
                .Concat(current.Keys.Where(k => !values.ContainsKey(k)))
                .ToList();
            var readOnly = changed.Where(k => UpdateMode(k) == ConfigUpdateMode.ReadOnly).Order(StringComparer.Ordinal).ToList();
            if (readOnly.Count > 0)
            {
                return (ErrorCode.InvalidRequest, $"Cannot update these configs dynamically: Set({string.Join(", ", readOnly)})");
            }
            var perBroker = changed.Where(k => UpdateMode(k) == ConfigUpdateMode.PerBroker).Order(StringComparer.Ordinal).ToList();
            if (clusterDefault && perBroker.Count > 0)
            {
                return (ErrorCode.InvalidRequest, $"Cannot update these configs at default cluster level, broker id must be specified: Set({string.Join(", ", perBroker)})");
            }
            foreach (var (key, value) in values)
            {
                if (Validate(key, value) is { } invalid)
                {
                    return (ErrorCode.InvalidConfig, invalid);
                }
            }
            if (validateOnly || changed.Count == 0)
            {
                return (ErrorCode.None, null);
            }
            var next = clusterDefault
                ? _dynamic with { Default = new Dictionary<string, string>(values, StringComparer.Ordinal) }
                : _dynamic with { Broker = new Dictionary<string, string>(values, StringComparer.Ordinal) };
            Save(_file, next);
            _dynamic = next;
            Effective = Compute(_static, next);
        }
        Changed?.Invoke(Effective);
        return (ErrorCode.None, null);
    }

    private static string? Validate(string key, string value) => BrokerConfigs.BrokerDefinition(key)!.Validate(value);

    // Defaults of every key that has one: Eddy's own where Eddy defines the key, else Kafka's.
    private static readonly IReadOnlyDictionary<string, string> Defaults = BuildDefaults();

    private static Dictionary<string, string> BuildDefaults()
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in KafkaBrokerKeys.All.Where(k => k.Default is not null && k.Type != ConfigType.Password))
        {
            defaults[key.Name] = key.Default!;
        }
        foreach (var definition in BrokerConfigs.Broker)
        {
            if (definition.Default is { } value)
            {
                defaults[definition.Name] = value;
            }
            else
            {
                defaults.Remove(definition.Name);
            }
        }
        return defaults;
    }

    private static Dictionary<string, string> Compute(IReadOnlyDictionary<string, string> staticValues, Layers dynamic)
    {
        var effective = new Dictionary<string, string>(staticValues, StringComparer.Ordinal);
        foreach (var (key, value) in dynamic.Default.Concat(dynamic.Broker))
        {
            effective[key] = value;
        }
        return effective;
    }

    private static Layers Load(string file)
    {
        if (!File.Exists(file))
        {
            return new Layers(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        }
        var document = JsonSerializer.Deserialize<Document>(File.ReadAllText(file), Json)
            ?? throw new InvalidDataException($"{file} is empty.");
        return new Layers(new(document.Broker, StringComparer.Ordinal), new(document.Default, StringComparer.Ordinal));
    }

    // Written whole, then renamed over the old file: a crash leaves the old or the new values, never half of them.
    private static void Save(string file, Layers layers)
    {
        var temp = file + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, new Document(1, layers.Broker, layers.Default), Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, file, overwrite: true);
    }
}
