using System.Globalization;
using System.Text;

namespace Eddy.Cli.Output;

/// <summary>
/// kafka-topics.sh --describe output, byte for byte: a tab-separated header line per topic, then one indented line per
/// partition. Eddy's client sees no eligible leader replicas (ELR), so those columns read N/A as Kafka prints them
/// when the broker does not report ELR.
/// </summary>
public static class TopicDescriptionText
{
    /// <summary>Kafka omits the TopicId column for the all-zero id (a broker without topic ids).</summary>
    public const string ZeroTopicId = "AAAAAAAAAAAAAAAAAAAAAA";

    public static void Write(TopicInfo topic, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(output);
        var sb = new StringBuilder();
        sb.Append("Topic: ").Append(topic.Name);
        if (topic.TopicId is { } id && id != ZeroTopicId)
        {
            sb.Append("\tTopicId: ").Append(id);
        }
        sb.Append("\tPartitionCount: ").Append(topic.Partitions.Count.ToString(CultureInfo.InvariantCulture));
        sb.Append("\tReplicationFactor: ").Append(topic.ReplicationFactor.ToString(CultureInfo.InvariantCulture));
        // Java string concatenation prints a null (sensitive) value as "null"; the same is done here.
        sb.Append("\tConfigs: ").AppendJoin(',', topic.Configs.Select(c => $"{c.Key}={c.Value ?? "null"}"));
        sb.Append('\n');
        foreach (var partition in topic.Partitions.OrderBy(p => p.Partition))
        {
            sb.Append("\tTopic: ").Append(topic.Name);
            sb.Append("\tPartition: ").Append(partition.Partition.ToString(CultureInfo.InvariantCulture));
            sb.Append("\tLeader: ").Append(partition.Leader is { } leader ? leader.ToString(CultureInfo.InvariantCulture) : "none");
            sb.Append("\tReplicas: ").AppendJoin(',', partition.Replicas.Select(r => r.ToString(CultureInfo.InvariantCulture)));
            sb.Append("\tIsr: ").AppendJoin(',', partition.Isr.Select(r => r.ToString(CultureInfo.InvariantCulture)));
            sb.Append("\tElr: N/A\tLastKnownElr: N/A\n");
        }
        output.Write(sb.ToString());
    }
}
