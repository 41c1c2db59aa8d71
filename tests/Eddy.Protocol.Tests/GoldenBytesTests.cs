using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Tests;

/// <summary>
/// Encodings written out by hand from the protocol guide, so the codec is checked against the spec and not
/// only against itself: classic vs compact strings and arrays, tagged-field sections, nullable values.
/// </summary>
public class GoldenBytesTests
{
    private static string Encode(IKafkaMessage message, short version)
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        return Convert.ToHexString(writer.WrittenSpan);
    }

    [Fact]
    public void ApiVersionsRequest_v3_uses_compact_strings_and_a_tag_section()
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = "eddy", ClientSoftwareVersion = "1.0" };
        // compact string: uvarint(len+1) then bytes; then an empty tagged-field section (0).
        Assert.Equal("05" + "65646479" + "04" + "312E30" + "00", Encode(request, 3));
        // v0-v2 have no fields at all.
        Assert.Equal("", Encode(request, 2));
    }

    [Fact]
    public void ApiVersionsResponse_v0_and_v3()
    {
        var response = new ApiVersionsResponse
        {
            ErrorCode = 0,
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 3 }],
            ThrottleTimeMs = 0,
        };
        // v0: int16 error, int32 array length, (int16,int16,int16).
        Assert.Equal("0000" + "00000001" + "0012" + "0000" + "0003", Encode(response, 0));
        // v3: int16 error, uvarint count+1, entry with its own empty tag section, int32 throttle, top-level tags.
        Assert.Equal("0000" + "02" + "0012" + "0000" + "0003" + "00" + "00000000" + "00", Encode(response, 3));
    }

    [Fact]
    public void MetadataRequest_null_topics_means_all_in_v1_and_compact_null_in_v9()
    {
        var request = new MetadataRequest { Topics = null, AllowAutoTopicCreation = true };
        Assert.Equal("FFFFFFFF", Encode(request, 1));
        // v4 adds allow_auto_topic_creation.
        Assert.Equal("FFFFFFFF" + "01", Encode(request, 4));
        // v9: compact null array (0), allow auto (1), include cluster ops (0, v8-10), include topic ops (0), tags (0).
        Assert.Equal("00" + "01" + "00" + "00" + "00", Encode(request, 9));
    }

    [Fact]
    public void RequestHeader_v2_keeps_a_classic_client_id_then_tags()
    {
        var header = new RequestHeader { RequestApiKey = 18, RequestApiVersion = 3, CorrelationId = 1, ClientId = "ab" };
        Assert.Equal("0012" + "0003" + "00000001" + "0002" + "6162" + "00", Encode(header, 2));
        header.ClientId = null;
        Assert.Equal("0012" + "0003" + "00000001" + "FFFF", Encode(header, 1));
    }

    [Fact]
    public void Tagged_fields_are_written_only_when_set_and_read_back()
    {
        var response = new ProduceResponse();
        response.Responses.Add(new ProduceResponse.TopicProduceResponse
        {
            Name = "t",
            PartitionResponses = [new ProduceResponse.PartitionProduceResponse { Index = 0, BaseOffset = 5, LogAppendTimeMs = -1, LogStartOffset = 0 }],
        });
        var withoutLeader = Encode(response, 10);
        response.Responses[0].PartitionResponses[0].CurrentLeader = new ProduceResponse.LeaderIdAndEpoch { LeaderId = 1, LeaderEpoch = 0 };
        var withLeader = Encode(response, 10);
        // tag 0, size 9 (int32 + int32 + empty tags) follows the partition's fields.
        Assert.Contains("01" + "00" + "09" + "00000001" + "00000000" + "00", withLeader, StringComparison.Ordinal);
        Assert.True(withLeader.Length > withoutLeader.Length);

        var reader = new KafkaReader(Convert.FromHexString(withLeader));
        var decoded = new ProduceResponse();
        decoded.Read(ref reader, 10);
        Assert.Equal(1, decoded.Responses[0].PartitionResponses[0].CurrentLeader!.LeaderId);
    }

    [Fact]
    public void Unknown_tagged_fields_are_skipped()
    {
        // ApiVersionsRequest v3 with an extra tag 7 of 2 bytes in the top-level section.
        var bytes = Convert.FromHexString("05" + "65646479" + "04" + "312E30" + "01" + "07" + "02" + "ABCD");
        var reader = new KafkaReader(bytes);
        var request = new ApiVersionsRequest();
        request.Read(ref reader, 3);
        Assert.Equal("eddy", request.ClientSoftwareName);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Hostile_array_length_is_rejected_before_allocating()
    {
        // MetadataRequest v1 claiming two billion topics in a 4-byte frame.
        var request = new MetadataRequest();
        var ex = Xunit.Record.Exception(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString("7FFFFFFF"));
            request.Read(ref reader, 1);
        });
        Assert.IsType<KafkaProtocolException>(ex);
    }
}
