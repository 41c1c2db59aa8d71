using Confluent.SchemaRegistry;
using Eddy.Avro;
using Eddy.Avro.Serdes;
using Eddy.Engine.Avro.Mapping;

namespace Eddy.Engine.Avro;

/// <summary>
/// Engine serdes for Avro topics in Confluent's wire format (magic byte 0, the schema's registry id as a big-endian
/// int32, the Avro binary encoding), the counterpart of Confluent's <c>GenericAvroSerde</c> for Kafka Streams: what
/// they write Confluent's deserializers read, and the other way round.
/// </summary>
/// <remarks>
/// <para>
/// Writing: the subject is the topic's (TopicNameStrategy: <c>{topic}-value</c>, or <c>{topic}-key</c> for keys).
/// Each value is written with the serde's schema when one is given (records of another version of it are written
/// field by field, by name), else with the record's own schema; its id is registered, or looked up when
/// <see cref="AvroSerdeConfig.AutoRegisterSchemas"/> is off, or with <see cref="AvroSerdeConfig.UseLatestVersion"/>
/// the subject's latest version is written.
/// </para>
/// <para>
/// Reading: the writer schema is fetched by the id in each message and the data resolved (Avro schema resolution:
/// added fields from their defaults, removed ones skipped, numbers promoted) to the reader schema: the one given,
/// else the serde's schema, else the data is read as written.
/// </para>
/// <para>
/// The engine's serdes are synchronous, so the registry is called synchronously: the task blocks on it, for at most
/// the registry timeout, but only the first time a schema (writing) or an id (reading) is seen. After that the ids
/// and readers are cached and records cost no registry call. A registry failure is a
/// <see cref="SchemaRegistryLookupException"/> naming what was asked and why it failed (an unknown id: "Schema id 42
/// not found in the schema registry"); bytes not in the wire format are an <see cref="AvroDataException"/> naming
/// the first byte or the length. On a source either sends the record to the job's dead letters with that message.
/// </para>
/// <para>
/// A serde is bound to its topic's subject, and a stream carries its source serdes into repartition topics and
/// state: those bytes are written under the source topic's subject, which needs no new registration when the
/// records keep the schema they were read with.
/// </para>
/// </remarks>
public static class AvroSerdes
{
    /// <summary>How long a registry call may block a task by default.</summary>
    public static readonly TimeSpan DefaultRegistryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Avro records of <paramref name="topic"/> (its values, or its keys with <paramref name="isKey"/>).</summary>
    /// <param name="registry">Any Confluent-compatible registry client, e.g. a <c>CachedSchemaRegistryClient</c>; shared, not owned.</param>
    /// <param name="schema">The schema records are written with and read into; null: each record's own, and read as written.</param>
    /// <param name="config">Registration switches (default: auto-register, as Confluent's serializer).</param>
    /// <param name="readerSchema">The schema records are read into when it is not <paramref name="schema"/>.</param>
    /// <param name="registryTimeout">How long one registry call may block (default 30 s).</param>
    public static ISerde<GenericRecord> Generic(ISchemaRegistryClient registry, string topic, RecordSchema? schema = null, bool isKey = false,
        AvroSerdeConfig? config = null, RecordSchema? readerSchema = null, TimeSpan? registryTimeout = null) =>
        new GenericRecordSerde(Create(registry, topic, schema, isKey, config, readerSchema, registryTimeout), Subject(topic, isKey));

    /// <summary>
    /// Avro records as objects of a C# class, record or struct (as Confluent's <c>SpecificAvroSerde</c>, without
    /// generated code): fields match properties by name, ignoring case and underscores; <c>["null", T]</c> unions are
    /// nullable members, arrays lists or arrays, maps string-keyed dictionaries, enums C# enums with the same
    /// members, fixed byte arrays, <c>object</c> members take the generic value as it is. Objects are read through
    /// the constructor (positional records) and settable properties. Data is always read into
    /// <paramref name="schema"/> (writer schemas resolved to it), and written with it (or with the subject's latest
    /// version under <see cref="AvroSerdeConfig.UseLatestVersion"/>), fields without a property taking their defaults.
    /// A type that does not fit the schema is an <see cref="ArgumentException"/> listing every mismatch, here.
    /// </summary>
    public static ISerde<T> Specific<T>(ISchemaRegistryClient registry, string topic, RecordSchema schema, bool isKey = false,
        AvroSerdeConfig? config = null, TimeSpan? registryTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var mapper = MapperBuilder.Build(typeof(T), schema);
        return new SpecificSerde<T>(Create(registry, topic, schema, isKey, config, schema, registryTimeout), mapper);
    }

    /// <summary>
    /// Avro values of any schema (records, but also strings, longs, unions, ... as Eddy.Avro's generic data model
    /// represents them), for keys or values that are not records. Writing a value that is not a record needs
    /// <paramref name="schema"/>.
    /// </summary>
    public static ISerde<object?> Datum(ISchemaRegistryClient registry, string topic, AvroSchema? schema = null, bool isKey = false,
        AvroSerdeConfig? config = null, AvroSchema? readerSchema = null, TimeSpan? registryTimeout = null) =>
        Create(registry, topic, schema, isKey, config, readerSchema, registryTimeout);

    /// <summary>Confluent's TopicNameStrategy: the subject a topic's keys or values are registered under.</summary>
    public static string Subject(string topic, bool isKey) => topic + (isKey ? "-key" : "-value");

    private static AvroSerde Create(ISchemaRegistryClient registry, string topic, AvroSchema? schema, bool isKey,
        AvroSerdeConfig? config, AvroSchema? readerSchema, TimeSpan? registryTimeout)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        config ??= new AvroSerdeConfig();
        if (config.AutoRegisterSchemas && config.UseLatestVersion)
        {
            throw new ArgumentException("AutoRegisterSchemas and UseLatestVersion cannot both be set (as with Confluent's serializer).", nameof(config));
        }

        var timeout = registryTimeout ?? DefaultRegistryTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(registryTimeout));
        var ids = new SubjectSchemaIds(registry, Subject(topic, isKey), config, timeout);
        var readers = new WriterSchemaReaders(registry, readerSchema ?? schema, timeout);
        return new AvroSerde(ids, readers, schema, config.UseLatestVersion);
    }
}
