using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Eddy.Registry.Storage;

namespace Eddy.Registry.Rest;

/// <summary>
/// Confluent's schema registry REST API over <see cref="RegistryService"/>, with no web framework: a request
/// (method, raw path, query, headers, body) becomes a response (status, content type, bytes). Routes, JSON shapes,
/// error codes and messages follow Confluent's resources; unknown routes are 404.
/// </summary>
public sealed class RegistryRouter
{
    /// <summary>What every answer is sent as.</summary>
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    private static readonly HashSet<string> AcceptedContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/octet-stream",
    };

    private readonly RegistryService _registry;

    public RegistryRouter(RegistryService registry)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
    }

    /// <summary>Answers one request; registry errors become Confluent error bodies, never exceptions.</summary>
    public async Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var segments = Segments(request.Path);
            var query = Query.Parse(request.Query);
            if (request.Body.Length > 0 && request.Headers.TryGetValue("Content-Type", out var contentType) && !IsAccepted(contentType))
            {
                return Error(415, 415, "HTTP 415 Unsupported Media Type");
            }
            return await RouteAsync(request.Method.ToUpperInvariant(), segments, query, request.Body, cancellationToken) ?? NotFound();
        }
        catch (RegistryException e)
        {
            return Error(e.Status, e.ErrorCode, e.Message);
        }
        catch (BadRequestException e)
        {
            return Error(400, 400, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Error(500, RegistryErrors.OperationTimeout, "Operation timed out");
        }
    }

    private async Task<RestResponse?> RouteAsync(string method, string[] s, Query q, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        switch (s)
        {
            case []:
                return method == "GET" ? Json(w => { w.WriteStartObject(); w.WriteEndObject(); }) : null;

            case ["subjects"] when method == "GET":
                return StringArray(_registry.ListSubjects(q.String("subjectPrefix"), Filter(q)));
            case ["subjects", var subject] when method == "POST":
                {
                    var request = ReadSchemaRequest(body);
                    return SubjectVersion(_registry.Lookup(subject, request, q.Bool("normalize"), q.Bool("deleted")));
                }
            case ["subjects", var subject] when method == "DELETE":
                return IntArray(await _registry.DeleteSubjectAsync(subject, q.Bool("permanent"), ct));
            case ["subjects", var subject, "versions"] when method == "GET":
                return IntArray(_registry.ListVersions(subject, Filter(q)));
            case ["subjects", var subject, "versions"] when method == "POST":
                {
                    var request = ReadSchemaRequest(body);
                    var registered = await _registry.RegisterAsync(subject, request, q.Bool("normalize"), ct);
                    return Json(w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("id", registered.Id);
                        w.WriteNumber("version", registered.Version);
                        w.WriteString("schema", registered.Schema);
                        w.WriteEndObject();
                    });
                }
            case ["subjects", var subject, "versions", var version] when method == "GET":
                return SubjectVersion(_registry.GetVersion(subject, version, q.Bool("deleted")));
            case ["subjects", var subject, "versions", var version] when method == "DELETE":
                {
                    var deleted = await _registry.DeleteVersionAsync(subject, version, q.Bool("permanent"), ct);
                    return Json(w => w.WriteNumberValue(deleted));
                }
            case ["subjects", var subject, "versions", var version, "schema"] when method == "GET":
                return Raw(_registry.GetVersion(subject, version, q.Bool("deleted")).Schema);
            case ["subjects", var subject, "versions", var version, "referencedby"] when method == "GET":
                _registry.GetVersion(subject, version, includeDeleted: true);
                return IntArray([]);

            case ["schemas"] when method == "GET":
                return Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var schema in _registry.ListSchemas(q.String("subjectPrefix"), q.Bool("deleted"), q.Bool("latestOnly")))
                    {
                        WriteSubjectVersion(w, schema);
                    }
                    w.WriteEndArray();
                });
            case ["schemas", "types"] when method == "GET":
                // The types this registry accepts, in Confluent's order (it answers ["JSON","PROTOBUF","AVRO"]).
                return StringArray(["JSON", "PROTOBUF", "AVRO"]);
            case ["schemas", "ids", var id] when method == "GET":
                {
                    var schema = _registry.GetSchemaById(SchemaId(id));
                    return Json(w =>
                    {
                        w.WriteStartObject();
                        if (schema.SchemaType is { } type)
                        {
                            w.WriteString("schemaType", type);
                        }
                        w.WriteString("schema", schema.Schema);
                        w.WriteEndObject();
                    });
                }
            case ["schemas", "ids", var id, "schema"] when method == "GET":
                return Raw(_registry.GetSchemaById(SchemaId(id)).Schema);
            case ["schemas", "ids", var id, "subjects"] when method == "GET":
                return StringArray(_registry.SubjectsForId(SchemaId(id), q.Bool("deleted")));
            case ["schemas", "ids", var id, "versions"] when method == "GET":
                return Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var version in _registry.VersionsForId(SchemaId(id), q.Bool("deleted")))
                    {
                        w.WriteStartObject();
                        w.WriteString("subject", version.Subject);
                        w.WriteNumber("version", version.Version);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });

            case ["config"] or ["config", _]:
                return await ConfigAsync(method, s.Length == 2 ? s[1] : null, q, body, ct);
            case ["mode"] or ["mode", _]:
                return await ModeAsync(method, s.Length == 2 ? s[1] : null, q, body, ct);

            case ["compatibility", "subjects", var subject, "versions"] when method == "POST":
                return Compatibility(_registry.CheckCompatibility(subject, null, ReadSchemaRequest(body), q.Bool("normalize")), q.Bool("verbose"));
            case ["compatibility", "subjects", var subject, "versions", var version] when method == "POST":
                return Compatibility(_registry.CheckCompatibility(subject, version, ReadSchemaRequest(body), q.Bool("normalize")), q.Bool("verbose"));

            case ["contexts"] when method == "GET":
                return StringArray(["."]);

            // Associations (CP 8) are not kept: none exist, so serializers using the Associated strategy fall back to
            // the topic's subject, as they do against a Confluent registry without associations.
            case ["associations", "resources", _, _] when method == "GET":
                return Json(w => { w.WriteStartArray(); w.WriteEndArray(); });

            default:
                return null;
        }
    }

    private async Task<RestResponse?> ConfigAsync(string method, string? subject, Query q, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        switch (method)
        {
            case "GET":
                return Config(_registry.GetConfig(subject, q.Bool("defaultToGlobal")));
            case "PUT":
                {
                    using var document = ReadObject(body);
                    var root = document.RootElement;
                    string? level = null;
                    if (root.TryGetProperty("compatibility", out var c) || root.TryGetProperty("compatibilityLevel", out c))
                    {
                        level = c.ValueKind switch
                        {
                            JsonValueKind.String => c.GetString(),
                            JsonValueKind.Null => null,
                            _ => throw RegistryErrors.InvalidCompatibilityLevelError(),
                        };
                    }
                    bool? normalize = root.TryGetProperty("normalize", out var n) && n.ValueKind is JsonValueKind.True or JsonValueKind.False ? n.GetBoolean() : null;
                    var config = await _registry.UpdateConfigAsync(subject, level, normalize, ct);
                    return Json(w =>
                    {
                        w.WriteStartObject();
                        if (config.CompatibilityLevel is { } l)
                        {
                            w.WriteString("compatibility", l);
                        }
                        if (config.Normalize is { } norm)
                        {
                            w.WriteBoolean("normalize", norm);
                        }
                        w.WriteEndObject();
                    });
                }
            case "DELETE":
                return Config(await _registry.DeleteConfigAsync(subject, ct));
            default:
                return null;
        }
    }

    private async Task<RestResponse?> ModeAsync(string method, string? subject, Query q, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        switch (method)
        {
            case "GET":
                return Mode(_registry.GetMode(subject, q.Bool("defaultToGlobal")));
            case "PUT":
                {
                    using var document = ReadObject(body);
                    var mode = document.RootElement.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                    return Mode(await _registry.SetModeAsync(subject, mode, q.Bool("force"), ct));
                }
            case "DELETE":
                return Mode(await _registry.DeleteModeAsync(subject, ct));
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- request parsing

    /// <summary>Path segments, each percent-decoded exactly once (so <c>a%2Fb</c> is the subject <c>a/b</c>).</summary>
    internal static string[] Segments(string path)
    {
        var parts = path.Split('/', StringSplitOptions.None).ToList();
        if (parts.Count > 0 && parts[0].Length == 0)
        {
            parts.RemoveAt(0);
        }
        if (parts.Count > 0 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
        }
        return [.. parts.Select(Uri.UnescapeDataString)];
    }

    private static bool IsAccepted(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Length == 0 || AcceptedContentTypes.Contains(mediaType);
    }

    private static LookupFilter Filter(Query q) =>
        q.Bool("deletedOnly") ? LookupFilter.DeletedOnly : q.Bool("deleted") ? LookupFilter.IncludeDeleted : LookupFilter.Default;

    // A path parameter declared as an int in Confluent's resources: Jersey answers 404 when it does not convert.
    private static int SchemaId(string id) =>
        int.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw new RegistryException(404, 404, "HTTP 404 Not Found");

    private static JsonDocument ReadObject(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new RegistryException(422, 422, "The request body is missing: a JSON object is required");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}")
                : "";
            throw new BadRequestException($"Unexpected character in the JSON body{where}: {FirstSentence(e.Message)}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new BadRequestException($"Cannot deserialize the request from a JSON {kind.ToString().ToLowerInvariant()}: a JSON object is required");
        }
        return document;
    }

    // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 1." to its messages; the position is
    // already said, one-based, in front.
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

    private static SchemaRequest ReadSchemaRequest(ReadOnlyMemory<byte> body)
    {
        using var document = ReadObject(body);
        var root = document.RootElement;
        return new SchemaRequest
        {
            Schema = OptionalString(root, "schema"),
            SchemaType = OptionalString(root, "schemaType"),
            ReferenceCount = root.TryGetProperty("references", out var refs) && refs.ValueKind == JsonValueKind.Array
                ? refs.GetArrayLength()
                : refs.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? 0 : throw new BadRequestException("references must be a JSON array"),
            Id = OptionalInt(root, "id"),
            Version = OptionalInt(root, "version"),
        };
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new BadRequestException($"Cannot deserialize value of type `java.lang.String` from {value.ValueKind} (field \"{name}\")");
    }

    private static int? OptionalInt(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new BadRequestException($"Cannot deserialize value of type `java.lang.Integer` from {value.ValueKind} (field \"{name}\")");
    }

    // ---------------------------------------------------------------- responses

    private static RestResponse Json(Action<Utf8JsonWriter> write, int status = 200)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, RegistryRecords.WriterOptions))
        {
            write(writer);
        }
        return new RestResponse(status, ContentType, buffer.WrittenSpan.ToArray());
    }

    private static RestResponse Raw(string text) => new(200, ContentType, Encoding.UTF8.GetBytes(text));

    private static RestResponse NotFound() => Error(404, 404, "HTTP 404 Not Found");

    /// <summary>Confluent's error body: <c>{"error_code":N,"message":"…"}</c>.</summary>
    public static RestResponse Error(int status, int errorCode, string message) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("error_code", errorCode);
        w.WriteString("message", message);
        w.WriteEndObject();
    }, status);

    private static RestResponse StringArray(IEnumerable<string> values) => Json(w =>
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    });

    private static RestResponse IntArray(IEnumerable<int> values) => Json(w =>
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteNumberValue(value);
        }
        w.WriteEndArray();
    });

    private static RestResponse SubjectVersion(SubjectVersionSchema schema) => Json(w => WriteSubjectVersion(w, schema));

    private static void WriteSubjectVersion(Utf8JsonWriter w, SubjectVersionSchema schema)
    {
        w.WriteStartObject();
        w.WriteString("subject", schema.Subject);
        w.WriteNumber("version", schema.Version);
        w.WriteNumber("id", schema.Id);
        if (schema.SchemaType is { } type)
        {
            w.WriteString("schemaType", type);
        }
        w.WriteString("schema", schema.Schema);
        if (schema.Deleted)
        {
            w.WriteBoolean("deleted", true);
        }
        w.WriteEndObject();
    }

    private static RestResponse Config(RegistryConfig config) => Json(w =>
    {
        w.WriteStartObject();
        if (config.CompatibilityLevel is { } level)
        {
            w.WriteString("compatibilityLevel", level);
        }
        if (config.Normalize is { } normalize)
        {
            w.WriteBoolean("normalize", normalize);
        }
        w.WriteEndObject();
    });

    private static RestResponse Mode(RegistryMode mode) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("mode", mode.Name());
        w.WriteEndObject();
    });

    private static RestResponse Compatibility(CompatibilityResult result, bool verbose) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("is_compatible", result.IsCompatible);
        if (verbose)
        {
            w.WriteStartArray("messages");
            foreach (var message in result.Messages)
            {
                w.WriteStringValue(message);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    private sealed class BadRequestException(string message) : Exception(message);

    /// <summary>Query parameters: decoded once ('+' is a space), the first value of a repeated name wins.</summary>
    private sealed class Query
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public static Query Parse(string query)
        {
            var result = new Query();
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Decode(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
                result._values.TryAdd(name, value);
            }
            return result;
        }

        private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

        /// <summary>An empty value counts as absent (the .NET client sends <c>?subject=</c>).</summary>
        public string? String(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

        /// <summary>Jersey's boolean conversion: "true" in any case is true, anything else false (.NET sends True/False).</summary>
        public bool Bool(string name) => _values.TryGetValue(name, out var v) && v.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
    }
}
