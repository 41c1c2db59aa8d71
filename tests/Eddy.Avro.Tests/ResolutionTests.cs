namespace Eddy.Avro.Tests;

/// <summary>
/// Reading data written with one schema through another: every evolution the compatibility check accepts must read
/// correctly, old data with the new schema and new data with the old one.
/// </summary>
public class ResolutionTests
{
    private static object? Resolve(string writerSchema, object? datum, string readerSchema)
    {
        var writer = AvroSchema.Parse(writerSchema);
        var reader = AvroSchema.Parse(readerSchema);
        var bytes = AvroDatumWriter.For(writer).Serialize(datum);
        return AvroDatumReader.For(writer, reader).Read(bytes);
    }

    private static GenericRecord Record(string schema, params object?[] values) => new((RecordSchema)AvroSchema.Parse(schema), values);

    [Theory]
    [InlineData("\"int\"", 5, "\"long\"", 5L)]
    [InlineData("\"int\"", -5, "\"float\"", -5f)]
    [InlineData("\"int\"", 7, "\"double\"", 7d)]
    [InlineData("\"long\"", 1L << 40, "\"float\"", (float)(1L << 40))]
    [InlineData("\"long\"", -3L, "\"double\"", -3d)]
    [InlineData("\"float\"", 1.5f, "\"double\"", 1.5d)]
    [InlineData("\"string\"", "abc", "\"string\"", "abc")]
    [InlineData("\"int\"", 3, "[\"null\",\"int\"]", 3)]
    [InlineData("\"int\"", 3, "[\"null\",\"string\",\"long\"]", 3L)]
    [InlineData("[\"null\",\"int\"]", 3, "\"int\"", 3)]
    [InlineData("[\"null\",\"int\"]", 3, "\"long\"", 3L)]
    [InlineData("[\"int\",\"string\"]", "s", "[\"string\",\"int\"]", "s")]
    [InlineData("[\"int\",\"string\"]", 9, "[\"null\",\"double\",\"string\"]", 9d)]
    public void Promotions_and_union_branches(string writer, object value, string reader, object expected) =>
        Assert.Equal(expected, Resolve(writer, value, reader));

    [Fact]
    public void Strings_and_bytes_read_as_each_other()
    {
        Assert.Equal("héllo"u8.ToArray(), Resolve("\"string\"", "héllo", "\"bytes\""));
        Assert.Equal("héllo", Resolve("\"bytes\"", "héllo"u8.ToArray(), "\"string\""));
    }

    private const string V1 = """{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""";
    private const string V2AddedWithDefault = """{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null},{"name":"tags","type":{"type":"array","items":"string"},"default":["new"]}]}""";
    private const string V3Renamed = """{"type":"record","name":"Person","namespace":"acme.v3","aliases":["acme.User"],"fields":[{"name":"fullName","type":"string","aliases":["name"]},{"name":"id","type":"double"}]}""";

    [Fact]
    public void Old_data_read_with_a_new_schema_gets_defaults_and_promotions()
    {
        Assert.Empty(AvroCompatibility.CheckReaderWriter(AvroSchema.Parse(V2AddedWithDefault), AvroSchema.Parse(V1)));
        var read = (GenericRecord)Resolve(V1, Record(V1, 7, "ann"), V2AddedWithDefault)!;
        Assert.Equal(7L, read["id"]);
        Assert.Equal("ann", read["name"]);
        Assert.Null(read["email"]);
        Assert.Equal(new List<object?> { "new" }, read["tags"]);
    }

    [Fact]
    public void New_data_read_with_the_old_schema_skips_what_it_does_not_know()
    {
        var v2 = Record(V2AddedWithDefault, 7L, "ann", "ann@example.com", new List<object?> { "a", "b" });
        var v1Reads = AvroSchema.Parse(V1);
        var v2Schema = AvroSchema.Parse(V2AddedWithDefault);

        // long → int is not a promotion, so v1 cannot read v2 (and compatibility says so).
        Assert.NotEmpty(AvroCompatibility.CheckReaderWriter(v1Reads, v2Schema));
        var e = Assert.Throws<AvroDataException>(() => AvroDatumReader.For(v2Schema, v1Reads).Read(AvroDatumWriter.For(v2Schema).Serialize(v2)));
        Assert.Equal("Found long, expecting int at /id", e.Message);

        // With the id left an int, the old reader skips email and tags.
        var v2IntId = V2AddedWithDefault.Replace("\"id\",\"type\":\"long\"", "\"id\",\"type\":\"int\"", StringComparison.Ordinal);
        Assert.Empty(AvroCompatibility.CheckReaderWriter(v1Reads, AvroSchema.Parse(v2IntId)));
        var read = (GenericRecord)Resolve(v2IntId, Record(v2IntId, 7, "ann", "ann@example.com", new List<object?> { "a", "b" }), V1)!;
        Assert.Equal(Record(V1, 7, "ann"), read);
    }

