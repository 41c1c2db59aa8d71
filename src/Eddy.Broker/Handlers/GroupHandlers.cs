using Eddy.Broker.Groups;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>FindCoordinator: this node coordinates every group (key type 0) and every transactional id (key type 1).</summary>
internal sealed class FindCoordinatorHandler(BrokerIdentity identity) : IRequestHandler
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (FindCoordinatorRequest)request;
        var response = new FindCoordinatorResponse();
        var supported = req.KeyType is GroupKeyType or TransactionKeyType;
        var error = supported ? ErrorCode.None : ErrorCode.InvalidRequest;
        var message = supported ? null : $"Unknown coordinator key type {req.KeyType}";
        if (context.ApiVersion >= 4)
        {
            foreach (var key in req.CoordinatorKeys)
            {
                response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
                {
                    Key = key,
                    NodeId = supported ? identity.NodeId : -1,
                    Host = supported ? identity.Host : "",
                    Port = supported ? identity.Port : -1,
                    ErrorCode = (short)error,
                    ErrorMessage = message,
                });
            }
        }
        else
        {
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = supported ? identity.NodeId : -1;
            response.Host = supported ? identity.Host : "";
            response.Port = supported ? identity.Port : -1;
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

internal sealed class JoinGroupHandler(GroupCoordinator groups) : IRequestHandler
{
    public async ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (JoinGroupRequest)request;
        if (string.IsNullOrEmpty(req.GroupId))
        {
            return new JoinGroupResponse { ErrorCode = (short)ErrorCode.InvalidGroupId, GenerationId = -1, MemberId = req.MemberId };
        }
        if (req.SessionTimeoutMs is < 1000 or > 1_800_000)
        {
            return new JoinGroupResponse { ErrorCode = (short)ErrorCode.InvalidSessionTimeout, GenerationId = -1, MemberId = req.MemberId };
        }
        var outcome = await groups.JoinAsync(new JoinRequest(
            req.GroupId, req.MemberId, req.GroupInstanceId, context.ClientId ?? "", HostOf(context),
            req.SessionTimeoutMs, context.ApiVersion >= 1 ? req.RebalanceTimeoutMs : req.SessionTimeoutMs,
            req.ProtocolType, [.. req.Protocols.Select(p => (p.Name, p.Metadata))], RequireKnownMemberId: context.ApiVersion >= 4), cancellationToken);
        return new JoinGroupResponse
        {
            ErrorCode = outcome.Error,
            GenerationId = outcome.Generation,
            ProtocolType = outcome.ProtocolType,
            ProtocolName = outcome.ProtocolName,
            Leader = outcome.Leader,
            MemberId = outcome.MemberId,
            Members = [.. outcome.Members.Select(m => new JoinGroupResponse.JoinGroupResponseMember { MemberId = m.MemberId, GroupInstanceId = m.InstanceId, Metadata = m.Metadata })],
        };
    }

    internal static string HostOf(RequestContext context) =>
        context.RemoteEndPoint is System.Net.IPEndPoint ip ? "/" + ip.Address : "/unknown";
}

internal sealed class SyncGroupHandler(GroupCoordinator groups) : IRequestHandler
{
    public async ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (SyncGroupRequest)request;
        var outcome = await groups.SyncAsync(req.GroupId, req.GenerationId, req.MemberId, req.ProtocolType, req.ProtocolName,
            [.. req.Assignments.Select(a => (a.MemberId, a.Assignment))], cancellationToken);
        return new SyncGroupResponse { ErrorCode = outcome.Error, ProtocolType = outcome.ProtocolType, ProtocolName = outcome.ProtocolName, Assignment = outcome.Assignment };
    }
}

internal sealed class HeartbeatHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (HeartbeatRequest)request;
        return ValueTask.FromResult<IApiMessage?>(new HeartbeatResponse { ErrorCode = (short)groups.Heartbeat(req.GroupId, req.GenerationId, req.MemberId) });
    }
}

