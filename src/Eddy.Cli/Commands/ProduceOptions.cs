using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy produce TOPIC</c>: one record per input line. Null settings keep the client's configuration.</summary>
public sealed record ProduceOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Topic { get; init; }

    /// <summary>--file: read lines from this file instead of standard input.</summary>
    public string? File { get; init; }

    /// <summary>--key-separator: when set, the text before its first occurrence is the record key (\t, \n escapes allowed).</summary>
    public string? KeySeparator { get; init; }

    /// <summary>--header key=value, added to every record.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>--partition: write every record to this partition instead of letting the partitioner choose.</summary>
    public int? Partition { get; init; }

    /// <summary>--acks: all, 1 or 0.</summary>
    public string? Acks { get; init; }

    /// <summary>--compression: none, gzip, snappy, lz4 or zstd.</summary>
    public string? Compression { get; init; }

    /// <summary>--linger-ms: how long the producer waits to fill a batch.</summary>
    public int? LingerMs { get; init; }

    /// <summary>"string" (each line's value as UTF-8, the default) or "avro" (each line's value is Avro JSON for <see cref="SchemaFile"/>).</summary>
    public string? ValueFormat { get; init; }

    /// <summary>With --value-format avro: the Avro schema (.avsc) of the values.</summary>
    public string? SchemaFile { get; init; }

    /// <summary>The schema registry for --value-format avro. Default: http://127.0.0.1:8081 (where `eddy up` serves it).</summary>
    public string? RegistryUrl { get; init; }
}
