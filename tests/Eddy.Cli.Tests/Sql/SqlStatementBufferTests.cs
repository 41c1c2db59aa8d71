using Eddy.Cli.Sql;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlStatementBufferTests
{
    [Fact]
    public void A_statement_over_several_lines_completes_at_its_semicolon()
    {
        var buffer = new SqlStatementBuffer();
        Assert.Empty(buffer.Add("SELECT a,"));
        Assert.False(buffer.IsEmpty);
        Assert.Empty(buffer.Add("  b FROM t"));
        var statements = buffer.Add("WHERE a > 1;");
        Assert.Equal(["SELECT a,\n  b FROM t\nWHERE a > 1"], statements.Select(s => s.Text));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Two_statements_on_one_line_are_two_and_a_started_third_waits()
    {
        var buffer = new SqlStatementBuffer();
        Assert.Equal(["SELECT 1", "SELECT 2"], buffer.Add("SELECT 1; SELECT 2; SELECT").Select(s => s.Text));
        Assert.False(buffer.IsEmpty);
        Assert.Equal(["SELECT\n3"], buffer.Add("3;").Select(s => s.Text));
    }

    [Fact]
    public void A_literal_left_open_at_the_end_of_a_line_continues_on_the_next_one()
    {
        var buffer = new SqlStatementBuffer();
        Assert.Empty(buffer.Add("SELECT 'a;"));
        Assert.False(buffer.IsEmpty);
        Assert.Equal(["SELECT 'a;\nb'"], buffer.Add("b';").Select(s => s.Text));
    }

    [Fact]
    public void A_comment_after_the_last_statement_does_not_ask_for_a_continuation()
    {
        var buffer = new SqlStatementBuffer();
        Assert.Single(buffer.Add("SELECT 1; -- done"));
        Assert.True(buffer.IsEmpty);
        Assert.Empty(buffer.Add("/* still"));
        Assert.False(buffer.IsEmpty);
        Assert.Empty(buffer.Add("a comment */"));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Clearing_drops_the_statement_under_way_and_finishing_returns_it()
    {
        var buffer = new SqlStatementBuffer();
        buffer.Add("SELECT broken");
        buffer.Clear();
        Assert.True(buffer.IsEmpty);
        Assert.Equal(["SELECT 2"], buffer.Add("SELECT 2;").Select(s => s.Text));
        buffer.Add("SELECT 3");
        Assert.Equal("SELECT 3", buffer.Finish()?.Text);
        Assert.Null(buffer.Finish());
    }
}
