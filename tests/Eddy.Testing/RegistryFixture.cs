using Eddy.Registry;
using Eddy.Registry.Hosting;

namespace Eddy.Testing;

/// <summary>
/// An in-process broker and Eddy's schema registry on it, each on a free loopback port: the registry is
/// <see cref="SchemaRegistryHost"/>, the HTTP host <c>eddy up</c> runs, storing through Confluent.Kafka. As a class
/// fixture it starts its own broker; <see cref="StartAsync"/> starts one on a given broker and topic.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime, IAsyncDisposable
{
    private BrokerFixture? _broker;
    private bool _ownsBroker = true;
    private SchemaRegistryHost? _registry;

    /// <summary>The topic the registry stores into.</summary>
    public string SchemasTopic { get; private set; } = RegistryOptions.DefaultTopic;

    public BrokerFixture Broker => _broker ?? throw new InvalidOperationException("not started");

    public SchemaRegistryHost Registry => _registry ?? throw new InvalidOperationException("not started");

    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>The registry's base URL, http://127.0.0.1:port.</summary>
    public string RegistryUrl => Registry.Url;

    /// <summary>A registry on <paramref name="broker"/> (which the fixture then leaves running), or on a broker of its own.</summary>
    public static async Task<RegistryFixture> StartAsync(BrokerFixture? broker = null, string topic = RegistryOptions.DefaultTopic)
    {
        var fixture = new RegistryFixture { _broker = broker, _ownsBroker = broker is null, SchemasTopic = topic };
        try
        {
            await fixture.StartAsync();
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    /// <summary>The registry's settings for <paramref name="broker"/>'s cluster and <paramref name="topic"/>.</summary>
    public static RegistryOptions Options(BrokerFixture broker, string topic = RegistryOptions.DefaultTopic)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new RegistryOptions
        {
            KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers },
            Topic = topic,
        };
    }

    /// <summary>A registry host on <paramref name="broker"/> and a free port, owned by the caller.</summary>
    public static Task<SchemaRegistryHost> StartRegistryAsync(BrokerFixture broker, string topic = RegistryOptions.DefaultTopic) =>
        SchemaRegistryHost.StartAsync(Options(broker, topic), "127.0.0.1", 0);

    /// <summary>A topic (or subject) name no other test uses.</summary>
    public static string Topic(string hint) => $"{hint}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Stops this registry instance and starts a new one on the same broker and topic (it replays the topic), on a new port.</summary>
    public async Task RestartRegistryAsync()
    {
        await Registry.DisposeAsync();
        _registry = null;
        _registry = await StartRegistryAsync(Broker, SchemasTopic);
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private async Task StartAsync()
    {
        _broker ??= await BrokerFixture.StartAsync();
        _registry = await StartRegistryAsync(_broker, SchemasTopic);
    }

    /// <summary>Stops the registry, then the broker if the fixture started it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
            _registry = null;
        }
        if (_ownsBroker && _broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }
    }
}
