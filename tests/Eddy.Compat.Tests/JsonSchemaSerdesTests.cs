using System.Buffers.Binary;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent.SchemaRegistry.Serdes.Json 2.16 against Eddy's broker and registry: its serializer registers the JSON
/// Schema NJsonSchema generates for a class (draft 4, with definitions, $refs and nullable unions), produces in
/// Confluent's wire format, and its deserializer reads the records back after fetching the schema by id; an
/// evolution Confluent's JSON Schema rules refuse is refused with 409 and Confluent's message.
/// </summary>
public class JsonSchemaSerdesTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    public sealed class Address
    {
        public string Street { get; set; } = "";

        public int Number { get; set; }
    }

    public sealed class Customer
    {
        public string Name { get; set; } = "";

        public int Age { get; set; }

        public string? Email { get; set; }

        public Address? Home { get; set; }

        public List<string> Tags { get; set; } = [];
    }

    [Fact]
    public async Task Confluents_json_serializer_and_deserializer_round_trip_through_eddys_registry()
    {
        var topic = RegistryFixture.Topic("json");
        using var client = fixture.Client();
        var customers = new[]
        {
            new Customer { Name = "ada", Age = 36, Email = "ada@example.com", Home = new Address { Street = "Main", Number = 1 }, Tags = ["a", "b"] },
            new Customer { Name = "linus", Age = 54 },
        };
        using (var producer = new ProducerBuilder<string, Customer>(fixture.ProducerConfig())
            .SetValueSerializer(new JsonSerializer<Customer>(client))
            .Build())
        {
            foreach (var customer in customers)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, Customer> { Key = customer.Name, Value = customer });
            }
        }

        using var fresh = fixture.Client();
        var registered = await fresh.GetLatestSchemaAsync(topic + "-value");
        Assert.Equal(SchemaType.Json, registered.SchemaType);
        var raw = fixture.ConsumeRaw(topic, 2);
        Assert.All(raw, bytes => Assert.Equal((byte)0, bytes[0]));
        Assert.All(raw, bytes => Assert.Equal(registered.Id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4))));

        using var consumer = new ConsumerBuilder<string, Customer>(fixture.ConsumerConfig())
            .SetValueDeserializer(new JsonDeserializer<Customer>(fresh).AsSyncOverAsync())
            .Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var read = new List<Customer>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (read.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } result)
            {
                read.Add(result.Message.Value);
            }
        }
        Assert.Equal(2, read.Count);
        Assert.Equal(("ada", 36, "ada@example.com", "Main", 1), (read[0].Name, read[0].Age, read[0].Email, read[0].Home!.Street, read[0].Home!.Number));
        Assert.Equal(["a", "b"], read[0].Tags);
        Assert.Equal(("linus", 54, null), (read[1].Name, read[1].Age, read[1].Email));
    }

    [Fact]
    public async Task An_incompatible_json_schema_evolution_is_refused_with_409_and_confluents_message()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("json-evolve") + "-value";
        const string V1 = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"additionalProperties":false}""";
        const string V2 = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"},"email":{"type":"string"}},"additionalProperties":false}""";
        const string Narrowed = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"email":{"type":"string"}},"additionalProperties":false}""";
        var v1 = await client.RegisterSchemaAsync(subject, new Schema(V1, SchemaType.Json));
        // integer -> number and an optional property added to a closed content model: backward compatible.
        Assert.True(await client.IsCompatibleAsync(subject, new Schema(V2, SchemaType.Json)));
        var v2 = await client.RegisterSchemaAsync(subject, new Schema(V2, SchemaType.Json));
        Assert.NotEqual(v1, v2);

        Assert.False(await client.IsCompatibleAsync(subject, new Schema(Narrowed, SchemaType.Json)));
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(Narrowed, SchemaType.Json)));
        Assert.Equal(409, (int)refused.Status);
        Assert.Contains(
            $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{{errorType:\"TYPE_NARROWED\", description:\"A type at path '#/properties/age' is different between the new schema and the old schema'}}, {{oldSchemaVersion: 2}}",
            refused.Message, StringComparison.Ordinal);
    }
}
