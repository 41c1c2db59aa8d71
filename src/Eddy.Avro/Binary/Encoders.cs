using System.Collections;
using System.Runtime.InteropServices;

namespace Eddy.Avro;

/// <summary>
/// Writes one value of one schema. A schema is compiled once into a tree of these (see
/// <see cref="EncoderBuilder"/>), so writing a datum is virtual calls and type tests with no lookups per value.
/// </summary>
internal abstract class ValueEncoder
{
    public abstract void Write(ref AvroBinaryWriter writer, object? value);

    protected static AvroDataException Mismatch(string expected, object? value) =>
        new($"Expected {expected}, got {UnionBranchSelector.Describe(value)}");
}

internal sealed class NullEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        if (value is not null)
        {
            throw Mismatch("null", value);
        }
    }
}

internal sealed class BooleanEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) =>
        writer.WriteBoolean(value is bool b ? b : throw Mismatch("boolean", value));
}

internal sealed class IntEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) => writer.WriteLong(value switch
    {
        int i => i,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        long l when l is >= int.MinValue and <= int.MaxValue => l,
        _ => throw Mismatch("int", value),
    });
}

internal sealed class LongEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) => writer.WriteLong(value switch
    {
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        uint ui => ui,
        _ => throw Mismatch("long", value),
    });
}

internal sealed class FloatEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) => writer.WriteFloat(value switch
    {
        float f => f,
        double d => (float)d,
        int i => i,
        long l => l,
        _ => throw Mismatch("float", value),
    });
}

internal sealed class DoubleEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) => writer.WriteDouble(value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => throw Mismatch("double", value),
    });
}

internal sealed class BytesEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        switch (value)
        {
            case byte[] bytes:
                writer.WriteBytes(bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                writer.WriteBytes(memory.Span);
                break;
            case Memory<byte> memory:
                writer.WriteBytes(memory.Span);
                break;
            case ArraySegment<byte> segment:
                writer.WriteBytes(segment);
                break;
            default:
                throw Mismatch("bytes", value);
        }
    }
}

internal sealed class StringEncoder : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value) =>
        writer.WriteString(value as string ?? throw Mismatch("string", value));
}

internal sealed class EnumEncoder(EnumSchema schema) : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        var ordinal = value switch
        {
            GenericEnum symbol when ReferenceEquals(symbol.Schema, schema) => symbol.Ordinal,
            GenericEnum symbol => schema.GetOrdinal(symbol.Symbol),
            string text => schema.GetOrdinal(text),
            _ => throw Mismatch($"enum {schema.FullName}", value),
        };
        if (ordinal < 0)
        {
            throw new AvroDataException($"{value} is not a symbol of enum {schema.FullName}");
        }

        writer.WriteLong(ordinal);
    }
}

internal sealed class FixedEncoder(FixedSchema schema) : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        ReadOnlySpan<byte> bytes = value switch
        {
            GenericFixed fixedValue => fixedValue.Value,
            byte[] array => array,
            ReadOnlyMemory<byte> memory => memory.Span,
            _ => throw Mismatch($"fixed {schema.FullName}", value),
        };
        if (bytes.Length != schema.Size)
        {
            throw new AvroDataException($"Fixed {schema.FullName} holds {schema.Size} bytes, got {bytes.Length}");
        }

        writer.WriteFixed(bytes);
    }
}

internal sealed class ArrayEncoder(ValueEncoder items) : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        switch (value)
        {
            case List<object?> list:
                WriteItems(ref writer, CollectionsMarshal.AsSpan(list));
                break;
            case object?[] array:
                WriteItems(ref writer, array);
                break;
            case IList list:
                if (list.Count > 0)
                {
                    writer.WriteBlockCount(list.Count);
                    for (var i = 0; i < list.Count; i++)
                    {
                        WriteItem(ref writer, list[i], i);
                    }
                }

                writer.WriteEndOfBlocks();
                break;
            case IEnumerable sequence and not string and not IDictionary:
                var materialized = new List<object?>();
                foreach (var item in sequence)
                {
                    materialized.Add(item);
                }

                WriteItems(ref writer, CollectionsMarshal.AsSpan(materialized));
                break;
            default:
                throw Mismatch("array", value);
        }
    }

    private void WriteItems(ref AvroBinaryWriter writer, ReadOnlySpan<object?> values)
    {
        if (values.Length > 0)
        {
            writer.WriteBlockCount(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                WriteItem(ref writer, values[i], i);
            }
        }

        writer.WriteEndOfBlocks();
    }

    private void WriteItem(ref AvroBinaryWriter writer, object? value, int index)
    {
        try
        {
            items.Write(ref writer, value);
        }
        catch (AvroDataException e) when (e.Passing(index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            throw;
        }
    }
}

