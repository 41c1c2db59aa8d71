using System.Buffers;
using Eddy.Avro;

namespace Eddy.Engine.Avro;

/// <summary>Avro records in Confluent's wire format: <see cref="AvroSerde"/>, typed, for the common case of record-valued topics.</summary>
internal sealed class GenericRecordSerde(AvroSerde inner, string subject) : ISerde<GenericRecord>
{
    public byte[] Serialize(GenericRecord value) => inner.Serialize(value);

    public void Serialize(GenericRecord value, IBufferWriter<byte> into) => inner.Serialize(value, into);

    public GenericRecord Deserialize(ReadOnlySpan<byte> data) => inner.Deserialize(data) switch
    {
        GenericRecord record => record,
        null => throw new AvroDataException($"Expected an Avro record (subject {subject}), but the value is null"),
        var other => throw new AvroDataException($"Expected an Avro record (subject {subject}), but the value is a {other.GetType().Name}"),
    };
}
