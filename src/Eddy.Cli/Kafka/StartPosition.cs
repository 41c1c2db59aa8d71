using System.Globalization;
using Confluent.Kafka;

namespace Eddy.Cli.Kafka;

/// <summary>How a consumed partition starts: <see cref="StartKind"/> plus the offset or timestamp it needs.</summary>
public enum StartKind
{
    /// <summary>The group's committed offset, else auto.offset.reset (or the end when there is no group).</summary>
    Default,
    Beginning,
    End,
    Offset,
    Timestamp,
}

/// <summary>
/// The starting point of <c>eddy consume</c>, from --from-beginning, --offset N|earliest|latest and --from-timestamp.
/// </summary>
public sealed record StartPosition(StartKind Kind, long Value = 0)
{
    public static StartPosition Default { get; } = new(StartKind.Default);

    /// <summary>--offset: a non-negative offset, or earliest/beginning, or latest/end.</summary>
    public static StartPosition ParseOffset(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Equals("earliest", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("beginning", StringComparison.OrdinalIgnoreCase))
        {
            return new(StartKind.Beginning);
        }
        if (trimmed.Equals("latest", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("end", StringComparison.OrdinalIgnoreCase))
        {
            return new(StartKind.End);
        }
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new(StartKind.Offset, offset);
        }
        throw CliException.Usage($"--offset expects a non-negative number, 'earliest' or 'latest', got '{text}'");
    }

    /// <summary>--from-timestamp: epoch milliseconds or an ISO 8601 date/time (see <see cref="TimestampParser"/>).</summary>
    public static StartPosition FromTimestamp(string text) => new(StartKind.Timestamp, TimestampParser.Parse(text));

    /// <summary>The librdkafka offset to assign for the kinds that need no lookup; <paramref name="whenDefault"/> for Default.</summary>
    public Offset ToOffset(Offset whenDefault) => Kind switch
    {
        StartKind.Beginning => Offset.Beginning,
        StartKind.End => Offset.End,
        StartKind.Offset => new Offset(Value),
        StartKind.Default => whenDefault,
        _ => throw new InvalidOperationException("a timestamp start needs an OffsetsForTimes lookup"),
    };
}
