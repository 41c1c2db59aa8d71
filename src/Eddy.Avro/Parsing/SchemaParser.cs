using System.Globalization;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Reads the JSON form of a schema with Avro Java 1.11's rules (what Confluent's registry runs): names resolve in
/// the enclosing namespace then the null namespace, a named type may only be used after its definition (its own
/// fields included, which is how recursion is written), and every error says what is wrong and where, as a JSON
/// pointer.
/// </summary>
internal sealed class SchemaParser
{
    private static readonly HashSet<string> SchemaReserved = ["doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"];
    private static readonly HashSet<string> EnumReserved = [.. SchemaReserved, "default"];
    private static readonly HashSet<string> FieldReserved = ["default", "doc", "name", "order", "type", "aliases"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Avro Java's Jackson factory allows comments.
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 1024,
    };

    private readonly Dictionary<string, NamedSchema> _names = new(StringComparer.Ordinal);
    private readonly bool _validateDefaults;

    private SchemaParser(bool validateDefaults)
    {
        _validateDefaults = validateDefaults;
    }

    public static AvroSchema Parse(string json, AvroParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parser = new SchemaParser(options.ValidateDefaults);
        var referenced = new List<string>();
        for (var i = 0; i < options.References.Count; i++)
        {
            AvroSchema reference;
            try
            {
                reference = parser.ParseDocument(options.References[i]);
            }
            catch (AvroSchemaException e)
            {
                throw new AvroSchemaException($"Invalid referenced schema #{i}: {e.Message}", e.Line, e.Column, e.Path, e);
            }

            if (reference is NamedSchema named)
            {
                referenced.Add(named.FullName);
            }
        }

        var root = parser.ParseDocument(json);
        root.ReferencedNames = referenced;
        root.ParseOptions = options;
        return root;
    }

    private AvroSchema ParseDocument(string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // System.Text.Json counts from 0 and in bytes; people count from 1.
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new AvroSchemaException($"Malformed JSON at line {line}, column {column}: {Describe(e)}", line, column, null, e);
        }

