namespace Eddy.Bench;

/// <summary>What `eddy bench state` runs.</summary>
public sealed record StateGrowthOptions
{
    /// <summary>The jobs it knows, in the order it runs them.</summary>
    public static readonly IReadOnlyList<string> AllJobs = ["interval-join", "window-join", "regular-join-ttl", "dedup-ttl"];

    /// <summary>An existing cluster; null starts a fresh `eddy up` child process.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>How to start that child process when <see cref="Bootstrap"/> is null.</summary>
    public required BrokerCommand Broker { get; init; }

    /// <summary>How long each job runs while input is produced.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Input records per second, over both inputs of a join (the deduplication reads one input at this rate).</summary>
    public int Rate { get; init; } = 5_000;

    /// <summary>Time between two samples.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Partitions of the inputs (and of the internal topics).</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>The time-to-live of the regular join's and the deduplication's state.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Which jobs, among <see cref="AllJobs"/>.</summary>
    public IReadOnlySet<string> Jobs { get; init; } = new HashSet<string>(AllJobs, StringComparer.Ordinal);

    /// <summary>The commit interval of the worker.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Stream threads of the worker.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Write the results as one JSON document instead of tables.</summary>
    public bool Json { get; init; }
}
