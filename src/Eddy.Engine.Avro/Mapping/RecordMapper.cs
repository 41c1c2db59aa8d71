using System.Reflection;
using Eddy.Avro;

namespace Eddy.Engine.Avro.Mapping;

/// <summary>
/// An Avro record as a C# class, record or struct. Writing reads the public properties named like the fields and
/// gives the encoder a field-name map, so fields without a property are written with their schema defaults. Reading
/// calls the public parameterless constructor, or else the one with the most parameters (positional records), and
/// sets the remaining settable properties (init-only included).
/// </summary>
internal sealed class RecordMapper(Type type, RecordSchema schema) : ValueMapper
{
    private Written[] _written = [];
    private ConstructorInfo? _constructor;
    private Argument[] _arguments = [];
    private Assigned[] _assigned = [];

    public void Define(Written[] written, ConstructorInfo? constructor, Argument[] arguments, Assigned[] assigned)
    {
        _written = written;
        _constructor = constructor;
        _arguments = arguments;
        _assigned = assigned;
    }

    public override object? ToAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var fields = new Dictionary<string, object?>(_written.Length, StringComparer.Ordinal);
        foreach (var field in _written)
        {
            fields[field.Name] = field.Mapper.ToAvro(field.Property.GetValue(value));
        }

        return fields;
    }

    public override object? FromAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var record = value as GenericRecord ?? throw new AvroDataException($"Expected a record {schema.FullName}, found {value.GetType().Name}");
        // Data is read into this very schema, so fields are found by position; by name covers anything else.
        var sameSchema = ReferenceEquals(record.Schema, schema);
        object? Field(int position) => sameSchema ? record[position] : record[schema.Fields[position].Name];

        object instance;
        if (_constructor is null)
        {
            instance = Activator.CreateInstance(type)!;
        }
        else
        {
            var arguments = new object?[_arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                var argument = _arguments[i];
                arguments[i] = argument.Position < 0 ? argument.Default : argument.Mapper!.FromAvro(Field(argument.Position));
            }

            instance = _constructor.Invoke(arguments);
        }

        foreach (var assigned in _assigned)
        {
            assigned.Property.SetValue(instance, assigned.Mapper.FromAvro(Field(assigned.Position)));
        }

        return instance;
    }

    /// <summary>A field written from a property.</summary>
    public sealed record Written(string Name, PropertyInfo Property, ValueMapper Mapper);

    /// <summary>A constructor argument: a field (by position) or, when no field matches, the parameter's default.</summary>
    public sealed record Argument(int Position, ValueMapper? Mapper, object? Default);

    /// <summary>A field read into a settable property after construction.</summary>
    public sealed record Assigned(int Position, PropertyInfo Property, ValueMapper Mapper);
}
