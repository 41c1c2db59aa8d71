using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Cli.Output;

/// <summary>
/// <c>eddy groups describe --output json</c>: one document, <c>{"groups":[...]}</c>, each group
/// <c>{"group","state","coordinator":{"id","host","port"}|null,"assignmentStrategy","members":[{"consumerId",
/// "groupInstanceId","host","clientId","assignment":[{"topic","partition"}]}],"offsets":[{"topic","partition",
/// "currentOffset","logEndOffset","lag","lagSeconds","consumerId","host","clientId"}]}</c>, with null for the values the text
/// view prints as '-'.
/// </summary>
public static class GroupDescriptionJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IEnumerable<ConsumerGroupInfo> groups, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(output);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("groups");
            foreach (var group in groups)
            {
                WriteGroup(writer, group);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        output.Write('\n');
    }

    private static void WriteGroup(Utf8JsonWriter writer, ConsumerGroupInfo group)
    {
        writer.WriteStartObject();
        writer.WriteString("group", group.GroupId);
        writer.WriteString("state", group.State);
        if (group.Coordinator is { } coordinator)
        {
            writer.WriteStartObject("coordinator");
            writer.WriteNumber("id", coordinator.Id);
            writer.WriteString("host", coordinator.Host);
            writer.WriteNumber("port", coordinator.Port);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("coordinator");
        }
        WriteString(writer, "assignmentStrategy", string.IsNullOrEmpty(group.AssignmentStrategy) ? null : group.AssignmentStrategy);
        writer.WriteStartArray("members");
        foreach (var member in group.Members)
        {
            writer.WriteStartObject();
            writer.WriteString("consumerId", member.ConsumerId);
            WriteString(writer, "groupInstanceId", string.IsNullOrEmpty(member.GroupInstanceId) ? null : member.GroupInstanceId);
            writer.WriteString("host", member.Host);
            writer.WriteString("clientId", member.ClientId);
            writer.WriteStartArray("assignment");
            foreach (var partition in member.Assignment.Order())
            {
                writer.WriteStartObject();
                writer.WriteString("topic", partition.Topic);
                writer.WriteNumber("partition", partition.Partition);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("offsets");
        foreach (var row in GroupOffsetRows.Build(group))
        {
            writer.WriteStartObject();
            writer.WriteString("topic", row.Topic);
            writer.WriteNumber("partition", row.Partition);
            WriteNumber(writer, "currentOffset", row.CurrentOffset);
            WriteNumber(writer, "logEndOffset", row.LogEndOffset);
            WriteNumber(writer, "lag", row.Lag);
            if (row.LagSeconds is { } seconds)
            {
                writer.WriteNumber("lagSeconds", Math.Round(seconds, 3));
            }
            else
            {
                writer.WriteNull("lagSeconds");
            }
            WriteString(writer, "consumerId", row.ConsumerId);
            WriteString(writer, "host", row.Host);
            WriteString(writer, "clientId", row.ClientId);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
