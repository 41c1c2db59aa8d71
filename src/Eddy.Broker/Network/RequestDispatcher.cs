using Eddy.Protocol;

namespace Eddy.Broker.Network;

/// <summary>Routes a decoded request to the handler of its API.</summary>
public sealed class RequestDispatcher(IReadOnlyDictionary<ApiKey, IRequestHandler> handlers)
{
    public bool CanHandle(ApiKey key) => handlers.ContainsKey(key);

    public ValueTask<IApiMessage?> DispatchAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken) =>
        handlers[context.ApiKey].HandleAsync(context, request, cancellationToken);
}
