using Eddy.Registry.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Eddy.Registry.Hosting;

/// <summary>
/// The bridge from ASP.NET Core to <see cref="RegistryRouter"/>: an <see cref="HttpContext"/> becomes a
/// <see cref="RestRequest"/> and the <see cref="RestResponse"/> is written back as it is (status, content type, bytes).
/// </summary>
internal sealed class SchemaRegistryEndpoint
{
    /// <summary>The catch-all route parameter that holds the registry's own path.</summary>
    public const string PathParameter = "registryPath";

    /// <summary>The largest request body accepted (a schema plus its JSON envelope).</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly SchemaRegistryHostedService _registry;
    private readonly ILogger _logger;

    public SchemaRegistryEndpoint(SchemaRegistryHostedService registry)
    {
        _registry = registry;
        _logger = registry.LoggerFactory.CreateLogger("Eddy.Registry.Http");
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        RestResponse response;
        try
        {
            // The registry's limit, whatever the host's default: checked against Content-Length or while reading.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            {
                bodyLimit.MaxRequestBodySize = MaxBodyBytes;
            }
            var router = await _registry.Router.WaitAsync(context.RequestAborted);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in context.Request.Headers)
            {
                headers[name] = values.ToString();
            }
            response = await router.HandleAsync(
                RestRequest.FromTarget(context.Request.Method, RegistryTarget(context), headers, body.GetBuffer().AsMemory(0, (int)body.Length)),
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
            _logger.LogError(e, "Schema registry request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            response = RegistryRouter.Error(500, 500, "Internal Server Error");
        }
        _registry.Metrics.RequestAnswered(context.Request.Method, started, response);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>
    /// The request target relative to the registry's root, still percent-encoded: the router decodes each segment once,
    /// so a subject <c>a/b</c> sent as <c>a%2Fb</c> stays one segment. ASP.NET Core's decoded path cannot give that,
    /// so the raw target is used, less the segments of the path base and of the route before the catch-all.
    /// </summary>
    private static string RegistryTarget(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var prefixSegments = CountSegments(context.Request.PathBase.Value)
            + (context.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.PathSegments.Count - 1 : 0);
        return RelativeTarget(target, prefixSegments);
    }

    private static int CountSegments(string? path) => string.IsNullOrEmpty(path) ? 0 : path.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>
    /// <paramref name="target"/> (origin form <c>/path?query</c>, or absolute form) without its first
    /// <paramref name="skipSegments"/> path segments: <c>/schemas/subjects?deleted=true</c> less one is <c>/subjects?deleted=true</c>.
    /// </summary>
    internal static string RelativeTarget(string target, int skipSegments)
    {
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
        {
            target = absolute.PathAndQuery;
        }
        var start = 0;
        for (var i = 0; i < skipSegments; i++)
        {
            var next = target.IndexOfAny(['/', '?'], start + 1);
            if (next < 0)
            {
                return "/";
            }
            if (target[next] == '?')
            {
                return "/" + target[next..];
            }
            start = next;
        }
        return target[start..];
    }
}
