using System.Buffers;

namespace Eddy.Avro.Tests;

/// <summary>
/// The binary encoding against bytes written out from the specification's examples (which are what Avro Java
/// produces), then round trips of every type.
/// </summary>
public class BinaryEncodingTests
{
    private static string Hex(string schema, object? datum) => Convert.ToHexString(AvroDatumWriter.For(AvroSchema.Parse(schema)).Serialize(datum));

    private static object? Decode(string schema, string hex) => AvroDatumReader.For(AvroSchema.Parse(schema)).Read(Convert.FromHexString(hex));

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-2, "03")]
    [InlineData(2, "04")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(8192, "808001")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void Ints_are_zigzag_varints(int value, string hex)
    {
        Assert.Equal(hex, Hex("\"int\"", value));
        Assert.Equal(value, Decode("\"int\"", hex));
        Assert.Equal((long)value, Decode("\"long\"", hex));
    }

    [Theory]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    [InlineData(1L << 40, "808080808040")]
    public void Longs_are_zigzag_varints(long value, string hex)
    {
        Assert.Equal(hex, Hex("\"long\"", value));
        Assert.Equal(value, Decode("\"long\"", hex));
    }

    [Fact]
    public void Primitives_follow_the_specification()
    {
        Assert.Equal("", Hex("\"null\"", null));
        Assert.Equal("01", Hex("\"boolean\"", true));
        Assert.Equal("00", Hex("\"boolean\"", false));
        Assert.Equal("0000803F", Hex("\"float\"", 1.0f));
        Assert.Equal("000000000000F03F", Hex("\"double\"", 1.0));
        Assert.Equal("06666F6F", Hex("\"string\"", "foo"));
        Assert.Equal("0400FF", Hex("\"bytes\"", new byte[] { 0x00, 0xFF }));
        Assert.Equal("0AC3A9E282AC", Hex("\"string\"", "é€"));
        Assert.Equal("00", Hex("\"string\"", ""));
    }

    [Fact]
    public void Complex_types_follow_the_specification()
    {
        // The specification's record example: {"a": 27, "b": "foo"}.
        var record = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        Assert.Equal("3606666F6F", Convert.ToHexString(AvroDatumWriter.For(record).Serialize(new GenericRecord(record, 27L, "foo"))));

        // Arrays are blocks of items ended by a zero count: [3, 27].
        Assert.Equal("04063600", Hex("""{"type":"array","items":"long"}""", new List<object?> { 3L, 27L }));
        Assert.Equal("00", Hex("""{"type":"array","items":"long"}""", new List<object?>()));

        // Maps are blocks of key/value pairs.
        Assert.Equal("0202610200", Hex("""{"type":"map","values":"int"}""", new Dictionary<string, object?> { ["a"] = 1 }));

        // A union is the branch index then the value.
        Assert.Equal("00", Hex("""["null","string"]""", null));
        Assert.Equal("020261", Hex("""["null","string"]""", "a"));

        // An enum is its ordinal; a fixed value its bytes alone.
        var suit = (EnumSchema)AvroSchema.Parse("""{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}""");
        Assert.Equal("04", Convert.ToHexString(AvroDatumWriter.For(suit).Serialize(new GenericEnum(suit, "DIAMONDS"))));
        Assert.Equal("04", Convert.ToHexString(AvroDatumWriter.For(suit).Serialize("DIAMONDS")));
        var md5 = (FixedSchema)AvroSchema.Parse("""{"type":"fixed","name":"F","size":2}""");
        Assert.Equal("ABCD", Convert.ToHexString(AvroDatumWriter.For(md5).Serialize(new GenericFixed(md5, [0xAB, 0xCD]))));
    }

    [Fact]
    public void Blocks_with_negative_counts_carry_their_size_and_are_read()
    {
        // [3, 27] as one block of -2 items, 2 bytes long, as Java writes with a blocking encoder.
        Assert.Equal(new List<object?> { 3L, 27L }, Decode("""{"type":"array","items":"long"}""", "0304063600"));

        // Two blocks, one of them sized.
        Assert.Equal(new List<object?> { 1, 2, 3 }, Decode("""{"type":"array","items":"int"}""", "02020304040600"));

        var map = (Dictionary<string, object?>)Decode("""{"type":"map","values":"string"}""", "0310026102620263026400")!;
        Assert.Equal("b", map["a"]);
        Assert.Equal("d", map["c"]);
    }

    [Fact]
    public void Skipped_fields_use_block_sizes()
    {
        var writer = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"xs","type":{"type":"array","items":"long"}},{"name":"b","type":"int"}]}""");
        var reader = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"b","type":"int"}]}""");

        // xs = one sized block [3, 27], then b = 5; and the same with an unsized block.
        var sized = (GenericRecord)AvroDatumReader.For(writer, reader).Read(Convert.FromHexString("03040636000A"))!;
        Assert.Equal(5, sized["b"]);
        var unsized = (GenericRecord)AvroDatumReader.For(writer, reader).Read(Convert.FromHexString("040636000A"))!;
        Assert.Equal(5, unsized["b"]);
    }

    private const string Everything = """
        {"type":"record","name":"Everything","namespace":"test","fields":[
          {"name":"n","type":"null"},
          {"name":"b","type":"boolean"},
          {"name":"i","type":"int"},
          {"name":"l","type":"long"},
          {"name":"f","type":"float"},
          {"name":"d","type":"double"},
          {"name":"by","type":"bytes"},
          {"name":"s","type":"string"},
          {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
          {"name":"fx","type":{"type":"fixed","name":"Hash","size":4}},
          {"name":"a","type":{"type":"array","items":"string"}},
          {"name":"m","type":{"type":"map","values":{"type":"array","items":"int"}}},
          {"name":"u","type":["null","int","string","Color",{"type":"record","name":"Point","fields":[{"name":"x","type":"double"},{"name":"y","type":"double"}]}]},
          {"name":"nested","type":"Point"},
          {"name":"date","type":{"type":"int","logicalType":"date"}},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
          {"name":"uuid","type":{"type":"string","logicalType":"uuid"}}]}
        """;

    [Fact]
    public void Every_type_round_trips()
    {
        var schema = (RecordSchema)AvroSchema.Parse(Everything);
        var color = (EnumSchema)schema.GetField("e")!.Schema;
        var hash = (FixedSchema)schema.GetField("fx")!.Schema;
        var point = (RecordSchema)schema.GetField("nested")!.Schema;
        foreach (var unionValue in new object?[] { null, 42, "text", new GenericEnum(color, "BLUE"), new GenericRecord(point, 1.5, -2.5) })
        {
            var record = new GenericRecord(schema, null, true, int.MinValue, long.MaxValue, 3.25f, Math.PI, new byte[] { 0, 1, 255 }, "héllo wörld",
                new GenericEnum(color, "GREEN"), new GenericFixed(hash, [1, 2, 3, 4]),
                new List<object?> { "x", "", "z" },
                new Dictionary<string, object?> { ["one"] = new List<object?> { 1 }, ["none"] = new List<object?>() },
                unionValue, new GenericRecord(point, 0.0, double.NaN), 19000, 1_700_000_000_000_000L, new byte[] { 0x30, 0x39 }, "a5d1c8e0-0f3e-4d7b-9c55-3b1d2a7e6f10");

            var bytes = AvroDatumWriter.For(schema).Serialize(record);
            var decoded = AvroDatumReader.For(schema).Read(bytes);
            Assert.True(AvroDatum.DeepEquals(record, decoded), $"{record} != {decoded}");
            Assert.Equal(record, decoded);
        }
    }

    [Fact]
    public void Recursive_records_round_trip()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"]}]}""");
        var list = new GenericRecord(schema, 1, new GenericRecord(schema, 2, new GenericRecord(schema, 3, null)));
        var bytes = AvroDatumWriter.For(schema).Serialize(list);
        Assert.Equal("020204020600", Convert.ToHexString(bytes));
        Assert.Equal(list, AvroDatumReader.For(schema).Read(bytes));
    }

    [Fact]
    public void Values_may_be_given_as_dictionaries_and_other_clr_types()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":{"type":"array","items":"double"}},{"name":"c","type":"string","default":"dflt"},{"name":"d","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]}""");
        var bytes = AvroDatumWriter.For(schema).Serialize(new Dictionary<string, object?> { ["a"] = 7, ["b"] = new[] { 1.0, 2.0 }, ["d"] = "Y" });
        var record = (GenericRecord)AvroDatumReader.For(schema).Read(bytes)!;
        Assert.Equal(7L, record["a"]);
        Assert.Equal(new List<object?> { 1.0, 2.0 }, record["b"]);
        Assert.Equal("dflt", record["c"]);
        Assert.Equal("Y", record["d"]!.ToString());
    }

    [Fact]
    public void A_multi_segment_sequence_is_read()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"l","type":"long"}]}""");
        var bytes = AvroDatumWriter.For(schema).Serialize(new Dictionary<string, object?> { ["s"] = "split across segments", ["l"] = 123456789L });
        var first = new Segment(bytes.AsMemory(0, 5));
        var last = first.Append(bytes.AsMemory(5));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.False(sequence.IsSingleSegment);
        var record = (GenericRecord)AvroDatumReader.For(schema).Read(sequence)!;
        Assert.Equal("split across segments", record["s"]);
        Assert.Equal(123456789L, record["l"]);
    }

    [Fact]
    public void The_writer_and_reader_work_directly_on_spans_and_buffer_writers()
    {
        var buffer = new ArrayBufferWriter<byte>(1);
        var writer = new AvroBinaryWriter(buffer);
        writer.WriteString(new string('x', 1000));
        writer.WriteLong(-3);
        writer.WriteBlockCount(1);
        writer.WriteDouble(2.5);
        writer.WriteEndOfBlocks();
        writer.Flush();

        var reader = new AvroBinaryReader(buffer.WrittenSpan);
        Assert.Equal(1000, reader.ReadString().Length);
        Assert.Equal(-3, reader.ReadLong());
        Assert.Equal(1, reader.ReadBlockCount());
        Assert.Equal(2.5, reader.ReadDouble());
        Assert.Equal(0, reader.ReadBlockCount());
        Assert.Equal(0, reader.Remaining);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