internal sealed class LeaveGroupHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (LeaveGroupRequest)request;
        var response = new LeaveGroupResponse();
        if (context.ApiVersion < 3)
        {
            response.ErrorCode = (short)groups.Leave(req.GroupId, [(req.MemberId, null)])[0];
            return ValueTask.FromResult<IApiMessage?>(response);
        }
        var results = groups.Leave(req.GroupId, [.. req.Members.Select(m => (m.MemberId, m.GroupInstanceId))]);
        for (var i = 0; i < req.Members.Count; i++)
        {
            response.Members.Add(new LeaveGroupResponse.MemberResponse { MemberId = req.Members[i].MemberId, GroupInstanceId = req.Members[i].GroupInstanceId, ErrorCode = (short)results[i] });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>OffsetCommit: validated against the group's generation and member, then made durable before the answer.</summary>
/// <summary>What OffsetCommit and TxnOffsetCommit check of each partition they commit for.</summary>
internal static class OffsetCommitChecks
{
    private const int MaxMetadataBytes = 4096; // offset.metadata.max.bytes

    /// <summary>The group's error if any, else UNKNOWN_TOPIC_OR_PARTITION or OFFSET_METADATA_TOO_LARGE, else none.</summary>
    public static ErrorCode PartitionError(ErrorCode groupError, Topic? topic, int partition, string? metadata) =>
        groupError != ErrorCode.None ? groupError
        : topic?.Partition(partition) is null ? ErrorCode.UnknownTopicOrPartition
        : metadata is { Length: > MaxMetadataBytes } ? ErrorCode.OffsetMetadataTooLarge
        : ErrorCode.None;
}

internal sealed class OffsetCommitHandler(GroupCoordinator groups, TopicManager topics, TimeProvider time) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (OffsetCommitRequest)request;
        var response = new OffsetCommitResponse();
        var groupError = string.IsNullOrEmpty(req.GroupId) ? ErrorCode.InvalidGroupId
            : context.ApiVersion == 0 ? ErrorCode.None
            : groups.ValidateCommit(req.GroupId, req.GenerationIdOrMemberEpoch, req.MemberId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var commits = new List<(string, int, CommittedOffset)>();
        foreach (var t in req.Topics)
        {
            var topicResponse = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = t.Name };
            var topic = topics.Find(t.Name);
            foreach (var p in t.Partitions)
            {
                var error = OffsetCommitChecks.PartitionError(groupError, topic, p.PartitionIndex, p.CommittedMetadata);
                if (error == ErrorCode.None)
                {
                    var leaderEpoch = context.ApiVersion >= 6 ? p.CommittedLeaderEpoch : -1;
                    commits.Add((t.Name, p.PartitionIndex, new CommittedOffset(p.CommittedOffset, leaderEpoch, p.CommittedMetadata, now)));
                }
                topicResponse.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error });
            }
            response.Topics.Add(topicResponse);
        }
        groups.Offsets.Commit(req.GroupId, commits);
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>OffsetFetch: one group (v0-7) or several (v8+); all of a group's partitions when topics are null.</summary>
internal sealed class OffsetFetchHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (OffsetFetchRequest)request;
        var response = new OffsetFetchResponse();
        if (context.ApiVersion >= 8)
        {
            foreach (var g in req.Groups)
            {
                var requested = g.Topics?.Select(t => (t.Name, t.PartitionIndexes));
                response.Groups.Add(new OffsetFetchResponse.OffsetFetchResponseGroup
                {
                    GroupId = g.GroupId,
                    Topics = [.. Lookup(g.GroupId, requested, req.RequireStable).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopics
                    {
                        Name = t.Topic,
                        Partitions = [.. t.Partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartitions
                        {
                            PartitionIndex = p.Partition,
                            ErrorCode = (short)p.Error,
                            CommittedOffset = p.Offset?.Offset ?? -1,
                            CommittedLeaderEpoch = p.Offset?.LeaderEpoch ?? -1,
                            Metadata = p.Offset?.Metadata ?? "",
                        })],
                    })],
                });
            }
            return ValueTask.FromResult<IApiMessage?>(response);
        }
        var topicsRequested = req.Topics?.Select(t => (t.Name, t.PartitionIndexes));
        foreach (var (topic, partitions) in Lookup(req.GroupId, topicsRequested, context.ApiVersion >= 7 && req.RequireStable))
        {
            response.Topics.Add(new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = topic,
                Partitions = [.. partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
                {
                    PartitionIndex = p.Partition,
                    ErrorCode = (short)p.Error,
                    CommittedOffset = p.Offset?.Offset ?? -1,
                    CommittedLeaderEpoch = p.Offset?.LeaderEpoch ?? -1,
                    Metadata = p.Offset?.Metadata ?? "",
                })],
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    /// <summary>
    /// The committed offsets asked for (all of the group's when <paramref name="requested"/> is null). With
    /// <paramref name="requireStable"/> (read_committed consumers), a partition with a transactional commit still
    /// pending answers UNSTABLE_OFFSET_COMMIT, which the client retries until the transaction ends.
    /// </summary>
    private IEnumerable<(string Topic, IEnumerable<(int Partition, CommittedOffset? Offset, ErrorCode Error)> Partitions)> Lookup(
        string group, IEnumerable<(string Name, List<int> Partitions)>? requested, bool requireStable)
    {
        (int, CommittedOffset?, ErrorCode) Answer(string topic, int partition, CommittedOffset? offset) =>
            requireStable && groups.Offsets.HasPendingTransactionalOffset(group, topic, partition)
                ? (partition, null, ErrorCode.UnstableOffsetCommit)
                : (partition, offset, ErrorCode.None);
        if (requested is null)
        {
            return groups.Offsets.Offsets(group)
                .GroupBy(kv => kv.Key.Topic)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.OrderBy(kv => kv.Key.Partition).Select(kv => Answer(g.Key, kv.Key.Partition, kv.Value))));
        }
        return requested.Select(t => (t.Name, t.Partitions.Select(p => Answer(t.Name, p, groups.Offsets.Get(group, t.Name, p)))));
    }
}

