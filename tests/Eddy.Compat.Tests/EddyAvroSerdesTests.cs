using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Eddy.Avro;
using Eddy.Avro.Serdes;
using Eddy.Testing;
using ConfluentRecord = Avro.Generic.GenericRecord;
using EddyAvroDeserializer = Eddy.Avro.Serdes.AvroDeserializer;
using EddyAvroSerializer = Eddy.Avro.Serdes.AvroSerializer;
using EddyRecord = Eddy.Avro.GenericRecord;

namespace Eddy.Compat.Tests;

/// <summary>
/// Eddy's own Avro serdes (what the engine and the CLI use) interoperate with Confluent's: what one writes the other
/// reads, through the same registry ids, and Eddy's deserializer resolves an older writer schema to a newer reader.
/// </summary>
public class EddyAvroSerdesTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string UserV1 = """{"type":"record","name":"User","namespace":"demo","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";
    private const string UserV2 = """{"type":"record","name":"User","namespace":"demo","fields":[{"name":"name","type":"string"},{"name":"age","type":"long"},{"name":"email","type":["null","string"],"default":null}]}""";

    [Fact]
    public async Task What_Eddys_serializer_writes_Confluents_deserializer_reads()
    {
        var topic = RegistryFixture.Topic("eddy-to-confluent");
        var schema = (RecordSchema)AvroSchema.Parse(UserV1);
        using var client = fixture.Client();
        using (var producer = new ProducerBuilder<string, object?>(fixture.ProducerConfig())
            .SetValueSerializer(new EddyAvroSerializer(client, schema).AsSyncOverAsync())
            .Build())
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<string, object?> { Key = "k", Value = new EddyRecord(schema, "ann", 31) });
            producer.Produce(new TopicPartition(topic, 0), new Message<string, object?> { Key = "k", Value = new EddyRecord(schema, "bob", 40) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
        }
        var read = fixture.Consume<ConfluentRecord>(topic, client, null, 2);
        Assert.Equal(["ann", "bob"], read.Select(r => (string)r["name"]));
        Assert.Equal([31, 40], read.Select(r => (int)r["age"]));
        // Registered under the topic's value subject, with the id in every message.
        var registered = await client.GetLatestSchemaAsync(topic + "-value");
        Assert.Equal(1, registered.Version);
    }

    [Fact]
    public async Task Eddys_deserializer_reads_what_Confluent_wrote_into_a_newer_reader_schema()
    {
        var topic = RegistryFixture.Topic("confluent-to-eddy");
        using var client = fixture.Client();
        var confluentSchema = (global::Avro.RecordSchema)global::Avro.Schema.Parse(UserV1);
        var written = new ConfluentRecord(confluentSchema);
        written.Add("name", "cy");
        written.Add("age", 7);
        await fixture.ProduceAsync(topic, client, null, written);

        var reader = (RecordSchema)AvroSchema.Parse(UserV2);
        using var consumer = new ConsumerBuilder<string, object?>(fixture.ConsumerConfig())
            .SetValueDeserializer(new EddyAvroDeserializer(client, reader).AsSyncOverAsync())
            .Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var result = consumer.Consume(TimeSpan.FromSeconds(30));
        Assert.NotNull(result);
        var record = Assert.IsType<EddyRecord>(result.Message.Value);
        Assert.Same(reader, record.Schema);
        Assert.Equal("cy", record["name"]);
        Assert.Equal(7L, record["age"]); // int written, long read
        Assert.Null(record["email"]); // not written: the reader's default
    }

    [Fact]
    public async Task With_auto_registration_off_an_unregistered_schema_is_the_registrys_not_found_error()
    {
        var topic = RegistryFixture.Topic("eddy-unregistered");
        using var client = fixture.Client();
        var serializer = new EddyAvroSerializer(client, AvroSchema.Parse(UserV1), new AvroSerdeConfig { AutoRegisterSchemas = false });
        var schema = (RecordSchema)AvroSchema.Parse(UserV1);
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() =>
            serializer.SerializeAsync(new EddyRecord(schema, "x", 1), new SerializationContext(MessageComponentType.Value, topic)));
        Assert.Equal(40401, error.ErrorCode);
    }

    [Fact]
    public async Task Use_latest_version_writes_with_the_subjects_latest_schema_id()
    {
        var topic = RegistryFixture.Topic("eddy-latest");
        using var client = fixture.Client();
        await client.RegisterSchemaAsync(topic + "-value", new Schema(UserV1, SchemaType.Avro));
        var latestId = await client.RegisterSchemaAsync(topic + "-value", new Schema(UserV2, SchemaType.Avro));
        var serializer = new EddyAvroSerializer(client, AvroSchema.Parse(UserV2), new AvroSerdeConfig { AutoRegisterSchemas = false, UseLatestVersion = true });
        var v2 = (RecordSchema)AvroSchema.Parse(UserV2);
        var bytes = await serializer.SerializeAsync(new EddyRecord(v2, "dee", 5L, "d@x"), new SerializationContext(MessageComponentType.Value, topic));
        Assert.Equal(latestId, ConfluentWireFormat.ReadHeader(bytes, out _));
        Assert.Throws<ArgumentException>(() => new EddyAvroSerializer(client, v2, new AvroSerdeConfig { AutoRegisterSchemas = true, UseLatestVersion = true }));
    }

    [Fact]
    public async Task Bytes_that_are_not_wire_format_or_name_an_unknown_id_are_refused_with_the_reason()
    {
        using var client = fixture.Client();
        var deserializer = new EddyAvroDeserializer(client);
        var context = new SerializationContext(MessageComponentType.Value, "any");
        var wrongMagic = await Assert.ThrowsAsync<AvroDataException>(() => deserializer.DeserializeAsync("{\"a\":1}"u8.ToArray(), false, context));
        Assert.Contains("magic byte", wrongMagic.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AvroDataException>(() => deserializer.DeserializeAsync(new byte[] { 0, 0, 1 }, false, context));
        var unknown = await Assert.ThrowsAsync<SchemaRegistryException>(() => deserializer.DeserializeAsync(new byte[] { 0, 0x7F, 0, 0, 1, 2 }, false, context));
        Assert.Equal(40403, unknown.ErrorCode);
        Assert.Null(await deserializer.DeserializeAsync(ReadOnlyMemory<byte>.Empty, true, context));
    }

    [Fact]
    public async Task Eddys_deserializer_reads_old_data_under_a_field_renamed_with_an_alias()
    {
        // Confluent's .NET deserializer (Apache.Avro 1.12) cannot read this evolution; Avro's rules allow it.
        var topic = RegistryFixture.Topic("eddy-alias");
        using var client = fixture.Client();
        var v1 = (RecordSchema)AvroSchema.Parse(UserV1);
        using (var producer = new ProducerBuilder<string, object?>(fixture.ProducerConfig())
            .SetValueSerializer(new EddyAvroSerializer(client, v1).AsSyncOverAsync())
            .Build())
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<string, object?> { Key = "k", Value = new EddyRecord(v1, "eve", 9) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
        }
        var renamed = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"User","namespace":"demo","fields":[{"name":"fullName","type":"string","aliases":["name"]},{"name":"age","type":"int"}]}""");
        // The registry accepts the rename as BACKWARD compatible...
        await client.RegisterSchemaAsync(topic + "-value", new Schema(renamed.ToCanonicalString(), SchemaType.Avro));
        // ...and Eddy's deserializer reads the old record under the new name.
        var record = Assert.IsType<EddyRecord>(await new EddyAvroDeserializer(client, renamed).DeserializeAsync(
            fixture.ConsumeRaw(topic, 1).Single(), false, new SerializationContext(MessageComponentType.Value, topic)));
        Assert.Equal("eve", record["fullName"]);
        Assert.Equal(9, record["age"]);
    }
}
