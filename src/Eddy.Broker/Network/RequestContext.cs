using System.Net;
using Eddy.Protocol;

namespace Eddy.Broker.Network;

/// <summary>What a handler knows about the request beyond its body: header fields and the caller.</summary>
public sealed record RequestContext(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId, EndPoint? RemoteEndPoint);