internal sealed class DescribeGroupsHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DescribeGroupsRequest)request;
        var response = new DescribeGroupsResponse();
        foreach (var id in req.Groups)
        {
            var group = groups.Describe(id);
            response.Groups.Add(new DescribeGroupsResponse.DescribedGroup
            {
                ErrorCode = 0,
                GroupId = id,
                GroupState = (group?.State ?? GroupState.Dead).ToString(),
                ProtocolType = group?.ProtocolType ?? "",
                ProtocolData = group?.Protocol ?? "",
                AuthorizedOperations = int.MinValue,
                Members = [.. (group?.Members ?? []).Select(m => new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = m.MemberId,
                    GroupInstanceId = m.InstanceId,
                    ClientId = m.ClientId,
                    ClientHost = m.ClientHost,
                    MemberMetadata = m.Metadata,
                    MemberAssignment = m.Assignment,
                })],
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

internal sealed class ListGroupsHandler(GroupCoordinator groups) : IRequestHandler
{
    private const string ClassicGroupType = "classic";

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (ListGroupsRequest)request;
        var response = new ListGroupsResponse();
        // As Kafka's coordinator: both filters case-insensitive (states trimmed too), ANDed; every Eddy group is a classic one.
        var states = req.StatesFilter.Select(s => s.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (req.TypesFilter.Count > 0 && !req.TypesFilter.Contains(ClassicGroupType, StringComparer.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<IApiMessage?>(response);
        }
        foreach (var group in groups.List())
        {
            var state = group.State.ToString();
            if (states.Count > 0 && !states.Contains(state))
            {
                continue;
            }
            response.Groups.Add(new ListGroupsResponse.ListedGroup { GroupId = group.GroupId, ProtocolType = group.ProtocolType, GroupState = state, GroupType = ClassicGroupType });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

internal sealed class DeleteGroupsHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DeleteGroupsRequest)request;
        var response = new DeleteGroupsResponse();
        foreach (var id in req.GroupsNames)
        {
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = (short)groups.Delete(id) });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>OffsetDelete: drops committed offsets of partitions the group no longer consumes.</summary>
internal sealed class OffsetDeleteHandler(GroupCoordinator groups) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (OffsetDeleteRequest)request;
        var requested = req.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).ToList();
        var (groupError, results) = groups.DeleteOffsets(req.GroupId, requested);
        var response = new OffsetDeleteResponse { ErrorCode = (short)groupError };
        if (groupError == ErrorCode.None)
        {
            foreach (var t in req.Topics)
            {
                response.Topics.Add(new OffsetDeleteResponse.OffsetDeleteResponseTopic
                {
                    Name = t.Name,
                    Partitions = [.. t.Partitions.Select(p => new OffsetDeleteResponse.OffsetDeleteResponsePartition
                    {
                        PartitionIndex = p.PartitionIndex,
                        ErrorCode = (short)results[(t.Name, p.PartitionIndex)],
                    })],
                });
            }
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}
