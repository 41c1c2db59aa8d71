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

    /// <summary>Distinct keys of the window count.</summary>
    public int Keys { get; init; } = 100_000;

    /// <summary>Input records per second of event time: the input's timestamps advance so that 1 s windows fire.</summary>
    public long EventRate { get; init; } = 500_000;

    /// <summary>The commit interval of the Eddy worker and of Streamiz.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The Eddy worker's cap on records per transaction (null: the worker's default).</summary>
    public int? MaxRecordsPerCommit { get; init; }

    /// <summary>Stream threads of the Eddy worker and of Streamiz (num.stream.threads): the same for both.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Which runs: stateless, window, streamiz.</summary>
    public IReadOnlySet<string> Jobs { get; init; } = new HashSet<string>(["stateless", "window", "streamiz"], StringComparer.Ordinal);

    /// <summary>The built Eddy.Bench.Streamiz.dll; null takes the copy beside the running program (<see cref="StreamizReference.BesideProgram"/>).</summary>
    public string? StreamizPath { get; init; }

    /// <summary>Streamiz's window store: memory or rocksdb.</summary>
    public string StreamizStore { get; init; } = "rocksdb";
}
