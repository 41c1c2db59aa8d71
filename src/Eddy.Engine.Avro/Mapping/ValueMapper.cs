namespace Eddy.Engine.Avro.Mapping;

/// <summary>
/// Converts between a C# value and the generic Avro value of one schema (see <c>GenericRecord</c> for the generic
/// data model). Built once per (C# type, schema) by <see cref="MapperBuilder"/>, which checks that they fit, so the
/// per-record conversions need no checks of their own.
/// </summary>
internal abstract class ValueMapper
{
    public abstract object? ToAvro(object? value);

    public abstract object? FromAvro(object? value);
}

/// <summary>Values that are the same in both models: booleans, numbers, strings, bytes, and <c>object</c> members.</summary>
internal sealed class IdentityMapper : ValueMapper
{
    public static readonly IdentityMapper Instance = new();

    public override object? ToAvro(object? value) => value;

    public override object? FromAvro(object? value) => value;
}

/// <summary>A union of null and one other branch, as a nullable C# value.</summary>
internal sealed class NullableMapper(ValueMapper inner) : ValueMapper
{
    public override object? ToAvro(object? value) => value is null ? null : inner.ToAvro(value);

    public override object? FromAvro(object? value) => value is null ? null : inner.FromAvro(value);
}
