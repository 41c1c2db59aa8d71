using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent's clients (producer and consumer with the Avro serdes, the registry client) on the shared
/// <see cref="RegistryFixture"/>: Eddy's broker and Eddy's schema registry, both in process on free ports.
/// </summary>
public static class ConfluentAvroClients
{
    /// <summary>A Confluent client with default settings (a fresh one has empty caches).</summary>
    public static CachedSchemaRegistryClient Client(this RegistryFixture fixture) => new(new SchemaRegistryConfig { Url = fixture.RegistryUrl });

    public static ProducerConfig ProducerConfig(this RegistryFixture fixture) => new() { BootstrapServers = fixture.BootstrapServers, Acks = Acks.All, LingerMs = 0 };

    public static ConsumerConfig ConsumerConfig(this RegistryFixture fixture) => new()
    {
        BootstrapServers = fixture.BootstrapServers,
        GroupId = "sr-" + Guid.NewGuid().ToString("N"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    };

    /// <summary>Produces <paramref name="records"/> with the Confluent Avro serializer.</summary>
    public static async Task ProduceAsync<T>(this RegistryFixture fixture, string topic, ISchemaRegistryClient client, AvroSerializerConfig? config, params T[] records)
    {
        using var producer = new ProducerBuilder<string, T>(fixture.ProducerConfig())
            .SetValueSerializer(new AvroSerializer<T>(client, config))
            .Build();
        foreach (var record in records)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, T> { Key = "k", Value = record });
        }
    }

    /// <summary>Reads <paramref name="count"/> records from the start of <paramref name="topic"/> with the Confluent Avro deserializer.</summary>
    public static List<T> Consume<T>(this RegistryFixture fixture, string topic, ISchemaRegistryClient client, AvroDeserializerConfig? config, int count)
    {
        using var consumer = new ConsumerBuilder<string, T>(fixture.ConsumerConfig())
            .SetValueDeserializer(new AvroDeserializer<T>(client, config).AsSyncOverAsync())
            .Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<T>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is not null)
            {
                values.Add(result.Message.Value);
            }
        }
        Assert.Equal(count, values.Count);
        return values;
    }

    /// <summary>The raw value bytes of every record of <paramref name="topic"/> (to look at the wire format).</summary>
    public static List<byte[]> ConsumeRaw(this RegistryFixture fixture, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(fixture.ConsumerConfig()).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<byte[]>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is not null)
            {
                values.Add(result.Message.Value);
            }
        }
        Assert.Equal(count, values.Count);
        return values;
    }

    /// <summary>A GenericRecord of <paramref name="schema"/> with the given field values.</summary>
    public static GenericRecord Record(global::Avro.RecordSchema schema, params (string Field, object? Value)[] values)
    {
        var record = new GenericRecord(schema);
        foreach (var (field, value) in values)
        {
            record.Add(field, value);
        }
        return record;
    }
}
