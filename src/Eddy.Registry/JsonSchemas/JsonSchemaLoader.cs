using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Eddy.Registry.JsonSchemas;

/// <summary>The JSON Schema drafts Confluent's registry loads (its <c>SpecificationVersion</c>); draft 7 when <c>$schema</c> names none.</summary>
public enum JsonSchemaDraft
{
    Draft4,
    Draft6,
    Draft7,
    Draft201909,
    Draft202012,
}

/// <summary>A JSON Schema the registry cannot load, with the JSON pointer of the offending keyword.</summary>
public sealed class JsonSchemaException : Exception
{
    public JsonSchemaException()
    {
    }

    public JsonSchemaException(string message)
        : base(message)
    {
    }

    public JsonSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Loads a schema document into <see cref="JsonSchemaNode"/>s the way Everit's loader (which Confluent's checker walks)
/// does: <c>enum</c>, <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>, <c>not</c>, <c>const</c> and the type-specific keywords
/// each give a schema, several of them in one object a synthetic <c>allOf</c>; <c>"type":[...]</c> an <c>anyOf</c> of one
/// schema per type; keywords of a type without <c>"type"</c> still give that type's schema. Keywords whose value has the
/// wrong JSON type, unknown type names and unresolvable <c>$ref</c>s are refused with their location.
/// </summary>
internal sealed class JsonSchemaLoader
{
    private static readonly string[] ObjectKeywords =
        ["properties", "required", "additionalProperties", "patternProperties", "dependencies", "minProperties", "maxProperties",
         "propertyNames", "dependentRequired", "dependentSchemas", "unevaluatedProperties"];

