namespace Eddy.Protocol.Framing;

/// <summary>The fields of a request header that every version the broker accepts carries (v1 and v2).</summary>
/// <param name="ApiKey">Which API the request is for.</param>
/// <param name="ApiVersion">The version its body is encoded in.</param>
/// <param name="CorrelationId">The id the response echoes.</param>
/// <param name="ClientId">The client's id, null when the client sent none.</param>
public readonly record struct RequestFrameHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId);
