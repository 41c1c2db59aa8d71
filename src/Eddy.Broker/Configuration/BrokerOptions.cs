using System.Globalization;

namespace Eddy.Broker.Configuration;

/// <summary>
/// The broker's settings, built from Kafka-named properties (command line, EDDY_ environment variables and a
/// settings file all reduce to such a dictionary). Unknown keys and invalid values are rejected with a message.
/// The defaults are <see cref="BrokerConfigs"/>' definitions (the ones DescribeConfigs reports), read here, not
/// written a second time.
/// </summary>
public sealed class BrokerOptions
{
    public string ListenHost { get; init; } = DefaultListener.Host;

    public int ListenPort { get; init; } = DefaultListener.Port;

    public string AdvertisedHost { get; init; } = AdvertisedHostFor(DefaultListener.Host);

    public int AdvertisedPort { get; init; } = DefaultListener.Port;

    public string DataDirectory { get; init; } = DataDirectoryFrom(DefaultOf(BrokerConfigs.LogDirs));

    public int NodeId { get; init; } = (int)DefaultLong(BrokerConfigs.NodeId);

    public string? ClusterId { get; init; }

    public int NumPartitions { get; init; } = (int)DefaultLong(BrokerConfigs.NumPartitions);

    public bool AutoCreateTopics { get; init; } = bool.Parse(DefaultOf(BrokerConfigs.AutoCreateTopics));

    public bool DeleteTopicEnable { get; init; } = bool.Parse(DefaultOf(BrokerConfigs.DeleteTopicEnable));

    public int SocketRequestMaxBytes { get; init; } = (int)DefaultLong(BrokerConfigs.SocketRequestMaxBytes);

    public int MaxConnections { get; init; } = (int)DefaultLong(BrokerConfigs.MaxConnections);

    public int MaxConnectionsPerIp { get; init; } = (int)DefaultLong(BrokerConfigs.MaxConnectionsPerIp);

    public long ConnectionsMaxIdleMs { get; init; } = DefaultLong(BrokerConfigs.ConnectionsMaxIdleMs);

    /// <summary>queued.max.request.bytes; -1 (or 0, as Kafka treats any non-positive value) means no limit.</summary>
    public long QueuedMaxRequestBytes { get; init; } = DefaultLong(BrokerConfigs.QueuedMaxRequestBytes);

    public long RetentionCheckIntervalMs { get; init; } = DefaultLong(BrokerConfigs.LogRetentionCheckIntervalMs);

    public int GroupInitialRebalanceDelayMs { get; init; } = (int)DefaultLong(BrokerConfigs.GroupInitialRebalanceDelayMs);

    public long OffsetsRetentionMs { get; init; } = DefaultLong(BrokerConfigs.OffsetsRetentionMinutes) * 60_000;

    public bool LogCleanerEnable { get; init; } = bool.Parse(DefaultOf(BrokerConfigs.LogCleanerEnable));

    public long LogCleanerBackoffMs { get; init; } = DefaultLong(BrokerConfigs.LogCleanerBackoffMs);

    public int TransactionMaxTimeoutMs { get; init; } = (int)DefaultLong(BrokerConfigs.TransactionMaxTimeoutMs);

    public int TransactionAbortTimedOutIntervalMs { get; init; } = (int)DefaultLong(BrokerConfigs.TransactionAbortTimedOutIntervalMs);

    public long TransactionalIdExpirationMs { get; init; } = DefaultLong(BrokerConfigs.TransactionalIdExpirationMs);

    public long ProducerIdExpirationMs { get; init; } = DefaultLong(BrokerConfigs.ProducerIdExpirationMs);

    /// <summary>The properties as given (canonical names), so DescribeConfigs can tell set values from defaults.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Default topic configuration derived from the broker's log.* keys, by topic key name.</summary>
    public IReadOnlyDictionary<string, string> TopicDefaults { get; init; } = new Dictionary<string, string>();

    public static BrokerOptions Default { get; } = Parse(new Dictionary<string, string>());

    public static BrokerOptions Parse(IReadOnlyDictionary<string, string> properties)
    {
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in properties)
        {
            var key = BrokerConfigs.Canonical(rawKey.Trim());
            var definition = BrokerConfigs.BrokerDefinition(key)
                ?? throw new ConfigException($"Unknown configuration '{rawKey}'. Run 'eddy up --help' for the keys Eddy accepts.");
            if (definition.Validate(value) is { } error)
            {
                throw new ConfigException(error);
            }
            props[key] = value.Trim();
        }

        string Get(string key) => props.TryGetValue(key, out var v) ? v : BrokerConfigs.FindBroker(key)!.Default ?? "";
        long GetLong(string key) => long.Parse(Get(key), CultureInfo.InvariantCulture);

        var (listenHost, listenPort) = ParseListener(Get(BrokerConfigs.Listeners), BrokerConfigs.Listeners);
        var (advertisedHost, advertisedPort) = props.TryGetValue(BrokerConfigs.AdvertisedListeners, out var adv)
            ? ParseListener(adv, BrokerConfigs.AdvertisedListeners)
            : (AdvertisedHostFor(listenHost), listenPort);

