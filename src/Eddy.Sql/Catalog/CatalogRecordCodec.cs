using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

/// <summary>
/// The records of the catalog topic. The key names what is stored, in a fixed field order (compaction compares key
/// bytes, so the same object must always give the same bytes, the lesson Karapace learnt from Confluent's keys):
/// <c>{"keytype":"TABLE_OR_VIEW","catalog":"default_catalog","database":"default_database","name":"orders"}</c>.
/// The value is the definition: <c>{"kind":"TABLE","catalog":...,"database":...,"name":...,"temporary":false,
/// "version":1,"createdAt":"2026-12-07T20:00:00.0000000+00:00","ddl":"CREATE TABLE ..."}</c>; a null value (a
/// tombstone) is a DROP.
/// </summary>
internal static class CatalogRecordCodec
{
    private const string TableOrViewKeyType = "TABLE_OR_VIEW";
    private const string FunctionKeyType = "FUNCTION";

    // Quotes, '+' and non-ASCII letters stay as they are, so the DDL reads as written in kcat or a topic browser; the
    // records are never embedded in HTML, which is what the default encoder guards against.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The key bytes of a definition's key.</summary>
    public static byte[] EncodeKey(CatalogKey key)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("keytype", key.Namespace == CatalogNamespace.Function ? FunctionKeyType : TableOrViewKeyType);
            json.WriteString("catalog", key.Name.Catalog);
            json.WriteString("database", key.Name.Database);
            json.WriteString("name", key.Name.Name);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The value bytes of a definition.</summary>
    public static byte[] EncodeValue(StoredDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("kind", KindName(definition.Kind));
            json.WriteString("catalog", definition.Entry.Name.Catalog);
            json.WriteString("database", definition.Entry.Name.Database);
            json.WriteString("name", definition.Entry.Name.Name);
            json.WriteBoolean("temporary", false);
            json.WriteNumber("version", definition.Version);
            json.WriteString("createdAt", definition.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("ddl", definition.Entry.Text);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a key, or says why it is not one of the catalog's.</summary>
    public static bool TryDecodeKey(ReadOnlySpan<byte> bytes, out CatalogKey key, out string error)
    {
        key = default;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the key is not a JSON object";
                return false;
            }
            var ns = String(root, "keytype") switch
            {
                TableOrViewKeyType => CatalogNamespace.TableOrView,
                FunctionKeyType => CatalogNamespace.Function,
                var other => (CatalogNamespace?)null,
            };
            if (ns is null)
            {
                error = $"unknown keytype '{String(root, "keytype")}'";
                return false;
            }
            if (String(root, "catalog") is not { } catalog || String(root, "database") is not { } database || String(root, "name") is not { } name)
            {
                error = "the key lacks its catalog, database or name";
                return false;
            }
            key = new CatalogKey(ns.Value, new ObjectIdentifier(catalog, database, name));
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"the key is not JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>Reads the definition stored under <paramref name="key"/>, or says why it cannot be used.</summary>
    public static bool TryDecodeValue(CatalogKey key, ReadOnlySpan<byte> bytes, out StoredDefinition? definition, out string error)
    {
        definition = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the value is not a JSON object";
                return false;
            }
            ObjectKind? kind = String(root, "kind") switch
            {
                "TABLE" => ObjectKind.Table,
                "VIEW" => ObjectKind.View,
                "FUNCTION" => ObjectKind.Function,
                _ => null,
            };
            if (kind is null)
            {
                error = $"unknown kind '{String(root, "kind")}'";
                return false;
            }
            if (String(root, "catalog") is not { } catalog || String(root, "database") is not { } database || String(root, "name") is not { } name
                || String(root, "ddl") is not { } ddl)
            {
                error = "the value lacks its catalog, database, name or ddl";
                return false;
            }
            var identifier = new ObjectIdentifier(catalog, database, name);
            if (CatalogKey.Of(kind.Value, identifier) != key)
            {
                error = $"the value names {KindName(kind.Value)} {identifier}, not the key's object";
                return false;
            }
            if (root.TryGetProperty("temporary", out var temporary) && temporary.ValueKind == JsonValueKind.True)
            {
                error = "a temporary object is never persisted";
                return false;
            }
            var version = root.TryGetProperty("version", out var v) && v.TryGetInt64(out var n) ? n : 1;
            var createdAt = root.TryGetProperty("createdAt", out var c) && c.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.UnixEpoch;
            Statement statement;
            try
            {
                statement = SqlParser.ParseStatement(ddl);
            }
            catch (SqlParseException e)
            {
                error = $"its DDL does not parse: {e.Message}";
                return false;
            }
            var matches = kind switch
            {
                ObjectKind.Table => statement is CreateTableStatement { Temporary: false, Like: null, AsQuery: null },
                ObjectKind.View => statement is CreateViewStatement { Temporary: false },
                _ => statement is CreateFunctionStatement { Temporary: false },
            };
            if (!matches)
            {
                error = $"its DDL is not a permanent CREATE {KindName(kind.Value)}";
                return false;
            }
            definition = new StoredDefinition(kind.Value, new CatalogEntry(identifier, statement, ddl, Temporary: false), version, createdAt);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"the value is not JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>TABLE, VIEW or FUNCTION.</summary>
    public static string KindName(ObjectKind kind) => kind switch
    {
        ObjectKind.Table => "TABLE",
        ObjectKind.View => "VIEW",
        _ => "FUNCTION",
    };

    private static string? String(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
