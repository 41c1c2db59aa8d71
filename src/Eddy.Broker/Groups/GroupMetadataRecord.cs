using Eddy.Protocol;

namespace Eddy.Broker.Groups;

/// <summary>A member as the group metadata record keeps it: the subscription of the group's chosen protocol and its assignment.</summary>
public sealed record StoredMember(string MemberId, string? InstanceId, string ClientId, string ClientHost,
    int RebalanceTimeoutMs, int SessionTimeoutMs, byte[] Subscription, byte[] Assignment);

/// <summary>A group as of its last completed rebalance (or as it became empty).</summary>
public sealed record StoredGroup(string ProtocolType, int Generation, string? Protocol, string? Leader, long StateTimestamp,
    IReadOnlyList<StoredMember> Members);

/// <summary>
/// Kafka's group metadata record in <c>__consumer_offsets</c>: key {version 2, group}, value {version 3, protocol type,
/// generation, protocol, leader, current state timestamp, members [member id, instance id, client id, client host,
/// rebalance timeout, session timeout, subscription, assignment]}. Kafka writes it when a rebalance completes and when
/// a group empties, and reloads groups from it when a coordinator starts, so that members stay members across a
/// broker restart instead of all rejoining (and their transactional offset commits keep their generation).
/// </summary>
internal static class GroupMetadataRecord
{
    public const short KeyVersion = 2;
    private const short ValueVersion = 3;

    public static byte[] EncodeKey(string group)
    {
        using var w = new KafkaWriter(64);
        w.WriteInt16(KeyVersion);
        w.WriteString(group);
        return w.WrittenMemory.ToArray();
    }

    public static byte[] EncodeValue(StoredGroup group)
    {
        using var w = new KafkaWriter(256);
        w.WriteInt16(ValueVersion);
        w.WriteString(group.ProtocolType);
        w.WriteInt32(group.Generation);
        w.WriteNullableString(group.Protocol);
        w.WriteNullableString(group.Leader);
        w.WriteInt64(group.StateTimestamp);
        w.WriteArrayLength(group.Members.Count, compact: false);
        foreach (var m in group.Members)
        {
            w.WriteString(m.MemberId);
            w.WriteNullableString(m.InstanceId);
            w.WriteString(m.ClientId);
            w.WriteString(m.ClientHost);
            w.WriteInt32(m.RebalanceTimeoutMs);
            w.WriteInt32(m.SessionTimeoutMs);
            w.WriteBytes(m.Subscription);
            w.WriteBytes(m.Assignment);
        }
        return w.WrittenMemory.ToArray();
    }

    /// <summary>The group named by a key of version 2; null for any other key (offset records).</summary>
    public static string? DecodeKey(ReadOnlyMemory<byte> key)
    {
        var reader = new KafkaReader(key);
        return reader.ReadInt16() == KeyVersion ? reader.ReadString() : null;
    }

    /// <summary>Reads values of versions 0–3 (the fields a version lacks take Kafka's defaults).</summary>
    public static StoredGroup DecodeValue(ReadOnlyMemory<byte> value)
    {
        var r = new KafkaReader(value);
        var version = r.ReadInt16();
        var protocolType = r.ReadString();
        var generation = r.ReadInt32();
        var protocol = r.ReadNullableString();
        var leader = r.ReadNullableString();
        var timestamp = version >= 2 ? r.ReadInt64() : -1;
        var count = r.ReadArrayLength(nullable: false);
        var members = new List<StoredMember>(count);
        for (var i = 0; i < count; i++)
        {
            var memberId = r.ReadString();
            var instanceId = version >= 3 ? r.ReadNullableString() : null;
            var clientId = r.ReadString();
            var clientHost = r.ReadString();
            var sessionTimeout = 0;
            var rebalanceTimeout = 0;
            if (version >= 1)
            {
                rebalanceTimeout = r.ReadInt32();
                sessionTimeout = r.ReadInt32();
            }
            else
            {
                sessionTimeout = rebalanceTimeout = r.ReadInt32();
            }
            members.Add(new StoredMember(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, r.ReadBytes(), r.ReadBytes()));
        }
        return new StoredGroup(protocolType, generation, protocol, leader, timestamp, members);
    }
}
