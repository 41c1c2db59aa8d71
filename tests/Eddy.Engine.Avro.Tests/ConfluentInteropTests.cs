using System.Buffers.Binary;
using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;
using Confluent.SchemaRegistry;
using ConfluentRecord = Avro.Generic.GenericRecord;
using ConfluentRecordSchema = Avro.RecordSchema;
using Eddy.Avro.Serdes;
using Eddy.Avro;
using Eddy.Testing;
using EddyRecord = Eddy.Avro.GenericRecord;

namespace Eddy.Engine.Avro.Tests;

/// <summary>
/// The engine's Avro serdes and Confluent's own (Confluent.SchemaRegistry.Serdes.Avro) read each other's bytes,
/// under the same subjects and the same schema ids.
/// </summary>
public class ConfluentInteropTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly RecordSchema ClickV1 = Schemas.Record(Schemas.ClickV1);

    private static int IdOf(byte[] message) => BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(1, 4));

    private static SerializationContext Value(string topic) => new(MessageComponentType.Value, topic);

    [Fact]
    public async Task What_the_engine_serde_writes_Confluents_deserializer_reads_with_the_subjects_id()
    {
        var topic = RegistryFixture.Topic("engine-to-confluent");
        using var client = fixture.Client();
        var bytes = AvroSerdes.Generic(client, topic, ClickV1).Serialize(new EddyRecord(ClickV1, "ann", "/home"));

        using var other = fixture.Client(); // a fresh client: nothing cached from the write
        var read = await new AvroDeserializer<ConfluentRecord>(other).DeserializeAsync(bytes, false, Value(topic));
        Assert.Equal(("ann", "/home"), ((string)read["user"], (string)read["page"]));
        Assert.Equal("demo.Click", read.Schema.Fullname);
        var registered = await other.GetLatestSchemaAsync(topic + "-value");
        Assert.Equal((0, registered.Id), (bytes[0], IdOf(bytes)));
    }

    [Fact]
    public async Task What_Confluents_serializer_writes_the_engine_serde_reads_and_writes_back_with_the_same_id()
    {
        var topic = RegistryFixture.Topic("confluent-to-engine");
        using var client = fixture.Client();
        var confluentSchema = (ConfluentRecordSchema)global::Avro.Schema.Parse(Schemas.ClickV1);
        var written = new ConfluentRecord(confluentSchema);
        written.Add("user", "bob");
        written.Add("page", "/cart");
        var bytes = await new AvroSerializer<ConfluentRecord>(client).SerializeAsync(written, Value(topic));

        using var other = fixture.Client();
        var serde = AvroSerdes.Generic(other, topic);
        var read = serde.Deserialize(bytes);
        Assert.Equal(("bob", "/cart"), ((string)read["user"]!, (string)read["page"]!));
        // Written back with the schema it was read with: the same subject, the same id, the same bytes.
        Assert.Equal(bytes, serde.Serialize(read));
        Assert.Equal(bytes, AvroSerdes.Generic(other, topic, ClickV1).Serialize(new EddyRecord(ClickV1, "bob", "/cart")));
    }

    [Fact]
    public async Task Keys_that_are_not_records_are_written_under_the_key_subject()
    {
        var topic = RegistryFixture.Topic("string-keys");
        using var client = fixture.Client();
        var keys = AvroSerdes.Datum(client, topic, AvroSchema.Parse("\"string\""), isKey: true);
        var bytes = keys.Serialize("user-1");

        var read = await new AvroDeserializer<string>(client).DeserializeAsync(bytes, false, new SerializationContext(MessageComponentType.Key, topic));
        Assert.Equal("user-1", read);
        Assert.Equal("user-1", keys.Deserialize(bytes));
        Assert.Equal(IdOf(bytes), (await client.GetLatestSchemaAsync(topic + "-key")).Id);
    }

    [Fact]
    public async Task With_use_latest_version_values_are_written_with_the_subjects_latest_schema()
    {
        var topic = RegistryFixture.Topic("use-latest");
        using var client = fixture.Client();
        var v2Id = await client.RegisterSchemaAsync(topic + "-value", new Schema(Schemas.ClickV2, SchemaType.Avro));
        var serde = AvroSerdes.Generic(client, topic, config: new AvroSerdeConfig { AutoRegisterSchemas = false, UseLatestVersion = true });

        var bytes = serde.Serialize(new EddyRecord(ClickV1, "ann", "/home")); // a v1 record, written as v2 by field name
        Assert.Equal(v2Id, IdOf(bytes));
        var read = serde.Deserialize(bytes);
        Assert.Equal(3, read.Schema.Fields.Count);
        Assert.Null(read["referrer"]);
    }

    [Fact]
    public void With_auto_registration_off_an_unregistered_schema_is_a_precise_error()
    {
        var topic = RegistryFixture.Topic("unregistered");
        using var client = fixture.Client();
        var serde = AvroSerdes.Generic(client, topic, ClickV1, config: new AvroSerdeConfig { AutoRegisterSchemas = false });
        var error = Assert.Throws<SchemaRegistryLookupException>(() => serde.Serialize(new EddyRecord(ClickV1, "ann", "/home")));
        Assert.StartsWith($"The schema registry answered error 40401 looking up schema demo.Click under subject {topic}-value", error.Message);
    }
}
