namespace Eddy.Avro.Tests;

/// <summary>
/// The canonical form is Avro Java's Schema.toString(), which Confluent's registry stores and compares: the expected
/// strings here follow Java's writer (attribute order, namespace elision, Jackson's number and string spelling).
/// </summary>
public class CanonicalFormTests
{
    private static string Canonical(string json) => AvroSchema.Parse(json).ToCanonicalString();

    [Theory]
    [InlineData("\"int\"", "\"int\"")]
    [InlineData("{\"type\":\"int\"}", "\"int\"")]
    [InlineData("  { \"type\" :  \"string\" }  ", "\"string\"")]
    [InlineData("\"null\"", "\"null\"")]
    [InlineData("{\"type\":\"bytes\",\"doc\":\"dropped\",\"name\":\"dropped\"}", "\"bytes\"")]
    [InlineData("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}")]
    [InlineData("{\"logicalType\":\"decimal\",\"scale\":2,\"type\":\"bytes\",\"precision\":4}", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"scale\":2,\"precision\":4}")]
    [InlineData("{\"type\":\"array\",\"items\":\"long\"}", "{\"type\":\"array\",\"items\":\"long\"}")]
    [InlineData("{\"values\":{\"type\":\"int\"},\"type\":\"map\",\"x\":[1,2.50]}", "{\"type\":\"map\",\"values\":\"int\",\"x\":[1,2.5]}")]
    [InlineData("[\"null\", \"string\"]", "[\"null\",\"string\"]")]
    [InlineData("[]", "[]")]
    public void Unnamed_types(string json, string expected) => Assert.Equal(expected, Canonical(json));

    [Fact]
    public void Whitespace_and_attribute_order_do_not_matter()
    {
        var a = Canonical("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""");
        var b = Canonical("""
            {
              "fields" : [ { "type" : "int", "name" : "a" } ],
              "name" : "R",
              "type" : "record"
            }
            """);
        Assert.Equal(a, b);
        Assert.Equal("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", a);
    }

    [Fact]
    public void Record_attributes_come_in_Java_order()
    {
        var json = """
            {"aliases":["Old"],"custom":{"b":1,"a":2},"fields":[
              {"p":true,"aliases":["g"],"order":"descending","doc":"the f","default":1,"type":"int","name":"f"}],
             "doc":"a record","namespace":"com.example","name":"R","type":"record"}
            """;
        Assert.Equal(
            """{"type":"record","name":"R","namespace":"com.example","doc":"a record","fields":[{"name":"f","type":"int","doc":"the f","default":1,"order":"descending","aliases":["g"],"p":true}],"custom":{"b":1,"a":2},"aliases":["Old"]}""",
            Canonical(json));
    }

    [Fact]
    public void Enum_and_fixed_attributes_come_in_Java_order()
    {
        Assert.Equal(
            """{"type":"enum","name":"Suit","namespace":"cards","doc":"d","symbols":["SPADES","HEARTS"],"default":"SPADES","x":1,"aliases":["Old","other.Older"]}""",
            Canonical("""{"x":1,"default":"SPADES","aliases":["Old","other.Older"],"symbols":["SPADES","HEARTS"],"doc":"d","name":"Suit","namespace":"cards","type":"enum"}"""));
        Assert.Equal(
            """{"type":"fixed","name":"Md5","doc":"hash","size":16,"precision":4,"logicalType":"decimal"}""",
            Canonical("""{"precision":4,"logicalType":"decimal","size":16,"doc":"hash","name":"Md5","type":"fixed"}"""));
    }

    [Fact]
    public void Nested_types_inherit_the_namespace_and_references_use_short_names()
    {
        var json = """
            {"type":"record","name":"Outer","namespace":"a.b","fields":[
              {"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
              {"name":"again","type":"Inner"},
              {"name":"full","type":"a.b.Inner"}]}
            """;
        var schema = (RecordSchema)AvroSchema.Parse(json);
        var inner = (RecordSchema)schema.Fields[0].Schema;
        Assert.Equal("a.b.Inner", inner.FullName);
        Assert.Same(inner, schema.Fields[1].Schema);
        Assert.Same(inner, schema.Fields[2].Schema);
        Assert.Equal(
            """{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},{"name":"again","type":"Inner"},{"name":"full","type":"Inner"}]}""",
            schema.ToCanonicalString());
    }

