using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy topics list</c>.</summary>
public sealed record TopicsListOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public bool ExcludeInternal { get; init; }
}

/// <summary><c>eddy topics create TOPIC</c>. Null partitions / replication factor leave the choice to the broker.</summary>
public sealed record TopicsCreateOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Topic { get; init; }

    public int? Partitions { get; init; }

    public int? ReplicationFactor { get; init; }

    /// <summary>Topic configs as key=value.</summary>
    public IReadOnlyList<string> Configs { get; init; } = [];

    public bool IfNotExists { get; init; }
}

/// <summary><c>eddy topics describe [TOPIC...]</c>; no topics means all of them.</summary>
public sealed record TopicsDescribeOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public IReadOnlyList<string> Topics { get; init; } = [];

    public bool ExcludeInternal { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy topics alter TOPIC</c>: more partitions and/or config changes.</summary>
public sealed record TopicsAlterOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Topic { get; init; }

    public int? Partitions { get; init; }

    /// <summary>Configs to set, as key=value.</summary>
    public IReadOnlyList<string> Configs { get; init; } = [];

    /// <summary>Config keys to return to their default.</summary>
    public IReadOnlyList<string> DeleteConfigs { get; init; } = [];
}

/// <summary><c>eddy topics delete TOPIC...</c>.</summary>
public sealed record TopicsDeleteOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Treat topics that do not exist as already deleted.</summary>
    public bool IfExists { get; init; }
}
