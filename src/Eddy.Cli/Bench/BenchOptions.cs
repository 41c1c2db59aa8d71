namespace Eddy.Cli.Bench;

/// <summary>What `eddy bench produce|consume` measures and against what.</summary>
internal sealed record BenchOptions
{
    /// <summary>An existing cluster; null starts a fresh `eddy up` child process (whose CPU and memory are then measured).</summary>
    public string? Bootstrap { get; init; }

    public int? BrokerPid { get; init; }

    public string Topic { get; init; } = "eddy-bench";

    public long Records { get; init; } = 1_000_000;

    public int RecordSize { get; init; } = 1024;

    public int Partitions { get; init; } = 8;

    public string Acks { get; init; } = "all";

    public string Compression { get; init; } = "none";

    /// <summary>Offered load in MB/s; 0 produces as fast as possible.</summary>
    public double RateMBps { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> ClientProperties { get; init; } = [];
}
