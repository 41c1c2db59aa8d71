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

/// <summary>What ending a join phase did (<see cref="Group.TryCompleteJoin"/>).</summary>
/// <param name="Completed">The join phase ended: the group is now awaiting the leader's assignment, or empty.</param>
/// <param name="Dropped">The members removed for not rejoining in time.</param>
internal readonly record struct JoinCompletion(bool Completed, IReadOnlyList<GroupMember> Dropped);

/// <summary>
/// One classic group: members, generation, chosen protocol, and the state machine that moves it between
/// <see cref="GroupState"/>s (Kafka's GroupMetadata transitions). Each transition checks the state it starts from and
/// keeps the group's invariants (a leader while there are members, none of either when empty, a new generation for
/// each completed join and for the last member leaving); the coordinator around it answers requests, writes the
/// metadata record and runs the timers. Not thread-safe: callers hold <see cref="Sync"/>. Times are Unix milliseconds
/// passed in by the caller, so the transitions are pure functions of their arguments.
/// </summary>
internal sealed class Group(string id)
{
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);

    // Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join (KIP-394).
    private readonly HashSet<string> _offeredMemberIds = new(StringComparer.Ordinal);

    public string Id { get; } = id;

    public Lock Sync { get; } = new();

    public GroupState State { get; private set; } = GroupState.Empty;

    /// <summary>When the group last lost its last member (offset retention counts from here).</summary>
    public long EmptySince { get; private set; }

    public int Generation { get; private set; }

    public string? ProtocolType { get; private set; }

    public string? Protocol { get; private set; }

    public string? Leader { get; private set; }

    public IReadOnlyDictionary<string, GroupMember> Members => _members;

    /// <summary>When the latest join phase began (ms), for the rebalance-duration metric.</summary>
    public long RebalanceStartedAt { get; private set; }

    /// <summary>When the current join phase must end, members that have not rejoined by then being dropped.</summary>
    public long JoinDeadline { get; private set; }

    /// <summary>While an empty group is filling, the join phase waits this long after the last new member (group.initial.rebalance.delay.ms).</summary>
    public long InitialDelayUntil { get; private set; }

    /// <summary>
    /// A group as its metadata record left it, as Kafka's coordinator reloads it when it takes over the offsets
    /// partition: Stable at its stored generation when it has members (whose sessions start afresh at
    /// <paramref name="now"/>), Empty otherwise.
    /// </summary>
    public static Group Restore(string id, StoredGroup stored, long now)
    {
        var group = new Group(id)
        {
            State = stored.Members.Count > 0 ? GroupState.Stable : GroupState.Empty,
            Generation = stored.Generation,
            ProtocolType = stored.ProtocolType.Length > 0 ? stored.ProtocolType : null,
            Protocol = stored.Protocol,
            Leader = stored.Leader,
            EmptySince = Math.Max(0, stored.StateTimestamp),
        };
        foreach (var m in stored.Members)
        {
            group._members[m.MemberId] = new GroupMember(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost)
            {
                SessionTimeoutMs = m.SessionTimeoutMs,
                RebalanceTimeoutMs = m.RebalanceTimeoutMs,
                ProtocolType = stored.ProtocolType,
                Protocols = stored.Protocol is { } protocol ? [(protocol, m.Subscription)] : [],
                Assignment = m.Assignment,
                LastHeartbeat = now,
            };
        }
        return group;
    }

    public GroupMember? FindByInstance(string instanceId) => _members.Values.FirstOrDefault(m => m.InstanceId == instanceId);

    /// <summary>Kafka's supportsProtocols: some protocol of the joiner is supported by every other member.</summary>
    public bool SupportsProtocols(List<(string Name, byte[] Metadata)> protocols, string joiningMemberId) =>
        protocols.Any(p => _members.Values.Where(m => m.MemberId != joiningMemberId).All(m => m.Protocols.Any(q => q.Name == p.Name)));

    /// <summary>Remembers a member id handed out with MEMBER_ID_REQUIRED, so that the member may join with it.</summary>
    public void OfferMemberId(string memberId) => _offeredMemberIds.Add(memberId);

    /// <summary>Uses up an offered member id; false when it was never offered (or already used).</summary>
    public bool ClaimOfferedMemberId(string memberId) => _offeredMemberIds.Remove(memberId);

    /// <summary>
    /// Adds a new member. The first member of a group sets its protocol type and, when the group was empty, starts
    /// the initial delay; each further member of a filling group extends that delay, up to the join deadline
    /// (Kafka's InitialDelayedJoin). The first member becomes the leader.
    /// </summary>
    public void AddMember(GroupMember member, long now, int initialRebalanceDelayMs)
    {
        ThrowIfDead();
        if (_members.ContainsKey(member.MemberId))
        {
            throw new InvalidOperationException($"Group {Id} already has a member {member.MemberId}.");
        }
        if (_members.Count == 0)
        {
            ProtocolType = member.ProtocolType;
            if (State == GroupState.Empty && initialRebalanceDelayMs > 0)
            {
                InitialDelayUntil = now + initialRebalanceDelayMs;
            }
        }
        else if (InitialDelayUntil > now)
        {
            InitialDelayUntil = Math.Min(now + initialRebalanceDelayMs, JoinDeadline);
        }
        _members[member.MemberId] = member;
        Leader ??= member.MemberId;
    }

    /// <summary>
    /// A static member coming back without its member id (KIP-345) takes over its old place, leadership and
    /// assignment under <paramref name="newMemberId"/>; the old id is no longer a member.
    /// </summary>
    public void ReplaceStaticMember(GroupMember member, string newMemberId)
    {
        ThrowIfDead();
        if (member.InstanceId is null || !_members.TryGetValue(member.MemberId, out var known) || known != member)
        {
            throw new InvalidOperationException($"{member.MemberId} is not a static member of group {Id}.");
        }
        _members.Remove(member.MemberId);
        if (Leader == member.MemberId)
        {
            Leader = newMemberId;
        }
        member.MemberId = newMemberId;
        _members[newMemberId] = member;
    }

    /// <summary>
    /// Starts a join phase (PreparingRebalance) that ends when every member has rejoined or at the deadline: the
    /// longest rebalance timeout among the members and <paramref name="rebalanceTimeoutMs"/>. A join phase already
    /// under way goes on unchanged; returns whether a new one started.
    /// </summary>
    public bool BeginRebalance(long now, int rebalanceTimeoutMs)
    {
        ThrowIfDead();
        if (State == GroupState.PreparingRebalance)
        {
            return false;
        }
        State = GroupState.PreparingRebalance;
        RebalanceStartedAt = now;
        JoinDeadline = now + Math.Max(rebalanceTimeoutMs, _members.Values.Select(m => m.RebalanceTimeoutMs).DefaultIfEmpty(0).Max());
        if (InitialDelayUntil > JoinDeadline)
        {
            InitialDelayUntil = JoinDeadline;
        }
        return true;
    }

    /// <summary>
    /// Ends the join phase when every member is waiting in JoinGroup (and the initial delay is over), or when
    /// <paramref name="deadlinePassed"/>: members that did not rejoin are dropped and the generation advances. With
    /// no member left the group becomes Empty; otherwise it picks the protocol, keeps (or names) a leader, starts
    /// every member's session afresh and awaits the leader's assignment (CompletingRebalance).
    /// </summary>
    public JoinCompletion TryCompleteJoin(long now, bool deadlinePassed)
    {
        if (State != GroupState.PreparingRebalance)
        {
            throw new InvalidOperationException($"Group {Id} is {State}, not in a join phase.");
        }
        var allJoined = _members.Values.All(m => m.PendingJoin is not null);
        if (!deadlinePassed && (!allJoined || InitialDelayUntil > now))
        {
            return new JoinCompletion(false, []);
        }
        var late = _members.Values.Where(m => m.PendingJoin is null).ToList();
        foreach (var member in late)
        {
            _members.Remove(member.MemberId);
        }
        Generation++;
        if (_members.Count == 0)
        {
            BecomeEmpty(now);
            Leader = null;
            return new JoinCompletion(true, late);
        }
        Protocol = SelectProtocol();
        if (Leader is null || !_members.ContainsKey(Leader))
        {
            Leader = _members.Keys.First();
        }
        State = GroupState.CompletingRebalance;
        InitialDelayUntil = 0;
        foreach (var member in _members.Values)
        {
            member.LastHeartbeat = now;
        }
        return new JoinCompletion(true, late);
    }

    /// <summary>Takes the leader's assignment: each member gets its own, members it leaves out get none.</summary>
    public void AssignFromLeader(IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        ThrowUnlessCompletingRebalance();
        foreach (var m in _members.Values)
        {
            m.Assignment = [];
        }
        foreach (var (target, assignment) in assignments)
        {
            if (_members.TryGetValue(target, out var m))
            {
                m.Assignment = assignment;
            }
        }
    }

    /// <summary>The assignment is known (and stored): the group is Stable.</summary>
    public void CompleteRebalance()
    {
        ThrowUnlessCompletingRebalance();
        State = GroupState.Stable;
    }

    /// <summary>
    /// Removes a member; the next member takes the leadership if it had it. The last member leaving empties the
    /// group, which then starts a new generation with no protocol. With members left, the caller rebalances.
    /// </summary>
    public void RemoveMember(GroupMember member, long now)
    {
        if (!_members.TryGetValue(member.MemberId, out var known) || known != member)
        {
            throw new InvalidOperationException($"{member.MemberId} is not a member of group {Id}.");
        }
        _members.Remove(member.MemberId);
        if (Leader == member.MemberId)
        {
            Leader = _members.Keys.FirstOrDefault();
        }
        if (_members.Count == 0)
        {
            BecomeEmpty(now);
            Generation++;
        }
    }

    /// <summary>
    /// Whether a member of the group has not heartbeaten for its session timeout. A member blocked in JoinGroup does
    /// not heartbeat; the rebalance timeout bounds it instead.
    /// </summary>
    public bool HasSessionExpired(GroupMember member, long now) =>
        _members.TryGetValue(member.MemberId, out var known) && known == member
        && member.PendingJoin is null && now - member.LastHeartbeat > member.SessionTimeoutMs;

    /// <summary>The group is deleted (DeleteGroups); only an empty group can be, and a dead group accepts no transition.</summary>
    public void MarkDead()
    {
        if (_members.Count > 0)
        {
            throw new InvalidOperationException($"Group {Id} still has {_members.Count} members.");
        }
        State = GroupState.Dead;
    }

    private void BecomeEmpty(long now)
    {
        State = GroupState.Empty;
        EmptySince = now;
        Protocol = null;
    }

    // Each member votes for its most preferred protocol among those every member supports (Kafka's selectProtocol).
    private string SelectProtocol()
    {
        var candidates = _members.Values.Select(m => m.Protocols.Select(p => p.Name)).Aggregate((a, b) => a.Intersect(b)).ToList();
        return _members.Values
            .Select(m => m.Protocols.First(p => candidates.Contains(p.Name)).Name)
            .GroupBy(n => n)
            .OrderByDescending(g => g.Count())
            .First().Key;
    }

    private void ThrowIfDead()
    {
        if (State == GroupState.Dead)
        {
            throw new InvalidOperationException($"Group {Id} is dead.");
        }
    }

    private void ThrowUnlessCompletingRebalance()
    {
        if (State != GroupState.CompletingRebalance)
        {
            throw new InvalidOperationException($"Group {Id} is {State}, not awaiting the leader's assignment.");
        }
    }
}
