using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eddy.Registry.Hosting;

/// <summary>Adds the schema registry to a host's services.</summary>
public static class SchemaRegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds one schema registry storing into <paramref name="options"/>' cluster and topic: a
    /// <see cref="SchemaRegistryHostedService"/> (a singleton, also registered as a hosted service) that starts it
    /// with the host, logging through the host's <see cref="ILoggerFactory"/>. Serve it over HTTP with
    /// <see cref="SchemaRegistryEndpointRouteBuilderExtensions.MapSchemaRegistry"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A schema registry was already added.</exception>
    public static IServiceCollection AddSchemaRegistry(this IServiceCollection services, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSchemaRegistry(sp => new SchemaRegistryHostedService(options, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>
    /// As <see cref="AddSchemaRegistry(IServiceCollection, RegistryOptions)"/> with the registry's own logger factory:
    /// <c>eddy up</c> logs the registry but not ASP.NET Core's internals.
    /// </summary>
    internal static IServiceCollection AddSchemaRegistry(this IServiceCollection services, RegistryOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSchemaRegistry(_ => new SchemaRegistryHostedService(options, loggerFactory));
    }

    private static IServiceCollection AddSchemaRegistry(this IServiceCollection services, Func<IServiceProvider, SchemaRegistryHostedService> create)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(SchemaRegistryHostedService)))
        {
            throw new InvalidOperationException("A schema registry has already been added to these services.");
        }
        // Created by a factory so the container disposes it: a host that fails to start still closes the registry's clients.
        services.AddSingleton(create);
        services.AddHostedService(sp => sp.GetRequiredService<SchemaRegistryHostedService>());
        return services;
    }
}
