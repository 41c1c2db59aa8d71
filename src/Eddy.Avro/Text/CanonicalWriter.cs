using System.Text;

namespace Eddy.Avro;

/// <summary>
/// Avro Java's <c>Schema.toString()</c>, which is what Confluent's registry stores as the schema string. The
/// attribute order per node is Java's (type, name, namespace, doc, then the type's own attributes, properties,
/// aliases); a named type is written in full once and by name afterwards; a namespace is written only where it
/// differs from the enclosing one, and as "" where a null namespace sits inside a non-null one.
/// </summary>
internal sealed class CanonicalWriter
{
    private readonly StringBuilder _output = new();
    private readonly HashSet<string> _written;

    private CanonicalWriter(IEnumerable<string> knownNames)
    {
        _written = new HashSet<string>(knownNames, StringComparer.Ordinal);
    }

    public static string Write(AvroSchema schema, IEnumerable<string> knownNames)
    {
        var writer = new CanonicalWriter(knownNames);
        writer.WriteSchema(schema, null);
        return writer._output.ToString();
    }

    private void WriteSchema(AvroSchema schema, string? space)
    {
        switch (schema)
        {
            case RecordSchema record:
                WriteRecord(record, space);
                break;
            case EnumSchema enumSchema:
                WriteEnum(enumSchema, space);
                break;
            case FixedSchema fixedSchema:
                WriteFixed(fixedSchema, space);
                break;
            case ArraySchema array:
                _output.Append("{\"type\":\"array\",\"items\":");
                WriteSchema(array.Items, space);
                WriteProperties(schema.Properties);
                _output.Append('}');
                break;
            case MapSchema map:
                _output.Append("{\"type\":\"map\",\"values\":");
                WriteSchema(map.Values, space);
                WriteProperties(schema.Properties);
                _output.Append('}');
                break;
            case UnionSchema union:
                _output.Append('[');
                for (var i = 0; i < union.Branches.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Append(',');
                    }

                    WriteSchema(union.Branches[i], space);
                }

                _output.Append(']');
                break;
            default:
                if (schema.Properties.Count == 0)
                {
                    JavaJson.WriteString(_output, schema.TypeName);
                }
                else
                {
                    _output.Append("{\"type\":");
                    JavaJson.WriteString(_output, schema.TypeName);
                    WriteProperties(schema.Properties);
                    _output.Append('}');
                }

                break;
        }
    }

    private void WriteRecord(RecordSchema record, string? space)
    {
        if (WriteReference(record, space))
        {
            return;
        }

        _output.Append("{\"type\":").Append(record.IsError ? "\"error\"" : "\"record\"");
        WriteName(record, space);
        WriteDoc(record.Doc);
        _output.Append(",\"fields\":[");
        for (var i = 0; i < record.Fields.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }

            WriteField(record.Fields[i], record.Namespace);
        }

        _output.Append(']');
        WriteProperties(record.Properties);
        WriteAliases(record);
        _output.Append('}');
    }

    private void WriteField(RecordField field, string? space)
    {
        _output.Append("{\"name\":");
        JavaJson.WriteString(_output, field.Name);
        _output.Append(",\"type\":");
        WriteSchema(field.Schema, space);
        WriteDoc(field.Doc);
        if (field.Default is { } defaultValue)
        {
            _output.Append(",\"default\":");
            JavaJson.WriteValue(_output, defaultValue);
        }

        if (field.Order != FieldOrder.Ascending)
        {
            _output.Append(",\"order\":").Append(field.Order == FieldOrder.Descending ? "\"descending\"" : "\"ignore\"");
        }

        if (field.Aliases.Count > 0)
        {
            _output.Append(",\"aliases\":[");
            for (var i = 0; i < field.Aliases.Count; i++)
            {
                if (i > 0)
                {
                    _output.Append(',');
                }

                JavaJson.WriteString(_output, field.Aliases[i]);
            }

            _output.Append(']');
        }

        WriteProperties(field.Properties);
        _output.Append('}');
    }

    private void WriteEnum(EnumSchema schema, string? space)
    {
        if (WriteReference(schema, space))
        {
            return;
        }

        _output.Append("{\"type\":\"enum\"");
        WriteName(schema, space);
        WriteDoc(schema.Doc);
        _output.Append(",\"symbols\":[");
        for (var i = 0; i < schema.Symbols.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }

            JavaJson.WriteString(_output, schema.Symbols[i]);
        }

        _output.Append(']');
        if (schema.Default is { } defaultSymbol)
        {
            _output.Append(",\"default\":");
            JavaJson.WriteString(_output, defaultSymbol);
        }

        WriteProperties(schema.Properties);
        WriteAliases(schema);
        _output.Append('}');
    }

    private void WriteFixed(FixedSchema schema, string? space)
    {
        if (WriteReference(schema, space))
        {
            return;
        }

        _output.Append("{\"type\":\"fixed\"");
        WriteName(schema, space);
        WriteDoc(schema.Doc);
        _output.Append(",\"size\":").Append(schema.Size);
        WriteProperties(schema.Properties);
        WriteAliases(schema);
        _output.Append('}');
    }

    private bool WriteReference(NamedSchema schema, string? space)
    {
        if (_written.Add(schema.FullName))
        {
            return false;
        }

        JavaJson.WriteString(_output, schema.QualifiedName.Qualified(space));
        return true;
    }

    private void WriteName(NamedSchema schema, string? space)
    {
        _output.Append(",\"name\":");
        JavaJson.WriteString(_output, schema.Name);
        if (schema.Namespace is { } ns)
        {
            if (ns != space)
            {
                _output.Append(",\"namespace\":");
                JavaJson.WriteString(_output, ns);
            }
        }
        else if (space is not null)
        {
            _output.Append(",\"namespace\":\"\"");
        }
    }

    private void WriteDoc(string? doc)
    {
        if (doc is not null)
        {
            _output.Append(",\"doc\":");
            JavaJson.WriteString(_output, doc);
        }
    }

    private void WriteAliases(NamedSchema schema)
    {
        if (schema.AliasNames.Count == 0)
        {
            return;
        }

        _output.Append(",\"aliases\":[");
        for (var i = 0; i < schema.AliasNames.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }

            JavaJson.WriteString(_output, schema.AliasNames[i].Qualified(schema.Namespace));
        }

        _output.Append(']');
    }

    private void WriteProperties(IReadOnlyList<KeyValuePair<string, System.Text.Json.JsonElement>> properties)
    {
        foreach (var property in properties)
        {
            _output.Append(',');
            JavaJson.WriteString(_output, property.Key);
            _output.Append(':');
            JavaJson.WriteValue(_output, property.Value);
        }
    }
}
