using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Eddy.Registry.Hosting;

/// <summary>Serves the schema registry's REST API from an ASP.NET Core app's routing.</summary>
public static class SchemaRegistryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Confluent's schema registry REST API (every route, method and error of <see cref="Rest.RegistryRouter"/>)
    /// under <paramref name="prefix"/> (the app's root by default), answered by the registry that
    /// <see cref="SchemaRegistryServiceCollectionExtensions.AddSchemaRegistry(Microsoft.Extensions.DependencyInjection.IServiceCollection, RegistryOptions)"/> added. The mapping is one catch-all
    /// route, so the app's more specific endpoints beside it keep their paths.
    /// </summary>
    /// <param name="endpoints">The app, or a route group.</param>
    /// <param name="prefix">A literal path such as <c>/schemas</c>; clients then use <c>http://host:port/schemas</c> as the registry URL.</param>
    /// <returns>The endpoint's convention builder (for authorization, CORS, rate limiting ...).</returns>
    /// <exception cref="InvalidOperationException">AddSchemaRegistry was not called on the app's services.</exception>
    public static IEndpointConventionBuilder MapSchemaRegistry(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var registry = endpoints.ServiceProvider.GetService<SchemaRegistryHostedService>()
            ?? throw new InvalidOperationException("Add the schema registry to the services (AddSchemaRegistry) before mapping it.");
        var endpoint = new SchemaRegistryEndpoint(registry);
        var trimmed = prefix.Trim('/');
        var pattern = (trimmed.Length == 0 ? "/" : $"/{trimmed}/") + "{**" + SchemaRegistryEndpoint.PathParameter + "}";
        return endpoints.Map(pattern, new RequestDelegate(endpoint.HandleAsync)).WithDisplayName("Schema registry");
    }
}