    [Fact]
    public void Renames_through_record_and_field_aliases()
    {
        Assert.Empty(AvroCompatibility.CheckReaderWriter(AvroSchema.Parse(V3Renamed), AvroSchema.Parse(V1)));
        var read = (GenericRecord)Resolve(V1, Record(V1, 7, "ann"), V3Renamed)!;
        Assert.Equal("acme.v3.Person", read.Schema.FullName);
        Assert.Equal("ann", read["fullName"]);
        Assert.Equal(7d, read["id"]);
    }

    [Fact]
    public void Reordered_fields_are_matched_by_name()
    {
        const string ab = """{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""";
        const string ba = """{"type":"record","name":"R","fields":[{"name":"b","type":"int"},{"name":"a","type":"string"}]}""";
        Assert.Equal(Record(ba, 2, "x"), Resolve(ab, Record(ab, "x", 2), ba));
    }

    private const string EnumABC = """{"type":"enum","name":"E","symbols":["A","B","C"]}""";
    private const string EnumABDefaultA = """{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}""";
    private const string EnumAB = """{"type":"enum","name":"E","symbols":["A","B"]}""";

    [Fact]
    public void Enum_symbols_map_by_name_and_unknown_ones_take_the_enum_default()
    {
        var writer = (EnumSchema)AvroSchema.Parse(EnumABC);
        Assert.Equal("B", Resolve(EnumABC, new GenericEnum(writer, "B"), EnumABDefaultA)!.ToString());
        Assert.Equal("A", Resolve(EnumABC, new GenericEnum(writer, "C"), EnumABDefaultA)!.ToString());
        Assert.Equal(1, ((GenericEnum)Resolve("""{"type":"enum","name":"E","symbols":["B","A"]}""", "B", EnumAB)!).Ordinal);

        // Without an enum default the unknown symbol fails when read, as in Java ("No match for C").
        var e = Assert.Throws<AvroDataException>(() => Resolve(EnumABC, "C", EnumAB));
        Assert.Equal("No match for C", e.Message);
        Assert.Equal("B", Resolve(EnumABC, "B", EnumAB)!.ToString());
    }

    [Fact]
    public void A_field_default_does_not_replace_an_unknown_enum_symbol()
    {
        var writer = $$"""{"type":"record","name":"Record1","fields":[{"name":"field1","type":{{EnumABC}}}]}""";
        var reader = $$"""{"type":"record","name":"Record1","fields":[{"name":"field1","type":{{EnumAB}},"default":"A"}]}""";
        var e = Assert.Throws<AvroDataException>(() => Resolve(writer, new Dictionary<string, object?> { ["field1"] = "C" }, reader));
        Assert.Equal("No match for C at /field1", e.Message);
    }

    [Fact]
    public void A_reader_field_without_writer_field_or_default_fails()
    {
        var writer = """{"type":"record","name":"Record1","fields":[{"name":"field2","type":"int"}]}""";
        var reader = $$"""{"type":"record","name":"Record1","fields":[{"name":"field1","type":{{EnumABDefaultA}}}]}""";
        var e = Assert.Throws<AvroDataException>(() => Resolve(writer, new Dictionary<string, object?> { ["field2"] = 1 }, reader));
        Assert.Equal("Found Record1, expecting Record1, missing required field field1", e.Message);
    }

    [Fact]
    public void Only_the_union_branch_actually_written_must_be_readable()
    {
        // Statically incompatible (the reader lacks the string branch), yet ints read fine; strings fail on reading.
        const string writer = """["int","string"]""";
        Assert.NotEmpty(AvroCompatibility.CheckReaderWriter(AvroSchema.Parse("\"long\""), AvroSchema.Parse(writer)));
        Assert.Equal(4L, Resolve(writer, 4, "\"long\""));
        var e = Assert.Throws<AvroDataException>(() => Resolve(writer, "x", "\"long\""));
        Assert.Equal("Found string, expecting long", e.Message);
    }

    [Fact]
    public void Fixed_renamed_through_an_alias()
    {
        var writer = (FixedSchema)AvroSchema.Parse("""{"type":"fixed","name":"Old","size":2}""");
        var read = (GenericFixed)Resolve(writer.ToCanonicalString(), new GenericFixed(writer, [1, 2]), """{"type":"fixed","name":"New","aliases":["Old"],"size":2}""")!;
        Assert.Equal("New", read.Schema.FullName);
        Assert.Equal(new byte[] { 1, 2 }, read.Value);
        Assert.Throws<AvroDataException>(() => Resolve(writer.ToCanonicalString(), new GenericFixed(writer, [1, 2]), """{"type":"fixed","name":"Old","size":3}"""));
    }

