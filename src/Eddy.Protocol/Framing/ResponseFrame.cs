namespace Eddy.Protocol.Framing;

/// <summary>
/// Response frames: size prefix, response header (v0, or v1 for flexible versions except ApiVersions; see
/// <see cref="HeaderVersions"/>), body. A response does not name its API: the reader must know which request it
/// answers. No I/O.
/// </summary>
public static class ResponseFrame
{
    /// <summary>
    /// Appends a whole frame for <paramref name="response"/>, answering a request of <paramref name="api"/> at
    /// <paramref name="version"/>. The size counts record bytes the writer deferred, which the caller sends after
    /// the writer's buffer.
    /// </summary>
    public static void Write(KafkaWriter writer, ApiKey api, short version, int correlationId, IApiMessage response)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        var sizeAt = FrameSize.Reserve(writer);
        WriteHeader(writer, api, version, correlationId);
        response.Write(writer, version);
        FrameSize.Complete(writer, sizeAt);
    }

    /// <summary>Writes the response header: the correlation id, then (header v1) an empty tagged-field section.</summary>
    public static void WriteHeader(KafkaWriter writer, ApiKey api, short version, int correlationId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt32(correlationId);
        if (HeaderVersions.Response(api, version) >= HeaderVersions.ResponseV1)
        {
            writer.WriteUnsignedVarInt(0);
        }
    }

    /// <summary>Reads the response header of an answer to <paramref name="api"/> at <paramref name="version"/>; returns its correlation id.</summary>
    public static int ReadHeader(ref KafkaReader reader, ApiKey api, short version)
    {
        var correlationId = reader.ReadInt32();
        if (HeaderVersions.Response(api, version) >= HeaderVersions.ResponseV1)
        {
            reader.SkipTaggedFields();
        }
        return correlationId;
    }

    /// <summary>Decodes a response frame (without its size prefix) answering <paramref name="api"/> at <paramref name="version"/>.</summary>
    public static TResponse Decode<TResponse>(ReadOnlyMemory<byte> frame, ApiKey api, short version, out int correlationId)
        where TResponse : IApiMessage, new()
    {
        var reader = new KafkaReader(frame);
        correlationId = ReadHeader(ref reader, api, version);
        var response = new TResponse();
        response.Read(ref reader, version);
        return response;
    }
}
