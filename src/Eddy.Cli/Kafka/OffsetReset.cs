using Eddy.Cli.Output;

namespace Eddy.Cli.Kafka;

/// <summary>The reset-offsets scenarios (kafka-consumer-groups.sh --to-earliest, --to-latest, ...).</summary>
public enum ResetKind
{
    ToEarliest,
    ToLatest,
    ToDatetime,
    ShiftBy,
    ToOffset,
}

/// <summary>A scenario and its argument: the timestamp (epoch ms) for ToDatetime, the shift for ShiftBy, the offset for ToOffset.</summary>
public sealed record ResetScenario(ResetKind Kind, long Value = 0)
{
    /// <summary>Whether the scenario needs the group's committed offsets.</summary>
    public bool NeedsCommitted => Kind == ResetKind.ShiftBy;
}

/// <summary>
/// What is known about one partition when computing its new offset: the log start and end, the group's committed
/// offset (null when none), and for --to-datetime the first offset at or after the time (null when no record is).
/// </summary>
public sealed record PartitionOffsets(long LogStart, long LogEnd, long? Committed = null, long? AtTimestamp = null);

/// <summary>
/// Computes reset-offsets targets as kafka-consumer-groups.sh does. --to-offset and --shift-by are clamped to
/// [log start, log end] with a warning; --to-datetime falls back to the log end (with a warning) for a partition with
/// no record at or after the time; --shift-by needs a committed offset.
/// </summary>
public static class OffsetReset
{
    /// <summary>The new offset for one partition, and the warning to print (or null).</summary>
    public static (long Offset, string? Warning) Compute(GroupPartition partition, ResetScenario scenario, PartitionOffsets offsets)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(offsets);
        switch (scenario.Kind)
        {
            case ResetKind.ToEarliest:
                return (offsets.LogStart, null);
            case ResetKind.ToLatest:
                return (offsets.LogEnd, null);
            case ResetKind.ToDatetime:
                return offsets.AtTimestamp is { } found && found >= 0
                    ? (found, null)
                    : (offsets.LogEnd, $"Partition {partition.Partition} from topic {partition.Topic} is empty. Falling back to latest known offset.");
            case ResetKind.ToOffset:
                return Clamp(partition, scenario.Value, offsets);
            case ResetKind.ShiftBy:
                if (offsets.Committed is not { } committed || committed < 0)
                {
                    throw new CliException($"Cannot shift offset for partition {partition} since there is no current committed offset");
                }
                return Clamp(partition, SaturatingAdd(committed, scenario.Value), offsets);
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario.Kind, "unknown reset scenario");
        }
    }

    /// <summary>Kafka's checkOffsetsRange: above the log end becomes the log end, below the log start the log start.</summary>
    public static (long Offset, string? Warning) Clamp(GroupPartition partition, long requested, PartitionOffsets offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        if (requested > offsets.LogEnd)
        {
            return (offsets.LogEnd, $"New offset ({requested}) is higher than latest offset for topic partition {partition}. Value will be set to {offsets.LogEnd}");
        }
        if (requested < offsets.LogStart)
        {
            return (offsets.LogStart, $"New offset ({requested}) is lower than earliest offset for topic partition {partition}. Value will be set to {offsets.LogStart}");
        }
        return (requested, null);
    }

    /// <summary>
    /// Parses a --topic argument: <c>topic</c> (all its partitions: null) or <c>topic:0,1,2</c>.
    /// </summary>
    public static (string Topic, IReadOnlyList<int>? Partitions) ParseTopic(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var colon = argument.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return string.IsNullOrWhiteSpace(argument)
                ? throw CliException.Usage("--topic needs a topic name")
                : (argument, null);
        }
        var topic = argument[..colon];
        if (topic.Length == 0)
        {
            throw CliException.Usage($"Invalid topic arg '{argument}', expected topic name and partitions");
        }
        var partitions = new List<int>();
        foreach (var part in argument[(colon + 1)..].Split(','))
        {
            if (!int.TryParse(part.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var partition))
            {
                throw CliException.Usage($"Invalid partition '{part}' specified in topic arg '{argument}'");
            }
            partitions.Add(partition);
        }
        return (topic, partitions);
    }

    private static long SaturatingAdd(long a, long b)
    {
        var sum = unchecked(a + b);
        // Overflow happened when both operands have the same sign and the sum's sign differs.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b > 0 ? long.MaxValue : long.MinValue) : sum;
    }
}