        return new BrokerOptions
        {
            ListenHost = listenHost,
            ListenPort = listenPort,
            AdvertisedHost = advertisedHost,
            AdvertisedPort = advertisedPort,
            DataDirectory = DataDirectoryFrom(Get(BrokerConfigs.LogDirs)),
            NodeId = (int)GetLong(BrokerConfigs.NodeId),
            ClusterId = props.GetValueOrDefault(BrokerConfigs.ClusterId),
            NumPartitions = (int)GetLong(BrokerConfigs.NumPartitions),
            AutoCreateTopics = bool.Parse(Get(BrokerConfigs.AutoCreateTopics)),
            DeleteTopicEnable = bool.Parse(Get(BrokerConfigs.DeleteTopicEnable)),
            SocketRequestMaxBytes = (int)GetLong(BrokerConfigs.SocketRequestMaxBytes),
            MaxConnections = (int)GetLong(BrokerConfigs.MaxConnections),
            MaxConnectionsPerIp = (int)GetLong(BrokerConfigs.MaxConnectionsPerIp),
            ConnectionsMaxIdleMs = GetLong(BrokerConfigs.ConnectionsMaxIdleMs),
            QueuedMaxRequestBytes = GetLong(BrokerConfigs.QueuedMaxRequestBytes),
            RetentionCheckIntervalMs = GetLong(BrokerConfigs.LogRetentionCheckIntervalMs),
            GroupInitialRebalanceDelayMs = (int)GetLong(BrokerConfigs.GroupInitialRebalanceDelayMs),
            OffsetsRetentionMs = GetLong(BrokerConfigs.OffsetsRetentionMinutes) * 60_000,
            LogCleanerEnable = bool.Parse(Get(BrokerConfigs.LogCleanerEnable)),
            LogCleanerBackoffMs = GetLong(BrokerConfigs.LogCleanerBackoffMs),
            TransactionMaxTimeoutMs = (int)GetLong(BrokerConfigs.TransactionMaxTimeoutMs),
            TransactionAbortTimedOutIntervalMs = (int)GetLong(BrokerConfigs.TransactionAbortTimedOutIntervalMs),
            TransactionalIdExpirationMs = GetLong(BrokerConfigs.TransactionalIdExpirationMs),
            ProducerIdExpirationMs = GetLong(BrokerConfigs.ProducerIdExpirationMs),
            Properties = props,
            TopicDefaults = TopicDefaultsFrom(props),
        };
    }

    private static (string Host, int Port) DefaultListener => ParseListener(DefaultOf(BrokerConfigs.Listeners), BrokerConfigs.Listeners);

    // Static methods rather than static fields: Default is built during this type's static initialisation, when
    // fields declared after it would still be unset.
    private static string DefaultOf(string key) => BrokerConfigs.FindBroker(key)!.Default!;

    private static long DefaultLong(string key) => long.Parse(DefaultOf(key), CultureInfo.InvariantCulture);

    // A wildcard listener is not an address clients can connect to: advertise loopback instead.
    private static string AdvertisedHostFor(string listenHost) => listenHost is "0.0.0.0" or "::" or "" ? "127.0.0.1" : listenHost;

    // log.dirs may list several directories; the broker uses the first.
    private static string DataDirectoryFrom(string logDirs) => Path.GetFullPath(logDirs.Split(',')[0].Trim());

    /// <summary>PLAINTEXT://host:port (or host:port); the first listener is used.</summary>
    private static (string Host, int Port) ParseListener(string value, string key)
    {
        var first = value.Split(',')[0].Trim();
        var schemeEnd = first.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = first[..schemeEnd];
            if (!scheme.Equals("PLAINTEXT", StringComparison.OrdinalIgnoreCase))
            {
                throw new ConfigException($"Invalid value {value} for configuration {key}: only PLAINTEXT listeners are supported");
            }
            first = first[(schemeEnd + 3)..];
        }
        var colon = first.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(first[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigException($"Invalid value {value} for configuration {key}: expected PLAINTEXT://host:port");
        }
        var host = first[..colon].Trim('[', ']');
        return (host, port);
    }

    /// <summary>The topic-level defaults that follow from broker keys (log.retention.hours → retention.ms, ...).</summary>
    internal static Dictionary<string, string> TopicDefaultsFrom(IReadOnlyDictionary<string, string> props)
    {
        string? Get(string key) => props.GetValueOrDefault(key);
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var topicKey in BrokerConfigs.Topic)
        {
            defaults[topicKey.Name] = topicKey.BrokerSynonym is { } brokerKey && Get(brokerKey) is { } value ? value : topicKey.Default ?? "";
        }

        var retentionMs = Get(BrokerConfigs.LogRetentionMs)
            ?? (Get(BrokerConfigs.LogRetentionMinutes) is { } minutes ? Scale(minutes, 60_000) : null)
            ?? (Get(BrokerConfigs.LogRetentionHours) is { } hours ? Scale(hours, 3_600_000) : null);
        if (retentionMs is not null)
        {
            defaults["retention.ms"] = retentionMs;
        }
        var rollMs = Get(BrokerConfigs.LogRollMs) ?? (Get(BrokerConfigs.LogRollHours) is { } rollHours ? Scale(rollHours, 3_600_000) : null);
        if (rollMs is not null)
        {
            defaults["segment.ms"] = rollMs;
        }
        return defaults;
    }

    // -1 stays -1 (forever) whatever the unit.
    private static string Scale(string value, long factor)
    {
        var n = long.Parse(value, CultureInfo.InvariantCulture);
        return (n < 0 ? -1 : n * factor).ToString(CultureInfo.InvariantCulture);
    }
}
