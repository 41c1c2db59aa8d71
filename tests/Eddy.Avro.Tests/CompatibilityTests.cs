namespace Eddy.Avro.Tests;

/// <summary>
/// Reader/writer compatibility as Avro Java's SchemaCompatibility decides it (cases after its TestSchemaCompatibility*
/// suites and Confluent's AvroCompatibilityTest), with Confluent's messages.
/// </summary>
public class CompatibilityTests
{
    private const string EnumAB = """{"type":"enum","name":"Enum1","symbols":["A","B"]}""";
    private const string EnumABC = """{"type":"enum","name":"Enum1","symbols":["A","B","C"]}""";
    private const string EnumBC = """{"type":"enum","name":"Enum1","symbols":["B","C"]}""";
    private const string Enum2AB = """{"type":"enum","name":"Enum2","symbols":["A","B"]}""";
    private const string EnumABDefaultA = """{"type":"enum","name":"Enum1","symbols":["A","B"],"default":"A"}""";
    private const string Fixed4 = """{"type":"fixed","name":"Fixed","size":4}""";
    private const string Fixed8 = """{"type":"fixed","name":"Fixed","size":8}""";
    private const string Fixed4Other = """{"type":"fixed","name":"Other","size":4}""";
    private const string EmptyRecord1 = """{"type":"record","name":"Record1","fields":[]}""";
    private const string EmptyRecord2 = """{"type":"record","name":"Record2","fields":[]}""";
    private const string AIntRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"}]}""";
    private const string ALongRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"long"}]}""";
    private const string ADIntRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0}]}""";
    private const string AIntBIntRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}""";
    private const string AIntBDIntRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}""";
    private const string ADIntBDIntRecord1 = """{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":"int","default":0}]}""";
    private const string IntList = """{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"],"default":null}]}""";
    private const string LongList = """{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":["null","List"],"default":null}]}""";
    private const string IntArray = """{"type":"array","items":"int"}""";
    private const string LongArray = """{"type":"array","items":"long"}""";
    private const string IntMap = """{"type":"map","values":"int"}""";
    private const string LongMap = """{"type":"map","values":"long"}""";

    private static IReadOnlyList<AvroIncompatibility> Check(string reader, string writer) =>
        AvroCompatibility.CheckReaderWriter(AvroSchema.Parse(reader), AvroSchema.Parse(writer));

    public static TheoryData<string, string> CompatiblePairs => new()
    {
        { "\"null\"", "\"null\"" },
        { "\"boolean\"", "\"boolean\"" },
        { "\"int\"", "\"int\"" },
        { "\"long\"", "\"int\"" },
        { "\"long\"", "\"long\"" },
        { "\"float\"", "\"int\"" },
        { "\"float\"", "\"long\"" },
        { "\"float\"", "\"float\"" },
        { "\"double\"", "\"int\"" },
        { "\"double\"", "\"long\"" },
        { "\"double\"", "\"float\"" },
        { "\"double\"", "\"double\"" },
        { "\"string\"", "\"string\"" },
        { "\"bytes\"", "\"bytes\"" },
        { "\"string\"", "\"bytes\"" },
        { "\"bytes\"", "\"string\"" },
        { "{\"type\":\"int\",\"logicalType\":\"date\"}", "\"int\"" },
        { IntArray, IntArray },
        { LongArray, IntArray },
        { IntMap, IntMap },
        { LongMap, IntMap },
        { EnumAB, EnumAB },
        { EnumABC, EnumAB },
        { EnumABDefaultA, EnumABC },
        { """{"type":"enum","name":"ns.Enum1","symbols":["A","B"]}""", EnumAB },
        { Fixed4, Fixed4 },
        { """{"type":"fixed","name":"Other","aliases":["Fixed"],"size":4}""", Fixed4 },
        { "[]", "[]" },
        { "[\"int\"]", "[]" },
        { "[\"int\"]", "[\"int\"]" },
        { "[\"long\"]", "[\"int\"]" },
        { "[\"int\",\"string\"]", "[\"string\",\"int\"]" },
        { "[\"null\",\"int\"]", "\"int\"" },
        { "[\"null\",\"long\"]", "\"int\"" },
        { "\"long\"", "[\"int\"]" },
        { "\"double\"", "[\"int\",\"long\",\"float\"]" },
        { "[\"null\",\"string\",\"int\"]", "[\"null\",\"string\"]" },
        { EmptyRecord1, EmptyRecord1 },
        { EmptyRecord1, AIntRecord1 },
        { AIntRecord1, AIntRecord1 },
        { ADIntRecord1, AIntRecord1 },
        { ADIntRecord1, EmptyRecord1 },
        { ALongRecord1, AIntRecord1 },
        { AIntRecord1, AIntBIntRecord1 },
        { AIntBDIntRecord1, AIntRecord1 },
        { ADIntBDIntRecord1, EmptyRecord1 },
        { ADIntBDIntRecord1, AIntRecord1 },
        { IntList, IntList },
        { LongList, IntList },
        { """{"type":"record","name":"Record2","aliases":["Record1"],"fields":[{"name":"a","type":"int"}]}""", AIntRecord1 },
        { """{"type":"record","name":"Record1","fields":[{"name":"renamed","aliases":["a"],"type":"int"}]}""", AIntRecord1 },
        { """{"type":"record","name":"other.Record1","fields":[{"name":"a","type":"int"}]}""", AIntRecord1 },
    };

    [Theory]
    [MemberData(nameof(CompatiblePairs))]
    public void Compatible(string reader, string writer)
    {
        Assert.Empty(Check(reader, writer));
        Assert.True(AvroCompatibility.CanRead(AvroSchema.Parse(reader), AvroSchema.Parse(writer)));
    }

    public static TheoryData<string, string, string, string, string> IncompatiblePairs => new()
    {
        { "\"null\"", "\"int\"", "TYPE_MISMATCH", "reader type: NULL not compatible with writer type: INT", "/" },
        { "\"boolean\"", "\"int\"", "TYPE_MISMATCH", "reader type: BOOLEAN not compatible with writer type: INT", "/" },
        { "\"int\"", "\"long\"", "TYPE_MISMATCH", "reader type: INT not compatible with writer type: LONG", "/" },
        { "\"int\"", "\"float\"", "TYPE_MISMATCH", "reader type: INT not compatible with writer type: FLOAT", "/" },
        { "\"long\"", "\"float\"", "TYPE_MISMATCH", "reader type: LONG not compatible with writer type: FLOAT", "/" },
        { "\"float\"", "\"double\"", "TYPE_MISMATCH", "reader type: FLOAT not compatible with writer type: DOUBLE", "/" },
        { "\"string\"", "\"int\"", "TYPE_MISMATCH", "reader type: STRING not compatible with writer type: INT", "/" },
        { "\"int\"", Enum2AB, "TYPE_MISMATCH", "reader type: INT not compatible with writer type: ENUM", "/" },
        { Enum2AB, "\"int\"", "TYPE_MISMATCH", "reader type: ENUM not compatible with writer type: INT", "/" },
        { IntArray, LongArray, "TYPE_MISMATCH", "reader type: INT not compatible with writer type: LONG", "/items" },
        { IntMap, LongMap, "TYPE_MISMATCH", "reader type: INT not compatible with writer type: LONG", "/values" },
        { IntArray, IntMap, "TYPE_MISMATCH", "reader type: ARRAY not compatible with writer type: MAP", "/" },
        { EnumAB, EnumABC, "MISSING_ENUM_SYMBOLS", "[C]", "/symbols" },
        { EnumBC, EnumABC, "MISSING_ENUM_SYMBOLS", "[A]", "/symbols" },
        { EnumAB, Enum2AB, "NAME_MISMATCH", "expected: Enum2", "/name" },
        { Fixed4, Fixed8, "FIXED_SIZE_MISMATCH", "expected: 8, found: 4", "/size" },
        { Fixed4Other, Fixed4, "NAME_MISMATCH", "expected: Fixed", "/name" },
        { "[\"int\"]", "[\"int\",\"string\"]", "MISSING_UNION_BRANCH", "reader union lacking writer type: STRING", "/1" },
        { "[\"string\"]", "[\"int\",\"string\"]", "MISSING_UNION_BRANCH", "reader union lacking writer type: INT", "/0" },
        { "[\"null\",\"string\"]", "\"int\"", "MISSING_UNION_BRANCH", "reader union lacking writer type: INT", "/" },
        { "\"int\"", "[\"int\",\"null\"]", "TYPE_MISMATCH", "reader type: INT not compatible with writer type: NULL", "/1" },
        { EmptyRecord2, EmptyRecord1, "NAME_MISMATCH", "expected: Record1", "/name" },
        { AIntRecord1, EmptyRecord1, "READER_FIELD_MISSING_DEFAULT_VALUE", "a", "/fields/0" },
        { AIntBIntRecord1, AIntRecord1, "READER_FIELD_MISSING_DEFAULT_VALUE", "b", "/fields/1" },
        { AIntRecord1, ALongRecord1, "TYPE_MISMATCH", "reader type: INT not compatible with writer type: LONG", "/fields/0/type" },
        { IntList, LongList, "TYPE_MISMATCH", "reader type: INT not compatible with writer type: LONG", "/fields/0/type" },
        { """{"type":"record","name":"Record1","fields":[{"name":"renamed","type":"int"}]}""", AIntRecord1, "READER_FIELD_MISSING_DEFAULT_VALUE", "renamed", "/fields/0" },
    };

    [Theory]
    [MemberData(nameof(IncompatiblePairs))]
    public void Incompatible(string reader, string writer, string kind, string info, string location)
    {
        var incompatibility = Assert.Single(Check(reader, writer));
        Assert.Equal((kind, info, location), (incompatibility.Kind, incompatibility.AdditionalInfo, incompatibility.Location));
    }

    [Fact]
    public void Every_incompatibility_is_reported_with_its_location()
    {
        // Avro's TestSchemaCompatibilityMultiple, less its namespace-only NAME_MISMATCH: names compare unqualified.
        var reader = """
            {"type":"record","name":"base","fields":[
              {"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","C"]}},
              {"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type","symbols":["A","B","C","D"]}},
              {"name":"type_mismatch_field","type":"string"},
              {"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
                {"name":"identical_1_field","type":"long","default":42},
                {"name":"extra_no_default_field","type":"long"},
                {"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":4}},
                {"name":"union_missing_branches_field","type":["boolean"]},
                {"name":"reader_union_does_not_support_type_field","type":["boolean"]},
                {"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"not_nsA","fields":[
                  {"name":"A_field_0","type":"boolean","default":true},
                  {"name":"array_type_mismatch_field","type":{"type":"array","items":"string"}}]}}]}}]}
            """;
        var writer = """
            {"type":"record","name":"base","fields":[
              {"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","B","C","D"]}},
              {"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type_ERR","symbols":["A","B","C","D"]}},
              {"name":"type_mismatch_field","type":"long"},
              {"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
                {"name":"identical_1_field","type":"long","default":42},
                {"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":8}},
                {"name":"union_missing_branches_field","type":["boolean","double","string"]},
                {"name":"reader_union_does_not_support_type_field","type":"long"},
                {"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"nsA","fields":[
                  {"name":"A_field_0","type":"boolean","default":true},
                  {"name":"array_type_mismatch_field","type":{"type":"array","items":"boolean"}}]}}]}}]}
            """;

        var found = Check(reader, writer).Select(i => (i.Kind, i.AdditionalInfo, i.Location)).ToList();
        Assert.Equal(
            [
                ("MISSING_ENUM_SYMBOLS", "[B, D]", "/fields/0/type/symbols"),
                ("NAME_MISMATCH", "expected: check_enum_name_type_ERR", "/fields/1/type/name"),
                ("TYPE_MISMATCH", "reader type: STRING not compatible with writer type: LONG", "/fields/2/type"),
                ("READER_FIELD_MISSING_DEFAULT_VALUE", "extra_no_default_field", "/fields/3/type/fields/1"),
                ("FIXED_SIZE_MISMATCH", "expected: 8, found: 4", "/fields/3/type/fields/2/type/size"),
                ("MISSING_UNION_BRANCH", "reader union lacking writer type: DOUBLE", "/fields/3/type/fields/3/type/1"),
                ("MISSING_UNION_BRANCH", "reader union lacking writer type: STRING", "/fields/3/type/fields/3/type/2"),
                ("MISSING_UNION_BRANCH", "reader union lacking writer type: LONG", "/fields/3/type/fields/4/type"),
                ("TYPE_MISMATCH", "reader type: STRING not compatible with writer type: BOOLEAN", "/fields/3/type/fields/5/type/fields/1/type/items"),
            ],
            found);
    }

    [Fact]
    public void A_writer_union_reports_each_branch_the_reader_cannot_read()
    {
        var found = Check("[\"int\"]", "[\"int\",\"long\",\"float\",\"double\"]").Select(i => (i.AdditionalInfo, i.Location)).ToList();
        Assert.Equal(
            [("reader union lacking writer type: LONG", "/1"), ("reader union lacking writer type: FLOAT", "/2"), ("reader union lacking writer type: DOUBLE", "/3")],
            found);
    }

    [Fact]
    public void Union_locations_inside_records()
    {
        var reader = """{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["null","int"],"default":null}]}""";
        var writer = """{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["null","int","string"],"default":null}]}""";
        var incompatibility = Assert.Single(Check(reader, writer));
        Assert.Equal(("MISSING_UNION_BRANCH", "/fields/1/type/2"), (incompatibility.Kind, incompatibility.Location));
    }

    [Fact]
    public void An_enum_default_lets_the_reader_drop_symbols()
    {
        Assert.Empty(Check(EnumABDefaultA, EnumABC));
        Assert.Single(Check(EnumAB, EnumABC));
    }

    [Fact]
    public void A_missing_enum_field_with_an_enum_default_is_checked_against_the_writer_record_as_Java_does()
    {
        var reader = $$"""{"type":"record","name":"Record1","fields":[{"name":"field1","type":{{EnumABDefaultA}}}]}""";
        var writer = """{"type":"record","name":"Record1","fields":[{"name":"field2","type":"int"}]}""";
        var incompatibility = Assert.Single(Check(reader, writer));
        Assert.Equal(("TYPE_MISMATCH", "reader type: ENUM not compatible with writer type: RECORD", "/fields/0/type"), (incompatibility.Kind, incompatibility.AdditionalInfo, incompatibility.Location));
    }

    [Fact]
    public void Recursive_types_terminate()
    {
        var tree = """{"type":"record","name":"Tree","fields":[{"name":"value","type":"int"},{"name":"children","type":{"type":"array","items":"Tree"}}]}""";
        var longTree = """{"type":"record","name":"Tree","fields":[{"name":"value","type":"long"},{"name":"children","type":{"type":"array","items":"Tree"}}]}""";
        Assert.Empty(Check(tree, tree));
        Assert.Empty(Check(longTree, tree));
        var incompatibility = Assert.Single(Check(tree, longTree));
        Assert.Equal("/fields/0/type", incompatibility.Location);
    }

    [Fact]
    public void Fragments_are_the_canonical_forms_of_the_disagreeing_parts()
    {
        var incompatibility = Assert.Single(Check(AIntRecord1, ALongRecord1));
        Assert.Equal("\"int\"", incompatibility.ReaderFragment);
        Assert.Equal("\"long\"", incompatibility.WriterFragment);

        incompatibility = Assert.Single(Check(AIntBIntRecord1, AIntRecord1));
        Assert.Equal(AIntBIntRecord1, incompatibility.ReaderFragment);
        Assert.Equal(AIntRecord1, incompatibility.WriterFragment);
    }

    // Confluent's AvroCompatibilityTest schemas.
    private const string Schema1 = """{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}""";
    private const string Schema2 = """{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"}]}""";
    private const string Schema3 = """{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}""";
    private const string Schema4 = """{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1_new","aliases":["f1"]}]}""";
    private const string Schema6 = """{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","doc":"doc of f1"}]}""";
    private const string Schema7 = """{"type":"record","name":"myrecord","fields":[{"type":["null","string","int"],"name":"f1","doc":"doc of f1"}]}""";
    private const string Schema8 = """{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"},{"type":"string","name":"f3","default":"bar"}]}""";

    [Fact]
    public void Confluent_backward_scenarios()
    {
        Assert.Empty(Check(Schema2, Schema1));   // adding a field with a default
        Assert.Empty(Check(Schema1, Schema2));   // removing a field
        Assert.Empty(Check(Schema4, Schema1));   // renaming through an alias
        Assert.Empty(Check(Schema6, Schema1));   // a field becomes a union containing its type
        Assert.Empty(Check(Schema7, Schema6));   // a union gains a branch
        Assert.Empty(Check(Schema8, Schema1));   // two fields with defaults

        var missingDefault = Assert.Single(Check(Schema3, Schema1));
        Assert.Equal(
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
            missingDefault.ToConfluentString());
        Assert.Equal("The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema", missingDefault.Message);

        var lostBranch = Assert.Single(Check(Schema6, Schema7));
        Assert.Equal(
            "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/fields/0/type/2' in the old schema', additionalInfo:'reader union lacking writer type: INT'}",
            lostBranch.ToConfluentString());
    }

    [Fact]
    public void Confluent_forward_wording_swaps_the_roles()
    {
        // FORWARD: the old schema must read what the new one writes.
        var incompatibility = Assert.Single(Check(Schema3, Schema1));
        Assert.Equal(
            "The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema",
            incompatibility.Describe("old", "new"));
    }

    [Theory]
    [InlineData(Fixed4, Fixed8, "The size of FIXED type field at path '/size' in the new schema does not match with the old schema")]
    [InlineData("\"int\"", "\"string\"", "The type (path '/') of a field in the new schema does not match with the old schema")]
    [InlineData(EmptyRecord2, EmptyRecord1, "The name of the schema has changed (path '/name')")]
    [InlineData(EnumAB, EnumABC, "The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema")]
    public void Confluent_descriptions(string reader, string writer, string message) =>
        Assert.Equal(message, Assert.Single(Check(reader, writer)).Message);

    [Fact]
    public void Nested_records_arrays_and_maps()
    {
        var v1 = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},{"name":"tags","type":{"type":"map","values":"string"}}]}""";
        var v2 = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"long"},{"name":"note","type":["null","string"],"default":null}]}}},{"name":"tags","type":{"type":"map","values":"bytes"}}]}""";
        Assert.Empty(Check(v2, v1));
        var found = Check(v1, v2).Select(i => (i.Kind, i.Location)).ToList();
        Assert.Equal([("TYPE_MISMATCH", "/fields/0/type/items/fields/1/type")], found);
    }

    [Fact]
    public void A_shared_named_type_reports_the_location_where_it_was_first_checked()
    {
        // Java memoizes per schema pair, so the second field reuses the first field's result and location.
        var reader = """{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}},{"name":"b","type":"S"}]}""";
        var writer = """{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"S","fields":[{"name":"x","type":"long"}]}},{"name":"b","type":"S"}]}""";
        Assert.Equal(["/fields/0/type/fields/0/type", "/fields/0/type/fields/0/type"], Check(reader, writer).Select(i => i.Location));
    }
}