internal sealed class MapEncoder(ValueEncoder values) : ValueEncoder
{
    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> map:
                if (map.Count > 0)
                {
                    writer.WriteBlockCount(map.Count);
                    foreach (var entry in map)
                    {
                        WriteEntry(ref writer, entry.Key, entry.Value);
                    }
                }

                break;
            case IReadOnlyDictionary<string, object?> map:
                if (map.Count > 0)
                {
                    writer.WriteBlockCount(map.Count);
                    foreach (var entry in map)
                    {
                        WriteEntry(ref writer, entry.Key, entry.Value);
                    }
                }

                break;
            case IDictionary map:
                if (map.Count > 0)
                {
                    writer.WriteBlockCount(map.Count);
                    foreach (DictionaryEntry entry in map)
                    {
                        WriteEntry(ref writer, entry.Key as string ?? throw new AvroDataException($"Map keys are strings, got {UnionBranchSelector.Describe(entry.Key)}"), entry.Value);
                    }
                }

                break;
            default:
                throw Mismatch("map", value);
        }

        writer.WriteEndOfBlocks();
    }

    private void WriteEntry(ref AvroBinaryWriter writer, string key, object? value)
    {
        writer.WriteString(key);
        try
        {
            values.Write(ref writer, value);
        }
        catch (AvroDataException e) when (e.Passing(key))
        {
            throw;
        }
    }
}

internal sealed class UnionEncoder(UnionSchema schema, ValueEncoder[] branches) : ValueEncoder
{
    private readonly UnionBranchSelector _selector = UnionBranchSelector.For(schema);

    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        var index = _selector.Select(value);
        writer.WriteLong(index);
        branches[index].Write(ref writer, value);
    }
}

internal sealed class RecordEncoder(RecordSchema schema) : ValueEncoder
{
    private ValueEncoder[] _fields = [];

    public void SetFields(ValueEncoder[] fields) => _fields = fields;

    public override void Write(ref AvroBinaryWriter writer, object? value)
    {
        if (++writer.Depth > AvroBinaryReader.MaxDepth)
        {
            throw new AvroDataException($"Records nested more than {AvroBinaryReader.MaxDepth} deep (does a record contain itself?)");
        }

        WriteFields(ref writer, value);
        writer.Depth--;
    }

    private void WriteFields(ref AvroBinaryWriter writer, object? value)
    {
        if (value is GenericRecord record && ReferenceEquals(record.Schema, schema))
        {
            var values = record.Values;
            var fields = _fields;
            for (var i = 0; i < fields.Length; i++)
            {
                try
                {
                    fields[i].Write(ref writer, values[i]);
                }
                catch (AvroDataException e) when (e.Passing(schema.Fields[i].Name))
                {
                    throw;
                }
            }

            return;
        }

        // Anything else that names its fields: a record of another schema version, or a dictionary.
        if (!RecordValues.IsRecordLike(value))
        {
            throw Mismatch($"record {schema.FullName}", value);
        }

        for (var i = 0; i < _fields.Length; i++)
        {
            var field = schema.Fields[i];
            try
            {
                _fields[i].Write(ref writer, RecordValues.Get(value!, schema, field));
            }
            catch (AvroDataException e) when (e.Passing(field.Name))
            {
                throw;
            }
        }
    }
}

/// <summary>Compiles a schema into <see cref="ValueEncoder"/>s, sharing one encoder per record so recursion closes.</summary>
internal sealed class EncoderBuilder
{
    private readonly Dictionary<RecordSchema, RecordEncoder> _records = new(ReferenceEqualityComparer.Instance);

    public static ValueEncoder Build(AvroSchema schema) => new EncoderBuilder().BuildEncoder(schema);

    private ValueEncoder BuildEncoder(AvroSchema schema)
    {
        switch (schema)
        {
            case RecordSchema record:
                if (_records.TryGetValue(record, out var existing))
                {
                    return existing;
                }

                var encoder = new RecordEncoder(record);
                _records[record] = encoder;
                encoder.SetFields([.. record.Fields.Select(f => BuildEncoder(f.Schema))]);
                return encoder;
            case EnumSchema enumSchema:
                return new EnumEncoder(enumSchema);
            case FixedSchema fixedSchema:
                return new FixedEncoder(fixedSchema);
            case ArraySchema array:
                return new ArrayEncoder(BuildEncoder(array.Items));
            case MapSchema map:
                return new MapEncoder(BuildEncoder(map.Values));
            case UnionSchema union:
                return new UnionEncoder(union, [.. union.Branches.Select(BuildEncoder)]);
        }

        return schema.Type switch
        {
            AvroType.Null => new NullEncoder(),
            AvroType.Boolean => new BooleanEncoder(),
            AvroType.Int => new IntEncoder(),
            AvroType.Long => new LongEncoder(),
            AvroType.Float => new FloatEncoder(),
            AvroType.Double => new DoubleEncoder(),
            AvroType.Bytes => new BytesEncoder(),
            _ => new StringEncoder(),
        };
    }
}
