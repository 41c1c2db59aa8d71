namespace Eddy.Avro;

/// <summary>
/// Reads one value written with a writer schema and returns it shaped by a reader schema. The tree of decoders is
/// the precomputed resolution plan (<see cref="DecoderBuilder"/>): promotions, skipped and defaulted fields, enum and
/// union mappings are all decided before the first byte is read.
/// </summary>
internal abstract class ValueDecoder
{
    public abstract object? Read(ref AvroBinaryReader reader);
}

internal sealed class NullDecoder : ValueDecoder
{
    public static readonly NullDecoder Instance = new();

    public override object? Read(ref AvroBinaryReader reader) => null;
}

internal sealed class BooleanDecoder : ValueDecoder
{
    public static readonly BooleanDecoder Instance = new();

    public override object? Read(ref AvroBinaryReader reader) => Boxes.Boolean(reader.ReadBoolean());
}

internal sealed class IntDecoder : ValueDecoder
{
    public static readonly IntDecoder Instance = new();

    public override object? Read(ref AvroBinaryReader reader) => Boxes.Int(reader.ReadInt());
}

internal sealed class LongDecoder(bool fromInt) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader) => Boxes.Long(fromInt ? reader.ReadInt() : reader.ReadLong());
}

internal sealed class FloatDecoder(AvroType writer) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader) => writer switch
    {
        AvroType.Int => (float)reader.ReadInt(),
        AvroType.Long => (float)reader.ReadLong(),
        _ => reader.ReadFloat(),
    };
}

internal sealed class DoubleDecoder(AvroType writer) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader) => writer switch
    {
        AvroType.Int => (double)reader.ReadInt(),
        AvroType.Long => (double)reader.ReadLong(),
        AvroType.Float => (double)reader.ReadFloat(),
        _ => reader.ReadDouble(),
    };
}

/// <summary>Bytes, or a string read as its UTF-8 bytes (the bytes/string promotion).</summary>
internal sealed class BytesDecoder : ValueDecoder
{
    public static readonly BytesDecoder Instance = new();

    public override object? Read(ref AvroBinaryReader reader) => reader.ReadBytes();
}

/// <summary>A string, or bytes read as UTF-8 (the bytes/string promotion).</summary>
internal sealed class StringDecoder : ValueDecoder
{
    public static readonly StringDecoder Instance = new();

    public override object? Read(ref AvroBinaryReader reader) => reader.ReadString();
}

internal sealed class FixedDecoder(FixedSchema reader) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader input) => new GenericFixed(reader, input.ReadFixed(reader.Size).ToArray());
}

/// <summary>Maps each writer ordinal to the reader's symbol: same symbol, else the reader's enum default, else an error.</summary>
internal sealed class EnumDecoder(GenericEnum?[] byWriterOrdinal, IReadOnlyList<string> writerSymbols) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader)
    {
        var ordinal = reader.ReadEnum();
        if ((uint)ordinal >= (uint)byWriterOrdinal.Length)
        {
            throw new AvroDataException($"Enum ordinal {ordinal} out of range: the writer's enum has {byWriterOrdinal.Length} symbols");
        }

        return byWriterOrdinal[ordinal] ?? throw new AvroDataException($"No match for {writerSymbols[ordinal]}");
    }
}

internal sealed class ArrayDecoder(ValueDecoder items) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader)
    {
        var count = reader.ReadBlockCount();
        var list = new List<object?>(Capacity(count, reader.Remaining));
        var index = 0;
        while (count != 0)
        {
            for (long i = 0; i < count; i++, index++)
            {
                try
                {
                    list.Add(items.Read(ref reader));
                }
                catch (AvroDataException e) when (e.Passing(index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    throw;
                }
            }

            count = reader.ReadBlockCount();
        }

        return list;
    }

    // A count comes off the wire: never trust it with more memory than the input could fill.
    internal static int Capacity(long count, int remaining) => (int)Math.Min(count, Math.Min(remaining, 1024));
}

internal sealed class MapDecoder(ValueDecoder values) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader)
    {
        var count = reader.ReadBlockCount();
        var map = new Dictionary<string, object?>(ArrayDecoder.Capacity(count, reader.Remaining), StringComparer.Ordinal);
        while (count != 0)
        {
            for (long i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                try
                {
                    map[key] = values.Read(ref reader);
                }
                catch (AvroDataException e) when (e.Passing(key))
                {
                    throw;
                }
            }

            count = reader.ReadBlockCount();
        }

        return map;
    }
}

/// <summary>A writer union: the branch index on the wire picks the decoder planned for that branch.</summary>
internal sealed class WriterUnionDecoder(ValueDecoder[] branches) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader)
    {
        var index = reader.ReadUnionIndex();
        if ((uint)index >= (uint)branches.Length)
        {
            throw new AvroDataException($"Union index {index} out of range: the union has {branches.Length} branches");
        }

        return branches[index].Read(ref reader);
    }
}

/// <summary>
/// A part of the writer schema the reader cannot read. Avro only fails when such data actually occurs (an unused
/// union branch, an empty array), so the plan holds the reason and raises it then.
/// </summary>
internal sealed class ErrorDecoder(string reason) : ValueDecoder
{
    public override object? Read(ref AvroBinaryReader reader) => throw new AvroDataException(reason);
}

internal sealed class RecordDecoder(RecordSchema reader) : ValueDecoder
{
    private Step[] _steps = [];
    private (int Position, object? Value, bool Copy)[] _defaults = [];
    private string? _error;

    public void SetPlan(Step[] steps, (int Position, object? Value, bool Copy)[] defaults, string? error)
    {
        _steps = steps;
        _defaults = defaults;
        _error = error;
    }

    public override object? Read(ref AvroBinaryReader input)
    {
        if (_error is not null)
        {
            throw new AvroDataException(_error);
        }

        if (++input.Depth > AvroBinaryReader.MaxDepth)
        {
            throw new AvroDataException($"Records nested more than {AvroBinaryReader.MaxDepth} deep");
        }

        var record = new GenericRecord(reader);
        var values = record.Values;
        foreach (var step in _steps)
        {
            if (step.Decoder is { } decoder)
            {
                try
                {
                    values[step.Position] = decoder.Read(ref input);
                }
                catch (AvroDataException e) when (e.Passing(reader.Fields[step.Position].Name))
                {
                    throw;
                }
            }
            else
            {
                step.Skipper!.Skip(ref input);
            }
        }

        foreach (var (position, value, copy) in _defaults)
        {
            values[position] = copy ? AvroDatum.DeepCopy(value) : value;
        }

        input.Depth--;
        return record;
    }

    /// <summary>One writer field, in writer order: read into a reader position, or skipped.</summary>
    internal readonly record struct Step(int Position, ValueDecoder? Decoder, Skipper? Skipper);
}
