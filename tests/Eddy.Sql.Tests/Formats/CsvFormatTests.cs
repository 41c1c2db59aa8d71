using System.Text;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class CsvFormatTests
{
    private static RowFormat Csv(params (string Key, string Value)[] options) =>
        FormatRegistry.Default.Find("csv").Create(options.ToDictionary(o => o.Key, o => o.Value));

    private static SqlType RowOf(params SqlType[] types) => SqlType.Row(types.Select((t, i) => new SqlField($"f{i}", t)));

    private static Row Decode(RowFormat format, SqlType type, string line) =>
        Assert.Single(RandomRows.Deserialize(format.CreateDeserializer(type), Encoding.UTF8.GetBytes(line))).Row;

    private static string Encode(RowFormat format, SqlType type, Row row) =>
        Encoding.UTF8.GetString(RandomRows.Serialize(format.CreateSerializer(type), row)!);

    // CSV nests one level and joins nested values with the element delimiter, so it cannot tell an empty array, or a
    // nested NULL alone, from a NULL column; and a single empty string column is an empty line, which is no row.
    private static readonly TypeRules CsvRules = new()
    {
        Maps = false, Multisets = false, Depth = 1, EmptyCollections = false, EmptyNestedStrings = false, NullNested = false,
        Chars = "abc XYZ09é漢,;:\"'\\\t\n|", NestedChars = "abc XYZ09é漢,\"'",
    };

    [Theory]
    [InlineData(",", "\"", null)]
    [InlineData("\\t", "'", "\\")]
    [InlineData("|", null, "\\")]
    public void Random_rows_read_back_as_written(string delimiter, string? quote, string? escape)
    {
        var options = new List<(string, string)> { ("csv.field-delimiter", delimiter), ("csv.null-literal", "<null>") };
        if (quote is null)
            options.Add(("csv.disable-quote-character", "true"));
        else
            options.Add(("csv.quote-character", quote));
        if (escape is not null)
            options.Add(("csv.escape-character", escape));
        var format = Csv([.. options]);
        RandomRows.TypedRow(CsvRules, minFields: 2).Sample(
            (type, row) => Assert.True(row.Equals(RandomRows.RoundTrip(format, type, row)), RandomRows.Describe(type, row)),
            iter: 400);
    }

    [Fact]
    public void Values_are_written_in_Flinks_text_forms_with_quotes_only_where_needed()
    {
        var type = RowOf(SqlType.Int, SqlType.String, SqlType.Decimal(12, 9), SqlType.Timestamp(3), SqlType.Array(SqlType.Int),
            SqlType.Row(new SqlField("x", SqlType.Int), new SqlField("y", SqlType.String)), SqlType.Bytes, SqlType.Boolean, SqlType.Int);
        var row = Row.Of(type.Fields.Select(f => f.Type).ToArray(), 1, "a,\"b\"", 0.000000027m, new DateTime(2020, 12, 30, 12, 13, 14, 123),
            new object?[] { 1, null, 3 }, Row.Of([SqlType.Int, SqlType.String], 7, "z"), new byte[] { 1, 2, 3 }, false, null);
        Assert.Equal("1,\"a,\"\"b\"\"\",2.7E-8,2020-12-30 12:13:14.123,1;;3,7;z,AQID,false,", Encode(Csv(), type, row));
        Assert.Equal(row, Decode(Csv(), type, "1,\"a,\"\"b\"\"\",2.7E-8,2020-12-30 12:13:14.123,1;;3,7;z,AQID,false,\n"));
        Assert.StartsWith("1,\"a,\"\"b\"\"\",0.000000027,", Encode(Csv(("csv.write-bigdecimal-in-scientific-notation", "false")), type, row), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_of_the_wrong_form_is_an_error_naming_the_column()
    {
        var type = SqlType.Row(new SqlField("id", SqlType.Int), new SqlField("tags", SqlType.Array(SqlType.Int)));
        var error = Assert.Throws<FormatParseException>(() => Decode(Csv(), type, "1,2;x"));
        Assert.Equal("tags[1]", error.Path);
        Assert.Contains("expected a number of type INT for type INT, found 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_of_another_length_is_Flinks_error_and_with_ignore_parse_errors_bad_fields_are_null()
    {
        var type = RowOf(SqlType.Int, SqlType.Int);
        Assert.Contains("Row length mismatch. 2 fields expected but was 3.",
            Assert.Throws<FormatParseException>(() => Decode(Csv(), type, "1,2,3")).Message, StringComparison.Ordinal);
        var lenient = Csv(("csv.ignore-parse-errors", "true"));
        Assert.Equal(Row.Of([SqlType.Int, SqlType.Int], null, 2), Decode(lenient, type, "x,2,3"));
    }

    [Fact]
    public void Comment_lines_are_skipped_when_allowed_and_the_null_literal_is_null()
    {
        var format = Csv(("csv.allow-comments", "true"), ("csv.null-literal", "n/a"));
        var type = RowOf(SqlType.String, SqlType.Int);
        Assert.Empty(RandomRows.Deserialize(format.CreateDeserializer(type), "# a comment"u8));
        Assert.Equal(Row.Of([SqlType.String, SqlType.Int], null, 5), Decode(format, type, "n/a,5"));
        Assert.Equal(Row.Of([SqlType.String, SqlType.Int], "", null), Decode(Csv(), type, ","));
    }

    [Fact]
    public void Projection_keeps_the_asked_columns_in_order()
    {
        var type = RowOf(SqlType.Int, SqlType.String, SqlType.Boolean);
        var row = Assert.Single(RandomRows.Deserialize(Csv().CreateDeserializer(type, [2, 0]), "1,a,true"u8)).Row;
        Assert.Equal(Row.Of([SqlType.Boolean, SqlType.Int], true, 1), row);
    }

    [Fact]
    public void Option_errors_are_Flinks()
    {
        Assert.Equal("Format cannot define a quote character and disabled quote character at the same time.",
            Assert.Throws<FormatValidationException>(() => Csv(("csv.disable-quote-character", "true"), ("csv.quote-character", "'"))).Message);
        Assert.Equal("Option 'csv.field-delimiter' must be a string with single character, but was: ab",
            Assert.Throws<FormatValidationException>(() => Csv(("csv.field-delimiter", "ab"))).Message);
        Assert.StartsWith("Unsupported options found for 'csv'.\n\nUnsupported options:\n\ncsv.header\n\nSupported options:\n\ncsv.allow-comments\n",
            Assert.Throws<FormatValidationException>(() => Csv(("csv.header", "true"))).Message, StringComparison.Ordinal);
        Assert.StartsWith("Unsupported type: MAP<STRING, INT>.",
            Assert.Throws<FormatValidationException>(() => Csv().CreateSerializer(RowOf(SqlType.Map(SqlType.String, SqlType.Int)))).Message, StringComparison.Ordinal);
    }
}
