namespace Eddy.Cli.Output;

/// <summary>
/// Builds the offsets view's rows as kafka-consumer-groups.sh --describe does: first the partitions assigned to
/// members (members with the most partitions first), then partitions with a committed offset that no member owns,
/// whose CONSUMER-ID, HOST and CLIENT-ID are '-'. Lag is log-end offset minus committed offset, '-' when either is
/// unknown; the lag in seconds is the age of the oldest unconsumed record (0 when there is none), as the broker's
/// <c>eddy_group_lag_seconds</c> has it.
/// </summary>
public static class GroupOffsetRows
{
    public static List<GroupOffsetRow> Build(ConsumerGroupInfo group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var rows = new List<GroupOffsetRow>();
        var assigned = new HashSet<GroupPartition>();
        // A stable sort: members with equal partition counts keep the coordinator's order.
        foreach (var member in group.Members.Where(m => m.Assignment.Count > 0).OrderByDescending(m => m.Assignment.Count))
        {
            foreach (var partition in member.Assignment.Distinct().Order())
            {
                assigned.Add(partition);
                rows.Add(Row(group, partition, member.ConsumerId, member.Host, member.ClientId));
            }
        }
        foreach (var partition in group.CommittedOffsets.Keys.Where(p => !assigned.Contains(p)).Order())
        {
            rows.Add(Row(group, partition, null, null, null));
        }
        return rows;
    }

    /// <summary>Log-end offset minus committed offset; null when either is unknown.</summary>
    public static long? Lag(long? committed, long? logEnd) =>
        committed is { } c && c >= 0 && logEnd is { } end ? end - c : null;

    /// <summary>
    /// The age in seconds of the oldest unconsumed record: 0 when the group is at the log end (nothing is left to
    /// consume), now minus <paramref name="oldestTimestamp"/> (never negative, as a producer's clock may be ahead)
    /// when it lags, null when the lag or the record's timestamp is unknown.
    /// </summary>
    public static double? LagSeconds(long? lag, long? oldestTimestamp, DateTimeOffset now) => lag switch
    {
        null => null,
        <= 0 => 0,
        _ when oldestTimestamp is { } ts && ts >= 0 => Math.Max(0, now.ToUnixTimeMilliseconds() - ts) / 1000.0,
        _ => null,
    };

    private static GroupOffsetRow Row(ConsumerGroupInfo group, GroupPartition partition, string? consumerId, string? host, string? clientId)
    {
        long? committed = group.CommittedOffsets.TryGetValue(partition, out var c) && c >= 0 ? c : null;
        long? logEnd = group.LogEndOffsets.TryGetValue(partition, out var e) ? e : null;
        var lag = Lag(committed, logEnd);
        long? oldest = group.OldestUnconsumedTimestamps.TryGetValue(partition, out var t) ? t : null;
        return new GroupOffsetRow(group.GroupId, partition.Topic, partition.Partition, committed, logEnd, lag, consumerId, host, clientId,
            LagSeconds(lag, oldest, group.ObservedAt));
    }
}
