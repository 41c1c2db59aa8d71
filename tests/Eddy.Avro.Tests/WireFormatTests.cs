namespace Eddy.Avro.Tests;

public class WireFormatTests
{
    private static readonly AvroSchema Schema = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");

    [Fact]
    public void A_framed_message_is_magic_byte_schema_id_then_payload()
    {
        var bytes = ConfluentWireFormat.Serialize(0x01020304, Schema, new Dictionary<string, object?> { ["a"] = 27L, ["b"] = "foo" });
        Assert.Equal("00010203043606666F6F", Convert.ToHexString(bytes));

        var id = ConfluentWireFormat.ReadHeader(bytes, out var payload);
        Assert.Equal(0x01020304, id);
        Assert.Equal("3606666F6F", Convert.ToHexString(payload));

        var value = (GenericRecord)ConfluentWireFormat.Deserialize(bytes, schemaId => schemaId == 0x01020304 ? Schema : throw new KeyNotFoundException())!;
        Assert.Equal("foo", value["b"]);
    }

    [Fact]
    public void The_reader_schema_may_differ_from_the_writer_schema()
    {
        var reader = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"b","type":"bytes"},{"name":"c","type":"int","default":3}]}""");
        var bytes = ConfluentWireFormat.Serialize(9, Schema, new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "x" });
        var value = (GenericRecord)ConfluentWireFormat.Deserialize(bytes, _ => Schema, reader)!;
        Assert.Equal("x"u8.ToArray(), value["b"]);
        Assert.Equal(3, value["c"]);
    }

    [Fact]
    public void A_wrong_magic_byte_or_a_short_message_is_rejected_clearly()
    {
        var e = Assert.Throws<AvroDataException>(() => ConfluentWireFormat.ReadHeader([0x7B, 0, 0, 0, 1, 2], out _));
        Assert.Equal("Not in Confluent wire format: the first byte is 0x7B, not the magic byte 0x00", e.Message);

        e = Assert.Throws<AvroDataException>(() => ConfluentWireFormat.ReadHeader([0, 0, 1], out _));
        Assert.Equal("Not in Confluent wire format: 3 byte(s), but the header alone (magic byte and schema id) is 5", e.Message);

        Assert.False(ConfluentWireFormat.TryReadHeader([1, 0, 0, 0, 1], out _, out _));
        Assert.True(ConfluentWireFormat.TryReadHeader([0, 0, 0, 0, 1], out var id, out var payload));
        Assert.Equal(1, id);
        Assert.Equal(0, payload.Length);
    }

    [Fact]
    public void The_header_can_be_written_into_a_span()
    {
        Span<byte> header = stackalloc byte[5];
        ConfluentWireFormat.WriteHeader(header, -1);
        Assert.Equal("00FFFFFFFF", Convert.ToHexString(header));
    }
}
