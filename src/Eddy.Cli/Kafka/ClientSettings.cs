namespace Eddy.Cli.Kafka;

/// <summary>
/// The connection settings every client verb shares: -b/--bootstrap, --command-config FILE and -X key=value.
/// <see cref="EnvironmentBootstrap"/> carries EDDY_BOOTSTRAP so tests need not touch the process environment.
/// </summary>
public sealed record ClientSettings
{
    public const string DefaultBootstrap = "127.0.0.1:9092";

    /// <summary>-b/--bootstrap as given, or null when not given.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>The value of EDDY_BOOTSTRAP, if set.</summary>
    public string? EnvironmentBootstrap { get; init; }

    /// <summary>--command-config: a client .properties file, as kafka-topics.sh and friends take.</summary>
    public string? CommandConfigFile { get; init; }

    /// <summary>-X key=value librdkafka properties, in command-line order.</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>Settings for a local broker on the default port.</summary>
    public static ClientSettings Default { get; } = new();
}
