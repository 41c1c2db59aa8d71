using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Turns a field default from the schema JSON into a value of the generic data model, by the specification's
/// rules: a union's default is a value of its first branch, bytes and fixed defaults are strings whose characters
/// are the byte values (ISO-8859-1), a record default may omit fields that have defaults of their own.
/// </summary>
internal static class DefaultValues
{
    public static object? FromJson(JsonElement value, AvroSchema schema)
    {
        switch (schema)
        {
            case UnionSchema union:
                return union.Branches.Count > 0
                    ? FromJson(value, union.Branches[0])
                    : throw new AvroDataException("A union without branches has no default");
            case RecordSchema record:
                Expect(value, JsonValueKind.Object, schema);
                var properties = JsonObjects.Properties(value);
                var result = new GenericRecord(record);
                foreach (var field in record.Fields)
                {
                    var fieldValue = JsonObjects.Get(properties, field.Name) ?? field.Default
                        ?? throw new AvroDataException($"The default of record {record.FullName} has no value for field {field.Name}, which has no default");
                    result[field.Position] = FromJson(fieldValue, field.Schema);
                }

                return result;
            case EnumSchema enumSchema:
                Expect(value, JsonValueKind.String, schema);
                var ordinal = enumSchema.GetOrdinal(value.GetString()!);
                return ordinal >= 0
                    ? EnumValues.Of(enumSchema)[ordinal]
                    : throw new AvroDataException($"Default {value.GetString()} is not a symbol of enum {enumSchema.FullName}");
            case FixedSchema fixedSchema:
                Expect(value, JsonValueKind.String, schema);
                var bytes = Latin1(value.GetString()!);
                return bytes.Length == fixedSchema.Size
                    ? new GenericFixed(fixedSchema, bytes)
                    : throw new AvroDataException($"Default of fixed {fixedSchema.FullName} has {bytes.Length} bytes, not {fixedSchema.Size}");
            case ArraySchema array:
                Expect(value, JsonValueKind.Array, schema);
                var list = new List<object?>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(FromJson(item, array.Items));
                }

                return list;
            case MapSchema map:
                Expect(value, JsonValueKind.Object, schema);
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var entry in JsonObjects.Properties(value))
                {
                    dictionary[entry.Key] = FromJson(entry.Value, map.Values);
                }

                return dictionary;
        }

        switch (schema.Type)
        {
            case AvroType.Null:
                Expect(value, JsonValueKind.Null, schema);
                return null;
            case AvroType.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => Boxes.True,
                    JsonValueKind.False => Boxes.False,
                    _ => throw Mismatch(value, schema),
                };
            case AvroType.Int:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : throw Mismatch(value, schema);
            case AvroType.Long:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? l : throw Mismatch(value, schema);
            case AvroType.Float:
                return (float)Double(value, schema);
            case AvroType.Double:
                return Double(value, schema);
            case AvroType.Bytes:
                Expect(value, JsonValueKind.String, schema);
                return Latin1(value.GetString()!);
            default:
                Expect(value, JsonValueKind.String, schema);
                return value.GetString();
        }
    }

    private static double Double(JsonElement value, AvroSchema schema) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when JavaDouble.TryParse(value.GetString()!, out var d) => d,
        _ => throw Mismatch(value, schema),
    };

    /// <summary>Characters U+0000..U+00FF as bytes; Java maps anything above to '?'.</summary>
    public static byte[] Latin1(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[i] = text[i] <= '\u00FF' ? (byte)text[i] : (byte)'?';
        }

        return bytes;
    }

    private static void Expect(JsonElement value, JsonValueKind kind, AvroSchema schema)
    {
        if (value.ValueKind != kind)
        {
            throw Mismatch(value, schema);
        }
    }

    private static AvroDataException Mismatch(JsonElement value, AvroSchema schema) =>
        new($"Default {JavaJson.ToJson(value)} is not a valid {DefaultValidator.Describe(schema)}");
}

/// <summary>The shared <see cref="GenericEnum"/> instances of each enum schema.</summary>
internal static class EnumValues
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EnumSchema, GenericEnum[]> Cache = [];

    public static GenericEnum[] Of(EnumSchema schema) =>
        Cache.GetValue(schema, static s => [.. Enumerable.Range(0, s.Symbols.Count).Select(i => new GenericEnum(s, i))]);
}

/// <summary>Boxed values handed out instead of allocating a box per decoded value.</summary>
internal static class Boxes
{
    private const int Low = -128;
    private const int High = 1023;

    public static readonly object True = true;
    public static readonly object False = false;

    private static readonly object[] Ints = [.. Enumerable.Range(Low, High - Low + 1).Select(i => (object)i)];
    private static readonly object[] Longs = [.. Enumerable.Range(Low, High - Low + 1).Select(i => (object)(long)i)];

    public static object Boolean(bool value) => value ? True : False;

    public static object Int(int value) => (uint)(value - Low) <= High - Low ? Ints[value - Low] : value;

    public static object Long(long value) => (ulong)(value - Low) <= High - Low ? Longs[value - Low] : value;
}
