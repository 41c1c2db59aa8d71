using System.Buffers;
using Eddy.Registry.Protobuf;

namespace Eddy.Registry.Tests;

/// <summary>
/// Confluent's Protobuf framing byte for byte: magic 0, the id big-endian, then the message indexes as zig-zag
/// varints (Kafka's ByteUtils.writeVarint, as Confluent's MessageIndexes.toByteArray writes them), [0] as one 0.
/// </summary>
public class ProtobufWireFormatTests
{
    public static TheoryData<int[], byte[]> Indexes => new()
    {
        // The first message: the single-0 shortcut, not a count of 1 and an index of 0.
        { [0], [0x00] },
        // [1]: count 1 (zig-zag 2), index 1 (zig-zag 2).
        { [1], [0x02, 0x02] },
        // [1, 0]: the second message's first nested message.
        { [1, 0], [0x04, 0x02, 0x00] },
        // [0, 2]: count 2, 0, then 2 (zig-zag 4).
        { [0, 2], [0x04, 0x00, 0x04] },
        // Index 64 zig-zags to 128, two varint bytes.
        { [64], [0x02, 0x80, 0x01] },
    };

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Message_indexes_are_written_as_confluent_writes_them_and_read_back(int[] indexes, byte[] expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ProtobufWireFormat.WriteMessageIndexes(buffer, indexes);
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());

        var framed = ProtobufWireFormat.Frame(7, indexes, [0x08, 0x96, 0x01]);
        var (id, read, payload) = ProtobufWireFormat.Read(framed);
        Assert.Equal(7, id);
        Assert.Equal(indexes, read.ToArray());
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, payload.ToArray());
    }

    [Fact]
    public void A_framed_value_is_magic_id_indexes_then_payload()
    {
        // Schema id 258 = 0x00000102; Protobuf's own example payload (field 1 = 150) follows the single 0.
        Assert.Equal(
            new byte[] { 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x08, 0x96, 0x01 },
            ProtobufWireFormat.Frame(258, [0], [0x08, 0x96, 0x01]));
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x01, 0x00 }, "magic byte")]
    [InlineData(new byte[] { 0x00, 0x00, 0x00 }, "at least 5 bytes")]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x01 }, "cut short")]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x02 }, "cut short")]
    public void A_value_that_is_not_confluent_framed_is_refused(byte[] value, string why)
    {
        var e = Assert.Throws<FormatException>(() => ProtobufWireFormat.Read(value));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }
}
