using System.Collections;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Renders a value in Avro's JSON encoding: records as objects, enums as their symbol, bytes and fixed as strings
/// of the characters U+0000..U+00FF, a union as null or <c>{"branch name": value}</c>, NaN and infinities as the
/// strings Java writes for them.
/// </summary>
internal static class JsonDatumWriter
{
    public static void Write(Utf8JsonWriter writer, AvroSchema schema, object? value)
    {
        switch (schema)
        {
            case UnionSchema union:
                var index = UnionBranchSelector.For(union).Select(value);
                var branch = union.Branches[index];
                if (branch.Type == AvroType.Null)
                {
                    writer.WriteNullValue();
                    return;
                }

                writer.WriteStartObject();
                writer.WritePropertyName(UnionSchema.BranchName(branch));
                Within(writer, branch, value, UnionSchema.BranchName(branch));
                writer.WriteEndObject();
                return;
            case RecordSchema record:
                if (!RecordValues.IsRecordLike(value))
                {
                    throw Mismatch($"record {record.FullName}", value);
                }

                writer.WriteStartObject();
                foreach (var field in record.Fields)
                {
                    writer.WritePropertyName(field.Name);
                    object? fieldValue;
                    try
                    {
                        fieldValue = RecordValues.Get(value!, record, field);
                    }
                    catch (AvroDataException e) when (e.Passing(field.Name))
                    {
                        throw;
                    }

                    Within(writer, field.Schema, fieldValue, field.Name);
                }

                writer.WriteEndObject();
                return;
            case EnumSchema enumSchema:
                var symbol = value switch
                {
                    GenericEnum e => e.Symbol,
                    string s => s,
                    _ => throw Mismatch($"enum {enumSchema.FullName}", value),
                };
                if (!enumSchema.HasSymbol(symbol))
                {
                    throw new AvroDataException($"{symbol} is not a symbol of enum {enumSchema.FullName}");
                }

                writer.WriteStringValue(symbol);
                return;
            case FixedSchema fixedSchema:
                writer.WriteStringValue(Latin1(value switch
                {
                    GenericFixed f => f.Value,
                    byte[] b => b,
                    _ => throw Mismatch($"fixed {fixedSchema.FullName}", value),
                }));
                return;
            case ArraySchema array:
                if (value is not IEnumerable items || value is string or IDictionary)
                {
                    throw Mismatch("array", value);
                }

                writer.WriteStartArray();
                var i = 0;
                foreach (var item in items)
                {
                    Within(writer, array.Items, item, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    i++;
                }

                writer.WriteEndArray();
                return;
            case MapSchema map:
                writer.WriteStartObject();
                foreach (var (key, entryValue) in Entries(value))
                {
                    writer.WritePropertyName(key);
                    Within(writer, map.Values, entryValue, key);
                }

                writer.WriteEndObject();
                return;
        }

        switch (schema.Type)
        {
            case AvroType.Null:
                _ = value is null ? 0 : throw Mismatch("null", value);
                writer.WriteNullValue();
                break;
            case AvroType.Boolean:
                writer.WriteBooleanValue(value is bool b ? b : throw Mismatch("boolean", value));
                break;
            case AvroType.Int:
            case AvroType.Long:
                writer.WriteNumberValue(value switch
                {
                    int n => n,
                    long n => n,
                    short n => n,
                    byte n => n,
                    _ => throw Mismatch(schema.TypeName, value),
                });
                break;
            case AvroType.Float:
            case AvroType.Double:
                var number = value switch
                {
                    double d => d,
                    float f => f,
                    int n => n,
                    long n => n,
                    _ => throw Mismatch(schema.TypeName, value),
                };
                if (double.IsFinite(number))
                {
                    if (value is float single)
                    {
                        writer.WriteNumberValue(single);
                    }
                    else
                    {
                        writer.WriteNumberValue(number);
                    }
                }
                else
                {
                    writer.WriteStringValue(JsonNumbers.FormatDouble(number));
                }

                break;
            case AvroType.Bytes:
                writer.WriteStringValue(Latin1(value switch
                {
                    byte[] bytes => bytes,
                    ReadOnlyMemory<byte> memory => memory.Span,
                    ArraySegment<byte> segment => segment,
                    _ => throw Mismatch("bytes", value),
                }));
                break;
            default:
                writer.WriteStringValue(value as string ?? throw Mismatch("string", value));
                break;
        }
    }

    private static void Within(Utf8JsonWriter writer, AvroSchema schema, object? value, string segment)
    {
        try
        {
            Write(writer, schema, value);
        }
        catch (AvroDataException e) when (e.Passing(segment))
        {
            throw;
        }
    }

    private static IEnumerable<(string Key, object? Value)> Entries(object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                foreach (var entry in map)
                {
                    yield return (entry.Key, entry.Value);
                }

                break;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    yield return (entry.Key as string ?? throw new AvroDataException("Map keys are strings"), entry.Value);
                }

                break;
            default:
                throw Mismatch("map", value);
        }
    }

    private static string Latin1(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        return new string(chars);
    }

    private static AvroDataException Mismatch(string expected, object? value) =>
        new($"Expected {expected}, got {UnionBranchSelector.Describe(value)}");
}
