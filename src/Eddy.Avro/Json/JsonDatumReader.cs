using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Reads a value from Avro's JSON encoding (the inverse of <see cref="JsonDatumWriter"/>). A record field that is
/// absent takes its default; a field the schema does not have is an error, so typos are caught. Every error names
/// the place in the JSON as a pointer.
/// </summary>
internal static class JsonDatumReader
{
    public static object? Read(JsonElement value, AvroSchema schema)
    {
        switch (schema)
        {
            case UnionSchema union:
                return ReadUnion(value, union);
            case RecordSchema record:
                Expect(value, JsonValueKind.Object, $"record {record.FullName}");
                var properties = JsonObjects.Properties(value);
                foreach (var property in properties)
                {
                    if (record.GetField(property.Key) is null)
                    {
                        throw new AvroDataException($"Record {record.FullName} has no field {property.Key}", "/" + Escape(property.Key));
                    }
                }

                var result = new GenericRecord(record);
                foreach (var field in record.Fields)
                {
                    if (JsonObjects.Get(properties, field.Name) is { } fieldValue)
                    {
                        result[field.Position] = Within(fieldValue, field.Schema, field.Name);
                    }
                    else
                    {
                        result[field.Position] = field.Default is { } json
                            ? DefaultValues.FromJson(json, field.Schema)
                            : throw new AvroDataException($"Missing field {field.Name} of record {record.FullName}, which has no default");
                    }
                }

                return result;
            case EnumSchema enumSchema:
                Expect(value, JsonValueKind.String, $"enum {enumSchema.FullName}");
                var ordinal = enumSchema.GetOrdinal(value.GetString()!);
                return ordinal >= 0
                    ? EnumValues.Of(enumSchema)[ordinal]
                    : throw new AvroDataException($"{value.GetString()} is not a symbol of enum {enumSchema.FullName} ({string.Join(", ", enumSchema.Symbols)})");
            case FixedSchema fixedSchema:
                var bytes = Latin1(value, $"fixed {fixedSchema.FullName}");
                return bytes.Length == fixedSchema.Size
                    ? new GenericFixed(fixedSchema, bytes)
                    : throw new AvroDataException($"Fixed {fixedSchema.FullName} holds {fixedSchema.Size} bytes, got {bytes.Length}");
            case ArraySchema array:
                Expect(value, JsonValueKind.Array, "array");
                var list = new List<object?>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(Within(item, array.Items, list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return list;
            case MapSchema map:
                Expect(value, JsonValueKind.Object, "map");
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var entry in JsonObjects.Properties(value))
                {
                    dictionary[entry.Key] = Within(entry.Value, map.Values, entry.Key);
                }

                return dictionary;
        }

        switch (schema.Type)
        {
            case AvroType.Null:
                Expect(value, JsonValueKind.Null, "null");
                return null;
            case AvroType.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => Boxes.True,
                    JsonValueKind.False => Boxes.False,
                    _ => throw Mismatch("boolean", value),
                };
            case AvroType.Int:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? Boxes.Int(i) : throw Mismatch("int", value);
            case AvroType.Long:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? Boxes.Long(l) : throw Mismatch("long", value);
            case AvroType.Float:
                return (float)ReadDouble(value, "float");
            case AvroType.Double:
                return ReadDouble(value, "double");
            case AvroType.Bytes:
                return Latin1(value, "bytes");
            default:
                Expect(value, JsonValueKind.String, "string");
                return value.GetString();
        }
    }

    private static object? ReadUnion(JsonElement value, UnionSchema union)
    {
        if (value.ValueKind == JsonValueKind.Null && union.IndexOf("null") >= 0)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = JsonObjects.Properties(value);
            if (properties.Count == 1 && union.IndexOf(properties[0].Key) is var index and >= 0 && union.Branches[index].Type != AvroType.Null)
            {
                return Within(properties[0].Value, union.Branches[index], properties[0].Key);
            }
        }

        var names = string.Join(", ", union.Branches.Select(UnionSchema.BranchName));
        throw new AvroDataException($"A union value is null or an object naming its branch, such as {{\"{UnionSchema.BranchName(union.Branches.FirstOrDefault(b => b.Type != AvroType.Null) ?? union.Branches[0])}\": ...}} (branches: {names}); got {Describe(value)}");
    }

    private static object? Within(JsonElement value, AvroSchema schema, string segment)
    {
        try
        {
            return Read(value, schema);
        }
        catch (AvroDataException e) when (e.Passing(segment))
        {
            throw;
        }
    }

    private static double ReadDouble(JsonElement value, string type) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when value.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when value.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when value.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => throw Mismatch(type, value),
    };

    private static byte[] Latin1(JsonElement value, string type)
    {
        Expect(value, JsonValueKind.String, type);
        var text = value.GetString()!;
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > '\u00FF')
            {
                throw new AvroDataException($"Expected {type} as a string of characters U+0000 to U+00FF, found U+{(int)text[i]:X4} at index {i}");
            }

            bytes[i] = (byte)text[i];
        }

        return bytes;
    }

    private static void Expect(JsonElement value, JsonValueKind kind, string type)
    {
        if (value.ValueKind != kind)
        {
            throw Mismatch(type, value);
        }
    }

    private static AvroDataException Mismatch(string type, JsonElement value) => new($"Expected {type}, got {Describe(value)}");

    private static string Describe(JsonElement value)
    {
        var text = JavaJson.ToJson(value);
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
