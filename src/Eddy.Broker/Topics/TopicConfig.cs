using System.Globalization;
using Eddy.Broker.Configuration;
using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Broker.Topics;

/// <summary>
/// A topic's effective configuration: the broker's defaults overlaid with the topic's own overrides,
/// resolved into the typed values the produce path and the log need.
/// </summary>
public sealed class TopicConfig
{
    private TopicConfig(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> overrides)
    {
        Values = values;
        Overrides = overrides;
        Log = new LogConfig
        {
            SegmentBytes = Long("segment.bytes"),
            SegmentMs = Long("segment.ms"),
            RetentionMs = Long("retention.ms"),
            RetentionBytes = Long("retention.bytes"),
            IndexIntervalBytes = (int)Long("index.interval.bytes"),
            FlushMessages = Long("flush.messages"),
            FlushMs = Long("flush.ms"),
            Compact = Policies.Contains("compact"),
            Delete = Policies.Contains("delete"),
            DeleteRetentionMs = Long("delete.retention.ms"),
            MinCompactionLagMs = Long("min.compaction.lag.ms"),
            MinCleanableDirtyRatio = double.Parse(Values["min.cleanable.dirty.ratio"], CultureInfo.InvariantCulture),
        };
        MaxMessageBytes = (int)Long("max.message.bytes");
        TimestampType = Values["message.timestamp.type"] == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime;
        // Kafka's rule (LogConfig.getMessageTimestampBefore/AfterMaxMs): the deprecated difference applies to a side
        // whose own limit was left at its default.
        var difference = Long("message.timestamp.difference.max.ms");
        TimestampBeforeMaxMs = Long("message.timestamp.before.max.ms") is var before && before != long.MaxValue ? before : difference;
        TimestampAfterMaxMs = Long("message.timestamp.after.max.ms") is var after && after != long.MaxValue ? after : difference;
    }

    /// <summary>Every topic key with its effective value.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>Only the keys set on the topic itself.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; }

    public LogConfig Log { get; }

    public int MaxMessageBytes { get; }

    public TimestampType TimestampType { get; }

    /// <summary>How far in the past a CreateTime record's timestamp may be.</summary>
    public long TimestampBeforeMaxMs { get; }

    /// <summary>How far in the future a CreateTime record's timestamp may be.</summary>
    public long TimestampAfterMaxMs { get; }

    /// <summary>What each record of a batch produced to <paramref name="partition"/> must satisfy.</summary>
    public RecordRules RecordRules(string topic, int partition) =>
        new(topic, partition, Log.Compact, TimestampType, TimestampBeforeMaxMs, TimestampAfterMaxMs);

    private long Long(string key) => long.Parse(Values[key], CultureInfo.InvariantCulture);

    private string[] Policies => Values["cleanup.policy"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Validates the overrides (unknown keys and bad values throw <see cref="ConfigException"/>) and resolves them.</summary>
    public static TopicConfig Resolve(IReadOnlyDictionary<string, string> brokerTopicDefaults, IReadOnlyDictionary<string, string> overrides)
    {
        var values = new Dictionary<string, string>(brokerTopicDefaults, StringComparer.Ordinal);
        foreach (var (key, value) in overrides)
        {
            var definition = BrokerConfigs.FindTopic(key) ?? throw new ConfigException($"Unknown topic config name: {key}");
            if (definition.Validate(value) is { } error)
            {
                throw new ConfigException(error);
            }
            values[key] = value;
        }
        return new TopicConfig(values, new Dictionary<string, string>(overrides, StringComparer.Ordinal));
    }
}
