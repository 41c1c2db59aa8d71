namespace Eddy.Avro.Tests;

/// <summary>Avro's JSON encoding: what `eddy consume` shows and what `eddy produce` reads.</summary>
public class JsonEncodingTests
{
    private const string Schema = """
        {"type":"record","name":"Event","namespace":"shop","fields":[
          {"name":"id","type":"long"},
          {"name":"ok","type":"boolean"},
          {"name":"score","type":"double"},
          {"name":"ratio","type":"float"},
          {"name":"raw","type":"bytes"},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["CLICK","VIEW"]}},
          {"name":"hash","type":{"type":"fixed","name":"Hash","size":2}},
          {"name":"note","type":["null","string"]},
          {"name":"where","type":["null",{"type":"record","name":"Place","fields":[{"name":"city","type":"string"}]}]},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"counts","type":{"type":"map","values":"int"}},
          {"name":"extra","type":"string","default":"none"}]}
        """;

    private static readonly RecordSchema EventSchema = (RecordSchema)AvroSchema.Parse(Schema);

    [Fact]
    public void Values_render_as_Avro_json()
    {
        var place = (RecordSchema)((UnionSchema)EventSchema.GetField("where")!.Schema).Branches[1];
        var record = new GenericRecord(EventSchema, 42L, true, 1.5, 0.25f, new byte[] { 0x00, 0x41, 0xE9, 0xFF }, "VIEW",
            new GenericFixed((FixedSchema)EventSchema.GetField("hash")!.Schema, [0x61, 0x62]), "hi", new GenericRecord(place, "Paris"),
            new List<object?> { "a", "b" }, new Dictionary<string, object?> { ["x"] = 1 }, "more");
        Assert.Equal(
            """{"id":42,"ok":true,"score":1.5,"ratio":0.25,"raw":"\u0000Aéÿ","kind":"VIEW","hash":"ab","note":{"string":"hi"},"where":{"shop.Place":{"city":"Paris"}},"tags":["a","b"],"counts":{"x":1},"extra":"more"}""",
            AvroJson.ToJson(EventSchema, record));

        record["note"] = null;
        record["where"] = null;
        record["score"] = double.NaN;
        var json = AvroJson.ToJson(EventSchema, record);
        Assert.Contains("\"note\":null,\"where\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"score\":\"NaN\"", json, StringComparison.Ordinal);
        Assert.Equal(json, record.ToString());
    }

    [Fact]
    public void Json_parses_back_into_the_same_value()
    {
        var json = """{"id":7,"ok":false,"score":-2.5e3,"ratio":"Infinity","raw":"\u0001\u00ff","kind":"CLICK","hash":"zz","note":{"string":"n"},"where":{"shop.Place":{"city":"Oslo"}},"tags":[],"counts":{"a":-1}}""";
        var value = (GenericRecord)AvroJson.Parse(EventSchema, json)!;
        Assert.Equal(7L, value["id"]);
        Assert.Equal(-2500.0, value["score"]);
        Assert.Equal(float.PositiveInfinity, value["ratio"]);
        Assert.Equal(new byte[] { 1, 255 }, value["raw"]);
        Assert.Equal("CLICK", value["kind"]!.ToString());
        Assert.Equal("n", value["note"]);
        Assert.Equal("Oslo", ((GenericRecord)value["where"]!)["city"]);
        Assert.Equal("none", value["extra"]);

        var again = AvroJson.Parse(EventSchema, AvroJson.ToJson(EventSchema, value));
        Assert.Equal(value, again);

        // And the binary encoding of what was parsed reads back equal.
        Assert.Equal(value, AvroDatumReader.For(EventSchema).Read(AvroDatumWriter.For(EventSchema).Serialize(value)));
    }

    [Theory]
    [InlineData("""{"id":"7"}""", "Expected long, got \"7\" at /id")]
    [InlineData("""{"id":1.5}""", "Expected long, got 1.5 at /id")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":"bare","where":null,"tags":[],"counts":{}}""", "A union value is null or an object naming its branch, such as {\"string\": ...} (branches: null, string); got \"bare\" at /note")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":null,"where":{"shop.Place":{"town":"x"}},"tags":[],"counts":{}}""", "Record shop.Place has no field town at /where/shop.Place/town")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":null,"where":{"shop.Place":{}},"tags":[],"counts":{}}""", "Missing field city of record shop.Place, which has no default at /where/shop.Place")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"TAP","hash":"ab","note":null,"where":null,"tags":[],"counts":{}}""", "TAP is not a symbol of enum shop.Kind (CLICK, VIEW) at /kind")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"abc","note":null,"where":null,"tags":[],"counts":{}}""", "Fixed shop.Hash holds 2 bytes, got 3 at /hash")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"€","kind":"CLICK","hash":"ab","note":null,"where":null,"tags":[],"counts":{}}""", "Expected bytes as a string of characters U+0000 to U+00FF, found U+20AC at index 0 at /raw")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":null,"where":null,"tags":["a",2],"counts":{}}""", "Expected string, got 2 at /tags/1")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":null,"where":null,"tags":[],"counts":{"k":"v"}}""", "Expected int, got \"v\" at /counts/k")]
    [InlineData("""{"id":1,"ok":true,"score":1,"ratio":1,"raw":"","kind":"CLICK","hash":"ab","note":null,"where":null,"tags":[]}""", "Missing field counts of record shop.Event, which has no default")]
    [InlineData("""[1]""", "Expected record shop.Event, got [1]")]
    [InlineData("""{"id":1,""", "Malformed JSON at line 1, column 8")]
    public void Json_that_does_not_fit_is_reported_with_its_path(string json, string message)
    {
        var e = Assert.Throws<AvroDataException>(() => AvroJson.Parse(EventSchema, json));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Writing_json_reports_bad_values_with_their_path()
    {
        var record = new GenericRecord(EventSchema);
        record["id"] = "nope";
        var e = Assert.Throws<AvroDataException>(() => AvroJson.ToJson(EventSchema, record));
        Assert.Equal("Expected long, got a String at /id", e.Message);
    }

    [Fact]
    public void Indented_output()
    {
        var schema = AvroSchema.Parse("""{"type":"map","values":"int"}""");
        Assert.Equal("{\n  \"a\": 1\n}", AvroJson.ToJson(schema, new Dictionary<string, object?> { ["a"] = 1 }, indented: true).Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
