using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Whether a field default fits its schema, by Avro Java 1.11's <c>isValidDefault</c> (the registry's rules): a
/// union's default matches its first branch, bytes and fixed defaults are strings, ints must be integral literals
/// in range, and a record default may leave out fields that have defaults of their own.
/// </summary>
internal static class DefaultValidator
{
    public static bool IsValid(AvroSchema schema, JsonElement? value)
    {
        if (value is not { } v)
        {
            return false;
        }

        switch (schema)
        {
            case UnionSchema union:
                return union.Branches.Count > 0 && IsValid(union.Branches[0], v);
            case ArraySchema array:
                if (v.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (var item in v.EnumerateArray())
                {
                    if (!IsValid(array.Items, item))
                    {
                        return false;
                    }
                }

                return true;
            case MapSchema map:
                if (v.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (var entry in JsonObjects.Properties(v))
                {
                    if (!IsValid(map.Values, entry.Value))
                    {
                        return false;
                    }
                }

                return true;
            case RecordSchema record:
                if (v.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                var properties = JsonObjects.Properties(v);
                foreach (var field in record.Fields)
                {
                    if (!IsValid(field.Schema, JsonObjects.Get(properties, field.Name) ?? field.Default))
                    {
                        return false;
                    }
                }

                return true;
        }

        return schema.Type switch
        {
            AvroType.String or AvroType.Bytes or AvroType.Enum or AvroType.Fixed => v.ValueKind == JsonValueKind.String,
            AvroType.Int => v.ValueKind == JsonValueKind.Number && JsonNumbers.IsIntegral(v) && v.TryGetInt32(out _),
            AvroType.Long => v.ValueKind == JsonValueKind.Number && JsonNumbers.IsIntegral(v) && v.TryGetInt64(out _),
            AvroType.Float or AvroType.Double => v.ValueKind == JsonValueKind.Number,
            AvroType.Boolean => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
            AvroType.Null => v.ValueKind == JsonValueKind.Null,
            _ => false,
        };
    }

    /// <summary>What a default for <paramref name="schema"/> has to be, for error messages.</summary>
    public static string Describe(AvroSchema schema) => schema switch
    {
        UnionSchema { Branches.Count: 0 } => "nothing (the union has no branches)",
        UnionSchema union => $"{Describe(union.Branches[0])} (a union's default must match its first branch)",
        NamedSchema named => $"{named.TypeName} {named.FullName}",
        _ => schema.TypeName,
    };
}
