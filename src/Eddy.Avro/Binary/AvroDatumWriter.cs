using System.Buffers;
using System.Runtime.CompilerServices;

namespace Eddy.Avro;

/// <summary>
/// Writes values of the generic data model (see <see cref="GenericRecord"/>) in Avro's binary encoding. The schema
/// is compiled once and cached per schema instance. A union value's branch is chosen from the value's type.
/// </summary>
public sealed class AvroDatumWriter
{
    private static readonly ConditionalWeakTable<AvroSchema, AvroDatumWriter> Cache = [];

    private readonly ValueEncoder _encoder;

    private AvroDatumWriter(AvroSchema schema)
    {
        Schema = schema;
        _encoder = EncoderBuilder.Build(schema);
    }

    public AvroSchema Schema { get; }

    public static AvroDatumWriter For(AvroSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Cache.GetValue(schema, static s => new AvroDatumWriter(s));
    }

    /// <summary>Writes one value; an <see cref="AvroDataException"/> names the offending part if it does not fit the schema.</summary>
    public void Write(ref AvroBinaryWriter writer, object? datum) => _encoder.Write(ref writer, datum);

    /// <summary>Writes one value and commits it to <paramref name="output"/>.</summary>
    public void Write(IBufferWriter<byte> output, object? datum)
    {
        var writer = new AvroBinaryWriter(output);
        _encoder.Write(ref writer, datum);
        writer.Flush();
    }

    public byte[] Serialize(object? datum)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(output, datum);
        return output.WrittenSpan.ToArray();
    }
}
