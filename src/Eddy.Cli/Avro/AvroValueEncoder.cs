using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Eddy.Avro;
using Eddy.Avro.Serdes;

namespace Eddy.Cli.Avro;

/// <summary>
/// `eddy produce --value-format avro`: each input line is a record in Avro's JSON encoding for the schema file; it is
/// written in Confluent's wire format under the schema's id, registered under "{topic}-value" first (as
/// kafka-avro-console-producer does). A line that does not fit the schema is an error naming the line and the field.
/// </summary>
internal sealed class AvroValueEncoder : IDisposable
{
    private readonly CachedSchemaRegistryClient _registry;
    private readonly AvroSchema _schema;
    private readonly int _schemaId;

    private AvroValueEncoder(CachedSchemaRegistryClient registry, AvroSchema schema, int schemaId)
    {
        _registry = registry;
        _schema = schema;
        _schemaId = schemaId;
    }

    public static async Task<AvroValueEncoder> CreateAsync(string registryUrl, string topic, string schemaFile, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(schemaFile, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw CliException.Usage($"cannot read {schemaFile}: {e.Message}");
        }
        AvroSchema schema;
        try
        {
            schema = AvroSchema.Parse(text);
        }
        catch (AvroSchemaException e)
        {
            throw CliException.Usage($"{schemaFile}: {e.Message}");
        }
        var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registryUrl });
        try
        {
            var subject = AvroSerializer.Subject(new SerializationContext(MessageComponentType.Value, topic));
            var id = await registry.RegisterSchemaAsync(subject, new Schema(schema.ToCanonicalString(), SchemaType.Avro));
            return new AvroValueEncoder(registry, schema, id);
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException)
        {
            registry.Dispose();
            throw new CliException($"schema registry {registryUrl}: {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>The wire-format bytes of one JSON line.</summary>
    public byte[] Encode(string json, long lineNumber)
    {
        try
        {
            return ConfluentWireFormat.Serialize(_schemaId, _schema, AvroJson.Parse(_schema, json));
        }
        catch (Exception e) when (e is AvroDataException or System.Text.Json.JsonException)
        {
            throw CliException.Usage($"line {lineNumber}: {e.Message}");
        }
    }

    public void Dispose() => _registry.Dispose();
}

/// <summary>
/// `eddy consume --value-format avro`: a wire-format value becomes its JSON encoding (the writer's schema fetched
/// from the registry by id, once per id). A value that is not Avro in the wire format is reported, not printed.
/// </summary>
internal sealed class AvroValueDecoder(string registryUrl) : IDisposable
{
    private readonly CachedSchemaRegistryClient _registry = new(new SchemaRegistryConfig { Url = registryUrl });
    private readonly Dictionary<int, AvroDatumReader> _readers = [];

    /// <summary>
    /// The value as UTF-8 JSON; throws <see cref="InvalidDataException"/> saying why it cannot be read. Completes
    /// synchronously once the writer's schema is known; only the first value of each schema id waits for the registry.
    /// </summary>
    public async ValueTask<byte[]> ToJsonAsync(byte[]? value)
    {
        if (value is null)
        {
            return [];
        }
        try
        {
            var id = SchemaId(value);
            if (!_readers.TryGetValue(id, out var reader))
            {
                var schema = await _registry.GetSchemaAsync(id);
                var parsed = AvroSchema.Parse(schema.SchemaString);
                _readers[id] = reader = AvroDatumReader.For(parsed);
            }
            return Decode(reader, value);
        }
        catch (Exception e) when (e is AvroDataException or SchemaRegistryException or HttpRequestException or InvalidDataException or AvroSchemaException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    // The header is read apart from the payload because a span cannot be held across the registry's await.
    private static int SchemaId(byte[] value) => ConfluentWireFormat.ReadHeader(value, out _);

    private static byte[] Decode(AvroDatumReader reader, byte[] value)
    {
        ConfluentWireFormat.ReadHeader(value, out var payload);
        return Encoding.UTF8.GetBytes(AvroJson.ToJson(reader.WriterSchema, reader.Read(payload)));
    }

    public void Dispose() => _registry.Dispose();
}
