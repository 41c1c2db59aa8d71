using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Confluent's <c>AvroSchemaUtils.toNormalizedString</c> (normalize=true), itself adapted from Avro's parsing
/// canonical form but keeping doc, aliases, defaults, order and properties. Named types are written with their full
/// name first and no namespace; aliases, properties and object keys inside values are sorted; every field states
/// its order ("ASCENDING", Java's enum name); defaults are converted through the field type as Java converts them,
/// which drops a default Java cannot convert (an integral default of a float or double field).
/// </summary>
internal sealed class NormalizedWriter
{
    private readonly StringBuilder _output = new();
    private readonly HashSet<string> _written;

    private NormalizedWriter(IEnumerable<string> knownNames)
    {
        _written = new HashSet<string>(knownNames, StringComparer.Ordinal);
    }

    public static string Write(AvroSchema schema, IEnumerable<string> knownNames)
    {
        var writer = new NormalizedWriter(knownNames);
        writer.WriteSchema(schema);
        return writer._output.ToString();
    }

    private void WriteSchema(AvroSchema schema)
    {
        switch (schema)
        {
            case UnionSchema union:
                _output.Append('[');
                for (var i = 0; i < union.Branches.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Append(',');
                    }

                    WriteSchema(union.Branches[i]);
                }

                _output.Append(']');
                return;
            case ArraySchema array:
                _output.Append("{\"type\":\"array\",\"items\":");
                WriteSchema(array.Items);
                WriteSortedProperties(schema.Properties);
                _output.Append('}');
                return;
            case MapSchema map:
                _output.Append("{\"type\":\"map\",\"values\":");
                WriteSchema(map.Values);
                WriteSortedProperties(schema.Properties);
                _output.Append('}');
                return;
            case NamedSchema named:
                WriteNamed(named);
                return;
        }

