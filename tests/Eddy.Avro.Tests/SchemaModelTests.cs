using System.Text.Json;

namespace Eddy.Avro.Tests;

public class SchemaModelTests
{
    [Fact]
    public void Every_valid_schema_parses()
    {
        foreach (var json in ValidSchemas.All)
        {
            Assert.NotNull(AvroSchema.Parse(json));
        }
    }

    [Fact]
    public void Records_expose_their_fields()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"User","namespace":"com.acme","doc":"A user","aliases":["Person","old.Member"],"fields":[
              {"name":"id","type":"long","doc":"key","order":"descending"},
              {"name":"name","type":["null","string"],"default":null,"aliases":["fullName"],"x-pii":true}]}
            """);
        Assert.Equal(AvroType.Record, schema.Type);
        Assert.Equal("User", schema.Name);
        Assert.Equal("com.acme", schema.Namespace);
        Assert.Equal("com.acme.User", schema.FullName);
        Assert.Equal("A user", schema.Doc);
        Assert.Equal(["com.acme.Person", "old.Member"], schema.Aliases);
        Assert.Equal(2, schema.Fields.Count);

        var id = schema.Fields[0];
        Assert.Equal(("id", 0, AvroType.Long, "key", FieldOrder.Descending, false), (id.Name, id.Position, id.Schema.Type, id.Doc, id.Order, id.HasDefault));

        var name = schema.GetField("name")!;
        Assert.Equal(1, name.Position);
        Assert.True(name.HasDefault);
        Assert.Equal(JsonValueKind.Null, name.Default!.Value.ValueKind);
        Assert.Equal(["fullName"], name.Aliases);
        Assert.Equal("x-pii", Assert.Single(name.Properties).Key);
        var union = Assert.IsType<UnionSchema>(name.Schema);
        Assert.Equal(1, union.IndexOf("string"));
        Assert.Null(schema.GetField("missing"));
    }

    [Fact]
    public void Enums_fixed_arrays_maps_and_unions()
    {
        var e = (EnumSchema)AvroSchema.Parse("""{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}""");
        Assert.Equal(["A", "B"], e.Symbols);
        Assert.Equal("B", e.Default);
        Assert.Equal(1, e.GetOrdinal("B"));
        Assert.Equal(-1, e.GetOrdinal("C"));

        var f = (FixedSchema)AvroSchema.Parse("""{"type":"fixed","name":"F","size":16}""");
        Assert.Equal(16, f.Size);

        var a = (ArraySchema)AvroSchema.Parse("""{"type":"array","items":"int"}""");
        Assert.Equal(AvroType.Int, a.Items.Type);

        var m = (MapSchema)AvroSchema.Parse("""{"type":"map","values":"bytes"}""");
        Assert.Equal(AvroType.Bytes, m.Values.Type);

        var u = (UnionSchema)AvroSchema.Parse("""["null",{"type":"record","name":"n.R","fields":[]},{"type":"map","values":"int"}]""");
        Assert.Equal(0, u.IndexOf("null"));
        Assert.Equal(1, u.IndexOf("n.R"));
        Assert.Equal(2, u.IndexOf("map"));
        Assert.Equal(-1, u.IndexOf("R"));
    }

    [Theory]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""", "decimal", 9, 2)]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":9}""", "decimal", 9, 0)]
    [InlineData("""{"type":"fixed","name":"F","size":8,"logicalType":"decimal","precision":18}""", "decimal", 18, 0)]
    [InlineData("""{"type":"int","logicalType":"date"}""", "date", 0, 0)]
    [InlineData("""{"type":"long","logicalType":"timestamp-micros"}""", "timestamp-micros", 0, 0)]
    [InlineData("""{"type":"string","logicalType":"uuid"}""", "uuid", 0, 0)]
    [InlineData("""{"type":"fixed","name":"D","size":12,"logicalType":"duration"}""", "duration", 0, 0)]
    public void Logical_types_are_kept_as_attributes(string json, string name, int precision, int scale)
    {
        var logicalType = AvroSchema.Parse(json).LogicalType!;
        Assert.Equal((name, precision, scale), (logicalType.Name, logicalType.Precision, logicalType.Scale));
    }

    [Fact]
    public void Each_occurrence_of_a_primitive_is_its_own_instance_and_named_types_are_shared()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}""");
        Assert.NotSame(schema.Fields[0].Schema, schema.Fields[1].Schema);
    }

    [Fact]
    public void A_string_default_of_a_double_field_becomes_a_number()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":"1.5"},{"name":"n","type":"float","default":"NaN"}]}""");
        Assert.Equal(1.5, schema.Fields[0].Default!.Value.GetDouble());
        Assert.Equal("NaN", schema.Fields[1].Default!.Value.GetString());
    }
}