    [Fact]
    public void A_nested_type_in_another_namespace_writes_it_and_is_referenced_by_full_name()
    {
        var json = """
            {"type":"record","name":"Outer","namespace":"a","fields":[
              {"name":"inner","type":{"type":"enum","name":"E","namespace":"b","symbols":["X"]}},
              {"name":"again","type":"b.E"},
              {"name":"dotted","type":{"type":"fixed","name":"c.F","size":1}},
              {"name":"f2","type":"c.F"}]}
            """;
        Assert.Equal(
            """{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"inner","type":{"type":"enum","name":"E","namespace":"b","symbols":["X"]}},{"name":"again","type":"b.E"},{"name":"dotted","type":{"type":"fixed","name":"F","namespace":"c","size":1}},{"name":"f2","type":"c.F"}]}""",
            Canonical(json));
    }

    [Fact]
    public void A_dotted_name_overrides_the_namespace_attribute()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"x.y.R","namespace":"ignored","fields":[]}""");
        Assert.Equal("x.y", schema.Namespace);
        Assert.Equal("R", schema.Name);
        Assert.Equal("""{"type":"record","name":"R","namespace":"x.y","fields":[]}""", schema.ToCanonicalString());
    }

    [Fact]
    public void The_null_namespace_inside_a_namespace_is_written_as_empty()
    {
        var json = """
            {"type":"record","name":"Outer","namespace":"a","fields":[
              {"name":"n","type":{"type":"record","name":"Plain","namespace":"","fields":[]}},
              {"name":"again","type":"Plain"}]}
            """;
        var schema = (RecordSchema)AvroSchema.Parse(json);
        Assert.Null(((NamedSchema)schema.Fields[0].Schema).Namespace);
        Assert.Equal(
            """{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"n","type":{"type":"record","name":"Plain","namespace":"","fields":[]}},{"name":"again","type":"Plain"}]}""",
            schema.ToCanonicalString());
    }

    [Fact]
    public void Names_resolve_in_the_enclosing_namespace_before_the_null_namespace()
    {
        var json = """
            {"type":"record","name":"Top","fields":[
              {"name":"plain","type":{"type":"fixed","name":"F","size":1}},
              {"name":"nested","type":{"type":"record","name":"N","namespace":"ns","fields":[
                {"name":"inNs","type":{"type":"fixed","name":"F","size":2}},
                {"name":"refNs","type":"F"},
                {"name":"refNull","type":".F"}]}}]}
            """;
        var schema = (RecordSchema)AvroSchema.Parse(json);
        var nested = (RecordSchema)schema.Fields[1].Schema;
        Assert.Equal("ns.F", ((FixedSchema)nested.Fields[1].Schema).FullName);

        // A leading dot means the null namespace, as in Java.
        Assert.Same(schema.Fields[0].Schema, nested.Fields[2].Schema);
    }

    [Fact]
    public void A_name_only_in_the_null_namespace_is_found_from_inside_a_namespace()
    {
        var json = """
            {"type":"record","name":"Top","fields":[
              {"name":"plain","type":{"type":"fixed","name":"F","size":1}},
              {"name":"nested","type":{"type":"record","name":"N","namespace":"ns","fields":[{"name":"ref","type":"F"}]}}]}
            """;
        var schema = (RecordSchema)AvroSchema.Parse(json);
        Assert.Same(schema.Fields[0].Schema, ((RecordSchema)schema.Fields[1].Schema).Fields[0].Schema);

        // Java writes the short name, which reads back the same way.
        Assert.Equal(
            """{"type":"record","name":"Top","fields":[{"name":"plain","type":{"type":"fixed","name":"F","size":1}},{"name":"nested","type":{"type":"record","name":"N","namespace":"ns","fields":[{"name":"ref","type":"F"}]}}]}""",
            schema.ToCanonicalString());
    }

    [Fact]
    public void Recursive_records_refer_to_themselves_by_name()
    {
        var json = """{"type":"record","name":"LongList","aliases":["LinkedLongs"],"fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""";
        var schema = (RecordSchema)AvroSchema.Parse(json);
        Assert.Same(schema, ((UnionSchema)schema.Fields[1].Schema).Branches[1]);
        Assert.Equal(
            """{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}],"aliases":["LinkedLongs"]}""",
            schema.ToCanonicalString());
    }

    [Fact]
    public void Mutually_recursive_records()
    {
        var json = """
            {"type":"record","name":"Tree","namespace":"t","fields":[
              {"name":"children","type":{"type":"array","items":{"type":"record","name":"Node","fields":[
                {"name":"tree","type":["null","Tree"],"default":null}]}}}]}
            """;
        Assert.Equal(
            """{"type":"record","name":"Tree","namespace":"t","fields":[{"name":"children","type":{"type":"array","items":{"type":"record","name":"Node","fields":[{"name":"tree","type":["null","Tree"],"default":null}]}}}]}""",
            Canonical(json));
    }

    [Fact]
    public void A_type_named_like_a_type_keyword_is_referenced_by_full_name()
    {
        var json = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"fixed","name":"record","size":1}},{"name":"b","type":"n.record"}]}""";
        Assert.Equal(
            """{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"fixed","name":"record","size":1}},{"name":"b","type":"n.record"}]}""",
            Canonical(json));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("-0", "0")]
    [InlineData("1.50", "1.5")]
    [InlineData("1e2", "100.0")]
    [InlineData("1E-5", "1.0E-5")]
    [InlineData("0.001", "0.001")]
    [InlineData("12345678.9", "1.23456789E7")]
    [InlineData("1234567.0", "1234567.0")]
    [InlineData("0.1", "0.1")]
    [InlineData("-2.5e-3", "-0.0025")]
    [InlineData("\"NaN\"", "\"NaN\"")]
    [InlineData("\"-Infinity\"", "\"-Infinity\"")]
    [InlineData("\"2\"", "2.0")]
    public void Double_defaults_are_spelled_like_Java(string literal, string expected)
    {
        var json = $$"""{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":{{literal}}}]}""";
        Assert.Equal($$"""{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":{{expected}}}]}""", Canonical(json));
    }

    [Fact]
    public void Long_and_big_integer_literals_are_kept()
    {
        var json = """{"type":"record","name":"R","fields":[{"name":"l","type":"long","default":9007199254740993}],"big":123456789012345678901234567890}""";
        Assert.Equal(json, Canonical(json));
    }

    [Fact]
    public void Strings_are_escaped_like_Jackson()
    {
        var json = "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"tab\\t quote\\\" slash/ \\u0001 é \\u2028\",\"fields\":[]}";
        Assert.Equal("{\"type\":\"record\",\"name\":\"R\",\"doc\":\"tab\\t quote\\\" slash/ \\u0001 é \u2028\",\"fields\":[]}", Canonical(json));
    }

    [Fact]
    public void Comments_are_allowed_and_a_repeated_key_keeps_its_first_place_and_last_value()
    {
        var json = """
            // a comment
            {"type":"record","name":"R","x":1,"fields":[],"y":2,"x":3 /* another */}
            """;
        Assert.Equal("""{"type":"record","name":"R","fields":[],"x":3,"y":2}""", Canonical(json));
    }

    [Fact]
    public void Error_types_stay_errors()
    {
        Assert.Equal("""{"type":"error","name":"Oops","fields":[]}""", Canonical("""{"type":"error","name":"Oops","fields":[]}"""));
        Assert.True(((RecordSchema)AvroSchema.Parse("""{"type":"error","name":"Oops","fields":[]}""")).IsError);
    }

    [Fact]
    public void Referenced_types_are_written_by_name()
    {
        var reference = """{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}""";
        var schema = AvroSchema.Parse(
            """{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"com.acme.Address"}]}""",
            new AvroParseOptions { References = [reference] });
        Assert.Equal(
            """{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}""",
            schema.ToCanonicalString());
        var home = (RecordSchema)((RecordSchema)schema).Fields[0].Schema;
        Assert.Equal("string", home.Fields[0].Schema.ToCanonicalString().Trim('"'));

        // A sub-schema on its own is written in full.
        Assert.Equal(reference, home.ToCanonicalString());
    }

    [Fact]
    public void The_canonical_form_parses_back_to_itself()
    {
        foreach (var json in ValidSchemas.All)
        {
            var canonical = AvroSchema.Parse(json).ToCanonicalString();
            Assert.Equal(canonical, AvroSchema.Parse(canonical).ToCanonicalString());
        }
    }
}
