using Eddy.Cli.Sql;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlStatementTests
{
    [Fact]
    public void A_position_on_the_statements_first_line_shifts_by_its_column_and_later_lines_by_its_line()
    {
        var statement = new SqlStatement("SELECT x\nFORM t", 12, 5);
        Assert.Equal((12, 14), statement.ToScriptPosition(1, 10));
        Assert.Equal((13, 1), statement.ToScriptPosition(2, 1));
    }

    [Fact]
    public void Positions_in_a_parser_message_are_rewritten_to_the_scripts_lines()
    {
        var statement = new SqlStatement("SELECT a\nFORM t", 7, 1);
        var message = "SQL parse failed. Encountered \"FORM\" at line 2, column 1.\nWas expecting one of:";
        Assert.Equal("SQL parse failed. Encountered \"FORM\" at line 8, column 1.\nWas expecting one of:", statement.ShiftPositions(message));
        Assert.Equal("SQL parse failed. At line 7, column 12: Decimal precision", statement.ShiftPositions("SQL parse failed. At line 1, column 12: Decimal precision"));
    }

    [Fact]
    public void A_statement_at_the_start_of_its_script_leaves_messages_as_they_are()
    {
        Assert.Equal("at line 1, column 3", new SqlStatement("x", 1, 1).ShiftPositions("at line 1, column 3"));
    }

    [Theory]
    [InlineData("HELP", "Help")]
    [InlineData("quit", "Quit")]
    [InlineData("  Exit ", "Quit")]
    [InlineData("-- bye\nQUIT", "Quit")]
    [InlineData("clear", "Clear")]
    [InlineData("SELECT quit", "None")]
    [InlineData("HELP ME", "None")]
    public void Client_commands_are_a_keyword_alone_in_any_case(string text, string expected)
    {
        Assert.Equal(expected, SqlClientCommands.Recognize(new SqlStatement(text, 1, 1)).ToString());
    }
}
