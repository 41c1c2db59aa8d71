using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eddy.Sql.Types;
using JsonObjectNode = System.Text.Json.Nodes.JsonObject;
using JsonValueNode = System.Text.Json.Nodes.JsonValue;

namespace Eddy.Sql.Functions;

/// <summary>What JSON_VALUE does when the path finds nothing (ON EMPTY) or fails (ON ERROR).</summary>
public enum JsonBehavior
{
    /// <summary>NULL ON …: the default.</summary>
    Null,
    /// <summary>ERROR ON …: raise the error.</summary>
    Error,
    /// <summary>DEFAULT value ON …: the given value.</summary>
    Default,
}

/// <summary>Which array wrapper JSON_QUERY puts around its result.</summary>
public enum JsonWrapper
{
    /// <summary>WITHOUT ARRAY WRAPPER (default): a scalar or several items is an error.</summary>
    Without,
    /// <summary>WITH CONDITIONAL ARRAY WRAPPER: wrap unless the result is one array or object.</summary>
    Conditional,
    /// <summary>WITH UNCONDITIONAL ARRAY WRAPPER: always wrap.</summary>
    Unconditional,
}

/// <summary>
/// The options of one JSON_VALUE call: RETURNING type and the ON EMPTY / ON ERROR behaviours (the defaults already
/// of the RETURNING type). The planner builds one per call site and passes it as the trailing constant.
/// </summary>
/// <param name="Returning">The RETURNING type (STRING by default).</param>
/// <param name="OnEmpty">The ON EMPTY behaviour.</param>
/// <param name="EmptyDefault">The DEFAULT value ON EMPTY, of the RETURNING type's CLR type.</param>
/// <param name="OnError">The ON ERROR behaviour.</param>
/// <param name="ErrorDefault">The DEFAULT value ON ERROR.</param>
public sealed record JsonValueOptions(
    SqlType Returning, JsonBehavior OnEmpty = JsonBehavior.Null, object? EmptyDefault = null,
    JsonBehavior OnError = JsonBehavior.Null, object? ErrorDefault = null)
{
    /// <summary>RETURNING STRING NULL ON EMPTY NULL ON ERROR.</summary>
    public static JsonValueOptions Default { get; } = new(SqlType.String);
}

/// <summary>
/// Flink's JSON functions on System.Text.Json. Paths are SQL/JSON paths (<c>$</c>, <c>.key</c>, <c>."key"</c>,
/// <c>['key']</c>, <c>[n]</c>, <c>[*]</c>, <c>.*</c>) in lax mode by default (<c>strict</c> as a prefix): in lax mode a
/// missing member is empty rather than an error, a member step on an array applies to its elements, and an index
/// step on a non-array sees the value as a one-element array.
/// </summary>
public static class JsonFunctions
{
    private static readonly FunctionContext DefaultContext = new();
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private abstract record Step;
    private sealed record MemberStep(string? Name) : Step;   // Name null: .*
    private sealed record IndexStep(int? Index) : Step;      // Index null: [*]

    private sealed record JsonPath(bool Strict, Step[] Steps);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonPath> Paths = new(StringComparer.Ordinal);

