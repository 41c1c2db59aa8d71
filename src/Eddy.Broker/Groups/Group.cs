namespace Eddy.Broker.Groups;

/// <summary>The states of a classic consumer group (Kafka's GroupState names, as DescribeGroups reports them).</summary>
public enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// <summary>A member of a classic group and what it is waiting for.</summary>
internal sealed class GroupMember(string memberId, string? instanceId, string clientId, string clientHost)
{
    public string MemberId { get; set; } = memberId;

    public string? InstanceId { get; } = instanceId;

    public string ClientId { get; set; } = clientId;

    public string ClientHost { get; set; } = clientHost;

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public string ProtocolType { get; set; } = "";

    /// <summary>Protocol names with their metadata, in the member's order of preference.</summary>
    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    public long LastHeartbeat { get; set; }

    /// <summary>Completed when the join phase ends (the member's JoinGroup response is waiting on it).</summary>
    public TaskCompletionSource<JoinOutcome>? PendingJoin { get; set; }

    /// <summary>Completed when the leader's assignment arrives (the member's SyncGroup response is waiting on it).</summary>
    public TaskCompletionSource<SyncOutcome>? PendingSync { get; set; }

    public byte[] MetadataFor(string protocol) => Protocols.First(p => p.Name == protocol).Metadata;
}

/// <summary>What a JoinGroup is answered with.</summary>
internal sealed record JoinOutcome(short Error, int Generation, string? ProtocolType, string? ProtocolName, string Leader, string MemberId,
    IReadOnlyList<(string MemberId, string? InstanceId, byte[] Metadata)> Members);

/// <summary>What a SyncGroup is answered with.</summary>
internal sealed record SyncOutcome(short Error, string? ProtocolType, string? ProtocolName, byte[] Assignment);

/// <summary>One classic group: members, generation, chosen protocol. Guarded by its own lock (<see cref="Sync"/>).</summary>
internal sealed class Group(string id)
{
    public string Id { get; } = id;

    public Lock Sync { get; } = new();

    public GroupState State { get; set; } = GroupState.Empty;

    /// <summary>When the group last lost its last member (offset retention counts from here).</summary>
    public long EmptySince { get; set; }

    public int Generation { get; set; }

    public string? ProtocolType { get; set; }

    public string? Protocol { get; set; }

    public string? Leader { get; set; }

    public Dictionary<string, GroupMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join (KIP-394).</summary>
    public HashSet<string> PendingMemberIds { get; } = new(StringComparer.Ordinal);

    /// <summary>When the current join phase must end, members that have not rejoined by then being dropped.</summary>
    public long JoinDeadline { get; set; }

    /// <summary>While an empty group is filling, the join phase waits this long after the last new member (group.initial.rebalance.delay.ms).</summary>
    public long InitialDelayUntil { get; set; }

    public GroupMember? FindByInstance(string instanceId) => Members.Values.FirstOrDefault(m => m.InstanceId == instanceId);
}
