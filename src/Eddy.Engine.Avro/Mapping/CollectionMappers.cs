using System.Collections;
using Eddy.Avro;

namespace Eddy.Engine.Avro.Mapping;

/// <summary>An Avro array as a C# array, or a list (<c>List&lt;T&gt;</c> or an interface it implements).</summary>
internal sealed class ListMapper(Type elementType, bool toArray, ValueMapper items) : ValueMapper
{
    public override object? ToAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var list = new List<object?>();
        foreach (var item in (IEnumerable)value)
        {
            list.Add(items.ToAvro(item));
        }

        return list;
    }

    public override object? FromAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var source = (IList)value;
        if (toArray)
        {
            var array = Array.CreateInstance(elementType, source.Count);
            for (var i = 0; i < source.Count; i++)
            {
                array.SetValue(items.FromAvro(source[i]), i);
            }

            return array;
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType), source.Count)!;
        foreach (var item in source)
        {
            list.Add(items.FromAvro(item));
        }

        return list;
    }
}

/// <summary>An Avro map as a <c>Dictionary&lt;string, T&gt;</c> (or an interface it implements).</summary>
internal sealed class DictionaryMapper(Type valueType, ValueMapper values) : ValueMapper
{
    public override object? ToAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in (IDictionary)value)
        {
            map[(string)entry.Key] = values.ToAvro(entry.Value);
        }

        return map;
    }

    public override object? FromAvro(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var source = (IReadOnlyDictionary<string, object?>)value;
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType), source.Count)!;
        foreach (var (key, item) in source)
        {
            map[key] = values.FromAvro(item);
        }

        return map;
    }
}

/// <summary>An Avro enum as a C# enum, symbol to member of the same name.</summary>
internal sealed class EnumMapper(Type enumType, EnumSchema schema) : ValueMapper
{
    private readonly Dictionary<string, object> _members = Enum.GetNames(enumType).ToDictionary(n => n, n => Enum.Parse(enumType, n), StringComparer.Ordinal);

    public override object? ToAvro(object? value) => value is null ? null : new GenericEnum(schema, value.ToString()!);

    public override object? FromAvro(object? value) => value switch
    {
        null => null,
        GenericEnum symbol when _members.TryGetValue(symbol.Symbol, out var member) => member,
        GenericEnum symbol => throw new AvroDataException($"Enum {enumType.Name} has no member {symbol.Symbol}"),
        _ => throw new AvroDataException($"Expected a symbol of enum {schema.FullName}, found {value.GetType().Name}"),
    };
}

/// <summary>An Avro fixed as a byte array.</summary>
internal sealed class FixedMapper(FixedSchema schema) : ValueMapper
{
    public override object? ToAvro(object? value) => value is null ? null : new GenericFixed(schema, (byte[])value);

    public override object? FromAvro(object? value) => value is null ? null : ((GenericFixed)value).Value;
}
