namespace Eddy.Avro;

/// <summary>
/// A record field's value from anything that stands for a record: a <see cref="GenericRecord"/> (of this schema
/// or of another version of it, matched by field name) or a string-keyed dictionary. A missing field takes its
/// default.
/// </summary>
internal static class RecordValues
{
    public static bool IsRecordLike(object? value) =>
        value is GenericRecord or IReadOnlyDictionary<string, object?> or IDictionary<string, object?>;

    public static object? Get(object value, RecordSchema schema, RecordField field)
    {
        if (value is GenericRecord record && ReferenceEquals(record.Schema, schema))
        {
            return record[field.Position];
        }

        var (found, fieldValue) = value switch
        {
            GenericRecord other => (other.TryGetValue(field.Name, out var v), v),
            IReadOnlyDictionary<string, object?> map => (map.TryGetValue(field.Name, out var v), v),
            IDictionary<string, object?> map => (map.TryGetValue(field.Name, out var v), v),
            _ => (false, null),
        };

        if (found)
        {
            return fieldValue;
        }

        return field.Default is { } json
            ? DefaultValues.FromJson(json, field.Schema)
            : throw new AvroDataException($"No value for field {field.Name}, which has no default");
    }
}
