using Eddy.Protocol.Framing;

namespace Eddy.Protocol.Tests;

/// <summary>Which request and response header goes with an API key and version.</summary>
public class HeaderVersionsTests
{
    [Theory]
    [InlineData(ApiKey.ApiVersions, 0, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 2, 0)] // flexible request, but ApiVersions always answers with header v0
    [InlineData(ApiKey.Produce, 8, 1, 0)]
    [InlineData(ApiKey.Produce, 9, 2, 1)]
    [InlineData(ApiKey.Metadata, 8, 1, 0)]
    [InlineData(ApiKey.Metadata, 9, 2, 1)]
    [InlineData(ApiKey.Fetch, 11, 1, 0)]
    [InlineData(ApiKey.Fetch, 12, 2, 1)]
    [InlineData(ApiKey.FindCoordinator, 3, 2, 1)]
    [InlineData(ApiKey.ListTransactions, 0, 2, 1)]
    public void Known_cases_get_kafkas_header_versions(ApiKey api, short version, short requestHeader, short responseHeader)
    {
        Assert.Equal(requestHeader, HeaderVersions.Request(api, version));
        Assert.Equal(responseHeader, HeaderVersions.Response(api, version));
    }

    public static TheoryData<ApiKey> AllApis()
    {
        var data = new TheoryData<ApiKey>();
        foreach (var key in Enum.GetValues<ApiKey>())
        {
            data.Add(key);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllApis))]
    public void The_response_header_follows_the_responses_own_flexible_versions(ApiKey api)
    {
        // The rule decides from the request's flexible versions; this holds only if every response is flexible in
        // exactly the same versions as its request.
        var response = ApiMessages.CreateResponse(api)!;
        var (low, high) = ApiMessages.CodecVersions(api);
        for (var version = low; version <= high; version++)
        {
            var expected = api != ApiKey.ApiVersions && response.IsFlexible(version) ? HeaderVersions.ResponseV1 : HeaderVersions.ResponseV0;
            Assert.Equal(expected, HeaderVersions.Response(api, version));
            Assert.Equal(ApiMessages.CreateRequest(api)!.IsFlexible(version) ? HeaderVersions.RequestV2 : HeaderVersions.RequestV1, HeaderVersions.Request(api, version));
        }
    }
}
