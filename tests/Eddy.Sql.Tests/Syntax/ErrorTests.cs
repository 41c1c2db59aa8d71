using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class ErrorTests
{
    [Fact]
    public void A_misspelt_keyword_is_reported_as_flink_does_with_line_column_and_what_was_expected()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT * FORM t"));
        Assert.StartsWith("SQL parse failed. Encountered \"FORM\" at line 1, column 10.\nWas expecting one of:\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"FROM\"", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 10), (error.Line, error.Column));

        // As in Flink, a word after a select item is its alias: the error is at the word after it.
        var aliased = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT a FORM t"));
        Assert.Equal((1, 15), (aliased.Line, aliased.Column));

        var missingFrom = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT a,\n  b\n  FORM t WHERE x"));
        Assert.Equal((3, 8), (missingFrom.Line, missingFrom.Column));
    }

    [Fact]
    public void The_expected_tokens_are_listed()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("INSERT t SELECT 1"));
        Assert.Equal("SQL parse failed. Encountered \"t\" at line 1, column 8.\nWas expecting one of:\n    \"OVERWRITE\"\n    \"INTO\"", error.Message);
        var join = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT * FROM a JOIN b WHERE x"));
        Assert.Equal((1, 24), (join.Line, join.Column));
        Assert.Contains("\"ON\"", join.Message, StringComparison.Ordinal);
        Assert.Contains("\"USING\"", join.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_end_of_input_is_encountered_as_EOF()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT a FROM"));
        Assert.StartsWith("SQL parse failed. Encountered \"<EOF>\" at line 1, column 14.", error.Message, StringComparison.Ordinal);
        var noTable = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("INSERT INTO t SELECT a FROM"));
        Assert.Equal("SQL parse failed. Encountered \"<EOF>\" at line 1, column 28.\nWas expecting one of:\n    \"(\"\n    \"LATERAL\"\n    \"TABLE\"\n    \"UNNEST\"\n    <IDENTIFIER>", noTable.Message);
        var noStatement = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELEC 1"));
        Assert.StartsWith("SQL parse failed. Encountered \"SELEC\" at line 1, column 1.\nWas expecting one of:\n    \"SELECT\"\n    \"WITH\"\n    \"VALUES\"\n    \"INSERT\"", noStatement.Message, StringComparison.Ordinal);
        var unclosed = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT (a + 1 FROM t"));
        Assert.Contains("\")\"", unclosed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reserved_word_is_not_an_identifier_unless_backquoted()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("CREATE TABLE t (value INT)"));
        Assert.StartsWith("SQL parse failed. Encountered \"VALUE\" at line 1, column 17.", error.Message, StringComparison.Ordinal);
        Assert.IsType<CreateTableStatement>(SqlParser.ParseStatement("CREATE TABLE t (`value` INT)"));
    }

    [Fact]
    public void Lexical_errors_name_their_position()
    {
        var unterminated = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT 'abc"));
        Assert.Equal("SQL parse failed. Lexical error at line 1, column 12.  Encountered: <EOF> after : 'abc", unterminated.Message);
        var comment = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT 1 /* open"));
        Assert.Equal((1, 10), (comment.Line, comment.Column));
        var stray = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT a\n  # b"));
        Assert.Equal((2, 3), (stray.Line, stray.Column));
        var binary = Assert.Throws<SqlParseException>(() => SqlParser.ParseExpression("X'0G'"));
        Assert.Contains("Binary literal string must contain only characters", binary.Message, StringComparison.Ordinal);
        var odd = Assert.Throws<SqlParseException>(() => SqlParser.ParseExpression("X'ABC'"));
        Assert.Contains("even number of hexits", odd.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_text_after_one_statement_is_an_error()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT 1; SELECT 2"));
        Assert.Equal((1, 11), (error.Line, error.Column));
        var expression = Assert.Throws<SqlParseException>(() => SqlParser.ParseExpression("a b"));
        Assert.Equal((1, 3), (expression.Line, expression.Column));
    }

    [Fact]
    public void An_unclosed_hint_is_an_error_at_its_end()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("SELECT * FROM t /*+ OPTIONS('a' = 'b')"));
        Assert.Contains("Encountered: <EOF>", error.Message, StringComparison.Ordinal);
    }
}
