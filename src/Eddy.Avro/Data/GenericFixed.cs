namespace Eddy.Avro;

/// <summary>A fixed value: exactly <see cref="FixedSchema.Size"/> bytes.</summary>
public sealed class GenericFixed : IEquatable<GenericFixed>
{
    public GenericFixed(FixedSchema schema, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != schema.Size)
        {
            throw new ArgumentException($"Fixed {schema.FullName} holds {schema.Size} bytes, not {value.Length}", nameof(value));
        }

        Schema = schema;
        Value = value;
    }

    public FixedSchema Schema { get; }

    public byte[] Value { get; }

    public bool Equals(GenericFixed? other) => other is not null && other.Schema.FullName == Schema.FullName && other.Value.AsSpan().SequenceEqual(Value);

    public override bool Equals(object? obj) => obj is GenericFixed other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Value.Length);

    public override string ToString() => Convert.ToHexString(Value);
}