        if (schema.LogicalType is { KnownToJava: true } logicalType)
        {
            _output.Append("{\"type\":\"").Append(schema.TypeName).Append('"');
            WriteLogicalType(logicalType);
            WriteSortedProperties(schema.Properties);
            _output.Append('}');
        }
        else if (schema.Properties.Count > 0)
        {
            _output.Append("{\"type\":\"").Append(schema.TypeName).Append('"');
            WriteSortedProperties(schema.Properties);
            _output.Append('}');
        }
        else
        {
            _output.Append('"').Append(schema.TypeName).Append('"');
        }
    }

    private void WriteNamed(NamedSchema schema)
    {
        if (!_written.Add(schema.FullName))
        {
            _output.Append('"').Append(schema.FullName).Append('"');
            return;
        }

        // An error is written as a record: Java writes Schema.Type's name, and both are RECORD.
        _output.Append("{\"name\":\"").Append(schema.FullName).Append("\",\"type\":\"").Append(schema.TypeName).Append('"');
        switch (schema)
        {
            case EnumSchema enumSchema:
                _output.Append(",\"symbols\":[");
                for (var i = 0; i < enumSchema.Symbols.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Append(',');
                    }

                    _output.Append('"').Append(enumSchema.Symbols[i]).Append('"');
                }

                _output.Append(']');
                break;
            case FixedSchema fixedSchema:
                _output.Append(",\"size\":").Append(fixedSchema.Size.ToString(CultureInfo.InvariantCulture));
                if (fixedSchema.LogicalType is { KnownToJava: true } logicalType)
                {
                    WriteLogicalType(logicalType);
                }

                break;
            case RecordSchema record:
                _output.Append(",\"fields\":[");
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Append(',');
                    }

                    WriteField(record.Fields[i]);
                }

                _output.Append(']');
                break;
        }

        if (schema.Doc is { Length: > 0 } doc)
        {
            _output.Append(",\"doc\":");
            JavaJson.WriteString(_output, doc);
        }

        if (schema.Aliases.Count > 0)
        {
            WriteSortedStrings("aliases", schema.Aliases);
        }

        if (schema is EnumSchema { Default: { } defaultSymbol })
        {
            _output.Append(",\"default\":");
            JavaJson.WriteString(_output, defaultSymbol);
        }

        WriteSortedProperties(schema.Properties);
        _output.Append('}');
    }

    private void WriteField(RecordField field)
    {
        _output.Append("{\"name\":\"").Append(field.Name).Append("\",\"type\":");
        WriteSchema(field.Schema);
        _output.Append(",\"order\":\"").Append(field.Order switch
        {
            FieldOrder.Descending => "DESCENDING",
            FieldOrder.Ignore => "IGNORE",
            _ => "ASCENDING",
        }).Append('"');
        if (field.Doc is { } doc)
        {
            _output.Append(",\"doc\":");
            JavaJson.WriteString(_output, doc);
        }

        if (field.Aliases.Count > 0)
        {
            WriteSortedStrings("aliases", field.Aliases);
        }

        if (field.Default is { } defaultValue)
        {
            var converted = new StringBuilder();
            if (DefaultConverter.TryWrite(converted, defaultValue, field.Schema))
            {
                _output.Append(",\"default\":").Append(converted);
            }
        }

        WriteSortedProperties(field.Properties);
        _output.Append('}');
    }

    private void WriteLogicalType(LogicalType logicalType)
    {
        _output.Append(",\"logicalType\":\"").Append(logicalType.Name).Append('"');
        if (logicalType.Name == LogicalType.Decimal)
        {
            _output.Append(",\"precision\":").Append(logicalType.Precision.ToString(CultureInfo.InvariantCulture));
            if (logicalType.Scale != 0)
            {
                _output.Append(",\"scale\":").Append(logicalType.Scale.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private void WriteSortedStrings(string key, IReadOnlyList<string> values)
    {
        var sorted = values.ToList();
        sorted.Sort(StringComparer.Ordinal);
        _output.Append(",\"").Append(key).Append("\":[");
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }

            JavaJson.WriteString(_output, sorted[i]);
        }

        _output.Append(']');
    }

    // Every property, logicalType included even when written just before: Confluent writes both, and parsing the
    // result keeps one of the two equal values.
    private void WriteSortedProperties(IReadOnlyList<KeyValuePair<string, JsonElement>> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        var sorted = properties.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var property in sorted)
        {
            _output.Append(",\"").Append(property.Key).Append("\":");
            JavaJson.WriteValue(_output, property.Value, sortKeys: true);
        }
    }

    /// <summary>
    /// A default as Confluent writes it: Avro's <c>JacksonUtils.toObject(default, fieldSchema)</c> turned back into
    /// JSON with sorted keys. The conversion follows the schema (a union by its first branch), so an int literal
    /// becomes a long for a long field but nothing at all for a float or double field.
    /// </summary>
    private static class DefaultConverter
    {
        public static bool TryWrite(StringBuilder output, JsonElement value, AvroSchema? schema)
        {
            if (schema is UnionSchema union)
            {
                schema = union.Branches.Count > 0 ? union.Branches[0] : null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    output.Append("null");
                    return true;
                case JsonValueKind.True:
                    output.Append("true");
                    return true;
                case JsonValueKind.False:
                    output.Append("false");
                    return true;
                case JsonValueKind.Number:
                    return TryWriteNumber(output, value, schema);
                case JsonValueKind.String:
                    if (schema is null || schema.Type is AvroType.String or AvroType.Enum or AvroType.Bytes or AvroType.Fixed
                        || (schema.Type is AvroType.Float or AvroType.Double && value.GetString() is "NaN" or "Infinity" or "-Infinity"))
                    {
                        // Bytes go through ISO-8859-1 and back: characters above U+00FF become '?'.
                        var text = value.GetString()!;
                        if (schema?.Type is AvroType.Bytes or AvroType.Fixed)
                        {
                            text = string.Create(text.Length, text, static (span, s) =>
                            {
                                for (var i = 0; i < s.Length; i++)
                                {
                                    span[i] = s[i] <= '\u00FF' ? s[i] : '?';
                                }
                            });
                        }

                        JavaJson.WriteString(output, text);
                        return true;
                    }

                    return false;
                case JsonValueKind.Array:
                    var items = (schema as ArraySchema)?.Items;
                    output.Append('[');
                    var first = true;
                    foreach (var item in value.EnumerateArray())
                    {
                        if (!first)
                        {
                            output.Append(',');
                        }

                        first = false;
                        WriteNested(output, item, items);
                    }

                    output.Append(']');
                    return true;
                case JsonValueKind.Object:
                    var properties = JsonObjects.Properties(value);
                    properties.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                    output.Append('{');
                    for (var i = 0; i < properties.Count; i++)
                    {
                        if (i > 0)
                        {
                            output.Append(',');
                        }

                        JavaJson.WriteString(output, properties[i].Key);
                        output.Append(':');
                        var valueSchema = schema switch
                        {
                            MapSchema map => map.Values,
                            RecordSchema record => record.GetField(properties[i].Key)?.Schema,
                            _ => null,
                        };
                        WriteNested(output, properties[i].Value, valueSchema);
                    }

                    output.Append('}');
                    return true;
                default:
                    return false;
            }
        }

        // Java cannot write a nested value it failed to convert (it throws); we write it as it was.
        private static void WriteNested(StringBuilder output, JsonElement value, AvroSchema? schema)
        {
            if (!TryWrite(output, value, schema))
            {
                JavaJson.WriteValue(output, value, sortKeys: true);
            }
        }

        private static bool TryWriteNumber(StringBuilder output, JsonElement value, AvroSchema? schema)
        {
            if (JsonNumbers.IsIntegral(value))
            {
                if (value.TryGetInt32(out var small))
                {
                    if (schema is null || schema.Type is AvroType.Int or AvroType.Long)
                    {
                        output.Append(small.ToString(CultureInfo.InvariantCulture));
                        return true;
                    }

                    return false;
                }

                if (value.TryGetInt64(out var large))
                {
                    output.Append(large.ToString(CultureInfo.InvariantCulture));
                    return true;
                }

                return false;
            }

            var number = value.GetDouble();
            if (schema is null || schema.Type == AvroType.Double)
            {
                AppendJavaNumber(output, JsonNumbers.FormatDouble(number));
                return true;
            }

            if (schema.Type == AvroType.Float)
            {
                AppendJavaNumber(output, JsonNumbers.FormatFloat((float)number));
                return true;
            }

            return false;
        }

        private static void AppendJavaNumber(StringBuilder output, string text)
        {
            // Jackson quotes the values JSON has no literal for.
            if (text is "NaN" or "Infinity" or "-Infinity")
            {
                output.Append('"').Append(text).Append('"');
            }
            else
            {
                output.Append(text);
            }
        }
    }
}
