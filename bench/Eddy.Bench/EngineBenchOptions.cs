namespace Eddy.Bench;

/// <summary>What `eddy bench engine` runs.</summary>
public sealed record EngineBenchOptions
{
    /// <summary>An existing cluster; null starts a fresh `eddy up` child process.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>How to start that child process when <see cref="Bootstrap"/> is null.</summary>
    public required BrokerCommand Broker { get; init; }

    /// <summary>Input records, loaded before the runs.</summary>
    public long Records { get; init; } = 2_000_000;

    /// <summary>Key + value size in bytes.</summary>
    public int RecordSize { get; init; } = 100;

    /// <summary>Partitions of the input (and of the internal topics).</summary>
    public int Partitions { get; init; } = 8;

    /// <summary>Distinct keys of the input: of the window count, the count, the joins and the table.</summary>
    public int Keys { get; init; } = 100_000;

    /// <summary>Partition keys of the Top-N (the input's keys modulo this number).</summary>
    public int TopNKeys { get; init; } = 10_000;

    /// <summary>The interval join's bound: a right row joins a left row within ± this much event time.</summary>
    public TimeSpan JoinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Input records per second of event time: the input's timestamps advance so that 1 s windows fire.</summary>
    public long EventRate { get; init; } = 500_000;

    /// <summary>The commit interval of the Eddy worker and of Streamiz.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The Eddy worker's cap on records per transaction (null: the worker's default).</summary>
    public int? MaxRecordsPerCommit { get; init; }

    /// <summary>Stream threads of the Eddy worker and of Streamiz (num.stream.threads): the same for both.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Which runs, among <see cref="JobNames"/>.</summary>
    public IReadOnlySet<string> Jobs { get; init; } = new HashSet<string>(["stateless", "window", "streamiz"], StringComparer.Ordinal);

    /// <summary>
    /// Every run, in the order they run: an Eddy job, then its Streamiz.Kafka.Net reference when there is one
    /// (<c>streamiz</c> is the window count's, named so before the others existed).
    /// </summary>
    public static IReadOnlyList<string> JobNames { get; } =
    [
        "stateless", "window", "streamiz",
        "count", "streamiz-count",
        "count-keyed", "streamiz-count-keyed",
        "stream-table-join", "streamiz-stream-table-join",
        "interval-join", "streamiz-interval-join",
        "table-join", "streamiz-table-join",
        "topn", "topn-rows",
    ];

    /// <summary>The relational operators' runs, which <c>relational</c> stands for in a list of jobs.</summary>
    public static IReadOnlyList<string> RelationalJobs { get; } = [.. JobNames.Skip(3)];

    /// <summary>
    /// A comma-separated list of runs as a set: <c>relational</c> expands to <see cref="RelationalJobs"/>; names that
    /// are not runs are kept, for the caller to reject.
    /// </summary>
    public static IReadOnlySet<string> ParseJobs(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name == "relational")
            {
                jobs.UnionWith(RelationalJobs);
            }
            else
            {
                jobs.Add(name);
            }
        }

        return jobs;
    }

    /// <summary>The built Eddy.Bench.Streamiz.dll; null takes the copy beside the running program (<see cref="StreamizReference.BesideProgram"/>).</summary>
    public string? StreamizPath { get; init; }

    /// <summary>Streamiz's window store: memory or rocksdb.</summary>
    public string StreamizStore { get; init; } = "rocksdb";
}
