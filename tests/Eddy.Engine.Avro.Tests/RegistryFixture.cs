using System.Reflection;
using System.Runtime.ExceptionServices;
using Confluent.SchemaRegistry;
using Eddy.Cli.Registry;
using Eddy.Registry;
using Eddy.Testing;

namespace Eddy.Engine.Avro.Tests;

/// <summary>
/// An in-process broker and Eddy's schema registry on it (the Kestrel host <c>eddy up</c> runs, on a free port),
/// shared by the tests of a class; each test uses its own topics, so its own subjects.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private BrokerFixture? _broker;
    private RegistryServer? _registry;

    public string RegistryUrl => (_registry ?? throw new InvalidOperationException("not started")).Url;

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

    /// <summary>A Confluent client with empty caches.</summary>
    public CachedSchemaRegistryClient Client() => new(new SchemaRegistryConfig { Url = RegistryUrl });

    /// <summary>A topic name no other test uses.</summary>
    public static string Topic(string hint) => $"{hint}-{Guid.NewGuid().ToString("N")[..10]}";
}

/// <summary>A registry client that counts the requests made through it (to check the serdes' caching).</summary>
public class CountingRegistryClient : DispatchProxy
{
    private ISchemaRegistryClient? _inner;
    private int _calls;

    public int Calls => _calls;

    public static (ISchemaRegistryClient Client, CountingRegistryClient Counter) Wrap(ISchemaRegistryClient inner)
    {
        var proxy = Create<ISchemaRegistryClient, CountingRegistryClient>();
        var counter = (CountingRegistryClient)(object)proxy;
        counter._inner = inner;
        return (proxy, counter);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name.EndsWith("Async", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _calls);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
