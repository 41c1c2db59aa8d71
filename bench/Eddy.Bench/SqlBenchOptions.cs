namespace Eddy.Bench;

/// <summary>What `eddy bench sql` runs.</summary>
public sealed record SqlBenchOptions
{
    /// <summary>An existing cluster; null starts a fresh `eddy up` child process.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>How to start that child process when <see cref="Bootstrap"/> is null.</summary>
    public required BrokerCommand Broker { get; init; }

    /// <summary>Input click records (JSON), loaded before the runs.</summary>
    public long Records { get; init; } = 1_000_000;

    /// <summary>Partitions of the input (and of the repartition topics).</summary>
    public int Partitions { get; init; } = 8;

    /// <summary>Distinct users (the record keys).</summary>
    public int Users { get; init; } = 10_000;

    /// <summary>Distinct pages: the keys of the tumbling count.</summary>
    public int Pages { get; init; } = 1_000;

    /// <summary>Input records per second of event time: with the default, a 10 s window holds 200,000 records.</summary>
    public long EventRate { get; init; } = 20_000;

    /// <summary>Rounds: each runs the four jobs once, SQL and C# alternating, so that drift on a shared machine hits both.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Which runs, among <see cref="JobNames"/>, in that order.</summary>
    public IReadOnlySet<string> Jobs { get; init; } = new HashSet<string>(JobNames, StringComparer.Ordinal);

    /// <summary>Stream threads of the worker.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>The worker's commit interval (exactly-once).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Every run, in the order a round runs them: each SQL job, then its hand-written C# equivalent.</summary>
    public static IReadOnlyList<string> JobNames { get; } = ["sql-filter", "csharp-filter", "sql-tumble", "csharp-tumble"];

    /// <summary>The options of the engine benchmark's worker runs that these runs share.</summary>
    internal EngineBenchOptions Engine() => new()
    {
        Broker = Broker,
        Bootstrap = Bootstrap,
        Records = Records,
        Partitions = Partitions,
        EventRate = EventRate,
        CommitInterval = CommitInterval,
        Threads = Threads,
    };
}
