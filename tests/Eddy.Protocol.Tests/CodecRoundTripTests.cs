using Eddy.Protocol;

namespace Eddy.Protocol.Tests;

/// <summary>
/// Every request and response of every API, in every version its definition lists: write, read back,
/// write again, and the bytes must be identical (and the reader must consume exactly what was written).
/// </summary>
public class CodecRoundTripTests
{
    public static TheoryData<ApiKey, short, bool> AllVersions()
    {
        var data = new TheoryData<ApiKey, short, bool>();
        foreach (var key in Enum.GetValues<ApiKey>())
        {
            var (low, high) = ApiMessages.CodecVersions(key);
            for (var v = low; v <= high; v++)
            {
                data.Add(key, v, true);
                data.Add(key, v, false);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Message_round_trips_byte_for_byte(ApiKey key, short version, bool request)
    {
        var original = request ? ApiMessages.CreateRequest(key)! : ApiMessages.CreateResponse(key)!;
        MessageFiller.Fill(original, seed: (int)key * 100 + version);
        using var first = new KafkaWriter();
        original.Write(first, version);

        var decoded = request ? ApiMessages.CreateRequest(key)! : ApiMessages.CreateResponse(key)!;
        var reader = new KafkaReader(first.WrittenMemory.ToArray());
        decoded.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);

        using var second = new KafkaWriter();
        decoded.Write(second, version);
        Assert.Equal(Convert.ToHexString(first.WrittenSpan), Convert.ToHexString(second.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Truncated_message_throws_protocol_exception_never_anything_else(ApiKey key, short version, bool request)
    {
        var original = request ? ApiMessages.CreateRequest(key)! : ApiMessages.CreateResponse(key)!;
        MessageFiller.Fill(original, seed: 3);
        using var writer = new KafkaWriter();
        original.Write(writer, version);
        var bytes = writer.WrittenMemory.ToArray();
        // Every proper prefix must fail cleanly: a KafkaProtocolException (or an overflow on a varint), nothing else.
        for (var cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 40))
        {
            var decoded = request ? ApiMessages.CreateRequest(key)! : ApiMessages.CreateResponse(key)!;
            var ex = Xunit.Record.Exception(() =>
            {
                var reader = new KafkaReader(bytes.AsMemory(0, cut));
                decoded.Read(ref reader, version);
            });
            Assert.True(ex is KafkaProtocolException or OverflowException, $"cut at {cut}: {ex?.GetType().Name ?? "no exception"}");
        }
    }
}
