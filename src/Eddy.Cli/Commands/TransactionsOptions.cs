using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy transactions list [--state S...] [--producer-id ID...] [--duration-ms MS]</c>.</summary>
public sealed record TransactionsListOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    /// <summary>Only transactions in these states (Kafka's names, any case, comma-separated or repeated); empty lists all.</summary>
    public IReadOnlyList<string> States { get; init; } = [];

    /// <summary>Only transactions of these producer ids; empty lists all.</summary>
    public IReadOnlyList<long> ProducerIds { get; init; } = [];

    /// <summary>Only transactions open for longer than this many milliseconds (needs ListTransactions v1).</summary>
    public long? DurationMs { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy transactions describe --transactional-id ID</c>.</summary>
public sealed record TransactionsDescribeOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string TransactionalId { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy transactions describe-producers --topic T --partition P [--broker-id N]</c>.</summary>
public sealed record TransactionsDescribeProducersOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Topic { get; init; }

    public required int Partition { get; init; }

    /// <summary>Ask this replica instead of the partition's leader.</summary>
    public int? BrokerId { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy transactions find-hanging [--topic T [--partition P]] [--broker-id N] [--max-transaction-timeout MINUTES]</c>.</summary>
public sealed record TransactionsFindHangingOptions
{
    public const int DefaultMaxTransactionTimeoutMinutes = 15;

    public ClientSettings Client { get; init; } = ClientSettings.Default;

    /// <summary>Search this topic only; every topic, internal ones included, when null.</summary>
    public string? Topic { get; init; }

    /// <summary>With <see cref="Topic"/>: this partition only.</summary>
    public int? Partition { get; init; }

    /// <summary>Only partitions with a replica on this broker, asked of that broker.</summary>
    public int? BrokerId { get; init; }

    /// <summary>A transaction whose producer last wrote more than this many minutes ago is a candidate.</summary>
    public int MaxTransactionTimeoutMinutes { get; init; } = DefaultMaxTransactionTimeoutMinutes;

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}
