using Eddy.Broker.Network;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>ApiVersions: the advertised ranges from <see cref="SupportedApis"/>.</summary>
internal sealed class ApiVersionsHandler : IRequestHandler
{
    private static readonly List<ApiVersionsResponse.ApiVersion> Advertised =
        [.. SupportedApis.Versions.OrderBy(v => v.Key).Select(v => new ApiVersionsResponse.ApiVersion
        {
            ApiKey = (short)v.Key,
            MinVersion = v.Value.Min,
            MaxVersion = v.Value.Max,
        })];

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IApiMessage?>(new ApiVersionsResponse { ErrorCode = 0, ApiKeys = Advertised });
}
