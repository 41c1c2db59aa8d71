namespace Eddy.Avro.Tests;

/// <summary>Every rejected schema says what is wrong and where: line and column for bad JSON, a JSON pointer otherwise.</summary>
public class SchemaErrorTests
{
    [Theory]
    [InlineData("{\"type\":\"record\",\n  \"name\":\"R\",,\n}", 2, 14)]
    [InlineData("", 1, 1)]
    [InlineData("\"int\" \"long\"", 1, 7)]
    [InlineData("{\"type\":\"int\"", 1, 14)]
    [InlineData("{\n\n   'type': \"int\"}", 3, 4)]
    public void Malformed_json_reports_line_and_column(string json, int line, int column)
    {
        var e = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Null(e.Path);
        Assert.StartsWith($"Malformed JSON at line {line}, column {column}: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"Foo"}]}""", "Undefined name: Foo at /fields/1/type", "/fields/1/type")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"x","type":"int"},{"name":"x","type":"long"}]}""", "Duplicate field name x in record R at /fields/1", "/fields/1")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"a"}]}""", "Invalid default for field f: expected int, got \"a\" at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":2147483648}]}""", "Invalid default for field f: expected int, got 2147483648 at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":"long","default":1.0}]}""", "Invalid default for field f: expected long, got 1.0 at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":["null","string"],"default":"x"}]}""", "Invalid default for field f: expected null (a union's default must match its first branch), got \"x\" at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"array","items":"int"},"default":[1,"2"]}]}""", "Invalid default for field f: expected array, got [1,\"2\"] at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{}}]}""", "Invalid default for field f: expected record S, got {} at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":"double","default":"abc"}]}""", "Invalid default for field f: expected double, got \"abc\" at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"f","type":"boolean","default":null}]}""", "Invalid default for field f: expected boolean, got null at /fields/0/default", "/fields/0/default")]
    [InlineData("""{"type":"record","name":"1R","fields":[]}""", "Illegal initial character: 1R at /name", "/name")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}""", "Illegal character in: a-b at /fields/0/name", "/fields/0/name")]
    [InlineData("""{"type":"record","name":"","fields":[]}""", "Empty name at /name", "/name")]
    [InlineData("""{"type":"record","fields":[]}""", "No name in schema: named types need a \"name\" string at the top level", "")]
    [InlineData("""{"type":"record","name":"R"}""", "Record R has no \"fields\" array at the top level", "")]
    [InlineData("""{"type":"record","name":"R","fields":[{"type":"int"}]}""", "No field name at /fields/0", "/fields/0")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a"}]}""", "No field type for field a at /fields/0", "/fields/0")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"sideways"}]}""", "Invalid order for field a: \"sideways\" (ascending, descending or ignore) at /fields/0/order", "/fields/0/order")]
    [InlineData("""{"name":"R"}""", "No type: a schema object needs a \"type\" string at the top level", "")]
    [InlineData("""{"type":{"type":"int"}}""", "No type: a schema object needs a \"type\" string at the top level", "")]
    [InlineData("""{"type":"array"}""", "Array has no items type at the top level", "")]
    [InlineData("""{"type":"map","values":"nope"}""", "Undefined name: nope at /values", "/values")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","A"]}""", "Duplicate enum symbol: A at /symbols/1", "/symbols/1")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","9"]}""", "Illegal initial character: 9 at /symbols/1", "/symbols/1")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A",1]}""", "Enum symbols are strings, not 1 at /symbols/1", "/symbols/1")]
    [InlineData("""{"type":"enum","name":"E"}""", "Enum E has no \"symbols\" array at the top level", "")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","B"],"default":"C"}""", "The Enum Default: C is not in the enum symbol set: [A, B] at /default", "/default")]
    [InlineData("""{"type":"fixed","name":"F"}""", "Invalid or no size for fixed F: a non-negative int is needed at the top level", "")]
    [InlineData("""{"type":"fixed","name":"F","size":"16"}""", "Invalid or no size for fixed F: a non-negative int is needed at /size", "/size")]
    [InlineData("""{"type":"fixed","name":"F","size":-1}""", "Invalid or no size for fixed F: a non-negative int is needed at /size", "/size")]
    [InlineData("""["int",["null","long"]]""", "Nested union: a union may not directly contain another union at /1", "/1")]
    [InlineData("""["int","string","int"]""", "Duplicate in union: int at /2", "/2")]
    [InlineData("""["null",{"type":"array","items":"int"},{"type":"array","items":"long"}]""", "Duplicate in union: array at /2", "/2")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"enum","name":"F","symbols":["X"]}}]}""", "Can't redefine: F at /fields/1/type", "/fields/1/type")]
    [InlineData("""{"type":"record","name":"int","fields":[]}""", "Schemas may not be named after primitives: int at /name", "/name")]
    [InlineData("""{"type":"record","name":"R","aliases":"Old","fields":[]}""", "aliases not an array: \"Old\" at /aliases", "/aliases")]
    [InlineData("""{"type":"record","name":"R","aliases":[1],"fields":[]}""", "alias not a string: 1 at /aliases/0", "/aliases/0")]
    [InlineData("""{"type":"record","name":"R","aliases":["bad-alias"],"fields":[]}""", "Illegal character in: bad-alias at /aliases/0", "/aliases/0")]
    [InlineData("""{"type":"Foo"}""", "Undefined name: Foo at /type", "/type")]
    [InlineData("42", "A schema is a type name, an object or an array (a union), not 42 at the top level", "")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"S","fields":[{"name":"b","type":["null","Nope"]}]}}]}""", "Undefined name: Nope at /fields/0/type/fields/0/type/1", "/fields/0/type/fields/0/type/1")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"R2"}]}""", "Undefined name: R2 at /fields/0/type", "/fields/0/type")]
    public void Invalid_schemas_say_what_and_where(string json, string message, string path)
    {
        var e = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        Assert.Equal(message, e.Message);
        Assert.Equal(path, e.Path);
        Assert.Null(e.Line);
    }

    [Fact]
    public void A_type_used_before_its_definition_is_undefined()
    {
        var e = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(
            """{"type":"record","name":"R","fields":[{"name":"a","type":"E"},{"name":"b","type":{"type":"enum","name":"E","symbols":["X"]}}]}"""));
        Assert.Equal("/fields/0/type", e.Path);
    }

    [Fact]
    public void Defaults_are_not_checked_when_asked_not_to()
    {
        var json = """{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"a"}]}""";
        var schema = (RecordSchema)AvroSchema.Parse(json, new AvroParseOptions { ValidateDefaults = false });
        Assert.Equal("a", schema.Fields[0].Default!.Value.GetString());
    }

    [Fact]
    public void Like_Java_an_enum_default_is_any_string_and_a_fixed_default_any_length()
    {
        // Avro 1.11 only checks that these defaults are strings; the registry must accept what Confluent accepts.
        AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"default":"Z"},{"name":"f","type":{"type":"fixed","name":"F","size":4},"default":"ab"}]}""");
    }

    [Fact]
    public void A_bad_reference_is_reported_as_such()
    {
        var e = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse("\"int\"", new AvroParseOptions { References = ["{\"type\":\"record\"}"] }));
        Assert.StartsWith("Invalid referenced schema #0: No name in schema", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_logical_types_are_ignored_like_Java_does()
    {
        foreach (var json in new[]
        {
            """{"type":"string","logicalType":"date"}""",
            """{"type":"bytes","logicalType":"decimal"}""",
            """{"type":"bytes","logicalType":"decimal","precision":0}""",
            """{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}""",
            """{"type":"bytes","logicalType":"decimal","precision":2,"scale":-1}""",
            """{"type":"bytes","logicalType":"decimal","precision":"2"}""",
            """{"type":"bytes","logicalType":"decimal","precision":2.0}""",
            """{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":5}""",
            """{"type":"int","logicalType":"timestamp-millis"}""",
            """{"type":"fixed","name":"F","size":11,"logicalType":"duration"}""",
            """{"type":"string","logicalType":"uuid","avro.java.string":"String"}""",
            """{"type":"long","logicalType":"timestamp-nanos"}""",
        })
        {
            var schema = AvroSchema.Parse(json);
            Assert.Null(schema.LogicalType);
            Assert.NotNull(schema.GetProperty("logicalType"));
            Assert.Equal(json, schema.ToCanonicalString());
        }
    }
}
