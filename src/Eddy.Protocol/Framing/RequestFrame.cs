using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Framing;

/// <summary>
/// Request frames: size prefix, request header (v1, or v2 for flexible versions; see <see cref="HeaderVersions"/>),
/// body. Writing goes to a <see cref="KafkaWriter"/>, reading from a <see cref="KafkaReader"/> over the frame without
/// its size prefix; neither does any I/O.
/// </summary>
public static class RequestFrame
{
    /// <summary>Appends a whole frame for <paramref name="request"/> at <paramref name="version"/> to <paramref name="writer"/>.</summary>
    public static void Write(KafkaWriter writer, IApiMessage request, short version, int correlationId, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        var sizeAt = FrameSize.Reserve(writer);
        new RequestHeader
        {
            RequestApiKey = (short)request.Api,
            RequestApiVersion = version,
            CorrelationId = correlationId,
            ClientId = clientId,
        }.Write(writer, HeaderVersions.Request(request.Api, version));
        request.Write(writer, version);
        FrameSize.Complete(writer, sizeAt);
    }

    /// <summary>A whole frame for <paramref name="request"/> at <paramref name="version"/>, as a new array.</summary>
    public static byte[] Encode(IApiMessage request, short version, int correlationId, string? clientId)
    {
        using var writer = new KafkaWriter();
        Write(writer, request, version, correlationId, clientId);
        return writer.WrittenMemory.ToArray();
    }

    /// <summary>
    /// Reads the header fields shared by v1 and v2 (api key, version, correlation id, client id). The v2 header's
    /// tagged fields are left unread: a broker first checks that it knows the API and version, then calls
    /// <see cref="SkipHeaderTaggedFields"/>.
    /// </summary>
    public static RequestFrameHeader ReadHeader(ref KafkaReader reader)
    {
        var api = (ApiKey)reader.ReadInt16();
        var version = reader.ReadInt16();
        var correlationId = reader.ReadInt32();
        var clientId = reader.ReadNullableString();
        return new RequestFrameHeader(api, version, correlationId, clientId);
    }

    /// <summary>Skips the header's tagged fields when <paramref name="header"/>'s API and version use request header v2.</summary>
    public static void SkipHeaderTaggedFields(ref KafkaReader reader, RequestFrameHeader header)
    {
        if (HeaderVersions.Request(header.ApiKey, header.ApiVersion) >= HeaderVersions.RequestV2)
        {
            reader.SkipTaggedFields();
        }
    }

    /// <summary>
    /// Reads a whole request frame (without its size prefix): the header, then the body as the API and version say.
    /// Null body for an API the codec does not know.
    /// </summary>
    public static (RequestFrameHeader Header, IApiMessage? Body) Decode(ReadOnlyMemory<byte> frame)
    {
        var reader = new KafkaReader(frame);
        var header = ReadHeader(ref reader);
        var body = ApiMessages.CreateRequest(header.ApiKey);
        if (body is null)
        {
            return (header, null);
        }
        SkipHeaderTaggedFields(ref reader, header);
        body.Read(ref reader, header.ApiVersion);
        return (header, body);
    }
}
