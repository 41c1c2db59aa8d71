using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace Eddy.Avro.Serdes;

/// <summary>
/// Reads Confluent wire-format Avro: the writer's schema is fetched from the registry by the id in the message (once
/// per id) and the data resolved to <paramref name="readerSchema"/> when one is given (Avro schema resolution: new
/// fields from defaults, promotions, aliases), else read as written. A message that is not in the wire format
/// (wrong magic byte, too short) is an <see cref="AvroDataException"/> saying so; an id the registry does not know
/// is its 40403 error.
/// </summary>
public sealed class AvroDeserializer(ISchemaRegistryClient registry, AvroSchema? readerSchema = null) : IAsyncDeserializer<object?>
{
    private readonly ConcurrentDictionary<int, Task<AvroDatumReader>> _byId = new();

    public async Task<object?> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            return null;
        }
        var id = ConfluentWireFormat.ReadHeader(data.Span, out _);
        var reader = await _byId.GetOrAdd(id, ReaderForAsync).ConfigureAwait(false);
        // The header was validated above; a span cannot live across the await, so the payload is sliced again here.
        return reader.Read(data.Span[ConfluentWireFormat.HeaderLength..]);
    }

    /// <summary>The schema a message was written with (after <see cref="DeserializeAsync"/> has seen its id, from the cache).</summary>
    public async Task<AvroSchema> WriterSchemaAsync(int id) => (await _byId.GetOrAdd(id, ReaderForAsync).ConfigureAwait(false)).WriterSchema;

    private async Task<AvroDatumReader> ReaderForAsync(int id)
    {
        var schema = await registry.GetSchemaAsync(id).ConfigureAwait(false);
        var writer = AvroSchema.Parse(schema.SchemaString);
        return AvroDatumReader.For(writer, readerSchema ?? writer);
    }
}
