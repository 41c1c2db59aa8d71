using System.Globalization;
using System.Text;

namespace Eddy.Cli.Output;

/// <summary>
/// kafka-consumer-groups.sh's tables: --list [--state], --describe (offsets, --members [--verbose], --state) and the
/// --reset-offsets plan. Columns are left-aligned and separated by one space, each as wide as the Java tool's minimum
/// for it (15 for names, 10 for PARTITION, ...) or its longest value, whichever is more; the last column is not
/// padded and no line ends in spaces. Missing values print as '-'. Each describe table starts with a blank line, as
/// the Java tool prints it.
/// </summary>
public static class GroupDescriptionText
{
    public const string Missing = "-";

    /// <summary><c>eddy groups list</c>: one group id per line.</summary>
    public static void WriteList(IEnumerable<string> groups, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(output);
        var sb = new StringBuilder();
        foreach (var group in groups)
        {
            sb.Append(group).Append('\n');
        }
        output.Write(sb.ToString());
    }

    /// <summary><c>eddy groups list --state</c>: GROUP and STATE; the group column is 10 wider than the longest id (at least 15), as in Kafka.</summary>
    public static void WriteListWithState(IEnumerable<(string Group, string State)> groups, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(output);
        var list = groups.ToList();
        var groupWidth = list.Select(g => Math.Max(15, g.Group.Length)).DefaultIfEmpty(15).Max() + 10;
        var rows = list.Select(g => new[] { g.Group, g.State });
        output.Write(Table(["GROUP", "STATE"], [groupWidth, 20], rows, leadingBlankLine: false));
    }

    /// <summary>
    /// The message Kafka prints before a group's table (on stderr), or null: "Consumer group 'X' has no active
    /// members." for an empty group, a rebalancing warning, or the does-not-exist error for a dead group.
    /// </summary>
    public static string? Notice(ConsumerGroupInfo group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.State switch
        {
            ConsumerGroupInfo.Empty => $"Consumer group '{group.GroupId}' has no active members.",
            ConsumerGroupInfo.Dead => DoesNotExist(group.GroupId),
            "PreparingRebalance" or "CompletingRebalance" or "Assigning" or "Reconciling" => $"Warning: Consumer group '{group.GroupId}' is rebalancing.",
            _ => null,
        };
    }

    /// <summary>Kafka's message for a group the coordinator does not know.</summary>
    public static string DoesNotExist(string group) => $"Consumer group '{group}' does not exist.";

    /// <summary>
    /// The offsets view: one row per partition, Kafka's columns with LAG-SECONDS (the age of the oldest unconsumed
    /// record, in seconds to the millisecond) after LAG. Nothing is printed when there are no rows, as in Kafka.
    /// </summary>
    public static void WriteOffsets(IReadOnlyList<GroupOffsetRow> rows, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        if (rows.Count == 0)
        {
            return;
        }
        output.Write(Table(
            ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "LAG-SECONDS", "CONSUMER-ID", "HOST", "CLIENT-ID"],
            [15, 15, 10, 15, 15, 15, 15, 15, 15, 0],
            rows.Select(r => new[]
            {
                r.Group, r.Topic, Number(r.Partition), Number(r.CurrentOffset), Number(r.LogEndOffset), Number(r.Lag), Seconds(r.LagSeconds),
                r.ConsumerId ?? Missing, r.Host ?? Missing, r.ClientId ?? Missing,
            }),
            leadingBlankLine: true));
    }

    /// <summary>
    /// The --members view: GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST CLIENT-ID #PARTITIONS, and with
    /// <paramref name="verbose"/> ASSIGNMENT as <c>topic(0,1), other(2)</c>. GROUP-INSTANCE-ID appears only when a
    /// member has one. Nothing is printed for a group without members.
    /// </summary>
    public static void WriteMembers(ConsumerGroupInfo group, bool verbose, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(output);
        if (group.Members.Count == 0)
        {
            return;
        }
        var withInstanceId = group.Members.Any(m => !string.IsNullOrEmpty(m.GroupInstanceId));
        var headers = new List<string> { "GROUP", "CONSUMER-ID" };
        var widths = new List<int> { 15, 15 };
        if (withInstanceId)
        {
            headers.Add("GROUP-INSTANCE-ID");
            widths.Add(17);
        }
        headers.AddRange(["HOST", "CLIENT-ID", "#PARTITIONS"]);
        widths.AddRange([15, 15, 15]);
        if (verbose)
        {
            headers.Add("ASSIGNMENT");
            widths.Add(0);
        }
        var rows = group.Members.Select(m =>
        {
            var row = new List<string> { group.GroupId, m.ConsumerId };
            if (withInstanceId)
            {
                row.Add(string.IsNullOrEmpty(m.GroupInstanceId) ? Missing : m.GroupInstanceId);
            }
            row.AddRange([m.Host, m.ClientId, Number(m.Assignment.Count)]);
            if (verbose)
            {
                row.Add(Assignment(m.Assignment));
            }
            return row.ToArray();
        });
        output.Write(Table([.. headers], [.. widths], rows, leadingBlankLine: true));
    }

    /// <summary>The --state view: GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS.</summary>
    public static void WriteState(ConsumerGroupInfo group, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(output);
        // Kafka: "host:port  (id)", and the GROUP column as wide as the coordinator column (at least 25).
        var coordinator = group.Coordinator is { } c ? $"{c.Host}:{Number(c.Port)}  ({Number(c.Id)})" : Missing;
        var strategy = string.IsNullOrEmpty(group.AssignmentStrategy) ? Missing : group.AssignmentStrategy;
        output.Write(Table(
            ["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"],
            [Math.Max(25, coordinator.Length), 25, 20, 15, 0],
            [[group.GroupId, coordinator, strategy, group.State, Number(group.Members.Count)]],
            leadingBlankLine: true));
    }

    /// <summary>The reset-offsets plan: GROUP TOPIC PARTITION NEW-OFFSET (Kafka's 30/30/10/15 columns).</summary>
    public static void WriteResetPlan(IReadOnlyList<GroupOffsetReset> plan, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Table(
            ["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"],
            [30, 30, 10, 15],
            plan.Select(r => new[] { r.Group, r.Topic, Number(r.Partition), Number(r.NewOffset) }),
            leadingBlankLine: true));
    }

    /// <summary><c>topic(0,1,2), other(3)</c>: topics sorted, partitions in numeric order; '-' when nothing is assigned.</summary>
    public static string Assignment(IEnumerable<GroupPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var byTopic = partitions
            .GroupBy(p => p.Topic, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}({string.Join(',', g.Select(p => p.Partition).Distinct().Order().Select(Number))})")
            .ToList();
        return byTopic.Count == 0 ? Missing : string.Join(", ", byTopic);
    }

    /// <summary>
    /// Left-aligned columns separated by one space: each at least <paramref name="minWidths"/> and as wide as its
    /// header and longest value. The last column is not padded.
    /// </summary>
    internal static string Table(string[] headers, int[] minWidths, IEnumerable<string[]> rows, bool leadingBlankLine)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = Math.Max(minWidths[i], all.Max(r => r[i].Length));
        }
        var sb = new StringBuilder();
        if (leadingBlankLine)
        {
            sb.Append('\n');
        }
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    line.Append(' ');
                }
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]));
            }
            sb.Append(line.ToString().TrimEnd(' ')).Append('\n');
        }
        return sb.ToString();
    }

    private static string Number(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : Missing;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds to the millisecond, without trailing zeros (<c>0</c>, <c>12.5</c>, <c>3600.017</c>).</summary>
    internal static string Seconds(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : Missing;
}
