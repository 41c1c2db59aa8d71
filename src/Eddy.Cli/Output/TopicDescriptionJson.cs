using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Cli.Output;

/// <summary>
/// <c>eddy topics describe --output json</c>: a JSON array with one object per topic —
/// <c>{"topic","topicId","internal","partitionCount","replicationFactor","configs":{k:v},"partitions":[{"partition","leader","replicas","isr"}]}</c>.
/// </summary>
public static class TopicDescriptionJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IEnumerable<TopicInfo> topics, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(output);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var topic in topics)
            {
                WriteTopic(writer, topic);
            }
            writer.WriteEndArray();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        output.Write('\n');
    }

    private static void WriteTopic(Utf8JsonWriter writer, TopicInfo topic)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", topic.Name);
        if (topic.TopicId is { } id && id != TopicDescriptionText.ZeroTopicId)
        {
            writer.WriteString("topicId", id);
        }
        else
        {
            writer.WriteNull("topicId");
        }
        writer.WriteBoolean("internal", topic.IsInternal);
        writer.WriteNumber("partitionCount", topic.Partitions.Count);
        writer.WriteNumber("replicationFactor", topic.ReplicationFactor);
        writer.WriteStartObject("configs");
        foreach (var (key, value) in topic.Configs)
        {
            if (value is null)
            {
                writer.WriteNull(key);
            }
            else
            {
                writer.WriteString(key, value);
            }
        }
        writer.WriteEndObject();
        writer.WriteStartArray("partitions");
        foreach (var partition in topic.Partitions.OrderBy(p => p.Partition))
        {
            writer.WriteStartObject();
            writer.WriteNumber("partition", partition.Partition);
            if (partition.Leader is { } leader)
            {
                writer.WriteNumber("leader", leader);
            }
            else
            {
                writer.WriteNull("leader");
            }
            WriteIds(writer, "replicas", partition.Replicas);
            WriteIds(writer, "isr", partition.Isr);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IReadOnlyList<int> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids)
        {
            writer.WriteNumberValue(id);
        }
        writer.WriteEndArray();
    }
}
