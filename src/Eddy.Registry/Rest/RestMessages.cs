namespace Eddy.Registry.Rest;

/// <summary>An HTTP request as the registry's router sees it, independent of the web framework that received it.</summary>
/// <param name="Method">GET, POST, PUT, DELETE ...</param>
/// <param name="Path">The raw (still percent-encoded) path, e.g. <c>/subjects/a%2Fb/versions</c>.</param>
/// <param name="Query">The raw query string without '?', or empty.</param>
/// <param name="Headers">Request headers, looked up case-insensitively.</param>
/// <param name="Body">The request body.</param>
public sealed record RestRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>Splits a raw request target (<c>/path?query</c>) into path and query.</summary>
    public static RestRequest FromTarget(string method, string target, IReadOnlyDictionary<string, string>? headers = null, ReadOnlyMemory<byte> body = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0
            ? new RestRequest(method, target, "", headers ?? EmptyHeaders, body)
            : new RestRequest(method, target[..question], target[(question + 1)..], headers ?? EmptyHeaders, body);
    }

    public static IReadOnlyDictionary<string, string> EmptyHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The router's answer: status, content type and body bytes.</summary>
public sealed record RestResponse(int Status, string ContentType, byte[] Body);
