using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;
using Eddy.Testing;

namespace Eddy.Sql.Tests.Formats;

/// <summary>The avro-confluent format against Eddy's schema registry, with Confluent's own Avro serializer and deserializer as the other side.</summary>
[Trait("Category", "Compat")]
public class AvroConfluentFormatTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private RowFormat Format(string topic) =>
        FormatRegistry.Default.Find("avro-confluent").Create(new Dictionary<string, string> { ["avro-confluent.url"] = registry.RegistryUrl }, new FormatContext(topic));

    private static readonly SqlType Orders = SqlType.Row(
        new SqlField("id", SqlType.BigInt.NotNull()), new SqlField("customer", SqlType.String), new SqlField("amount", SqlType.Decimal(10, 2)),
        new SqlField("placed", SqlType.Timestamp(3)), new SqlField("tags", SqlType.Array(SqlType.String)));

    private static readonly SqlType[] OrderTypes = [.. Orders.Fields.Select(f => f.Type)];

    [Fact]
    public async Task Random_rows_read_back_through_the_registry_under_the_topics_value_subject()
    {
        // A subject per row: the registry keeps each subject's versions compatible, and random types are not.
        var topic = "";
        RandomRows.TypedRow(AvroFormatTests.AvroRules, maxFields: 4).Sample((type, row) =>
        {
            topic = RegistryFixture.Topic("orders");
            Assert.True(row.Equals(RandomRows.RoundTrip(Format(topic), type, row)), RandomRows.Describe(type, row));
        }, iter: 40);
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.RegistryUrl });
        Assert.Contains(topic + "-value", await client.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task A_record_written_by_Confluents_AvroSerializer_with_its_own_schema_decodes_into_the_row()
    {
        var topic = RegistryFixture.Topic("confluent-orders");
        var schema = (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
            {"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[
              {"name":"id","type":"long"},
              {"name":"customer","type":["null","string"],"default":null},
              {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},
              {"name":"placed","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},
              {"name":"tags","type":["null",{"type":"array","items":["null","string"]}],"default":null},
              {"name":"note","type":"string","default":""}]}
            """);
        var record = new GenericRecord(schema);
        record.Add("id", 42L);
        record.Add("customer", "ada");
        record.Add("amount", new global::Avro.AvroDecimal(12.34m));
        record.Add("placed", new DateTime(2020, 12, 30, 12, 13, 14, 123, DateTimeKind.Utc));
        record.Add("tags", new object?[] { "a", null });
        record.Add("note", "an extra field the table does not have");
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.RegistryUrl });
        var bytes = await new AvroSerializer<GenericRecord>(client).SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topic));

        var row = Assert.Single(RandomRows.Deserialize(Format(topic).CreateDeserializer(Orders), bytes)).Row;
        Assert.Equal(Row.Of(OrderTypes, 42L, "ada", 12.34m, new DateTime(2020, 12, 30, 12, 13, 14, 123), new object?[] { "a", null }), row);
    }

    [Fact]
    public async Task A_row_written_by_the_format_is_read_by_Confluents_AvroDeserializer()
    {
        var topic = RegistryFixture.Topic("flink-orders");
        var row = Row.Of(OrderTypes, 7L, null, -0.5m, new DateTime(1969, 12, 31, 23, 59, 59, 999), new object?[] { "x" });
        var bytes = RandomRows.Serialize(Format(topic).CreateSerializer(Orders), row)!;
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.RegistryUrl });
        var record = await new AvroDeserializer<GenericRecord>(client).DeserializeAsync(bytes, false, new SerializationContext(MessageComponentType.Value, topic));
        Assert.Equal("org.apache.flink.avro.generated.record", record.Schema.Fullname);
        Assert.Equal(7L, record["id"]);
        Assert.Null(record["customer"]);
        Assert.Equal(-0.5m, global::Avro.AvroDecimal.ToDecimal((global::Avro.AvroDecimal)record["amount"]));
        Assert.Equal(new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), record["placed"]);
        Assert.Equal(new object?[] { "x" }, (object?[])record["tags"]);
    }

    [Fact]
    public void A_message_not_in_the_wire_format_and_a_missing_url_are_precise_errors()
    {
        var error = Assert.Throws<FormatParseException>(() => RandomRows.Deserialize(Format("t").CreateDeserializer(Orders), new byte[] { 1, 0, 0, 0, 1, 2 }));
        Assert.Equal("The message is not in Confluent's wire format: its first byte is 1, not the magic byte 0.", error.Message);
        Assert.Equal("One or more required options are missing.\n\nMissing required options are:\n\navro-confluent.url",
            Assert.Throws<FormatValidationException>(() => FormatRegistry.Default.Find("avro-confluent").Create(new Dictionary<string, string>())).Message);
    }
}