    [Fact]
    public void Nested_records_in_arrays_and_maps_and_recursive_lists()
    {
        const string v1 = """{"type":"record","name":"Order","fields":[{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},{"name":"byWarehouse","type":{"type":"map","values":"Line"}}]}""";
        const string v2 = """{"type":"record","name":"Order","fields":[{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"qty","type":"long"},{"name":"note","type":"string","default":"-"}]}}},{"name":"byWarehouse","type":{"type":"map","values":"Line"}}]}""";
        var order = new Dictionary<string, object?>
        {
            ["lines"] = new List<object?> { new Dictionary<string, object?> { ["sku"] = "a", ["qty"] = 1 }, new Dictionary<string, object?> { ["sku"] = "b", ["qty"] = 2 } },
            ["byWarehouse"] = new Dictionary<string, object?> { ["w1"] = new Dictionary<string, object?> { ["sku"] = "c", ["qty"] = 3 } },
        };
        var read = (GenericRecord)Resolve(v1, order, v2)!;
        var lines = (List<object?>)read["lines"]!;
        Assert.Equal(2L, ((GenericRecord)lines[1]!)["qty"]);
        Assert.Equal("-", ((GenericRecord)lines[1]!)["note"]);
        Assert.Equal(3L, ((GenericRecord)((Dictionary<string, object?>)read["byWarehouse"]!)["w1"]!)["qty"]);

        const string intList = """{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"],"default":null}]}""";
        const string longList = """{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":["null","List"],"default":null}]}""";
        var list = Record(intList, 1, Record(intList, 2, null));
        var readList = (GenericRecord)Resolve(intList, list, longList)!;
        Assert.Equal(2L, ((GenericRecord)readList["tail"]!)["head"]);
    }

    [Fact]
    public void Mutable_defaults_are_not_shared_between_records()
    {
        const string reader = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"xs","type":{"type":"array","items":"int"},"default":[1]}]}""";
        const string writer = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""";
        var plan = AvroDatumReader.For(AvroSchema.Parse(writer), AvroSchema.Parse(reader));
        var bytes = new byte[] { 2 };
        var first = (GenericRecord)plan.Read(bytes)!;
        ((List<object?>)first["xs"]!).Add(2);
        var second = (GenericRecord)plan.Read(bytes)!;
        Assert.Equal(new List<object?> { 1 }, second["xs"]);
    }

    [Fact]
    public void Every_compatible_pair_reads_generated_data()
    {
        foreach (var pair in CompatibilityTests.CompatiblePairs)
        {
            var reader = AvroSchema.Parse((string)pair[0]);
            var writer = AvroSchema.Parse((string)pair[1]);
            if (SampleData.For(writer) is not { } sample)
            {
                continue;
            }

            var bytes = AvroDatumWriter.For(writer).Serialize(sample);
            var plan = AvroDatumReader.For(writer, reader);
            var binaryReader = new AvroBinaryReader(bytes);
            plan.Read(ref binaryReader);
            Assert.Equal(0, binaryReader.Remaining);
        }
    }

    [Fact]
    public void Plans_are_cached_per_schema_pair()
    {
        var writer = AvroSchema.Parse(V1);
        var reader = AvroSchema.Parse(V2AddedWithDefault);
        Assert.Same(AvroDatumReader.For(writer, reader), AvroDatumReader.For(writer, reader));
        Assert.NotSame(AvroDatumReader.For(writer, reader), AvroDatumReader.For(writer, writer));
        Assert.Same(AvroDatumWriter.For(writer), AvroDatumWriter.For(writer));
    }
}

/// <summary>A small non-trivial value of any schema, for round-trip sweeps.</summary>
internal static class SampleData
{
    public static object? For(AvroSchema schema, int depth = 0) => schema switch
    {
        // A union with no branches has no values at all.
        UnionSchema { Branches.Count: 0 } => null,
        UnionSchema union => For(union.Branches[^1], depth + 1),
        RecordSchema record => new GenericRecord(record, [.. record.Fields.Select(f => depth > 3 && f.Schema is UnionSchema u && u.IndexOf("null") >= 0 ? null : For(f.Schema, depth + 1))]),
        EnumSchema e => new GenericEnum(e, e.Symbols[^1]),
        FixedSchema f => new GenericFixed(f, [.. Enumerable.Range(0, f.Size).Select(i => (byte)i)]),
        ArraySchema a => new List<object?> { For(a.Items, depth + 1), For(a.Items, depth + 1) },
        MapSchema m => new Dictionary<string, object?> { ["k"] = For(m.Values, depth + 1) },
        _ => schema.Type switch
        {
            AvroType.Null => null,
            AvroType.Boolean => true,
            AvroType.Int => 42,
            AvroType.Long => 42L,
            AvroType.Float => 4.5f,
            AvroType.Double => 4.5,
            AvroType.Bytes => new byte[] { 1, 2 },
            _ => "text",
        },
    };
}
