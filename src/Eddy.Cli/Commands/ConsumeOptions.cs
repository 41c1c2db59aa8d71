using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy consume TOPIC</c>. Positions and formats are kept as typed so errors in them are reported by the verb.</summary>
public sealed record ConsumeOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Topic { get; init; }

    /// <summary>--group: consume as a member of this consumer group (Subscribe, committed offsets). Without it partitions are assigned directly.</summary>
    public string? Group { get; init; }

    /// <summary>--partition: only this partition.</summary>
    public int? Partition { get; init; }

    /// <summary>--from-beginning: start at the earliest offset when there is no committed one.</summary>
    public bool FromBeginning { get; init; }

    /// <summary>--offset: N, earliest or latest, for every consumed partition.</summary>
    public string? Offset { get; init; }

    /// <summary>--from-timestamp: epoch milliseconds or ISO 8601; starts at the first record at or after it.</summary>
    public string? FromTimestamp { get; init; }

    /// <summary>--max-messages / -c: stop after this many records.</summary>
    public long? MaxMessages { get; init; }

    /// <summary>--timeout-ms: stop when no record arrives for this long.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>-e / --exit-at-end: stop once every assigned partition has been read to its end.</summary>
    public bool ExitAtEnd { get; init; }

    /// <summary>--isolation-level: read_committed or read_uncommitted.</summary>
    public string? IsolationLevel { get; init; }

    /// <summary>--format: a kcat-style template (see <see cref="Output.KcatFormat"/>).</summary>
    public string? Format { get; init; }

    public bool PrintKey { get; init; }

    public bool PrintHeaders { get; init; }

    public bool PrintTimestamp { get; init; }

    public bool PrintOffset { get; init; }

    public bool PrintPartition { get; init; }

    /// <summary>--key-separator: the column separator of the --print-* output (default a tab).</summary>
    public string? KeySeparator { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;

    /// <summary>"string" (the value's bytes as they are, the default) or "avro" (Confluent wire-format Avro, printed as JSON).</summary>
    public string? ValueFormat { get; init; }

    /// <summary>The schema registry for --value-format avro. Default: http://127.0.0.1:8081 (where `eddy up` serves it).</summary>
    public string? RegistryUrl { get; init; }
}
