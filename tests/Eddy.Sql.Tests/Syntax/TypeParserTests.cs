using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class TypeParserTests
{
    public static TheoryData<string, string> Spellings() => new()
    {
        { "INT", "INT" },
        { "integer", "INT" },
        { "DEC", "DECIMAL(10, 0)" },
        { "NUMERIC(5)", "DECIMAL(5, 0)" },
        { "DECIMAL(38, 18)", "DECIMAL(38, 18)" },
        { "REAL", "FLOAT" },
        { "DOUBLE PRECISION", "DOUBLE" },
        { "STRING", "STRING" },
        { "VARCHAR", "STRING" },
        { "VARCHAR(10)", "VARCHAR(10)" },
        { "CHAR", "CHAR(1)" },
        { "CHARACTER VARYING(3)", "VARCHAR(3)" },
        { "BYTES", "BYTES" },
        { "BINARY(4)", "BINARY(4)" },
        { "VARBINARY", "BYTES" },
        { "TIME", "TIME(0)" },
        { "TIMESTAMP", "TIMESTAMP(6)" },
        { "TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP(3)" },
        { "TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)" },
        { "TIMESTAMP_LTZ(3)", "TIMESTAMP_LTZ(3)" },
        { "INTERVAL DAY TO SECOND(3)", "INTERVAL DAY(2) TO SECOND(3)" },
        { "INTERVAL DAY(4) TO HOUR", "INTERVAL DAY(4) TO SECOND(6)" },
        { "INTERVAL YEAR(4) TO MONTH", "INTERVAL YEAR(4) TO MONTH" },
        { "INTERVAL MONTH", "INTERVAL YEAR(2) TO MONTH" },
        { "ARRAY<INT NOT NULL>", "ARRAY<INT NOT NULL>" },
        { "INT ARRAY", "ARRAY<INT>" },
        { "STRING MULTISET NOT NULL", "MULTISET<STRING> NOT NULL" },
        { "MULTISET<STRING>", "MULTISET<STRING>" },
        { "MAP<STRING, ARRAY<BIGINT>>", "MAP<STRING, ARRAY<BIGINT>>" },
        { "ROW<a INT, b STRING 'the b'>", "ROW<`a` INT, `b` STRING 'the b'>" },
        { "ROW(a INT NOT NULL, `b c` STRING)", "ROW<`a` INT NOT NULL, `b c` STRING>" },
        { "BIGINT NOT NULL", "BIGINT NOT NULL" },
        { "BIGINT NULL", "BIGINT" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Flinks_type_spellings_and_synonyms_map_to_its_logical_types(string text, string expected)
    {
        var type = SqlParser.ParseDataType(text);
        Assert.Equal(expected, type.Type.ToString());
        Assert.Equal(type.Type, SqlParser.ParseDataType(type.Type.ToString()).Type);
    }

    [Theory]
    [InlineData("DECIMAL(39, 2)", "Decimal precision must be between 1 and 38 (both inclusive).")]
    [InlineData("DECIMAL(5, 6)", "Decimal scale must be between 0 and the precision 5 (both inclusive).")]
    [InlineData("VARCHAR(0)", "Variable character string length must be between 1 and 2147483647 (both inclusive).")]
    [InlineData("CHAR(0)", "Character string length must be between 1 and 2147483647 (both inclusive).")]
    [InlineData("TIMESTAMP(10)", "Timestamp precision must be between 0 and 9 (both inclusive).")]
    [InlineData("TIME(12)", "Time precision must be between 0 and 9 (both inclusive).")]
    [InlineData("INTERVAL DAY(7) TO SECOND", "Day precision of day-time intervals must be between 1 and 6 (both inclusive).")]
    [InlineData("INTERVAL YEAR(5)", "Year precision of year-month intervals must be between 1 and 4 (both inclusive).")]
    [InlineData("ROW<a INT, a STRING>", "Field names must be unique. Found duplicates: [a]")]
    public void An_out_of_range_type_parameter_is_a_parse_error_at_the_types_position(string type, string message)
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement($"CREATE TABLE t (\n  id INT,\n  x {type})"));
        Assert.Equal($"SQL parse failed. At line 3, column 5: {message}", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Equal(5, error.Column);
    }

    [Fact]
    public void An_unsupported_type_is_refused_by_name()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseDataType("TIMESTAMP(3) WITH TIME ZONE"));
        Assert.Equal("SQL parse failed. At line 1, column 14: TIMESTAMP WITH TIME ZONE is not supported.", error.Message);
        Assert.Contains("RAW types is not supported", Assert.Throws<SqlParseException>(() => SqlParser.ParseDataType("RAW('a', 'b')")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_too_large_for_an_int_is_a_parse_error()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseDataType("VARCHAR(99999999999)"));
        Assert.Equal(new SourcePosition(1, 9), error.Position);
    }

    [Fact]
    public void Types_map_to_sql_type_values()
    {
        Assert.Equal(SqlType.Row(new SqlField("a", SqlType.Int.NotNull()), new SqlField("b", SqlType.Array(SqlType.String), "c")),
            SqlParser.ParseDataType("ROW<a INT NOT NULL, b ARRAY<STRING> 'c'>").Type);
    }
}
