using System.Net;
using Eddy.Registry;
using Eddy.Registry.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Cli.Registry;

/// <summary>
/// The schema registry on HTTP: a bare Kestrel server that hands every request to <see cref="RegistryRouter"/>.
/// The registry itself (<see cref="RegistryService"/>) reaches Kafka through Confluent.Kafka only.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    /// <summary>Confluent's default port.</summary>
    public const int DefaultPort = 8081;

    /// <summary>The largest request body accepted (a schema plus its JSON envelope).</summary>
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly WebApplication _app;

    private RegistryServer(RegistryService service, WebApplication app, string host, int port)
    {
        Service = service;
        _app = app;
        Host = host;
        Port = port;
    }

    public RegistryService Service { get; }

    /// <summary>The host the server listens on, as given.</summary>
    public string Host { get; }

    /// <summary>The port it listens on (the one picked when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>The URL clients use: http://host:port, with 127.0.0.1 for a wildcard bind.</summary>
    public string Url => $"http://{(Host is "0.0.0.0" or "::" or "*" or "+" ? "127.0.0.1" : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>Starts the registry (replaying its topic) and then the HTTP listener on <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<RegistryServer> StartAsync(RegistryOptions options, string host, int port, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Eddy.Registry.Http");
        var service = await RegistryService.StartAsync(options, loggerFactory, cancellationToken);
        WebApplication? app = null;
        try
        {
            var router = new RegistryRouter(service);
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
                Listen(kestrel, host, port);
            });
            app = builder.Build();
            app.Run(context => HandleAsync(context, router, logger));
            await app.StartAsync(cancellationToken);
            var bound = BoundPort(app) ?? port;
            logger.LogInformation("Schema registry listening on {Host}:{Port}", host, bound);
            return new RegistryServer(service, app, host, bound);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            await service.DisposeAsync();
            throw;
        }
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string host, int port)
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

    private static async Task HandleAsync(HttpContext context, RegistryRouter router, ILogger logger)
    {
        RestResponse response;
        try
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
            if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
            {
                target = absolute.PathAndQuery;
            }
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in context.Request.Headers)
            {
                headers[name] = values.ToString();
            }
            response = await router.HandleAsync(
                RestRequest.FromTarget(context.Request.Method, target, headers, body.GetBuffer().AsMemory(0, (int)body.Length)),
                context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (BadHttpRequestException e)
        {
            response = RegistryRouter.Error(e.StatusCode, e.StatusCode, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Schema registry request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            response = RegistryRouter.Error(500, 500, "Internal Server Error");
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
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
            await Service.DisposeAsync();
        }
    }
}
