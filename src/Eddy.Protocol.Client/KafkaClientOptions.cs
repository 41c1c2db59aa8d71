namespace Eddy.Protocol.Client;

/// <summary>How a <see cref="KafkaProtocolClient"/> and its <see cref="BrokerConnection"/>s identify themselves and how long they wait.</summary>
public sealed record KafkaClientOptions
{
    /// <summary>The client id sent in every request header.</summary>
    public string ClientId { get; init; } = "eddy-protocol-client";

    /// <summary>How long connecting, one request, and the retries of one operation may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The client software name sent in ApiVersions (brokers show it in their metrics).</summary>
    public string SoftwareName { get; init; } = "eddy-protocol-client";

    /// <summary>The client software version sent in ApiVersions.</summary>
    public string SoftwareVersion { get; init; } = typeof(KafkaClientOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
