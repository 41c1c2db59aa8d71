using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Registry.Storage;

/// <summary>A record key of the <c>_schemas</c> topic.</summary>
public abstract record RegistryKey
{
    /// <summary>The key's JSON bytes in Confluent's exact field order, so compaction replaces and tombstones records
    /// written by Confluent's or Karapace's registry (and theirs ours).</summary>
    public abstract byte[] ToBytes();
}

/// <summary><c>{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}</c>: one version of a subject.</summary>
public sealed record SchemaKey(string Subject, int Version) : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.Write(w =>
    {
        w.WriteString("keytype", "SCHEMA");
        w.WriteString("subject", Subject);
        w.WriteNumber("version", Version);
        w.WriteNumber("magic", 1);
    });
}

/// <summary><c>{"keytype":"CONFIG","subject":null,"magic":0}</c>: the global (null subject) or a subject's config.</summary>
public sealed record ConfigKey(string? Subject) : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.SubjectKey("CONFIG", Subject);
}

/// <summary><c>{"keytype":"MODE","subject":null,"magic":0}</c>: the global (null subject) or a subject's mode.</summary>
public sealed record ModeKey(string? Subject) : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.SubjectKey("MODE", Subject);
}

/// <summary><c>{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}</c>: soft-deletes a subject's versions up to a watermark.</summary>
public sealed record DeleteSubjectKey(string Subject) : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.SubjectKey("DELETE_SUBJECT", Subject);
}

/// <summary><c>{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}</c>: drops a subject's soft-deleted versions from memory.</summary>
public sealed record ClearSubjectKey(string? Subject) : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.SubjectKey("CLEAR_SUBJECT", Subject);
}

/// <summary><c>{"keytype":"NOOP","magic":0}</c>: written with a null value by Confluent to learn the end offset.</summary>
public sealed record NoopKey : RegistryKey
{
    public override byte[] ToBytes() => RegistryRecords.Write(w =>
    {
        w.WriteString("keytype", "NOOP");
        w.WriteNumber("magic", 0);
    });
}

/// <summary>A key of a type this registry does not use (CONTEXT, ASSOC, ...): read and ignored.</summary>
public sealed record OtherKey(string KeyType) : RegistryKey
{
    public override byte[] ToBytes() => throw new NotSupportedException($"Eddy does not write {KeyType} records");
}

/// <summary>A SCHEMA record's value.</summary>
public sealed record SchemaValue(string Subject, int Version, int Id, string Schema, bool Deleted, string? SchemaType = null)
{
    /// <summary>
    /// <c>{"subject","version","id","schema","deleted"}</c>, with <c>schemaType</c> after the id only when not AVRO (the
    /// order of Confluent's SchemaValue creator: subject, version, id, schemaType, schema, deleted).
    /// </summary>
    public byte[] ToBytes() => RegistryRecords.Write(w =>
    {
        w.WriteString("subject", Subject);
        w.WriteNumber("version", Version);
        w.WriteNumber("id", Id);
        if (SchemaType is not null and not "AVRO")
        {
            w.WriteString("schemaType", SchemaType);
        }
        w.WriteString("schema", Schema);
        w.WriteBoolean("deleted", Deleted);
    });
}

/// <summary>A CONFIG record's value: <c>{"compatibilityLevel":"FULL"}</c>, with <c>normalize</c> when set.</summary>
public sealed record ConfigValue(string? CompatibilityLevel, bool? Normalize = null)
{
    public byte[] ToBytes() => RegistryRecords.Write(w =>
    {
        if (CompatibilityLevel is not null)
        {
            w.WriteString("compatibilityLevel", CompatibilityLevel);
        }
        if (Normalize is { } normalize)
        {
            w.WriteBoolean("normalize", normalize);
        }
    });
}

/// <summary>A MODE record's value: <c>{"mode":"READONLY"}</c>.</summary>
public sealed record ModeValue(string Mode)
{
    public byte[] ToBytes() => RegistryRecords.Write(w => w.WriteString("mode", Mode));
}

/// <summary>A DELETE_SUBJECT record's value: <c>{"subject":"s","version":3}</c>, every version up to 3 is deleted.</summary>
public sealed record DeleteSubjectValue(string Subject, int Version)
{
    public byte[] ToBytes() => RegistryRecords.Write(w =>
    {
        w.WriteString("subject", Subject);
        w.WriteNumber("version", Version);
    });
}

/// <summary>Reads and writes the records of the <c>_schemas</c> topic in Confluent's JSON format.</summary>
public static class RegistryRecords
{
    /// <summary>Jackson writes non-ASCII characters, '&lt;', '&gt;', '&amp;' and '\'' as they are; so do we.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    internal static byte[] SubjectKey(string keyType, string? subject) => Write(w =>
    {
        w.WriteString("keytype", keyType);
        if (subject is null)
        {
            w.WriteNull("subject");
        }
        else
        {
            w.WriteString("subject", subject);
        }
        w.WriteNumber("magic", 0);
    });

    /// <summary>Decodes a key; throws <see cref="FormatException"/> for one that is not a JSON object with a keytype.</summary>
    public static RegistryKey ReadKey(ReadOnlySpan<byte> key)
    {
        using var document = Parse(key);
        var root = document.RootElement;
        var keyType = root.TryGetProperty("keytype", out var kt) && kt.ValueKind == JsonValueKind.String
            ? kt.GetString()!
            : throw new FormatException("key has no keytype");
        string? subject = root.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return keyType switch
        {
            "SCHEMA" => new SchemaKey(
                subject ?? throw new FormatException("SCHEMA key has no subject"),
                root.TryGetProperty("version", out var v) && v.TryGetInt32(out var version) ? version : throw new FormatException("SCHEMA key has no version")),
            "CONFIG" => new ConfigKey(subject),
            "MODE" => new ModeKey(subject),
            "DELETE_SUBJECT" => new DeleteSubjectKey(subject ?? throw new FormatException("DELETE_SUBJECT key has no subject")),
            "CLEAR_SUBJECT" => new ClearSubjectKey(subject),
            "NOOP" => new NoopKey(),
            _ => new OtherKey(keyType),
        };
    }

    public static SchemaValue ReadSchemaValue(ReadOnlySpan<byte> value)
    {
        using var document = Parse(value);
        var root = document.RootElement;
        return new SchemaValue(
            RequiredString(root, "subject"),
            RequiredInt(root, "version"),
            RequiredInt(root, "id"),
            RequiredString(root, "schema"),
            root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True,
            root.TryGetProperty("schemaType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null);
    }

    public static ConfigValue ReadConfigValue(ReadOnlySpan<byte> value)
    {
        using var document = Parse(value);
        var root = document.RootElement;
        return new ConfigValue(
            root.TryGetProperty("compatibilityLevel", out var level) && level.ValueKind == JsonValueKind.String ? level.GetString() : null,
            root.TryGetProperty("normalize", out var n) && n.ValueKind is JsonValueKind.True or JsonValueKind.False ? n.GetBoolean() : null);
    }

    public static ModeValue ReadModeValue(ReadOnlySpan<byte> value)
    {
        using var document = Parse(value);
        return new ModeValue(RequiredString(document.RootElement, "mode"));
    }

    public static DeleteSubjectValue ReadDeleteSubjectValue(ReadOnlySpan<byte> value)
    {
        using var document = Parse(value);
        var root = document.RootElement;
        return new DeleteSubjectValue(RequiredString(root, "subject"), RequiredInt(root, "version"));
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new FormatException("not a JSON object");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new FormatException($"no string {name}");

    private static int RequiredInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : throw new FormatException($"no integer {name}");
}
