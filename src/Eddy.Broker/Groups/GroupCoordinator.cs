using System.Collections.Concurrent;
using Eddy.Protocol;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Groups;

/// <summary>The parameters of one JoinGroup request.</summary>
internal sealed record JoinRequest(string GroupId, string MemberId, string? InstanceId, string ClientId, string ClientHost,
    int SessionTimeoutMs, int RebalanceTimeoutMs, string ProtocolType, List<(string Name, byte[] Metadata)> Protocols, bool RequireKnownMemberId);

/// <summary>
/// Kafka's classic group protocol (the one librdkafka, kafka-python and kafkajs use): members join, the coordinator
/// waits for every known member to rejoin (or the rebalance timeout), picks a protocol all members support, names a
/// leader and hands it the members' metadata; the leader's SyncGroup carries everyone's assignment. Assignment is
/// the clients' business: any protocol type is accepted and its bytes are opaque here. Members that stop
/// heartbeating for their session timeout are removed and the group rebalances.
/// </summary>
public sealed partial class GroupCoordinator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _initialRebalanceDelayMs;
    private readonly long _offsetsRetentionMs;
    private long _nextRetentionCheck;
    private long _rebalances;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _ticker;

    public GroupCoordinator(OffsetStore offsets, int initialRebalanceDelayMs, long offsetsRetentionMs, TimeProvider time, ILogger<GroupCoordinator> logger)
    {
        Offsets = offsets;
        _initialRebalanceDelayMs = initialRebalanceDelayMs;
        _offsetsRetentionMs = offsetsRetentionMs;
        _time = time;
        _logger = logger;
        LoadStoredGroups();
        _ticker = TickAsync();
    }

    public OffsetStore Offsets { get; }

    /// <summary>Join phases begun since the broker started, across groups (the metrics read it).</summary>
    public long Rebalances => Interlocked.Read(ref _rebalances);

    /// <summary>Called when a rebalance ends with the group Stable, with its duration in seconds (the metrics set it).</summary>
    internal Action<double>? RebalanceCompleted { get; set; }

    /// <summary>How many groups are in each state, and how many members they have (the metrics read it).</summary>
    public IReadOnlyList<(string GroupId, GroupState State, int Members)> States()
    {
        var states = new List<(string, GroupState, int)>(_groups.Count);
        foreach (var group in _groups.Values)
        {
            lock (group.Sync)
            {
                if (group.State != GroupState.Dead)
                {
                    states.Add((group.Id, group.State, group.Members.Count));
                }
            }
        }
        // Groups known only by their committed offsets (no member since the broker started) are Empty, as Describe says.
        foreach (var id in Offsets.Groups)
        {
            if (!_groups.ContainsKey(id))
            {
                states.Add((id, GroupState.Empty, 0));
            }
        }
        return states;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal async Task<JoinOutcome> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var group = _groups.GetOrAdd(request.GroupId, id => new Group(id));
        Task<JoinOutcome> wait;
        lock (group.Sync)
        {
            if (request.Protocols.Count == 0 || request.ProtocolType.Length == 0
                || (group.Members.Count > 0 && group.ProtocolType != request.ProtocolType)
                || (group.Members.Count > 0 && !group.SupportsProtocols(request.Protocols, request.MemberId)))
            {
                return Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId);
            }
            if (group.State == GroupState.Dead)
            {
                return Failed(ErrorCode.CoordinatorNotAvailable, request.MemberId);
            }
            GroupMember member;
            if (request.MemberId.Length == 0)
            {
                var newId = $"{request.ClientId}-{Guid.NewGuid()}";
                if (request.InstanceId is { } instanceId && group.FindByInstance(instanceId) is { } existing)
                {
                    // A static member coming back (KIP-345): it takes over its old place and assignment, and
                    // whatever its previous incarnation still waits for is fenced.
                    existing.PendingJoin?.TrySetResult(Failed(ErrorCode.FencedInstanceId, existing.MemberId));
                    existing.PendingSync?.TrySetResult(new SyncOutcome((short)ErrorCode.FencedInstanceId, null, null, []));
                    group.ReplaceStaticMember(existing, newId);
                    Update(existing, request);
                    if (group.State == GroupState.Stable && SameProtocols(existing, request.Protocols))
                    {
                        StoreGroup(group);
                        return Outcome(group, existing, ErrorCode.None);
                    }
                    member = existing;
                }
                else if (request.RequireKnownMemberId && request.InstanceId is null)
                {
                    group.OfferMemberId(newId);
                    return Failed(ErrorCode.MemberIdRequired, newId);
                }
                else
                {
                    member = new GroupMember(newId, request.InstanceId, request.ClientId, request.ClientHost);
                    Update(member, request);
                    group.AddMember(member, Now, _initialRebalanceDelayMs);
                }
            }
            else if (group.Members.TryGetValue(request.MemberId, out var known))
            {
                member = known;
                var unchanged = SameProtocols(member, request.Protocols);
                Update(member, request);
                if (group.State == GroupState.Stable && unchanged && member.MemberId != group.Leader)
                {
                    // A follower rejoining with what it had: nothing to rebalance (as Kafka does).
                    return Outcome(group, member, ErrorCode.None);
                }
            }
            else if (group.ClaimOfferedMemberId(request.MemberId))
            {
                member = new GroupMember(request.MemberId, request.InstanceId, request.ClientId, request.ClientHost);
                Update(member, request);
                group.AddMember(member, Now, _initialRebalanceDelayMs);
            }
            else
            {
                return Failed(ErrorCode.UnknownMemberId, request.MemberId);
            }

            member.PendingJoin?.TrySetResult(Failed(ErrorCode.UnknownMemberId, member.MemberId));
            member.PendingJoin = new TaskCompletionSource<JoinOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = member.PendingJoin.Task;
            Rebalance(group, member.RebalanceTimeoutMs);
            TryCompleteJoin(group);
        }
        return await wait.WaitAsync(cancellationToken);
    }

    internal async Task<SyncOutcome> SyncAsync(string groupId, int generation, string memberId, string? protocolType, string? protocolName,
        IReadOnlyList<(string MemberId, byte[] Assignment)> assignments, CancellationToken cancellationToken)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return new SyncOutcome((short)ErrorCode.UnknownMemberId, null, null, []);
        }
        Task<SyncOutcome> wait;
        lock (group.Sync)
        {
            if (!group.Members.TryGetValue(memberId, out var member))
            {
                return new SyncOutcome((short)ErrorCode.UnknownMemberId, null, null, []);
            }
            if (generation != group.Generation)
            {
                return new SyncOutcome((short)ErrorCode.IllegalGeneration, null, null, []);
            }
            if ((protocolType is not null && protocolType != group.ProtocolType) || (protocolName is not null && protocolName != group.Protocol))
            {
                return new SyncOutcome((short)ErrorCode.InconsistentGroupProtocol, null, null, []);
            }
            switch (group.State)
            {
                case GroupState.PreparingRebalance:
                    return new SyncOutcome((short)ErrorCode.RebalanceInProgress, null, null, []);
                case GroupState.Stable:
                    return new SyncOutcome(0, group.ProtocolType, group.Protocol, member.Assignment);
            }
            member.LastHeartbeat = Now;
            member.PendingSync = new TaskCompletionSource<SyncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = member.PendingSync.Task;
            if (memberId == group.Leader)
            {
                group.AssignFromLeader(assignments);
                // Kafka's order: the assignment is made durable before anyone learns it.
                StoreGroup(group);
                group.CompleteRebalance();
                RebalanceCompleted?.Invoke(Math.Max(0, Now - group.RebalanceStartedAt) / 1000.0);
                LogStable(group.Id, group.Generation, group.Members.Count);
                foreach (var m in group.Members.Values)
                {
                    m.PendingSync?.TrySetResult(new SyncOutcome(0, group.ProtocolType, group.Protocol, m.Assignment));
                    m.PendingSync = null;
                }
            }
        }
        return await wait.WaitAsync(cancellationToken);
    }

    internal ErrorCode Heartbeat(string groupId, int generation, string memberId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ErrorCode.UnknownMemberId;
        }
        lock (group.Sync)
        {
            if (!group.Members.TryGetValue(memberId, out var member))
            {
                return ErrorCode.UnknownMemberId;
            }
            if (generation != group.Generation)
            {
                return ErrorCode.IllegalGeneration;
            }
            member.LastHeartbeat = Now;
            return group.State == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
        }
    }

    /// <summary>Removes members (by member id, or by instance id for static members); returns an error per member.</summary>
    internal List<ErrorCode> Leave(string groupId, IReadOnlyList<(string MemberId, string? InstanceId)> leaving)
    {
        var results = new List<ErrorCode>(leaving.Count);
        if (!_groups.TryGetValue(groupId, out var group))
        {
            results.AddRange(leaving.Select(_ => ErrorCode.UnknownMemberId));
            return results;
        }
        lock (group.Sync)
        {
            foreach (var (memberId, instanceId) in leaving)
            {
                var member = instanceId is not null ? group.FindByInstance(instanceId) : group.Members.GetValueOrDefault(memberId);
                if (member is null || (instanceId is not null && memberId.Length > 0 && member.MemberId != memberId))
                {
                    results.Add(member is null ? ErrorCode.UnknownMemberId : ErrorCode.FencedInstanceId);
                    continue;
                }
                RemoveMember(group, member, "left the group");
                results.Add(ErrorCode.None);
            }
        }
        return results;
    }

    /// <summary>Checks that a commit comes from a current member (or from outside the group machinery while it is empty).</summary>
    internal ErrorCode ValidateCommit(string groupId, int generation, string memberId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return generation < 0 ? ErrorCode.None : ErrorCode.IllegalGeneration;
        }
        lock (group.Sync)
        {
            if (generation < 0 && group.Members.Count == 0)
            {
                return ErrorCode.None;
            }
            // Kafka's order: while the leader's assignment is awaited every commit waits, whatever its generation.
            if (group.State == GroupState.CompletingRebalance)
            {
                return ErrorCode.RebalanceInProgress;
            }
            if (!group.Members.TryGetValue(memberId, out var member))
            {
                return ErrorCode.UnknownMemberId;
            }
            if (generation != group.Generation)
            {
                return ErrorCode.IllegalGeneration;
            }
            member.LastHeartbeat = Now;
            return ErrorCode.None;
        }
    }

    /// <summary>
    /// TxnOffsetCommit v3+ (KIP-447): a commit carrying the consumer's group metadata must come from a current member
    /// of the current generation, so a zombie whose partitions moved cannot commit for them. Without metadata
    /// (generation -1, no member id; older clients) there is nothing to check. Unlike OffsetCommit, a rebalance in
    /// progress does not refuse it: the producer's transaction decides.
    /// </summary>
    internal ErrorCode ValidateTransactionalCommit(string groupId, int generation, string memberId, string? instanceId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return generation < 0 && memberId.Length == 0 ? ErrorCode.None : ErrorCode.IllegalGeneration;
        }
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead)
            {
                return ErrorCode.CoordinatorNotAvailable;
            }
            if (instanceId is not null && group.FindByInstance(instanceId) is { } owner && owner.MemberId != memberId)
            {
                return ErrorCode.FencedInstanceId;
            }
            if (memberId.Length > 0 && !group.Members.ContainsKey(memberId))
            {
                return ErrorCode.UnknownMemberId;
            }
            return generation >= 0 && generation != group.Generation ? ErrorCode.IllegalGeneration : ErrorCode.None;
        }
    }

    /// <summary>A snapshot of a group for DescribeGroups and the CLI; null when the group is unknown.</summary>
    public GroupDescription? Describe(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return Offsets.Offsets(groupId).Count > 0 ? new GroupDescription(groupId, GroupState.Empty, "consumer", "", []) : null;
        }
        lock (group.Sync)
        {
            return new GroupDescription(group.Id, group.State, group.ProtocolType ?? "", group.State == GroupState.Stable ? group.Protocol ?? "" : "",
                [.. group.Members.Values.Select(m => new MemberDescription(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost,
                    group.Protocol is { } p && m.Protocols.Any(x => x.Name == p) ? m.MetadataFor(p) : [], m.Assignment))], group.Generation);
        }
    }

    public IReadOnlyList<GroupDescription> List()
    {
        var ids = _groups.Keys.Concat(Offsets.Groups).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. ids.Select(Describe).OfType<GroupDescription>().Where(g => g.State != GroupState.Dead)];
    }

    /// <summary>
    /// OffsetDelete: removes a group's committed offsets for the given partitions, except for topics that an active
    /// member of a consumer group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC, as Kafka answers).
    /// </summary>
    public (ErrorCode GroupError, Dictionary<(string Topic, int Partition), ErrorCode> Partitions) DeleteOffsets(
        string groupId, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        if (_groups.TryGetValue(groupId, out var group))
        {
            lock (group.Sync)
            {
                foreach (var member in group.Members.Values.Where(m => m.ProtocolType == ConsumerProtocol.ProtocolType))
                {
                    foreach (var (_, metadata) in member.Protocols)
                    {
                        subscribed.UnionWith(ConsumerProtocol.SubscribedTopics(metadata));
                    }
                }
            }
        }
        else if (Offsets.Offsets(groupId).Count == 0)
        {
            return (ErrorCode.GroupIdNotFound, []);
        }
        var results = partitions.Distinct().ToDictionary(p => p, p => subscribed.Contains(p.Topic) ? ErrorCode.GroupSubscribedToTopic : ErrorCode.None);
        Offsets.Delete(groupId, results.Where(r => r.Value == ErrorCode.None).Select(r => r.Key));
        return (ErrorCode.None, results);
    }

    /// <summary>Deletes an empty group and its offsets.</summary>
    public ErrorCode Delete(string groupId)
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            lock (group.Sync)
            {
                if (group.Members.Count > 0)
                {
                    return ErrorCode.NonEmptyGroup;
                }
                group.MarkDead();
                _groups.TryRemove(groupId, out _);
            }
        }
        else if (Offsets.Offsets(groupId).Count == 0)
        {
            return ErrorCode.GroupIdNotFound;
        }
        Offsets.Delete(groupId);
        Offsets.DeleteGroup(groupId);
        return ErrorCode.None;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _ticker;
        foreach (var group in _groups.Values)
        {
            lock (group.Sync)
            {
                foreach (var member in group.Members.Values)
                {
                    member.PendingJoin?.TrySetResult(Failed(ErrorCode.CoordinatorNotAvailable, member.MemberId));
                    member.PendingSync?.TrySetResult(new SyncOutcome((short)ErrorCode.CoordinatorNotAvailable, null, null, []));
                }
            }
        }
        _stopping.Dispose();
    }

    // ---- orchestration of the group's transitions: answering the members that wait, storing, logging ----

    private static void Update(GroupMember member, JoinRequest request)
    {
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        member.SessionTimeoutMs = request.SessionTimeoutMs;
        member.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        member.ProtocolType = request.ProtocolType;
        member.Protocols = request.Protocols;
    }

    private void Rebalance(Group group, int rebalanceTimeoutMs)
    {
        if (group.State == GroupState.CompletingRebalance)
        {
            // Members waiting for the leader's assignment must rejoin instead.
            foreach (var m in group.Members.Values)
            {
                m.PendingSync?.TrySetResult(new SyncOutcome((short)ErrorCode.RebalanceInProgress, null, null, []));
                m.PendingSync = null;
            }
        }
        if (group.BeginRebalance(Now, rebalanceTimeoutMs))
        {
            Interlocked.Increment(ref _rebalances);
        }
    }

    /// <summary>Ends the join phase when every member has rejoined (and an initial delay is over), or when the deadline passed.</summary>
    private void TryCompleteJoin(Group group, bool deadlinePassed = false)
    {
        var completion = group.TryCompleteJoin(Now, deadlinePassed);
        foreach (var late in completion.Dropped)
        {
            LogMemberRemoved(group.Id, late.MemberId, "did not rejoin before the rebalance timeout");
        }
        if (!completion.Completed)
        {
            return;
        }
        if (group.State == GroupState.Empty)
        {
            StoreGroup(group);
            return;
        }
        foreach (var member in group.Members.Values)
        {
            member.PendingJoin!.TrySetResult(Outcome(group, member, ErrorCode.None));
            member.PendingJoin = null;
        }
    }

    private static JoinOutcome Outcome(Group group, GroupMember member, ErrorCode error) => new(
        (short)error, group.Generation, group.ProtocolType, group.Protocol, group.Leader ?? "", member.MemberId,
        member.MemberId == group.Leader && group.Protocol is { } protocol
            ? [.. group.Members.Values.Select(m => (m.MemberId, m.InstanceId, m.MetadataFor(protocol)))]
            : []);

    private static JoinOutcome Failed(ErrorCode error, string memberId) => new((short)error, -1, null, null, "", memberId, []);

    private void RemoveMember(Group group, GroupMember member, string reason)
    {
        group.RemoveMember(member, Now);
        member.PendingJoin?.TrySetResult(Failed(ErrorCode.UnknownMemberId, member.MemberId));
        member.PendingSync?.TrySetResult(new SyncOutcome((short)ErrorCode.UnknownMemberId, null, null, []));
        LogMemberRemoved(group.Id, member.MemberId, reason);
        if (group.State == GroupState.Empty)
        {
            StoreGroup(group);
            return;
        }
        Rebalance(group, 0);
        TryCompleteJoin(group);
    }

    /// <summary>Writes the group's metadata record: members, generation, protocol, leader and assignments.</summary>
    private void StoreGroup(Group group) => Offsets.StoreGroup(group.Id, new StoredGroup(
        group.ProtocolType ?? "", group.Generation, group.Protocol, group.Leader, Now,
        [.. group.Members.Values.Select(m => new StoredMember(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs,
            m.SessionTimeoutMs, group.Protocol is { } p && m.Protocols.Any(x => x.Name == p) ? m.MetadataFor(p) : [], m.Assignment))]));

    /// <summary>
    /// Reloads the groups of the metadata records, as Kafka's coordinator does when it takes over the offsets
    /// partition: a group with members is Stable at its stored generation and its members' sessions start afresh,
    /// so clients that keep heartbeating go on without a rebalance.
    /// </summary>
    private void LoadStoredGroups()
    {
        var now = Now;
        foreach (var (id, stored) in Offsets.StoredGroups)
        {
            _groups[id] = Group.Restore(id, stored, now);
        }
    }

    private static bool SameProtocols(GroupMember member, List<(string Name, byte[] Metadata)> protocols) =>
        member.Protocols.Count == protocols.Count
        && member.Protocols.Zip(protocols).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var now = Now;
                foreach (var group in _groups.Values)
                {
                    lock (group.Sync)
                    {
                        foreach (var member in group.Members.Values.ToList())
                        {
                            // Checked one by one: removing a member may end a join phase, which restarts the others' sessions.
                            if (group.HasSessionExpired(member, now))
                            {
                                RemoveMember(group, member, "session timed out");
                            }
                        }
                        if (group.State == GroupState.PreparingRebalance)
                        {
                            TryCompleteJoin(group, deadlinePassed: now >= group.JoinDeadline);
                        }
                    }
                }
                if (now >= _nextRetentionCheck)
                {
                    _nextRetentionCheck = now + Math.Min(60_000, Math.Max(1000, _offsetsRetentionMs / 10));
                    ExpireOffsets(now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// offsets.retention.minutes: a group's committed offsets expire once the group has had no members, and the offset
    /// no new commit, for the retention period (Kafka 2.1+ semantics). Active groups keep theirs.
    /// </summary>
    private void ExpireOffsets(long now)
    {
        foreach (var groupId in Offsets.Groups.ToList())
        {
            var emptySince = 0L;
            if (_groups.TryGetValue(groupId, out var group))
            {
                lock (group.Sync)
                {
                    if (group.Members.Count > 0)
                    {
                        continue;
                    }
                    emptySince = group.EmptySince;
                }
            }
            if (now - emptySince < _offsetsRetentionMs)
            {
                continue;
            }
            var expired = Offsets.Offsets(groupId).Where(kv => now - kv.Value.CommitTimestamp >= _offsetsRetentionMs).Select(kv => kv.Key).ToList();
            if (expired.Count > 0)
            {
                Offsets.Delete(groupId, expired);
                LogOffsetsExpired(groupId, expired.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: {Count} committed offsets expired (offsets.retention.minutes)")]
    private partial void LogOffsetsExpired(string group, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} is stable at generation {Generation} with {Members} members")]
    private partial void LogStable(string group, int generation, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: member {Member} removed: {Reason}")]
    private partial void LogMemberRemoved(string group, string member, string reason);
}

public sealed record MemberDescription(string MemberId, string? InstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

public sealed record GroupDescription(string GroupId, GroupState State, string ProtocolType, string Protocol, IReadOnlyList<MemberDescription> Members, int Generation = 0);
