using System.Reflection;
using System.Runtime.ExceptionServices;
using Confluent.SchemaRegistry;
using Eddy.Testing;

namespace Eddy.Engine.Avro.Tests;

/// <summary>Confluent's registry client on the shared <see cref="RegistryFixture"/>.</summary>
public static class RegistryFixtureClients
{
    /// <summary>A Confluent client with empty caches.</summary>
    public static CachedSchemaRegistryClient Client(this RegistryFixture fixture) => new(new SchemaRegistryConfig { Url = fixture.RegistryUrl });
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
