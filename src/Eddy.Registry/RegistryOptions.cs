namespace Eddy.Registry;

/// <summary>How a registry instance reaches Kafka and where it keeps its records.</summary>
public sealed record RegistryOptions
{
    /// <summary>Confluent's <c>kafkastore.topic</c> default.</summary>
    public const string DefaultTopic = "_schemas";

    /// <summary>
    /// librdkafka client properties for the store's admin client, producer and consumer: at least
    /// <c>bootstrap.servers</c>, plus whatever the cluster needs (<c>security.protocol</c>, SASL settings ...).
    /// </summary>
    public required IReadOnlyDictionary<string, string> KafkaConfig { get; init; }

    /// <summary>The single-partition compacted topic that holds every subject, version, config and mode.</summary>
    public string Topic { get; init; } = DefaultTopic;

    /// <summary>How long start-up may take to reach Kafka, check or create the topic and replay it to its end.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one write may take to be acknowledged by Kafka and applied by the reader.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The compatibility level of subjects when no global or subject config was set (Confluent: BACKWARD).</summary>
    public CompatibilityLevel DefaultCompatibility { get; init; } = CompatibilityLevel.Backward;

    /// <summary>The bootstrap servers, for messages.</summary>
    public string BootstrapServers => KafkaConfig.TryGetValue("bootstrap.servers", out var servers) ? servers : "(bootstrap.servers not set)";
}

/// <summary>The registry could not start: Kafka unreachable, or the topic exists and is unfit (not compacted, several partitions).</summary>
public sealed class RegistryStartupException : Exception
{
    public RegistryStartupException()
    {
    }

    public RegistryStartupException(string message)
        : base(message)
    {
    }

    public RegistryStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
