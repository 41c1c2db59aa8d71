using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Registry.Hosting;

/// <summary>
/// The schema registry on its own HTTP endpoint: a bare Kestrel app with
/// <see cref="SchemaRegistryServiceCollectionExtensions.AddSchemaRegistry(Microsoft.Extensions.DependencyInjection.IServiceCollection, RegistryOptions)"/> and
/// <see cref="SchemaRegistryEndpointRouteBuilderExtensions.MapSchemaRegistry"/> at its root, and nothing else. This is
/// what <c>eddy up</c> and <c>eddy registry</c> run; an app that has its own ASP.NET Core host maps the registry into it instead.
/// </summary>
public sealed class SchemaRegistryHost : IAsyncDisposable
{
    /// <summary>Confluent's default port.</summary>
    public const int DefaultPort = 8081;

    private readonly WebApplication _app;

    private SchemaRegistryHost(WebApplication app, SchemaRegistryHostedService service, string host, int port)
    {
        _app = app;
        Registry = service.Registry;
        Metrics = service.Metrics;
        Host = host;
        Port = port;
    }

    /// <summary>The running registry.</summary>
    public RegistryService Registry { get; }

    /// <summary>The registry's instruments (for a metrics endpoint such as <c>eddy up</c>'s).</summary>
    public RegistryMetrics Metrics { get; }

    /// <summary>The host the server listens on, as given.</summary>
    public string Host { get; }

    /// <summary>The port it listens on (the one picked when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>The URL clients use: http://host:port, with 127.0.0.1 for a wildcard bind.</summary>
    public string Url => $"http://{(Host is "0.0.0.0" or "::" or "*" or "+" ? "127.0.0.1" : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>
    /// Starts the registry (replaying its topic) and the HTTP listener on <paramref name="host"/>:<paramref name="port"/>
    /// (0 picks a free port). Logs of the registry go to <paramref name="loggerFactory"/>; ASP.NET Core's own are not logged.
    /// </summary>
    /// <exception cref="RegistryStartupException">Kafka is unreachable, or the topic exists and is unfit.</exception>
    /// <exception cref="IOException">The address cannot be bound or resolved.</exception>
    public static async Task<SchemaRegistryHost> StartAsync(RegistryOptions options, string host, int port, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        loggerFactory ??= NullLoggerFactory.Instance;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = SchemaRegistryEndpoint.MaxBodyBytes;
            Listen(kestrel, host, port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSchemaRegistry(options, loggerFactory);
        var app = builder.Build();
        try
        {
            app.MapSchemaRegistry();
            await app.StartAsync(cancellationToken);
            var bound = BoundPort(app) ?? port;
            loggerFactory.CreateLogger("Eddy.Registry.Http").LogInformation("Schema registry listening on {Host}:{Port}", host, bound);
            return new SchemaRegistryHost(app, app.Services.GetRequiredService<SchemaRegistryHostedService>(), host, bound);
        }
        catch
        {
            // Disposing the app disposes the registry too, if it had started before the listener failed.
            await app.DisposeAsync();
            throw;
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port)
    {
        if (host is "0.0.0.0" or "*" or "+")
        {
            kestrel.Listen(IPAddress.Any, port);
        }
        else if (host == "::")
        {
            kestrel.Listen(IPAddress.IPv6Any, port);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port);
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && port != 0)
        {
            kestrel.ListenLocalhost(port);
        }
        else
        {
            var resolved = Dns.GetHostAddresses(host).FirstOrDefault()
                ?? throw new IOException($"cannot resolve the listen host {host}");
            kestrel.Listen(resolved, port);
        }
    }

    private static int? BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var address in addresses ?? [])
        {
            if (Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }
        return null;
    }

    /// <summary>Stops accepting requests, then closes the registry's Kafka clients.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
