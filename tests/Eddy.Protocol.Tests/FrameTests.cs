using System.Buffers.Binary;
using Eddy.Protocol.Framing;
using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Tests;

/// <summary>Request and response frames: size prefix, header, body; written and read back without any socket.</summary>
public class FrameTests
{
    private static MetadataRequest Metadata() => new()
    {
        Topics = [new MetadataRequest.MetadataRequestTopic { Name = "orders" }],
        AllowAutoTopicCreation = false,
    };

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void A_request_frame_round_trips_with_its_header(short version)
    {
        var bytes = RequestFrame.Encode(Metadata(), version, correlationId: 42, clientId: "tester");

        Assert.Equal(bytes.Length - FrameSize.PrefixBytes, FrameSize.Read(bytes));
        var (header, body) = RequestFrame.Decode(bytes.AsMemory(FrameSize.PrefixBytes));
        Assert.Equal(new RequestFrameHeader(ApiKey.Metadata, version, 42, "tester"), header);
        var metadata = Assert.IsType<MetadataRequest>(body);
        Assert.Equal("orders", Assert.Single(metadata.Topics!).Name);
        Assert.False(metadata.AllowAutoTopicCreation);
    }

    [Fact]
    public void A_flexible_request_header_carries_an_empty_tagged_field_section_after_the_client_id()
    {
        var v0 = RequestFrame.Encode(new ApiVersionsRequest(), 0, 1, "c");
        var v3 = RequestFrame.Encode(new ApiVersionsRequest { ClientSoftwareName = "n", ClientSoftwareVersion = "1" }, 3, 1, "c");

        // size, api key, version, correlation id, client id (int16 length + "c"): 4 + 2 + 2 + 4 + 3 bytes
        const int afterClientId = 15;
        Assert.Equal(afterClientId, v0.Length); // ApiVersions v0 has an empty body and header v1 no tags
        Assert.Equal(0, v3[afterClientId]); // header v2: zero tagged fields
    }

    [Fact]
    public void The_header_is_read_before_its_tagged_fields_so_an_unknown_version_can_be_refused_first()
    {
        var bytes = RequestFrame.Encode(Metadata(), 9, 7, null);
        var reader = new KafkaReader(bytes.AsMemory(FrameSize.PrefixBytes));

        var header = RequestFrame.ReadHeader(ref reader);
        var atTags = reader.Position;
        RequestFrame.SkipHeaderTaggedFields(ref reader, header);

        Assert.Equal(new RequestFrameHeader(ApiKey.Metadata, 9, 7, null), header);
        Assert.Equal(atTags + 1, reader.Position);
    }

    [Theory]
    [InlineData(ApiKey.Produce, 8)]
    [InlineData(ApiKey.Produce, 9)]
    public void A_response_frame_round_trips_with_its_correlation_id(ApiKey api, short version)
    {
        var response = new ProduceResponse
        {
            Responses = [new ProduceResponse.TopicProduceResponse
            {
                Name = "orders",
                PartitionResponses = [new ProduceResponse.PartitionProduceResponse { Index = 2, BaseOffset = 1234 }],
            }],
            ThrottleTimeMs = 5,
        };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, api, version, correlationId: 99, response);
        var bytes = writer.WrittenMemory.ToArray();

        Assert.Equal(bytes.Length - FrameSize.PrefixBytes, FrameSize.Read(bytes));
        var decoded = ResponseFrame.Decode<ProduceResponse>(bytes.AsMemory(FrameSize.PrefixBytes), api, version, out var correlationId);
        Assert.Equal(99, correlationId);
        Assert.Equal(5, decoded.ThrottleTimeMs);
        var partition = Assert.Single(Assert.Single(decoded.Responses).PartitionResponses);
        Assert.Equal((2, 1234L), (partition.Index, partition.BaseOffset));
    }

    [Fact]
    public void An_api_versions_response_has_no_tagged_fields_in_its_header_even_when_flexible()
    {
        var response = new ApiVersionsResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, ApiKey.ApiVersions, 3, correlationId: 1, response);

        // The error code follows the correlation id directly, as a client that has not negotiated yet reads it.
        Assert.Equal((short)ErrorCode.UnsupportedVersion, BinaryPrimitives.ReadInt16BigEndian(writer.WrittenSpan[8..]));
    }

    [Fact]
    public void A_size_prefix_needs_four_bytes()
    {
        Assert.False(FrameSize.TryRead([0, 0, 1], out _));
        Assert.True(FrameSize.TryRead([0, 0, 1, 2, 99], out var size));
        Assert.Equal(258, size);
        Assert.Throws<KafkaProtocolException>(() => FrameSize.Read([0, 0]));
    }

    [Fact]
    public void A_truncated_response_header_is_a_protocol_error()
    {
        Assert.Throws<KafkaProtocolException>(() => ResponseFrame.Decode<ProduceResponse>(new byte[] { 0, 0, 1 }, ApiKey.Produce, 9, out _));
        // Flexible: the correlation id is there, the tagged-field count is not.
        Assert.Throws<KafkaProtocolException>(() => ResponseFrame.Decode<ProduceResponse>(new byte[] { 0, 0, 0, 1 }, ApiKey.Produce, 9, out _));
    }
}
