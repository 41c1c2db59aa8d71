using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Eddy.Cli.Registry;
using Eddy.Registry;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// Eddy's broker and Eddy's schema registry (the Kestrel host <c>eddy up</c> runs, on a free port, storing through
/// Confluent.Kafka), shared by the tests of a class; each test uses its own topics and subjects.
/// </summary>
public sealed class SchemaRegistryFixture : IAsyncLifetime
{
    private BrokerFixture? _broker;
    private RegistryServer? _registry;

    public BrokerFixture Broker => _broker ?? throw new InvalidOperationException("not started");

    public RegistryServer Registry => _registry ?? throw new InvalidOperationException("not started");

    public string BootstrapServers => Broker.BootstrapServers;

    public string RegistryUrl => Registry.Url;

    public async Task InitializeAsync()
    {
        _broker = await BrokerFixture.StartAsync();
        _registry = await RegistryServer.StartAsync(
            new RegistryOptions { KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = _broker.BootstrapServers } },
            "127.0.0.1", 0, null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    /// <summary>A Confluent client with default settings (a fresh one has empty caches).</summary>
    public CachedSchemaRegistryClient Client() => new(new SchemaRegistryConfig { Url = RegistryUrl });

    public ProducerConfig ProducerConfig() => new() { BootstrapServers = BootstrapServers, Acks = Acks.All, LingerMs = 0 };

    public ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = "sr-" + Guid.NewGuid().ToString("N"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    };

    /// <summary>A topic name no other test uses.</summary>
    public static string Topic(string hint) => $"{hint}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Produces <paramref name="records"/> with the Confluent Avro serializer.</summary>
    public async Task ProduceAsync<T>(string topic, ISchemaRegistryClient client, AvroSerializerConfig? config, params T[] records)
    {
        using var producer = new ProducerBuilder<string, T>(ProducerConfig())
            .SetValueSerializer(new AvroSerializer<T>(client, config))
            .Build();
        foreach (var record in records)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, T> { Key = "k", Value = record });
        }
    }

    /// <summary>Reads <paramref name="count"/> records from the start of <paramref name="topic"/> with the Confluent Avro deserializer.</summary>
    public List<T> Consume<T>(string topic, ISchemaRegistryClient client, AvroDeserializerConfig? config, int count)
    {
        using var consumer = new ConsumerBuilder<string, T>(ConsumerConfig())
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
    public List<byte[]> ConsumeRaw(string topic, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(ConsumerConfig()).Build();
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
