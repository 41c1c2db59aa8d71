namespace Eddy.Avro.Tests;

/// <summary>
/// Reader fields the writer does not have take their defaults (Avro Java's TestSchema.checkDefault: read an empty
/// record as a record with one defaulted field).
/// </summary>
public class DefaultValueTests
{
    private static readonly AvroSchema Empty = AvroSchema.Parse("""{"type":"record","name":"Foo","fields":[]}""");

    private static object? DefaultOf(string type, string defaultJson)
    {
        var reader = AvroSchema.Parse($$"""{"type":"record","name":"Foo","fields":[{"name":"f","type":{{type}},"default":{{defaultJson}}}]}""");
        return ((GenericRecord)AvroDatumReader.For(Empty, reader).Read([])!)["f"];
    }

    public static TheoryData<string, string, object?> Cases => new()
    {
        { "\"null\"", "null", null },
        { "\"boolean\"", "true", true },
        { "\"int\"", "-3", -3 },
        { "\"long\"", "11", 11L },
        { "\"float\"", "1.1", 1.1f },
        { "\"double\"", "2", 2.0 },
        { "\"double\"", "\"NaN\"", double.NaN },
        { "\"string\"", "\"foo\"", "foo" },
        { "\"bytes\"", "\"\\u00ff\\u0000A\"", new byte[] { 0xFF, 0x00, 0x41 } },
        { "[\"null\",\"int\"]", "null", null },
        { "[\"int\",\"null\"]", "5", 5 },
        { "{\"type\":\"array\",\"items\":\"long\"}", "[1,2]", new List<object?> { 1L, 2L } },
        { "{\"type\":\"map\",\"values\":\"string\"}", "{\"a\":\"b\"}", new Dictionary<string, object?> { ["a"] = "b" } },
        { "{\"type\":\"int\",\"logicalType\":\"date\"}", "19000", 19000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Defaults_of_every_type(string type, string defaultJson, object? expected) =>
        Assert.True(AvroDatum.DeepEquals(expected, DefaultOf(type, defaultJson)), $"{type} {defaultJson}");

    [Fact]
    public void Named_type_defaults()
    {
        Assert.Equal("B", DefaultOf("""{"type":"enum","name":"E","symbols":["A","B"]}""", "\"B\"")!.ToString());
        Assert.Equal(new byte[] { 0x61, 0xFF }, ((GenericFixed)DefaultOf("""{"type":"fixed","name":"F","size":2}""", "\"a\\u00ff\"")!).Value);
        var record = (GenericRecord)DefaultOf("""{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"},{"name":"y","type":"string","default":"dflt"}]}""", """{"x":5}""")!;
        Assert.Equal(5, record["x"]);
        Assert.Equal("dflt", record["y"]);
    }

    [Fact]
    public void A_default_Java_accepts_but_cannot_use_fails_when_read()
    {
        // The enum default is any string to the parser; only reading shows it is not a symbol.
        var e = Assert.Throws<AvroDataException>(() => DefaultOf("""{"type":"enum","name":"E","symbols":["A"]}""", "\"Z\""));
        Assert.Contains("Z is not a symbol of enum E", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_field_without_default_fails_like_Java()
    {
        var reader = AvroSchema.Parse("""{"type":"record","name":"Foo","fields":[{"name":"f","type":"string"}]}""");
        var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(Empty, reader).Read([]));
        Assert.Equal("Found Foo, expecting Foo, missing required field f", e.Message);
    }

    [Fact]
    public void A_null_namespace_alias_matches_a_type_in_the_null_namespace()
    {
        // Avro's testNullNamespaceAlias: ".Z" names Z in the null namespace.
        var writer = AvroSchema.Parse("""{"type":"record","name":"Z","fields":[]}""");
        var reader = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"x.Y","aliases":[".Z"],"fields":[]}""");
        Assert.Equal(["Z"], reader.Aliases);
        Assert.Empty(AvroCompatibility.CheckReaderWriter(reader, writer));
        Assert.Equal("x.Y", ((GenericRecord)AvroDatumReader.For(writer, reader).Read([])!).Schema.FullName);
    }

    [Fact]
    public void Deeply_nested_null_namespaces_round_trip_through_the_canonical_form()
    {
        // Avro's testDeeplyNestedNullNamespace and testNestedNullNamespaceReferencingWithUnion.
        var json = """
            {"type":"record","name":"Outer","namespace":"space","fields":[
              {"name":"f1","type":[{"type":"record","name":"Inner","namespace":"","fields":[{"name":"x","type":{"type":"record","name":"Deeper","fields":[{"name":"y","type":"int"}]}}]},"null"]},
              {"name":"f2","type":["Inner","null"]}]}
            """;
        var schema = (RecordSchema)AvroSchema.Parse(json);
        var canonical = schema.ToCanonicalString();
        Assert.Equal(
            """{"type":"record","name":"Outer","namespace":"space","fields":[{"name":"f1","type":[{"type":"record","name":"Inner","namespace":"","fields":[{"name":"x","type":{"type":"record","name":"Deeper","fields":[{"name":"y","type":"int"}]}}]},"null"]},{"name":"f2","type":["Inner","null"]}]}""",
            canonical);
        var again = (RecordSchema)AvroSchema.Parse(canonical);
        var inner = (RecordSchema)((UnionSchema)again.Fields[0].Schema).Branches[0];
        Assert.Equal("Deeper", ((NamedSchema)inner.Fields[0].Schema).FullName);
        Assert.Same(inner, ((UnionSchema)again.Fields[1].Schema).Branches[0]);
    }
}
