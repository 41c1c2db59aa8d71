using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace Eddy.Avro.Serdes;

/// <summary>
/// Serializes Avro data (GenericRecord and the other generic values of Eddy.Avro) in Confluent's wire
/// format — magic byte 0, the schema's registry id (big-endian int32), the Avro binary encoding — so Confluent's
/// deserializers, and every other Confluent-compatible consumer, read it. The subject is the topic's (TopicNameStrategy:
/// "{topic}-value" or "{topic}-key"); its id is asked of the registry once per subject and cached.
/// </summary>
public sealed class AvroSerializer : IAsyncSerializer<object?>
{
    private readonly ISchemaRegistryClient _registry;
    private readonly AvroSchema _schema;
    private readonly AvroSerdeConfig _config;
    private readonly AvroDatumWriter _writer;
    private readonly ConcurrentDictionary<string, Task<(int Id, AvroDatumWriter Writer)>> _bySubject = new(StringComparer.Ordinal);

    public AvroSerializer(ISchemaRegistryClient registry, AvroSchema schema, AvroSerdeConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(schema);
        _registry = registry;
        _schema = schema;
        _config = config ?? new AvroSerdeConfig();
        if (_config.AutoRegisterSchemas && _config.UseLatestVersion)
        {
            throw new ArgumentException("AutoRegisterSchemas and UseLatestVersion cannot both be set (as with Confluent's serializer).", nameof(config));
        }
        _writer = AvroDatumWriter.For(schema);
    }

    public async Task<byte[]> SerializeAsync(object? data, SerializationContext context)
    {
        var subject = Subject(context);
        var (id, writer) = await _bySubject.GetOrAdd(subject, ResolveAsync).ConfigureAwait(false);
        return ConfluentWireFormat.Serialize(id, writer.Schema, data);
    }

    /// <summary>TopicNameStrategy, Confluent's default.</summary>
    public static string Subject(SerializationContext context) =>
        context.Topic + (context.Component == MessageComponentType.Key ? "-key" : "-value");

    private async Task<(int, AvroDatumWriter)> ResolveAsync(string subject)
    {
        if (_config.UseLatestVersion)
        {
            var latest = await _registry.GetLatestSchemaAsync(subject).ConfigureAwait(false);
            return (latest.Id, AvroDatumWriter.For(AvroSchema.Parse(latest.SchemaString)));
        }
        var schema = new Schema(_schema.ToCanonicalString(), SchemaType.Avro);
        var id = _config.AutoRegisterSchemas
            ? await _registry.RegisterSchemaAsync(subject, schema, _config.NormalizeSchemas).ConfigureAwait(false)
            : await _registry.GetSchemaIdAsync(subject, schema, _config.NormalizeSchemas).ConfigureAwait(false);
        return (id, _writer);
    }
}
