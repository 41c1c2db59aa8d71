using System.Buffers;
using Eddy.Avro;
using Eddy.Engine.Avro.Mapping;

namespace Eddy.Engine.Avro;

/// <summary>
/// Avro records as C# objects: <see cref="AvroSerde"/> with the values mapped by <see cref="RecordMapper"/> (built
/// and checked once, when the serde is made). Data is always read into the serde's schema, whatever the writer's, so
/// the mapping is fixed.
/// </summary>
internal sealed class SpecificSerde<T>(AvroSerde inner, RecordMapper mapper) : ISerde<T>
{
    public byte[] Serialize(T value) => inner.Serialize(mapper.ToAvro(value));

    public void Serialize(T value, IBufferWriter<byte> into) => inner.Serialize(mapper.ToAvro(value), into);

    public T Deserialize(ReadOnlySpan<byte> data) =>
        mapper.FromAvro(inner.Deserialize(data)) is T value ? value : throw new AvroDataException($"Expected a record of {typeof(T).Name}, found null");
}
