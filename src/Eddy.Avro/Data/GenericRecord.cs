namespace Eddy.Avro;

/// <summary>A record value: its schema and one value per field, by <see cref="RecordField.Position"/>.</summary>
/// <remarks>
/// Field values use the generic data model: null, bool, int, long, float, double, string, byte[] (bytes),
/// <see cref="GenericEnum"/>, <see cref="GenericFixed"/>, <see cref="GenericRecord"/>, a list (arrays; reading gives
/// <c>List&lt;object?&gt;</c>) and a string-keyed dictionary (maps; reading gives <c>Dictionary&lt;string, object?&gt;</c>).
/// A union field holds the value of whichever branch it has.
/// </remarks>
public sealed class GenericRecord : IEquatable<GenericRecord>
{
    private readonly object?[] _values;

    public GenericRecord(RecordSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _values = schema.Fields.Count == 0 ? [] : new object?[schema.Fields.Count];
    }

    /// <summary>A record with its field values in field order.</summary>
    public GenericRecord(RecordSchema schema, params object?[] values)
        : this(schema)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _values.Length)
        {
            throw new ArgumentException($"Record {schema.FullName} has {_values.Length} fields, {values.Length} values were given.", nameof(values));
        }

        values.CopyTo(_values, 0);
    }

    public RecordSchema Schema { get; }

    public int FieldCount => _values.Length;

    public object? this[int position]
    {
        get => _values[position];
        set => _values[position] = value;
    }

    public object? this[string fieldName]
    {
        get => _values[PositionOf(fieldName)];
        set => _values[PositionOf(fieldName)] = value;
    }

    public bool TryGetValue(string fieldName, out object? value)
    {
        if (Schema.GetField(fieldName) is { } field)
        {
            value = _values[field.Position];
            return true;
        }

        value = null;
        return false;
    }

    internal object?[] Values => _values;

    public bool Equals(GenericRecord? other) => AvroDatum.DeepEquals(this, other);

    public override bool Equals(object? obj) => obj is GenericRecord other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Schema.FullName, _values.Length);

    /// <summary>The record in Avro's JSON encoding.</summary>
    public override string ToString() => AvroJson.ToJson(Schema, this);

    private int PositionOf(string fieldName) =>
        Schema.GetField(fieldName)?.Position ?? throw new KeyNotFoundException($"Record {Schema.FullName} has no field {fieldName}");
}
