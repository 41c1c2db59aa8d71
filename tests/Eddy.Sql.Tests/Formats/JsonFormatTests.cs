using System.Text;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Json;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class JsonFormatTests
{
    private static RowFormat Json(params (string Key, string Value)[] options) =>
        FormatRegistry.Default.Find("json").Create(options.ToDictionary(o => o.Key, o => o.Value));

    private static SqlType RowOf(params (string Name, SqlType Type)[] fields) =>
        SqlType.Row(fields.Select(f => new SqlField(f.Name, f.Type)));

    private static Row Decode(RowFormat format, SqlType type, string json) =>
        Assert.Single(RandomRows.Deserialize(format.CreateDeserializer(type), Encoding.UTF8.GetBytes(json))).Row;

    private static string Encode(RowFormat format, SqlType type, Row row) =>
        Encoding.UTF8.GetString(RandomRows.Serialize(format.CreateSerializer(type), row)!);

    [Theory]
    [InlineData("SQL")]
    [InlineData("ISO-8601")]
    public void Random_rows_of_random_types_read_back_as_written(string standard)
    {
        var format = Json(("json.timestamp-format.standard", standard));
        RandomRows.TypedRow(new TypeRules()).Sample(
            (type, row) => Assert.True(row.Equals(RandomRows.RoundTrip(format, type, row)), RandomRows.Describe(type, row)),
            iter: 400);
    }

    [Fact]
    public void Random_rows_read_back_with_null_fields_left_out()
    {
        var format = Json(("json.encode.ignore-null-fields", "true"));
        RandomRows.TypedRow(new TypeRules()).Sample(
            (type, row) => Assert.True(row.Equals(RandomRows.RoundTrip(format, type, row)), RandomRows.Describe(type, row)),
            iter: 200);
    }

    private static readonly SqlType EveryType = RowOf(
        ("b", SqlType.Boolean), ("t", SqlType.TinyInt), ("s", SqlType.SmallInt), ("i", SqlType.Int), ("l", SqlType.BigInt),
        ("f", SqlType.Float), ("d", SqlType.Double), ("dec", SqlType.Decimal(10, 3)), ("str", SqlType.String), ("bin", SqlType.Bytes),
        ("date", SqlType.Date), ("time", SqlType.Time(3)), ("ts", SqlType.Timestamp(3)), ("ltz", SqlType.TimestampLtz(3)),
        ("ym", SqlType.IntervalYearMonth()), ("dt", SqlType.IntervalDayTime()), ("arr", SqlType.Array(SqlType.Int)),
        ("map", SqlType.Map(SqlType.String, SqlType.BigInt)), ("ms", SqlType.Multiset(SqlType.String)),
        ("row", RowOf(("x", SqlType.Int), ("y", SqlType.String))));

    private const string EveryTypeJson = """
        {"b":true,"t":-8,"s":300,"i":-70000,"l":9007199254740993,"f":1.5,"d":-2.25,"dec":123.456,"str":"héllo",
         "bin":"AQID","date":"2020-12-30","time":"12:13:14.123","ts":"2020-12-30 12:13:14.123","ltz":"2020-12-30 12:13:14.123Z",
         "ym":14,"dt":90061001,"arr":[1,null,3],"map":{"a":1,"b":null},"ms":{"x":2},"row":{"x":7,"y":"z"}}
        """;

    private static Row EveryTypeRow() => Row.Of(EveryType.Fields.Select(f => f.Type).ToArray(),
        true, (sbyte)-8, (short)300, -70000, 9007199254740993L, 1.5f, -2.25, 123.456m, "héllo", new byte[] { 1, 2, 3 },
        new DateOnly(2020, 12, 30), new TimeOnly(12, 13, 14, 123), new DateTime(2020, 12, 30, 12, 13, 14, 123),
        new DateTimeOffset(2020, 12, 30, 12, 13, 14, 123, TimeSpan.Zero), 14, new TimeSpan(1, 1, 1, 1, 1),
        new object?[] { 1, null, 3 }, new Dictionary<object, object?> { ["a"] = 1L, ["b"] = null }, new Dictionary<object, object?> { ["x"] = 2 },
        Row.Of([SqlType.Int, SqlType.String], 7, "z"));

    [Fact]
    public void A_message_with_every_type_in_Flinks_documented_forms_decodes_to_the_values_written_by_hand()
    {
        Assert.Equal(EveryTypeRow(), Decode(Json(), EveryType, EveryTypeJson));
    }

    [Fact]
    public void A_row_with_every_type_encodes_in_Flinks_forms()
    {
        var expected = string.Concat(EveryTypeJson.Where(c => c is not ('\n' or '\r'))).Replace(",  ", ",", StringComparison.Ordinal)
            .Replace("\"dec\":123.456", "\"dec\":123.456", StringComparison.Ordinal);
        Assert.Equal(expected.Replace(" \"", "\"", StringComparison.Ordinal), Encode(Json(), EveryType, EveryTypeRow()));
    }

    [Fact]
    public void Timestamps_follow_the_timestamp_standard_with_the_fraction_Flink_prints()
    {
        var type = RowOf(("ts", SqlType.Timestamp(3)), ("ltz", SqlType.TimestampLtz(3)), ("whole", SqlType.Timestamp(3)));
        var row = Row.Of(type.Fields.Select(f => f.Type).ToArray(), new DateTime(2020, 12, 30, 12, 13, 14, 123),
            new DateTimeOffset(2020, 12, 30, 12, 13, 14, 120, TimeSpan.Zero), new DateTime(2020, 12, 30, 12, 13, 14));
        Assert.Equal("""{"ts":"2020-12-30 12:13:14.123","ltz":"2020-12-30 12:13:14.12Z","whole":"2020-12-30 12:13:14"}""", Encode(Json(), type, row));
        Assert.Equal("""{"ts":"2020-12-30T12:13:14.123","ltz":"2020-12-30T12:13:14.12Z","whole":"2020-12-30T12:13:14"}""",
            Encode(Json(("json.timestamp-format.standard", "ISO-8601")), type, row));
    }

    [Fact]
    public void Decimals_are_written_as_Javas_BigDecimal_toString_unless_plain_numbers_are_asked_for()
    {
        var type = RowOf(("small", SqlType.Decimal(12, 9)), ("scaled", SqlType.Decimal(10, 2)));
        var row = Row.Of([SqlType.Decimal(12, 9), SqlType.Decimal(10, 2)], 0.000000027m, 1.5m);
        Assert.Equal("""{"small":2.7E-8,"scaled":1.50}""", Encode(Json(), type, row));
        Assert.Equal("""{"small":0.000000027,"scaled":1.50}""", Encode(Json(("json.encode.decimal-as-plain-number", "true")), type, row));
        Assert.Equal(row, Decode(Json(), type, """{"small":2.7E-8,"scaled":1.5}"""));
    }

    [Fact]
    public void A_decimal_beyond_its_precision_is_null_and_one_with_more_digits_is_rounded_half_up_as_in_Flink()
    {
        var type = RowOf(("d", SqlType.Decimal(4, 2)));
        Assert.True(Decode(Json(), type, """{"d":123.45}""").IsNull(0));
        Assert.Equal(12.35m, Decode(Json(), type, """{"d":12.345}""").GetDecimal(0));
    }

    [Fact]
    public void Numbers_in_strings_and_any_value_for_a_string_column_are_read_leniently_as_Flink_does()
    {
        var type = RowOf(("i", SqlType.Int), ("s", SqlType.String), ("o", SqlType.String), ("n", SqlType.String));
        var row = Decode(Json(), type, """{"i":" 42 ","s":"x","o":{"a":[1, 2]},"n":12.5}""");
        Assert.Equal(42, row.GetInt(0));
        Assert.Equal("""{"a":[1, 2]}""", row.GetString(2));
        Assert.Equal("12.5", row.GetString(3));
    }

    [Fact]
    public void Fields_are_matched_by_name_in_any_order_unknown_ones_skipped_and_missing_ones_null()
    {
        var type = RowOf(("a", SqlType.Int), ("b", SqlType.String), ("c", SqlType.Boolean));
        var row = Decode(Json(), type, """{"zz":{"deep":[1,{"x":2}]},"b":"y","a":1}""");
        Assert.Equal(Row.Of([SqlType.Int, SqlType.String, SqlType.Boolean], 1, "y", null), row);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_naming_its_path_and_what_was_expected()
    {
        var type = RowOf(("a", RowOf(("b", SqlType.Array(SqlType.Int)))));
        var error = Assert.Throws<FormatParseException>(() => Decode(Json(), type, """{"a":{"b":[1,"x"]}}"""));
        Assert.Equal("a.b[1]", error.Path);
        Assert.Contains("at field 'a.b[1]'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a number of type INT", error.Message, StringComparison.Ordinal);
        Assert.Contains("found string \"x\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_value_in_error_is_named_by_its_key()
    {
        var type = RowOf(("m", SqlType.Map(SqlType.String, SqlType.Date)));
        var error = Assert.Throws<FormatParseException>(() => Decode(Json(), type, """{"m":{"k":"2020-13-01"}}"""));
        Assert.Equal("m['k']", error.Path);
        Assert.Contains("expected a date 'yyyy-MM-dd'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_an_error_quoting_the_message()
    {
        var error = Assert.Throws<FormatParseException>(() => Decode(Json(), RowOf(("a", SqlType.Int)), """{"a":1"""));
        Assert.StartsWith("Failed to deserialize JSON '{\"a\":1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_ignore_parse_errors_a_bad_field_is_null_and_a_malformed_message_yields_no_row()
    {
        var format = Json(("json.ignore-parse-errors", "true"));
        var type = RowOf(("a", SqlType.Int), ("b", SqlType.Array(SqlType.Int)), ("c", SqlType.String));
        var row = Decode(format, type, """{"a":"x","b":{"not":"an array"},"c":"kept"}""");
        Assert.Equal(Row.Of([SqlType.Int, SqlType.Array(SqlType.Int), SqlType.String], null, null, "kept"), row);
        Assert.Empty(RandomRows.Deserialize(format.CreateDeserializer(type), "{\"a\":"u8));
    }

    [Fact]
    public void With_fail_on_missing_field_a_missing_field_is_Flinks_error()
    {
        var format = Json(("json.fail-on-missing-field", "true"));
        var error = Assert.Throws<FormatParseException>(() => Decode(format, RowOf(("a", SqlType.Int), ("b", SqlType.Int)), """{"a":1}"""));
        Assert.Contains("Could not find field with name 'b'.", error.Message, StringComparison.Ordinal);
        Assert.Equal("b", error.Path);
    }

    [Fact]
    public void A_top_level_array_of_objects_is_one_row_per_object()
    {
        var type = RowOf(("col1", SqlType.BigInt), ("col2", SqlType.String));
        var rows = RandomRows.Deserialize(Json().CreateDeserializer(type), """[{"col1": 123, "col2": "a"}, {"col1": 456, "col2": "b"}]"""u8);
        Assert.Equal([Row.Of([SqlType.BigInt, SqlType.String], 123L, "a"), Row.Of([SqlType.BigInt, SqlType.String], 456L, "b")],
            rows.Select(r => r.Row).ToArray());
        Assert.All(rows, r => Assert.Equal(RowKind.Insert, r.Kind));
    }

    [Fact]
    public void A_projection_produces_only_the_fields_asked_for_in_its_order()
    {
        var type = RowOf(("a", SqlType.Int), ("b", SqlType.String), ("c", SqlType.Boolean));
        var deserializer = Json().CreateDeserializer(type, [2, 0]);
        Assert.Equal("ROW<`c` BOOLEAN, `a` INT>", deserializer.ProducedType.ToString());
        var row = Assert.Single(RandomRows.Deserialize(deserializer, """{"a":1,"b":"x","c":true}"""u8)).Row;
        Assert.Equal(Row.Of([SqlType.Boolean, SqlType.Int], true, 1), row);
    }

    [Fact]
    public void Null_float_infinities_and_NaN_are_written_as_Jackson_writes_them_and_read_back()
    {
        var type = RowOf(("a", SqlType.Double), ("b", SqlType.Float), ("c", SqlType.Double), ("d", SqlType.Int));
        var row = Row.Of([SqlType.Double, SqlType.Float, SqlType.Double, SqlType.Int], double.NaN, float.NegativeInfinity, double.PositiveInfinity, null);
        var json = Encode(Json(), type, row);
        Assert.Equal("""{"a":"NaN","b":"-Infinity","c":"Infinity","d":null}""", json);
        Assert.Equal(row, Decode(Json(), type, json));
    }

    [Fact]
    public void An_unknown_option_is_Flinks_error_listing_the_supported_options()
    {
        var error = Assert.Throws<FormatValidationException>(() => Json(("json.fail-on-missing-fields", "true")));
        Assert.Equal(
            "Unsupported options found for 'json'.\n\nUnsupported options:\n\njson.fail-on-missing-fields\n\nSupported options:\n\n"
            + "json.decode.json-parser.enabled\njson.encode.decimal-as-plain-number\njson.encode.ignore-null-fields\njson.fail-on-missing-field\n"
            + "json.ignore-parse-errors\njson.map-null-key.literal\njson.map-null-key.mode\njson.timestamp-format.standard",
            error.Message);
    }

    [Theory]
    [InlineData("json.ignore-parse-errors", "yes", "Could not parse value 'yes' for key 'json.ignore-parse-errors'.")]
    [InlineData("json.timestamp-format.standard", "RFC", "Unsupported value 'RFC' for json.timestamp-format.standard. Supported values are [SQL, ISO-8601].")]
    [InlineData("json.map-null-key.mode", "keep", "Unsupported value 'keep' for option json.map-null-key.mode. Supported values are [LITERAL, FAIL, DROP].")]
    public void A_bad_option_value_is_Flinks_error(string key, string value, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatValidationException>(() => Json((key, value))).Message);
    }

    [Fact]
    public void Failing_on_missing_fields_and_ignoring_parse_errors_together_is_refused()
    {
        var error = Assert.Throws<FormatValidationException>(() => Json(("json.fail-on-missing-field", "true"), ("json.ignore-parse-errors", "TRUE")));
        Assert.Equal("json.fail-on-missing-field and json.ignore-parse-errors shouldn't both be true.", error.Message);
    }

    [Fact]
    public void A_map_with_non_string_keys_is_refused_when_the_deserializer_is_created()
    {
        var error = Assert.Throws<FormatValidationException>(() => Json().CreateDeserializer(RowOf(("m", SqlType.Map(SqlType.Int, SqlType.String)))));
        Assert.Equal("JSON format doesn't support non-string as key type of map. The type is: MAP<INT, STRING>", error.Message);
    }

    [Fact]
    public void The_registry_finds_the_value_format_of_a_table_and_its_prefixed_options()
    {
        var table = new Dictionary<string, string>
        {
            ["connector"] = "kafka",
            ["key.format"] = "raw",
            ["value.format"] = "json",
            ["value.json.ignore-parse-errors"] = "true",
            ["key.raw.charset"] = "UTF-16",
        };
        var format = Assert.IsType<JsonFormat>(FormatRegistry.Default.CreateFromTableOptions(table, "value.format"));
        Assert.True(format.Settings.IgnoreParseErrors);
        Assert.Equal("raw", FormatRegistry.Default.CreateFromTableOptions(table, "key.format").Identifier);
        table["value.json.bogus"] = "1";
        var error = Assert.Throws<FormatValidationException>(() => FormatRegistry.Default.CreateFromTableOptions(table, "value.format"));
        Assert.StartsWith("Unsupported options found for 'json'.\n\nUnsupported options:\n\njson.bogus\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_identifier_lists_the_available_ones()
    {
        var error = Assert.Throws<FormatValidationException>(() => FormatRegistry.Default.Find("protobuf"));
        Assert.StartsWith("Could not find any format factory for identifier 'protobuf'.\n\nAvailable factory identifiers are:\n\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("\ndebezium-json\n", error.Message, StringComparison.Ordinal);
    }
}
