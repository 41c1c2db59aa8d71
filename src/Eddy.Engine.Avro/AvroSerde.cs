using System.Buffers;
using Eddy.Avro;

namespace Eddy.Engine.Avro;

/// <summary>
/// Avro values in Confluent's wire format (magic byte 0, big-endian schema id, Avro binary), as an engine serde:
/// written under one subject with the id <see cref="SubjectSchemaIds"/> gives, read by the id in each message.
/// </summary>
/// <remarks>
/// The engine's serdes are synchronous, so the registry is asked synchronously, blocking the task's thread up to the
/// timeout, but only the first time a schema (writing) or an id (reading) is seen; after that every record is
/// encoded and decoded from the caches without a registry call.
/// </remarks>
internal sealed class AvroSerde : ISerde<object?>
{
    private readonly SubjectSchemaIds _ids;
    private readonly WriterSchemaReaders _readers;
    private readonly AvroSchema? _schema;
    private readonly bool _useLatest;

    public AvroSerde(SubjectSchemaIds ids, WriterSchemaReaders readers, AvroSchema? schema, bool useLatest)
    {
        _ids = ids;
        _readers = readers;
        _schema = schema;
        _useLatest = useLatest;
    }

    public byte[] Serialize(object? value)
    {
        var output = new ArrayBufferWriter<byte>();
        Serialize(value, output);
        return output.WrittenSpan.ToArray();
    }

    public void Serialize(object? value, IBufferWriter<byte> into)
    {
        var (id, schema) = WriterFor(value);
        ConfluentWireFormat.WriteHeader(into, id);
        AvroDatumWriter.For(schema).Write(into, value);
    }

    /// <summary>
    /// Not in the wire format: an <see cref="AvroDataException"/> naming the byte or length; an id the registry does not
    /// know: a <see cref="SchemaRegistryLookupException"/> naming the id; bytes that do not fit the writer schema: an
    /// <see cref="AvroDataException"/> naming where.
    /// </summary>
    public object? Deserialize(ReadOnlySpan<byte> data)
    {
        var id = ConfluentWireFormat.ReadHeader(data, out var payload);
        return _readers.For(id).Read(payload);
    }

    /// <summary>
    /// The id and schema a value is written with: the subject's latest (use-latest), else the serde's schema, else
    /// the record's own, as Confluent's generic serializer does.
    /// </summary>
    private (int Id, AvroSchema Schema) WriterFor(object? value)
    {
        if (_useLatest)
        {
            return _ids.Latest;
        }

        var schema = _schema ?? (value as GenericRecord)?.Schema
            ?? throw new AvroDataException(
                $"Cannot write {(value is null ? "null" : "a " + value.GetType().Name)} to subject {_ids.Subject}: the serde has no schema, and only records carry their own");
        return (_ids.IdOf(schema), schema);
    }
}
