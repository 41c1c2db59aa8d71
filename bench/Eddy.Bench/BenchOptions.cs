namespace Eddy.Bench;

/// <summary>What `eddy bench produce|consume|compaction|transactions|registry|groups` measures and against what.</summary>
public sealed record BenchOptions
{
    /// <summary>An existing cluster; null starts a fresh `eddy up` child process (whose CPU and memory are then measured).</summary>
    public string? Bootstrap { get; init; }

    /// <summary>How to start that child process when <see cref="Bootstrap"/> is null.</summary>
    public required BrokerCommand Broker { get; init; }

    /// <summary>With <see cref="Bootstrap"/>: the broker's process id, to report its CPU and resident memory.</summary>
    public int? BrokerPid { get; init; }

    /// <summary>The topic to use (created if missing); the prefix of the topics of the transactions and groups runs.</summary>
    public string Topic { get; init; } = "eddy-bench";

    /// <summary>Number of records.</summary>
    public long Records { get; init; } = 1_000_000;

    /// <summary>Value size in bytes.</summary>
    public int RecordSize { get; init; } = 1024;

    /// <summary>Partitions of the topic.</summary>
    public int Partitions { get; init; } = 8;

    /// <summary>The producer's acks: all (or -1), 1 or 0.</summary>
    public string Acks { get; init; } = "all";

    /// <summary>The producer's compression: none, gzip, snappy, lz4 or zstd.</summary>
    public string Compression { get; init; } = "none";

    /// <summary>Offered load in MB/s; 0 produces as fast as possible.</summary>
    public double RateMBps { get; init; }

    /// <summary>librdkafka client properties set on every client (and registry.url for the registry run).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ClientProperties { get; init; } = [];
}
