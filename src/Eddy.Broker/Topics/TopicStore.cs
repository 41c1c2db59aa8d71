using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eddy.Broker.Topics;

/// <summary>The durable list of topics (name, id, partition count, config overrides) in the data directory.</summary>
internal sealed class TopicStore(string dataDirectory)
{
    public sealed record TopicRecord(string Name, string Id, int Partitions, Dictionary<string, string> Configs);

    private sealed record Document(int Version, List<TopicRecord> Topics);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    private string FilePath => Path.Combine(dataDirectory, "eddy-topics.json");

    public List<TopicRecord> Load()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }
        var document = JsonSerializer.Deserialize<Document>(File.ReadAllText(FilePath), Json)
            ?? throw new InvalidDataException($"{FilePath} is empty.");
        return document.Topics;
    }

    /// <summary>Writes the whole list atomically: a crash leaves either the old or the new file, never half of one.</summary>
    public void Save(IEnumerable<TopicRecord> topics)
    {
        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, new Document(1, [.. topics.OrderBy(t => t.Name, StringComparer.Ordinal)]), Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, FilePath, overwrite: true);
    }
}
