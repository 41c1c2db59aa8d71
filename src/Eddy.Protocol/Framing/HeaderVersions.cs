namespace Eddy.Protocol.Framing;

/// <summary>
/// Which request and response header version goes with an API key and version. Flexible versions carry tagged
/// fields in their headers (request header v2, response header v1); older versions use request header v1 and
/// response header v0. ApiVersions answers with response header v0 in every version, so that a client can read the
/// answer before it knows which versions the broker speaks.
/// </summary>
public static class HeaderVersions
{
    /// <summary>Request header v1: api key, api version, correlation id, client id.</summary>
    public const short RequestV1 = 1;

    /// <summary>Request header v2: v1 followed by tagged fields.</summary>
    public const short RequestV2 = 2;

    /// <summary>Response header v0: the correlation id only.</summary>
    public const short ResponseV0 = 0;

    /// <summary>Response header v1: the correlation id followed by tagged fields.</summary>
    public const short ResponseV1 = 1;

    /// <summary>The request header version for <paramref name="api"/> at <paramref name="version"/>: 2 when flexible, else 1.</summary>
    public static short Request(ApiKey api, short version) =>
        ApiMessages.IsFlexibleRequest(api, version) ? RequestV2 : RequestV1;

    /// <summary>
    /// The response header version for <paramref name="api"/> at <paramref name="version"/>: 1 when flexible, else 0,
    /// and always 0 for ApiVersions. Kafka's message definitions give each API's request and response the same
    /// flexible versions, so the request's flexibility decides (a test checks this for every generated API).
    /// </summary>
    public static short Response(ApiKey api, short version) =>
        api != ApiKey.ApiVersions && ApiMessages.IsFlexibleRequest(api, version) ? ResponseV1 : ResponseV0;
}
