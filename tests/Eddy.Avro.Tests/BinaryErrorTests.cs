namespace Eddy.Avro.Tests;

/// <summary>Values that do not fit and bytes that are not valid: clear errors that say where, never a crash or an overread.</summary>
public class BinaryErrorTests
{
    private static readonly AvroSchema Schema = AvroSchema.Parse("""
        {"type":"record","name":"Order","fields":[
          {"name":"id","type":"long"},
          {"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"name","type":"string"},{"name":"zip","type":"int"}]}},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"qty","type":"int"}]}}},
          {"name":"tags","type":{"type":"map","values":"string"}},
          {"name":"note","type":["null","string"]}]}
        """);

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_with_its_path()
    {
        var value = new Dictionary<string, object?>
        {
            ["id"] = 1L,
            ["customer"] = new Dictionary<string, object?> { ["name"] = "x", ["zip"] = "12345" },
            ["lines"] = new List<object?>(),
            ["tags"] = new Dictionary<string, object?>(),
            ["note"] = null,
        };
        var e = Assert.Throws<AvroDataException>(() => AvroDatumWriter.For(Schema).Serialize(value));
        Assert.Equal("/customer/zip", e.Path);
        Assert.Equal("Expected int, got a String at /customer/zip", e.Message);

        value["customer"] = new Dictionary<string, object?> { ["name"] = "x", ["zip"] = 1 };
        value["lines"] = new List<object?> { new Dictionary<string, object?> { ["qty"] = 1 }, new Dictionary<string, object?>() };
        e = Assert.Throws<AvroDataException>(() => AvroDatumWriter.For(Schema).Serialize(value));
        Assert.Equal("No value for field qty, which has no default at /lines/1/qty", e.Message);

        value["lines"] = new List<object?>();
        value["tags"] = new Dictionary<string, object?> { ["a/b"] = 3 };
        e = Assert.Throws<AvroDataException>(() => AvroDatumWriter.For(Schema).Serialize(value));
        Assert.Equal("/tags/a~1b", e.Path);

        value["tags"] = new Dictionary<string, object?>();
        value["note"] = 5;
        e = Assert.Throws<AvroDataException>(() => AvroDatumWriter.For(Schema).Serialize(value));
        Assert.Equal("No branch of union [\"null\",\"string\"] accepts a Int32 at /note", e.Message);
    }

    [Fact]
    public void Truncated_input_is_an_error_not_an_overread()
    {
        var bytes = AvroDatumWriter.For(Schema).Serialize(new Dictionary<string, object?>
        {
            ["id"] = 1L,
            ["customer"] = new Dictionary<string, object?> { ["name"] = "someone", ["zip"] = 1 },
            ["lines"] = new List<object?> { new Dictionary<string, object?> { ["qty"] = 300 } },
            ["tags"] = new Dictionary<string, object?> { ["k"] = "v" },
            ["note"] = "a note",
        });
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(Schema).Read(bytes.AsSpan(0, length)));
            Assert.Contains("Unexpected end of data", e.Message, StringComparison.Ordinal);
        }

        Assert.NotNull(AvroDatumReader.For(Schema).Read(bytes));
    }

    [Theory]
    [InlineData("[\"null\",\"string\"]", "04", "Union index 2 out of range: the union has 2 branches")]
    [InlineData("[\"null\",\"string\"]", "01", "Union index -1 out of range: the union has 2 branches")]
    [InlineData("\"boolean\"", "02", "Invalid boolean byte 0x02 at offset 0")]
    [InlineData("\"string\"", "01", "Negative length -1 at offset 1")]
    [InlineData("\"bytes\"", "C8016161", "Unexpected end of data at offset 2: 100 more byte(s) needed, 2 left")]
    [InlineData("\"int\"", "8080808080", "Unexpected end of data at offset 5: 1 more byte(s) needed, 0 left")]
    [InlineData("\"int\"", "FEFFFFFF1F", "Int out of range: 4294967295 at offset 5")]
    [InlineData("\"long\"", "FFFFFFFFFFFFFFFFFFFF01", "Invalid varint: more than 10 bytes at offset 0")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "02", "Enum ordinal 1 out of range: the writer's enum has 1 symbols")]
    public void Malformed_bytes(string schema, string hex, string message)
    {
        var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(AvroSchema.Parse(schema)).Read(Convert.FromHexString(hex)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_huge_count_does_not_allocate_before_the_data_runs_out()
    {
        // 2^40 items claimed, none present.
        var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(AvroSchema.Parse("""{"type":"array","items":"long"}""")).Read(Convert.FromHexString("8080808080808001")));
        Assert.StartsWith("Unexpected end of data", e.Message, StringComparison.Ordinal);
        Assert.Equal("/0", e.Path);
    }
}

public class NestingLimitTests
{
    private static readonly AvroSchema List = AvroSchema.Parse("""{"type":"record","name":"List","fields":[{"name":"tail","type":["null","List"]}]}""");

    [Fact]
    public void Hostile_nesting_is_an_error_not_a_stack_overflow()
    {
        // Each level is one byte (union branch 1); 100 000 levels would overflow the stack.
        var bytes = new byte[100_000];
        Array.Fill(bytes, (byte)0x02);
        var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(List).Read(bytes));
        Assert.StartsWith("Records nested more than 1000 deep", e.Message, StringComparison.Ordinal);

        var wrapper = AvroSchema.Parse("""{"type":"record","name":"W","fields":[{"name":"skipped","type":{"type":"record","name":"List","fields":[{"name":"tail","type":["null","List"]}]}}]}""");
        var empty = AvroSchema.Parse("""{"type":"record","name":"W","fields":[]}""");
        e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(wrapper, empty).Read(bytes));
        Assert.StartsWith("Records nested more than 1000 deep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_that_contains_itself_is_an_error()
    {
        var record = new GenericRecord((RecordSchema)List);
        record[0] = record;
        var e = Assert.Throws<AvroDataException>(() => AvroDatumWriter.For(List).Serialize(record));
        Assert.StartsWith("Records nested more than 1000 deep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_below_the_limit_round_trips()
    {
        object? list = null;
        for (var i = 0; i < 900; i++)
        {
            list = new GenericRecord((RecordSchema)List, list);
        }

        Assert.Equal(list, AvroDatumReader.For(List).Read(AvroDatumWriter.For(List).Serialize(list)));
    }
}
