using Eddy.Registry.Rest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Registry.Hosting;

/// <summary>
/// The schema registry's lifetime in a host: <see cref="StartAsync"/> opens the store and replays its topic
/// (<see cref="RegistryService.StartAsync"/>), <see cref="StopAsync"/> closes its Kafka clients. Registered by
/// <see cref="SchemaRegistryServiceCollectionExtensions.AddSchemaRegistry(Microsoft.Extensions.DependencyInjection.IServiceCollection, RegistryOptions)"/>; the endpoints of
/// <see cref="SchemaRegistryEndpointRouteBuilderExtensions.MapSchemaRegistry"/> answer through it. It runs once:
/// a stopped instance does not start again.
/// </summary>
public sealed class SchemaRegistryHostedService : IHostedService, IAsyncDisposable
{
    private readonly RegistryOptions _options;
    private readonly ILoggerFactory _loggerFactory;

    // Requests that arrive while the topic is still being replayed wait for it rather than failing.
    private readonly TaskCompletionSource<RegistryRouter> _router = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RegistryService? _registry;
    private int _state; // 0 new, 1 started (or starting), 2 stopped

    /// <summary>A registry on <paramref name="options"/>'s cluster and topic, logging to <paramref name="loggerFactory"/>.</summary>
    public SchemaRegistryHostedService(RegistryOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Metrics = new RegistryMetrics(() => Volatile.Read(ref _registry));
    }

    /// <summary>The registry's instruments (requests, latency, errors, subjects and schemas).</summary>
    public RegistryMetrics Metrics { get; }

    /// <summary>The running registry.</summary>
    /// <exception cref="InvalidOperationException">It has not started yet, or it has stopped.</exception>
    public RegistryService Registry => Volatile.Read(ref _registry) ?? throw new InvalidOperationException("The schema registry is not running.");

    /// <summary>The router over the started registry; faults if start-up failed.</summary>
    internal Task<RegistryRouter> Router => _router.Task;

    internal ILoggerFactory LoggerFactory => _loggerFactory;

    /// <summary>Opens the store (checking or creating the topic) and replays it to its end.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The schema registry has already been started.");
        }
        try
        {
            var registry = await RegistryService.StartAsync(_options, _loggerFactory, cancellationToken);
            Volatile.Write(ref _registry, registry);
            _router.TrySetResult(new RegistryRouter(registry));
        }
        catch (Exception e)
        {
            _router.TrySetException(e);
            throw;
        }
    }

    /// <summary>Closes the registry's Kafka clients. Requests still waiting for start-up fail.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _state, 2);
        Metrics.Dispose();
        _router.TrySetException(new ObjectDisposedException(nameof(SchemaRegistryHostedService), "The schema registry has stopped."));
        var registry = Interlocked.Exchange(ref _registry, null);
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }
    }

    /// <summary>Stops the registry if the host did not (a host that failed to start disposes its services instead).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