        return Parse(root, null, "");
    }

    private static string Describe(JsonException e)
    {
        // The message repeats the position in its own words ("LineNumber: 0 | BytePositionInLine: 4."); drop that.
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut >= 0 ? message[..cut] : message).TrimEnd();
    }

    private AvroSchema Parse(JsonElement node, string? space, string path) => node.ValueKind switch
    {
        JsonValueKind.String => Resolve(node.GetString()!, space, path),
        JsonValueKind.Object => ParseObject(node, space, path),
        JsonValueKind.Array => ParseUnion(node, space, path),
        _ => throw Error($"A schema is a type name, an object or an array (a union), not {Quote(node)}", path),
    };

    private AvroSchema Resolve(string name, string? space, string path)
    {
        if (TypeNames.TryPrimitive(name, out var primitive))
        {
            // A fresh instance per occurrence, as in Avro Java: compatibility results are memoized per instance pair.
            return new PrimitiveSchema(primitive);
        }

        if (_names.TryGetValue(AvroName.Create(name, space).Full, out var found)
            || _names.TryGetValue(AvroName.Create(name, null).Full, out found))
        {
            return found;
        }

        throw Error($"Undefined name: {name}", path);
    }

    private AvroSchema ParseObject(JsonElement node, string? space, string path)
    {
        var properties = JsonObjects.Properties(node);
        var type = JsonObjects.Text(properties, "type")
            ?? throw Error("No type: a schema object needs a \"type\" string", path);
        AvroSchema result;
        if (TypeNames.TryPrimitive(type, out var primitive))
        {
            result = new PrimitiveSchema(primitive, Except(properties, SchemaReserved));
        }
        else
        {
            switch (type)
            {
                case "record":
                case "error":
                    result = ParseRecord(properties, type == "error", space, path);
                    break;
                case "enum":
                    result = ParseEnum(properties, space, path);
                    break;
                case "fixed":
                    result = ParseFixed(properties, space, path);
                    break;
                case "array":
                    var items = JsonObjects.Get(properties, "items") ?? throw Error("Array has no items type", path);
                    result = new ArraySchema(Parse(items, space, path + "/items"), Except(properties, SchemaReserved));
                    break;
                case "map":
                    var values = JsonObjects.Get(properties, "values") ?? throw Error("Map has no values type", path);
                    result = new MapSchema(Parse(values, space, path + "/values"), Except(properties, SchemaReserved));
                    break;
                default:
                    // {"type": "SomeName"} refers to a named type; its other attributes are ignored, as in Java.
                    return Resolve(type, space, path + "/type");
            }
        }

        result.LogicalType = LogicalType.FromSchema(result);
        return result;
    }

    private RecordSchema ParseRecord(List<KeyValuePair<string, JsonElement>> properties, bool isError, string? space, string path)
    {
        var name = ParseName(properties, space, path);
        var record = new RecordSchema(name, JsonObjects.Text(properties, "doc"), isError, ParseTypeAliases(properties, name, path), Except(properties, SchemaReserved));
        Register(record, path);

        if (JsonObjects.Get(properties, "fields") is not { ValueKind: JsonValueKind.Array } fieldsNode)
        {
            throw Error($"Record {name.Full} has no \"fields\" array", path);
        }

        var fields = new List<RecordField>();
        var byName = new Dictionary<string, RecordField>(StringComparer.Ordinal);
        foreach (var fieldNode in fieldsNode.EnumerateArray())
        {
            var fieldPath = $"{path}/fields/{fields.Count}";
            var field = ParseField(fieldNode, fields.Count, name, fieldPath);
            if (!byName.TryAdd(field.Name, field))
            {
                throw Error($"Duplicate field name {field.Name} in record {name.Full}", fieldPath);
            }

            fields.Add(field);
        }

        record.SetFields(fields, byName);
        return record;
    }

    private RecordField ParseField(JsonElement node, int position, AvroName record, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            throw Error($"A field is an object with a name and a type, not {Quote(node)}", path);
        }

        var properties = JsonObjects.Properties(node);
        var name = JsonObjects.Text(properties, "name") ?? throw Error("No field name", path);
        ValidateName(name, path + "/name");
        var typeNode = JsonObjects.Get(properties, "type") ?? throw Error($"No field type for field {name}", path);

        // Fields resolve names in their record's namespace.
        var schema = Parse(typeNode, record.Space, path + "/type");

        var order = FieldOrder.Ascending;
        if (JsonObjects.Get(properties, "order") is { } orderNode)
        {
            order = (orderNode.ValueKind == JsonValueKind.String ? orderNode.GetString()!.ToUpperInvariant() : null) switch
            {
                "ASCENDING" => FieldOrder.Ascending,
                "DESCENDING" => FieldOrder.Descending,
                "IGNORE" => FieldOrder.Ignore,
                _ => throw Error($"Invalid order for field {name}: {Quote(orderNode)} (ascending, descending or ignore)", path + "/order"),
            };
        }

        var defaultValue = JsonObjects.Get(properties, "default");
        var converted = false;
        if (defaultValue is { ValueKind: JsonValueKind.String } text && schema.Type is AvroType.Float or AvroType.Double)
        {
            // Avro Java reads a string default of a float or double field as a number ("NaN", "1.5").
            defaultValue = JavaDouble.TryParse(text.GetString()!, out var number)
                ? JavaDouble.ToElement(number)
                : throw Error($"Invalid default for field {name}: expected {schema.TypeName}, got {Quote(text)}", path + "/default");
            converted = true;
        }

        if (_validateDefaults && !converted && defaultValue is { } value && !DefaultValidator.IsValid(schema, value))
        {
            throw Error($"Invalid default for field {name}: expected {DefaultValidator.Describe(schema)}, got {Quote(value)}", path + "/default");
        }

        return new RecordField(name, position, schema, JsonObjects.Text(properties, "doc"), defaultValue, order, ParseAliases(properties, path), Except(properties, FieldReserved));
    }

    private EnumSchema ParseEnum(List<KeyValuePair<string, JsonElement>> properties, string? space, string path)
    {
        var name = ParseName(properties, space, path);
        if (JsonObjects.Get(properties, "symbols") is not { ValueKind: JsonValueKind.Array } symbolsNode)
        {
            throw Error($"Enum {name.Full} has no \"symbols\" array", path);
        }

        var symbols = new List<string>();
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbolNode in symbolsNode.EnumerateArray())
        {
            var symbolPath = $"{path}/symbols/{symbols.Count}";
            if (symbolNode.ValueKind != JsonValueKind.String)
            {
                throw Error($"Enum symbols are strings, not {Quote(symbolNode)}", symbolPath);
            }

            var symbol = symbolNode.GetString()!;
            ValidateName(symbol, symbolPath);
            if (!ordinals.TryAdd(symbol, symbols.Count))
            {
                throw Error($"Duplicate enum symbol: {symbol}", symbolPath);
            }

            symbols.Add(symbol);
        }

        var defaultSymbol = JsonObjects.Text(properties, "default");
        if (defaultSymbol is not null && !ordinals.ContainsKey(defaultSymbol))
        {
            throw Error($"The Enum Default: {defaultSymbol} is not in the enum symbol set: [{string.Join(", ", symbols)}]", path + "/default");
        }

        var result = new EnumSchema(name, JsonObjects.Text(properties, "doc"), symbols, ordinals, defaultSymbol, ParseTypeAliases(properties, name, path), Except(properties, EnumReserved));
        Register(result, path);
        return result;
    }

    private FixedSchema ParseFixed(List<KeyValuePair<string, JsonElement>> properties, string? space, string path)
    {
        var name = ParseName(properties, space, path);
        var sizeNode = JsonObjects.Get(properties, "size");
        if (sizeNode is not { ValueKind: JsonValueKind.Number } number || !JsonNumbers.IsIntegral(number) || !number.TryGetInt32(out var size) || size < 0)
        {
            throw Error($"Invalid or no size for fixed {name.Full}: a non-negative int is needed", sizeNode is null ? path : path + "/size");
        }

        var result = new FixedSchema(name, JsonObjects.Text(properties, "doc"), size, ParseTypeAliases(properties, name, path), Except(properties, SchemaReserved));
        Register(result, path);
        return result;
    }

    private UnionSchema ParseUnion(JsonElement node, string? space, string path)
    {
        var branches = new List<AvroSchema>();
        var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var branchNode in node.EnumerateArray())
        {
            var branchPath = $"{path}/{branches.Count}";
            var branch = Parse(branchNode, space, branchPath);
            if (branch.Type == AvroType.Union)
            {
                throw Error("Nested union: a union may not directly contain another union", branchPath);
            }

            var key = UnionSchema.BranchName(branch);
            if (!indexByName.TryAdd(key, branches.Count))
            {
                throw Error($"Duplicate in union: {key}", branchPath);
            }

            branches.Add(branch);
        }

        return new UnionSchema(branches, indexByName);
    }

    private static AvroName ParseName(List<KeyValuePair<string, JsonElement>> properties, string? space, string path)
    {
        var name = JsonObjects.Text(properties, "name") ?? throw Error("No name in schema: named types need a \"name\" string", path);

        // A namespace that is not a string counts as absent, as in Java.
        var name2 = AvroName.Create(name, JsonObjects.Text(properties, "namespace") ?? space);
        ValidateName(name2.Name, path + "/name");
        if (TypeNames.TryPrimitive(name2.Full, out _))
        {
            throw Error($"Schemas may not be named after primitives: {name2.Full}", path + "/name");
        }

        return name2;
    }

    private void Register(NamedSchema schema, string path)
    {
        if (!_names.TryAdd(schema.FullName, schema))
        {
            throw Error($"Can't redefine: {schema.FullName}", path);
        }
    }

    private static List<AvroName>? ParseTypeAliases(List<KeyValuePair<string, JsonElement>> properties, AvroName owner, string path)
    {
        var aliases = ParseAliases(properties, path);
        if (aliases is null)
        {
            return null;
        }

        var result = new List<AvroName>();
        for (var i = 0; i < aliases.Count; i++)
        {
            // A relative alias lives in the aliased type's namespace.
            var alias = AvroName.Create(aliases[i], owner.Space);
            ValidateName(alias.Name, $"{path}/aliases/{i}");
            if (!result.Contains(alias))
            {
                result.Add(alias);
            }
        }

        return result;
    }

    private static List<string>? ParseAliases(List<KeyValuePair<string, JsonElement>> properties, string path)
    {
        if (JsonObjects.Get(properties, "aliases") is not { } node)
        {
            return null;
        }

        if (node.ValueKind != JsonValueKind.Array)
        {
            throw Error($"aliases not an array: {Quote(node)}", path + "/aliases");
        }

        var aliases = new List<string>();
        var index = 0;
        foreach (var alias in node.EnumerateArray())
        {
            if (alias.ValueKind != JsonValueKind.String)
            {
                throw Error($"alias not a string: {Quote(alias)}", $"{path}/aliases/{index}");
            }

            var text = alias.GetString()!;
            if (!aliases.Contains(text))
            {
                aliases.Add(text);
            }

            index++;
        }

        return aliases;
    }

    private static List<KeyValuePair<string, JsonElement>>? Except(List<KeyValuePair<string, JsonElement>> properties, HashSet<string> reserved)
    {
        List<KeyValuePair<string, JsonElement>>? result = null;
        foreach (var property in properties)
        {
            if (!reserved.Contains(property.Key))
            {
                (result ??= []).Add(property);
            }
        }

        return result;
    }

    /// <summary>The specification's name rule as Java applies it: a letter or underscore, then letters, digits or underscores.</summary>
    private static void ValidateName(string name, string path)
    {
        if (name.Length == 0)
        {
            throw Error("Empty name", path);
        }

        if (!(char.IsLetter(name[0]) || name[0] == '_'))
        {
            throw Error($"Illegal initial character: {name}", path);
        }

        foreach (var c in name.AsSpan(1))
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                throw Error($"Illegal character in: {name}", path);
            }
        }
    }

    private static string Quote(JsonElement value)
    {
        var text = JavaJson.ToJson(value);
        return text.Length <= 80 ? text : text[..77] + "...";
    }

    private static AvroSchemaException Error(string message, string path) =>
        new($"{message} at {(path.Length == 0 ? "the top level" : path)}", null, null, path);
}

/// <summary>Java's <c>Double.parseDouble</c> for the forms people write in schemas, and back to a JSON value.</summary>
internal static class JavaDouble
{
    public static bool TryParse(string text, out double value)
    {
        var s = text.Trim();
        var unsigned = s.TrimStart('+', '-');
        var negative = s.StartsWith('-');
        switch (unsigned)
        {
            case "NaN":
                value = double.NaN;
                return s.Length == 3;
            case "Infinity":
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return s.Length - unsigned.Length <= 1;
        }

        if (s.Length > 0 && s[^1] is 'f' or 'F' or 'd' or 'D')
        {
            s = s[..^1];
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !s.Contains(',', StringComparison.Ordinal);
    }

    /// <summary>
    /// The JSON value Jackson writes for a double node: a number spelled like Java, or for the values JSON cannot
    /// express the quoted names "NaN", "Infinity", "-Infinity".
    /// </summary>
    public static JsonElement ToElement(double value)
    {
        var json = double.IsFinite(value) ? JsonNumbers.FormatDouble(value) : "\"" + JsonNumbers.FormatDouble(value) + "\"";
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
