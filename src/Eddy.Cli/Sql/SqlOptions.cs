namespace Eddy.Cli.Sql;

/// <summary>What <c>eddy sql</c> was asked for.</summary>
public sealed record SqlOptions
{
    /// <summary>-f/--file: a script whose statements run in order (its INSERTs as a job), instead of the interactive client.</summary>
    public string? File { get; init; }

    /// <summary>--init: a script run first (session setup: CREATE TABLE, SET), as Flink's -i.</summary>
    public string? Init { get; init; }

    /// <summary>--jar (repeatable): .NET assemblies of user-defined functions, added to the session as Flink's ADD JAR.</summary>
    public IReadOnlyList<string> Jars { get; init; } = [];

    /// <summary>--bootstrap: an existing cluster; null uses the embedded broker.</summary>
    public string? Bootstrap { get; init; }

    /// <summary>--output: the result mode; null picks table on a terminal, tableau otherwise.</summary>
    public string? Output { get; init; }

    /// <summary>--history-file; null: ~/.eddy/sql_history.</summary>
    public string? HistoryFile { get; init; }

    /// <summary>--worker-id of the job's worker in -f mode.</summary>
    public string WorkerId { get; init; } = "0";

    /// <summary>--duration: stop the -f job after this long; null runs until Ctrl-C/SIGTERM.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>--metrics-port: serve the -f job's worker metrics to Prometheus on this port (0 picks a free one); null: none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>--metrics-host: the address the metrics endpoint listens on.</summary>
    public string MetricsHost { get; init; } = "127.0.0.1";
    /// <summary>--catalog: where permanent tables, views and functions live (<see cref="SqlCatalogKinds"/>); default the Kafka topic.</summary>
    public string Catalog { get; init; } = SqlCatalogKinds.Kafka;

    /// <summary>--catalog-topic: the Kafka catalog's compacted topic; null: <c>_eddy_sql_catalog</c>.</summary>
    public string? CatalogTopic { get; init; }
}

/// <summary>The values of <c>--catalog</c>.</summary>
public static class SqlCatalogKinds
{
    /// <summary>Definitions in a compacted topic of the cluster, shared by every session and worker on it (the default).</summary>
    public const string Kafka = "kafka";

    /// <summary>Definitions in the client's memory, gone when it exits (Flink's default <c>GenericInMemoryCatalog</c>).</summary>
    public const string Memory = "memory";

    /// <summary>Both, for the option's completions and checks.</summary>
    public static IReadOnlyList<string> Names { get; } = [Kafka, Memory];
}