    private static readonly string[] ArrayKeywords =
        ["items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "prefixItems", "unevaluatedItems", "minContains", "maxContains"];

    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

    private static readonly string[] StringKeywords = ["minLength", "maxLength", "pattern", "format"];

    private readonly JsonElement _root;
    private readonly JsonSchemaDraft _draft;
    private readonly Dictionary<string, JsonSchemaNode> _byPointer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _anchors = new(StringComparer.Ordinal);
    private readonly List<ReferenceJsonSchema> _references = [];

    private JsonSchemaLoader(JsonElement root, JsonSchemaDraft draft)
    {
        _root = root;
        _draft = draft;
    }

    /// <summary>Loads <paramref name="root"/> and resolves every <c>$ref</c> in it; throws <see cref="JsonSchemaException"/>.</summary>
    public static JsonSchemaNode Load(JsonElement root, JsonSchemaDraft draft)
    {
        var loader = new JsonSchemaLoader(root, draft);
        loader.CollectAnchors(root, "");
        var node = loader.LoadAt(root, "");
        // Each reference is resolved once now, so an unresolvable one is an invalid schema rather than a later surprise.
        for (var i = 0; i < loader._references.Count; i++)
        {
            _ = loader._references[i].Target;
        }
        return node;
    }

    /// <summary>The draft <c>$schema</c> names (Confluent's <c>SpecificationVersion.getFromUrl</c>), draft 7 otherwise.</summary>
    public static JsonSchemaDraft DraftOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("$schema", out var schema) || schema.ValueKind != JsonValueKind.String)
        {
            return JsonSchemaDraft.Draft7;
        }
        var url = schema.GetString()!;
        return url switch
        {
            _ when url.Contains("draft-04", StringComparison.Ordinal) => JsonSchemaDraft.Draft4,
            _ when url.Contains("draft-06", StringComparison.Ordinal) => JsonSchemaDraft.Draft6,
            _ when url.Contains("draft/2019-09", StringComparison.Ordinal) => JsonSchemaDraft.Draft201909,
            _ when url.Contains("draft/2020-12", StringComparison.Ordinal) => JsonSchemaDraft.Draft202012,
            _ => JsonSchemaDraft.Draft7,
        };
    }

    private bool Modern => _draft is JsonSchemaDraft.Draft201909 or JsonSchemaDraft.Draft202012;

    private void CollectAnchors(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        var value = property.Value.GetString()!;
                        if (property.Name == "$anchor")
                        {
                            _anchors.TryAdd("#" + value, pointer);
                        }
                        else if (property.Name is "$id" or "id" && value.StartsWith('#'))
                        {
                            _anchors.TryAdd(value, pointer);
                        }
                    }
                    CollectAnchors(property.Value, pointer + "/" + Escape(property.Name));
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CollectAnchors(item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture));
                    index++;
                }
                break;
            default:
                break;
        }
    }

    private JsonSchemaNode LoadAt(JsonElement element, string pointer)
    {
        if (_byPointer.TryGetValue(pointer, out var cached))
        {
            return cached;
        }
        var node = Build(element, pointer);
        node.Source = element.GetRawText();
        _byPointer[pointer] = node;
        return node;
    }

    private JsonSchemaNode Build(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return new EmptyJsonSchema(JsonSchemaKind.True);
            case JsonValueKind.False:
                if (_draft == JsonSchemaDraft.Draft4)
                {
                    throw Invalid(pointer, "a boolean schema is not allowed in draft 4");
                }
                return new EmptyJsonSchema(JsonSchemaKind.False);
            case JsonValueKind.Object:
                break;
            default:
                throw Invalid(pointer, $"expected a schema (an object or a boolean), found {Describe(element.ValueKind)}");
        }

        if (element.TryGetProperty("$ref", out var reference) && !Modern)
        {
            // Up to draft 7 a $ref replaces its siblings.
            return Common(Reference(reference, pointer), element, pointer);
        }

        var extracted = new List<JsonSchemaNode>();
        if (element.TryGetProperty("enum", out var enumValue))
        {
            if (enumValue.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(pointer + "/enum", $"expected type: JSONArray, found: {Describe(enumValue.ValueKind)}");
            }
            extracted.Add(new EnumJsonSchema([.. enumValue.EnumerateArray().Select(v => v.Clone())]));
        }
        foreach (var criterion in (string[])[CombinedJsonSchema.AllOf, CombinedJsonSchema.AnyOf, CombinedJsonSchema.OneOf])
        {
            if (element.TryGetProperty(criterion, out var list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    throw Invalid(pointer + "/" + criterion, "expected a non-empty array of schemas");
                }
                extracted.Add(new CombinedJsonSchema(criterion, LoadArray(list, pointer + "/" + criterion)));
            }
        }
        if (element.TryGetProperty("not", out var not))
        {
            extracted.Add(new NotJsonSchema(LoadAt(not, pointer + "/not")));
        }
        if (element.TryGetProperty("const", out var constValue) && _draft != JsonSchemaDraft.Draft4)
        {
            extracted.Add(new ConstJsonSchema(constValue.Clone()));
        }
        extracted.AddRange(TypeBased(element, pointer));
        if (Modern && element.TryGetProperty("$ref", out var modernReference))
        {
            extracted.Add(Reference(modernReference, pointer));
        }

        var node = extracted.Count switch
        {
            0 => new EmptyJsonSchema(JsonSchemaKind.Empty),
            1 => extracted[0],
            _ => new CombinedJsonSchema(CombinedJsonSchema.AllOf, extracted),
        };
        return Common(node, element, pointer);
    }

    private IEnumerable<JsonSchemaNode> TypeBased(JsonElement element, string pointer)
    {
        if (element.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                yield return OfType(type.GetString()!, element, pointer, requireType: true);
                yield break;
            }
            if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
            {
                throw Invalid(pointer + "/type", $"expected a type name or a non-empty array of type names, found {Describe(type.ValueKind)}");
            }
            var schemas = new List<JsonSchemaNode>();
            var index = 0;
            foreach (var name in type.EnumerateArray())
            {
                if (name.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(pointer + "/type/" + index.ToString(CultureInfo.InvariantCulture), $"expected a type name, found {Describe(name.ValueKind)}");
                }
                var typed = OfType(name.GetString()!, element, pointer, requireType: true);
                typed.Source = element.GetRawText() + "#" + name.GetString();
                schemas.Add(typed);
                index++;
            }
            yield return schemas.Count == 1 ? schemas[0] : new CombinedJsonSchema(CombinedJsonSchema.AnyOf, schemas);
            yield break;
        }

        // Without "type", the keywords of each type still constrain values of that type (Everit's property sniffing).
        if (ObjectKeywords.Any(k => element.TryGetProperty(k, out _)))
        {
            yield return OfType("object", element, pointer, requireType: false);
        }
        if (ArrayKeywords.Any(k => element.TryGetProperty(k, out _)))
        {
            yield return OfType("array", element, pointer, requireType: false);
        }
        if (NumberKeywords.Any(k => element.TryGetProperty(k, out _)))
        {
            yield return OfType("number", element, pointer, requireType: false);
        }
        if (StringKeywords.Any(k => element.TryGetProperty(k, out _)))
        {
            yield return OfType("string", element, pointer, requireType: false);
        }
    }

    private JsonSchemaNode OfType(string type, JsonElement element, string pointer, bool requireType) => type switch
    {
        "string" => LoadString(element, pointer),
        "integer" => LoadNumber(element, pointer, integer: true),
        "number" => LoadNumber(element, pointer, integer: false),
        "boolean" => new BooleanJsonSchema(),
        "null" => new NullJsonSchema(),
        "object" => LoadObject(element, pointer),
        "array" => LoadArraySchema(element, pointer),
        _ => throw Invalid(pointer + (requireType ? "/type" : ""), $"unknown type: [{type}]"),
    };

    private StringJsonSchema LoadString(JsonElement element, string pointer) => new()
    {
        MinLength = OptionalInt(element, "minLength", pointer),
        MaxLength = OptionalInt(element, "maxLength", pointer),
        Pattern = OptionalPattern(element, "pattern", pointer),
    };

    private NumberJsonSchema LoadNumber(JsonElement element, string pointer, bool integer)
    {
        var schema = new NumberJsonSchema
        {
            RequiresInteger = integer,
            Minimum = OptionalNumber(element, "minimum", pointer),
            Maximum = OptionalNumber(element, "maximum", pointer),
            MultipleOf = OptionalNumber(element, "multipleOf", pointer),
        };
        schema.ExclusiveMinimum = ExclusiveLimit(element, "exclusiveMinimum", pointer);
        schema.ExclusiveMaximum = ExclusiveLimit(element, "exclusiveMaximum", pointer);
        if (schema.MultipleOf is <= 0)
        {
            throw Invalid(pointer + "/multipleOf", "multipleOf must be strictly greater than 0");
        }
        return schema;
    }

    // Draft 4's exclusiveMinimum/exclusiveMaximum are booleans qualifying minimum/maximum; later drafts' are the limits.
    private decimal? ExclusiveLimit(JsonElement element, string keyword, string pointer)
    {
        if (!element.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        if (_draft == JsonSchemaDraft.Draft4)
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? null
                : throw Invalid(pointer + "/" + keyword, $"expected type: Boolean, found: {Describe(value.ValueKind)}");
        }
        return OptionalNumber(element, keyword, pointer);
    }

    private ObjectJsonSchema LoadObject(JsonElement element, string pointer)
    {
        var schema = new ObjectJsonSchema
        {
            MinProperties = OptionalInt(element, "minProperties", pointer),
            MaxProperties = OptionalInt(element, "maxProperties", pointer),
        };
        if (element.TryGetProperty("properties", out var properties))
        {
            RequireObject(properties, pointer + "/properties");
            foreach (var property in properties.EnumerateObject())
            {
                schema.Properties[property.Name] = LoadAt(property.Value, pointer + "/properties/" + Escape(property.Name));
                schema.PropertyOrder.Add(property.Name);
            }
        }
        if (element.TryGetProperty("required", out var required))
        {
            foreach (var name in StringArray(required, pointer + "/required"))
            {
                schema.Required.Add(name);
            }
        }
        if (element.TryGetProperty("additionalProperties", out var additional))
        {
            if (additional.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                schema.PermitsAdditionalProperties = additional.ValueKind == JsonValueKind.True;
            }
            else
            {
                schema.AdditionalProperties = LoadAt(additional, pointer + "/additionalProperties");
            }
        }
        if (element.TryGetProperty("patternProperties", out var patterns))
        {
            RequireObject(patterns, pointer + "/patternProperties");
            foreach (var property in patterns.EnumerateObject())
            {
                var where = pointer + "/patternProperties/" + Escape(property.Name);
                schema.PatternProperties.Add((Regex(property.Name, where), LoadAt(property.Value, where)));
            }
        }
        LoadDependencies(element, "dependencies", pointer, schema, arraysAllowed: true, schemasAllowed: true);
        if (Modern)
        {
            LoadDependencies(element, "dependentRequired", pointer, schema, arraysAllowed: true, schemasAllowed: false);
            LoadDependencies(element, "dependentSchemas", pointer, schema, arraysAllowed: false, schemasAllowed: true);
            if (element.TryGetProperty("unevaluatedProperties", out var unevaluated))
            {
                schema.UnevaluatedProperties = LoadAt(unevaluated, pointer + "/unevaluatedProperties");
            }
        }
        if (element.TryGetProperty("propertyNames", out var names))
        {
            LoadAt(names, pointer + "/propertyNames");
        }
        return schema;
    }

    private void LoadDependencies(JsonElement element, string keyword, string pointer, ObjectJsonSchema schema, bool arraysAllowed, bool schemasAllowed)
    {
        if (!element.TryGetProperty(keyword, out var dependencies))
        {
            return;
        }
        RequireObject(dependencies, pointer + "/" + keyword);
        foreach (var dependency in dependencies.EnumerateObject())
        {
            var where = pointer + "/" + keyword + "/" + Escape(dependency.Name);
            if (dependency.Value.ValueKind == JsonValueKind.Array && arraysAllowed)
            {
                schema.PropertyDependencies[dependency.Name] = new HashSet<string>(StringArray(dependency.Value, where), StringComparer.Ordinal);
            }
            else if (schemasAllowed)
            {
                schema.SchemaDependencies[dependency.Name] = LoadAt(dependency.Value, where);
            }
            else
            {
                throw Invalid(where, $"expected type: JSONArray, found: {Describe(dependency.Value.ValueKind)}");
            }
        }
    }

    private ArrayJsonSchema LoadArraySchema(JsonElement element, string pointer)
    {
        var schema = new ArrayJsonSchema
        {
            MinItems = OptionalInt(element, "minItems", pointer),
            MaxItems = OptionalInt(element, "maxItems", pointer),
            UniqueItems = OptionalBool(element, "uniqueItems", pointer),
        };
        var positionalKeyword = _draft == JsonSchemaDraft.Draft202012 ? "prefixItems" : "items";
        var additionalKeyword = _draft == JsonSchemaDraft.Draft202012 ? "items" : "additionalItems";
        if (element.TryGetProperty(positionalKeyword, out var positional) && positional.ValueKind == JsonValueKind.Array)
        {
            schema.ItemSchemas.AddRange(LoadArray(positional, pointer + "/" + positionalKeyword));
            if (element.TryGetProperty(additionalKeyword, out var additional))
            {
                if (additional.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    schema.PermitsAdditionalItems = additional.ValueKind == JsonValueKind.True;
                }
                else
                {
                    schema.AdditionalItems = LoadAt(additional, pointer + "/" + additionalKeyword);
                }
            }
        }
        else if (element.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                throw Invalid(pointer + "/items", "an array of item schemas is prefixItems in draft 2020-12");
            }
            schema.AllItems = LoadAt(items, pointer + "/items");
        }
        if (element.TryGetProperty("contains", out var contains))
        {
            LoadAt(contains, pointer + "/contains");
        }
        if (Modern)
        {
            schema.MinContains = OptionalInt(element, "minContains", pointer);
            schema.MaxContains = OptionalInt(element, "maxContains", pointer);
            if (element.TryGetProperty("unevaluatedItems", out var unevaluated))
            {
                schema.UnevaluatedItems = LoadAt(unevaluated, pointer + "/unevaluatedItems");
            }
        }
        return schema;
    }

    private List<JsonSchemaNode> LoadArray(JsonElement list, string pointer)
    {
        var result = new List<JsonSchemaNode>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            result.Add(LoadAt(item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture)));
            index++;
        }
        return result;
    }

    private ReferenceJsonSchema Reference(JsonElement reference, string pointer)
    {
        if (reference.ValueKind != JsonValueKind.String)
        {
            throw Invalid(pointer + "/$ref", $"expected type: String, found: {Describe(reference.ValueKind)}");
        }
        var value = reference.GetString()!;
        var node = new ReferenceJsonSchema(value, () => Resolve(value, pointer));
        _references.Add(node);
        return node;
    }

    private JsonSchemaNode Resolve(string reference, string pointer)
    {
        string target;
        if (_anchors.TryGetValue(reference, out var anchored))
        {
            target = anchored;
        }
        else if (reference == "#" || reference.StartsWith("#/", StringComparison.Ordinal))
        {
            target = Uri.UnescapeDataString(reference[1..]);
        }
        else
        {
            throw Invalid(pointer + "/$ref", $"could not resolve $ref '{reference}': only references inside the schema (#/...) are supported");
        }
        var element = _root;
        foreach (var token in target.Split('/').Skip(1))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                throw Invalid(pointer + "/$ref", $"could not resolve $ref '{reference}': nothing at {target}");
            }
        }
        return LoadAt(element, target);
    }

    private static JsonSchemaNode Common(JsonSchemaNode node, JsonElement element, string pointer)
    {
        node.Title = OptionalString(element, "title", pointer);
        node.Description = OptionalString(element, "description", pointer);
        node.Id = OptionalString(element, "$id", pointer) ?? (element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
        node.Default = element.TryGetProperty("default", out var defaultValue) ? defaultValue.Clone() : null;
        node.ConnectType = element.TryGetProperty("connect.type", out var connect) && connect.ValueKind == JsonValueKind.String ? connect.GetString() : null;
        return node;
    }

    private static string? OptionalString(JsonElement element, string keyword, string pointer)
    {
        if (!element.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid(pointer + "/" + keyword, $"expected type: String, found: {Describe(value.ValueKind)}");
    }

    private static int? OptionalInt(JsonElement element, string keyword, string pointer)
    {
        if (!element.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number) || number != decimal.Truncate(number) || number < 0 || number > int.MaxValue)
        {
            throw Invalid(pointer + "/" + keyword, $"expected a non-negative integer, found {Describe(value.ValueKind)} {value.GetRawText()}");
        }
        return (int)number;
    }

    private static decimal? OptionalNumber(JsonElement element, string keyword, string pointer)
    {
        if (!element.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : throw Invalid(pointer + "/" + keyword, $"expected type: Number, found: {Describe(value.ValueKind)}");
    }

    private static bool OptionalBool(JsonElement element, string keyword, string pointer)
    {
        if (!element.TryGetProperty(keyword, out var value))
        {
            return false;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(pointer + "/" + keyword, $"expected type: Boolean, found: {Describe(value.ValueKind)}"),
        };
    }

    private static string? OptionalPattern(JsonElement element, string keyword, string pointer)
    {
        var pattern = OptionalString(element, keyword, pointer);
        if (pattern is not null)
        {
            Regex(pattern, pointer + "/" + keyword);
        }
        return pattern;
    }

    private static Regex Regex(string pattern, string pointer)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw Invalid(pointer, $"invalid regular expression '{pattern}': {e.Message}");
        }
    }

    private static List<string> StringArray(JsonElement value, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(pointer, $"expected type: JSONArray, found: {Describe(value.ValueKind)}");
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Invalid(pointer + "/" + index.ToString(CultureInfo.InvariantCulture), $"expected type: String, found: {Describe(item.ValueKind)}");
            }
            index++;
        }
        return value.EnumerateArray().Select(i => i.GetString()!).ToList();
    }

    private static void RequireObject(JsonElement value, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(pointer, $"expected type: JSONObject, found: {Describe(value.ValueKind)}");
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "JSONObject",
        JsonValueKind.Array => "JSONArray",
        JsonValueKind.String => "String",
        JsonValueKind.Number => "Number",
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static JsonSchemaException Invalid(string pointer, string message) => new($"#{pointer}: {message}");
}
