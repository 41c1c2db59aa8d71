using System.Buffers;
using System.Text.Json;
using Eddy.Registry.Storage;
using Json.Schema;

namespace Eddy.Registry.JsonSchemas;

/// <summary>
/// A JSON Schema as Confluent's registry holds one (its <c>JsonSchema</c>): the document checked against its draft's
/// meta-schema (JsonSchema.Net, for drafts 6, 7, 2019-09 and 2020-12; draft 4 by the loader's own keyword checks),
/// loaded for the compatibility checker, and its stored forms: <see cref="CanonicalString"/> (compact JSON, keys as
/// written, what Jackson's <c>writeValueAsString</c> gives) and <see cref="NormalizedString"/> (keys sorted at every
/// level, what normalize=true stores).
/// </summary>
public sealed class JsonSchemaDocument
{
    private static readonly EvaluationOptions MetaSchemaEvaluation = new() { OutputFormat = OutputFormat.List };

    private JsonSchemaDocument(JsonElement root, JsonSchemaDraft draft, JsonSchemaNode schema)
    {
        Root = root;
        Draft = draft;
        Schema = schema;
        CanonicalString = Write(root, sortKeys: false);
        NormalizedString = Write(root, sortKeys: true);
    }

    public JsonElement Root { get; }

    public JsonSchemaDraft Draft { get; }

    internal JsonSchemaNode Schema { get; }

    public string CanonicalString { get; }

    public string NormalizedString { get; }

    /// <summary>Parses and checks a schema document; every problem is a <see cref="JsonSchemaException"/> saying what and where.</summary>
    public static JsonSchemaDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new JsonSchemaException($"Invalid JSON{where}: {FirstSentence(e.Message)}", e);
        }
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new JsonSchemaException($"Invalid JSON schema: expected an object or boolean at the root, found {root.ValueKind.ToString().ToUpperInvariant()}");
        }
        var draft = JsonSchemaLoader.DraftOf(root);
        CheckAgainstMetaSchema(root, draft);
        return new JsonSchemaDocument(root, draft, JsonSchemaLoader.Load(root, draft));
    }

    private static void CheckAgainstMetaSchema(JsonElement root, JsonSchemaDraft draft)
    {
        var metaSchema = draft switch
        {
            JsonSchemaDraft.Draft6 => MetaSchemas.Draft6,
            JsonSchemaDraft.Draft7 => MetaSchemas.Draft7,
            JsonSchemaDraft.Draft201909 => MetaSchemas.Draft201909,
            JsonSchemaDraft.Draft202012 => MetaSchemas.Draft202012,
            _ => null,
        };
        if (metaSchema is null)
        {
            return;
        }
        var results = metaSchema.Evaluate(root, MetaSchemaEvaluation);
        if (results.IsValid)
        {
            return;
        }
        // The deepest failure says the most: "#/properties/age/type: ..." rather than "#: a subschema failed".
        var failure = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .OrderByDescending(d => d.InstanceLocation.ToString().Length)
            .FirstOrDefault();
        var location = failure?.InstanceLocation.ToString() ?? "";
        var message = failure?.Errors?.Values.FirstOrDefault() ?? "does not match its meta-schema";
        throw new JsonSchemaException($"#{location}: {message} (checked against the {Name(draft)} meta-schema)");
    }

    private static string Name(JsonSchemaDraft draft) => draft switch
    {
        JsonSchemaDraft.Draft4 => "draft-04",
        JsonSchemaDraft.Draft6 => "draft-06",
        JsonSchemaDraft.Draft7 => "draft-07",
        JsonSchemaDraft.Draft201909 => "draft 2019-09",
        _ => "draft 2020-12",
    };

    private static string FirstSentence(string message)
    {
        foreach (var marker in (string[])[" Path:", " LineNumber:"])
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }
        return message;
    }

    private static string Write(JsonElement root, bool sortKeys)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, RegistryRecords.WriterOptions))
        {
            WriteValue(writer, root, sortKeys);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value, bool sortKeys)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = value.EnumerateObject().ToList();
                if (sortKeys)
                {
                    properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                }
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value, sortKeys);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(writer, item, sortKeys);
                }
                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
