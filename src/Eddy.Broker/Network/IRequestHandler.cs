using Eddy.Protocol;

namespace Eddy.Broker.Network;

/// <summary>Handles one API. Returns the response body, or null when Kafka sends none (Produce with acks=0).</summary>
public interface IRequestHandler
{
    ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken);
}