    private static JsonPath ParsePath(string text)
    {
        if (Paths.TryGetValue(text, out var cached))
            return cached;
        var s = text.Trim();
        var strict = false;
        if (s.StartsWith("strict", StringComparison.OrdinalIgnoreCase))
        {
            strict = true;
            s = s[6..].TrimStart();
        }
        else if (s.StartsWith("lax", StringComparison.OrdinalIgnoreCase))
        {
            s = s[3..].TrimStart();
        }
        if (s.Length == 0 || s[0] != '$')
            throw new SqlFunctionException($"Invalid JSON path expression '{text}': it must start with '$'.");
        var steps = new List<Step>();
        var i = 1;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '.')
            {
                i++;
                if (i < s.Length && s[i] == '*')
                {
                    steps.Add(new MemberStep(null));
                    i++;
                }
                else if (i < s.Length && s[i] == '"')
                {
                    var end = s.IndexOf('"', i + 1);
                    if (end < 0)
                        throw new SqlFunctionException($"Invalid JSON path expression '{text}': unclosed quote.");
                    steps.Add(new MemberStep(s[(i + 1)..end]));
                    i = end + 1;
                }
                else
                {
                    var start = i;
                    while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '$'))
                        i++;
                    if (i == start)
                        throw new SqlFunctionException($"Invalid JSON path expression '{text}' at position {i}.");
                    steps.Add(new MemberStep(s[start..i]));
                }
            }
            else if (c == '[')
            {
                var end = s.IndexOf(']', i);
                if (end < 0)
                    throw new SqlFunctionException($"Invalid JSON path expression '{text}': unclosed bracket.");
                var inner = s[(i + 1)..end].Trim();
                if (inner == "*")
                    steps.Add(new IndexStep(null));
                else if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
                    steps.Add(new MemberStep(inner[1..^1]));
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    steps.Add(new IndexStep(index));
                else
                    throw new SqlFunctionException($"Invalid JSON path expression '{text}': '[{inner}]'.");
                i = end + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else
            {
                throw new SqlFunctionException($"Invalid JSON path expression '{text}' at position {i}.");
            }
        }
        var path = new JsonPath(strict, [.. steps]);
        if (Paths.Count > 1024)
            Paths.Clear();
        Paths[text] = path;
        return path;
    }

    private static List<JsonNode?> Evaluate(JsonNode? root, JsonPath path)
    {
        var current = new List<JsonNode?> { root };
        foreach (var step in path.Steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
                Apply(node, step, path.Strict, next);
            current = next;
        }
        return current;
    }

    private static void Apply(JsonNode? node, Step step, bool strict, List<JsonNode?> output)
    {
        switch (step)
        {
            case MemberStep member when node is JsonObjectNode obj:
                if (member.Name is null)
                {
                    foreach (var (_, value) in obj)
                        output.Add(value);
                }
                else if (obj.TryGetPropertyValue(member.Name, out var value))
                {
                    output.Add(value);
                }
                else if (strict)
                {
                    throw new SqlFunctionException($"No results for path: $['{member.Name}']");
                }
                break;
            case MemberStep when node is JsonArray array && !strict:
                foreach (var item in array)
                    Apply(item, step, strict, output);
                break;
            case MemberStep:
                if (strict)
                    throw new SqlFunctionException("A member accessor applies to an object only (strict mode).");
                break;
            case IndexStep index when node is JsonArray array:
                if (index.Index is null)
                    output.AddRange(array);
                else if (index.Index < array.Count)
                    output.Add(array[index.Index.Value]);
                else if (strict)
                    throw new SqlFunctionException($"Index {index.Index} is out of bounds (strict mode).");
                break;
            case IndexStep index:
                if (strict)
                    throw new SqlFunctionException("An array accessor applies to an array only (strict mode).");
                if (index.Index is null or 0)
                    output.Add(node);
                break;
        }
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SqlFunctionException($"Invalid JSON text: {e.Message}", e);
        }
    }

    /// <summary>JSON_VALUE(json, path) RETURNING STRING NULL ON EMPTY NULL ON ERROR.</summary>
    public static string? JsonValue(string? json, string? path) => (string?)JsonValue(DefaultContext, json, path, JsonValueOptions.Default);

    /// <summary>
    /// JSON_VALUE(json, path RETURNING type ON EMPTY … ON ERROR …): the scalar at the path as the RETURNING type's
    /// CLR value (boxed), or the behaviour's result when the path finds nothing or something not scalar, or the JSON
    /// or the conversion fails. NULL json or path gives NULL.
    /// </summary>
    public static object? JsonValue(FunctionContext context, string? json, string? path, JsonValueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (json is null || path is null)
            return null;
        List<JsonNode?> items;
        try
        {
            items = Evaluate(Parse(json), ParsePath(path));
        }
        catch (SqlFunctionException e)
        {
            return OnError(options, e);
        }
        if (items.Count == 0)
        {
            return options.OnEmpty switch
            {
                JsonBehavior.Error => throw new SqlFunctionException($"Empty result of JSON_VALUE function is not allowed for path '{path}'."),
                JsonBehavior.Default => options.EmptyDefault,
                _ => null,
            };
        }
        if (items.Count > 1 || items[0] is JsonObjectNode or JsonArray)
            return OnError(options, new SqlFunctionException($"Strict jsonpath mode requires scalar value, and the actual value is: '{Serialize(items.Count > 1 ? new JsonArray([.. items.Select(n => n?.DeepClone())]) : items[0])}'"));
        var scalar = items[0];
        if (scalar is null)
            return null;
        var element = scalar.GetValue<JsonElement>();
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Null => null,
            _ => element.GetRawText(),
        };
        if (text is null)
            return null;
        if (options.Returning.Kind == SqlTypeKind.VarChar && options.Returning.Length == SqlType.MaxLength)
            return text;
        try
        {
            if (options.Returning.Kind == SqlTypeKind.Boolean && element.ValueKind is JsonValueKind.True or JsonValueKind.False)
                return element.ValueKind == JsonValueKind.True;
            return SqlCasts.Cast(text, SqlType.String, options.Returning, context);
        }
        catch (SqlFunctionException e)
        {
            return OnError(options, e);
        }
    }

    private static object? OnError(JsonValueOptions options, SqlFunctionException error) => options.OnError switch
    {
        JsonBehavior.Error => throw error,
        JsonBehavior.Default => options.ErrorDefault,
        _ => null,
    };

    /// <summary>JSON_EXISTS(json, path): whether the path finds anything; FALSE for invalid JSON (FALSE ON ERROR).</summary>
    public static bool? JsonExists(string? json, string? path)
    {
        if (json is null || path is null)
            return null;
        try
        {
            return Evaluate(Parse(json), ParsePath(path)).Count > 0;
        }
        catch (SqlFunctionException)
        {
            return false;
        }
    }

    /// <summary>JSON_QUERY(json, path [wrapper]): the JSON text of the object or array at the path; NULL ON EMPTY and NULL ON ERROR.</summary>
    public static string? JsonQuery(string? json, string? path, JsonWrapper wrapper)
    {
        if (json is null || path is null)
            return null;
        List<JsonNode?> items;
        try
        {
            items = Evaluate(Parse(json), ParsePath(path));
        }
        catch (SqlFunctionException)
        {
            return null;
        }
        if (items.Count == 0)
            return null;
        var wrap = wrapper == JsonWrapper.Unconditional
            || wrapper == JsonWrapper.Conditional && (items.Count > 1 || items[0] is not (JsonObjectNode or JsonArray));
        if (wrap)
            return Serialize(new JsonArray([.. items.Select(n => n?.DeepClone())]));
        if (items.Count > 1 || items[0] is not (JsonObjectNode or JsonArray))
            return null;
        return Serialize(items[0]);
    }

    public static string? JsonQuery(string? json, string? path) => JsonQuery(json, path, JsonWrapper.Without);

    private static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    /// <summary>JSON_STRING(value): the value as JSON text (strings quoted, numbers bare, arrays, maps and rows as JSON); NULL for NULL.</summary>
    public static string? JsonString(FunctionContext context, object? value, SqlType type)
    {
        if (value is null)
            return null;
        return Serialize(ToNode(value, type, context));
    }

    private static JsonNode? ToNode(object? value, SqlType type, FunctionContext context) => value switch
    {
        null => null,
        bool b => JsonValueNode.Create(b),
        sbyte or short or long => JsonValueNode.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        int i when type.Kind != SqlTypeKind.IntervalYearMonth => JsonValueNode.Create(i),
        float f => JsonNode.Parse(JavaText.FormatFloat(f)),
        double d => double.IsFinite(d) ? JsonNode.Parse(JavaText.FormatDouble(d)) : JsonValueNode.Create(JavaText.FormatDouble(d)),
        decimal m => JsonValueNode.Create(m),
        string s => JsonValueNode.Create(s),
        object?[] array => new JsonArray([.. array.Select(e => ToNode(e, type.ElementType ?? SqlType.String, context))]),
        Dictionary<object, object?> map => MapNode(map, type, context),
        Row row => RowNode(row, type, context),
        byte[] bytes => JsonValueNode.Create(Convert.ToBase64String(bytes)),
        _ => JsonValueNode.Create(SqlCasts.ToSqlString(value, type, context)),
    };

    private static JsonObjectNode MapNode(Dictionary<object, object?> map, SqlType type, FunctionContext context)
    {
        var obj = new JsonObjectNode();
        foreach (var (key, value) in map)
            obj[SqlCasts.ToSqlString(key, type.ElementType ?? SqlType.String, context)] = ToNode(value, type.ValueType ?? SqlType.String, context);
        return obj;
    }

    private static JsonObjectNode RowNode(Row row, SqlType type, FunctionContext context)
    {
        var obj = new JsonObjectNode();
        for (var i = 0; i < row.Arity && i < type.Fields.Length; i++)
            obj[type.Fields[i].Name] = row.IsNull(i) ? null : ToNode(row.GetValue(i, type.Fields[i].Type), type.Fields[i].Type, context);
        return obj;
    }

    /// <summary>
    /// JSON_OBJECT(KEY k VALUE v, … [NULL|ABSENT ON NULL]): an object of the pairs; a NULL value is a JSON null, or
    /// left out with <paramref name="absentOnNull"/>. A value that is itself JSON from JSON_OBJECT/JSON_ARRAY/JSON_QUERY
    /// is embedded by the planner through <see cref="JsonRaw"/>.
    /// </summary>
    public static string JsonObject(FunctionContext context, string[] keys, object?[] values, SqlType[] types, bool absentOnNull)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(types);
        var obj = new JsonObjectNode();
        for (var i = 0; i < keys.Length; i++)
        {
            if (values[i] is null && absentOnNull)
                continue;
            obj[keys[i] ?? throw new SqlFunctionException("JSON_OBJECT keys must not be NULL.")] = values[i] is JsonRaw raw ? JsonNode.Parse(raw.Json) : ToNode(values[i], types[i], context);
        }
        return Serialize(obj);
    }

    /// <summary>JSON_ARRAY(v, … [NULL|ABSENT ON NULL]): an array of the values; NULLs are left out by default (ABSENT ON NULL).</summary>
    public static string JsonArrayOf(FunctionContext context, object?[] values, SqlType[] types, bool absentOnNull)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(types);
        var array = new JsonArray();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null && absentOnNull)
                continue;
            array.Add(values[i] is JsonRaw raw ? JsonNode.Parse(raw.Json) : ToNode(values[i], types[i], context));
        }
        return Serialize(array);
    }
}

/// <summary>JSON text to embed as JSON rather than as a string (a nested JSON_OBJECT, JSON_ARRAY or JSON_QUERY).</summary>
/// <param name="Json">The JSON text.</param>
public sealed record JsonRaw(string Json);
