using CsCheck;
using Eddy.Cli.Sql;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlStatementSplitterTests
{
    private static string[] Texts(string script) => [.. SqlStatementSplitter.SplitScript(script).Select(s => s.Text)];

    [Fact]
    public void A_script_splits_at_each_semicolon_and_drops_the_semicolons()
    {
        Assert.Equal(["SELECT 1", "SELECT 2", "SHOW TABLES"], Texts("SELECT 1; SELECT 2;\nSHOW TABLES;\n"));
    }

    [Fact]
    public void A_semicolon_inside_a_string_literal_does_not_split_and_doubled_quotes_stay_inside_it()
    {
        Assert.Equal(["SELECT 'a;b', 'it''s; fine'", "SELECT 2"], Texts("SELECT 'a;b', 'it''s; fine'; SELECT 2;"));
    }

    [Fact]
    public void A_semicolon_inside_a_quoted_identifier_does_not_split()
    {
        Assert.Equal(["SELECT `a;b` FROM `t``;`", "SELECT 1"], Texts("SELECT `a;b` FROM `t``;`; SELECT 1;"));
    }

    [Fact]
    public void Semicolons_in_line_and_block_comments_do_not_split()
    {
        var script = "SELECT 1 -- one; two\n, 2 /* three; ' four */ FROM t;\nSELECT 3;";
        Assert.Equal(["SELECT 1 -- one; two\n, 2 /* three; ' four */ FROM t", "SELECT 3"], Texts(script));
    }

    [Fact]
    public void Pieces_with_only_comments_and_blanks_are_no_statements()
    {
        Assert.Equal(["SELECT 1"], Texts("-- header\n;; /* nothing */ ;\nSELECT 1;\n-- trailing comment\n"));
    }

    [Fact]
    public void A_statement_keeps_the_comment_it_starts_with_and_starts_where_that_comment_starts()
    {
        var statements = SqlStatementSplitter.SplitScript("SELECT 1;\n\n  -- the job\nINSERT INTO s SELECT * FROM t;");
        Assert.Equal(new SqlStatement("-- the job\nINSERT INTO s SELECT * FROM t", 3, 3), statements[1]);
    }

    [Fact]
    public void Each_statement_knows_the_line_and_column_it_starts_on()
    {
        var statements = SqlStatementSplitter.SplitScript("CREATE TABLE t (\n  a INT\n);\n\n   SELECT a\n   FROM t;  SELECT 2;");
        Assert.Equal([(1, 1), (5, 4), (6, 13)], statements.Select(s => (s.Line, s.Column)));
    }

    [Fact]
    public void The_end_of_a_script_ends_a_last_statement_without_a_semicolon()
    {
        Assert.Equal(["SELECT 1", "SELECT 2"], Texts("SELECT 1;\nSELECT 2\n"));
    }

    [Fact]
    public void An_unterminated_literal_at_the_end_of_a_script_is_left_for_the_parser_to_report()
    {
        var scan = SqlStatementSplitter.Scan("SELECT 1; SELECT 'abc;\n");
        Assert.Equal(["SELECT 1"], scan.Statements.Select(s => s.Text));
        Assert.True(scan.RestIsOpen);
        Assert.Equal("SELECT 'abc;", scan.RestStatement?.Text);
    }

    [Fact]
    public void A_statement_set_is_one_statement_whatever_semicolons_its_inserts_end_with()
    {
        var script = """
            EXECUTE STATEMENT SET
            BEGIN
              INSERT INTO a SELECT CASE WHEN x > 0 THEN 'p;' ELSE 'n' END FROM t;
              INSERT INTO b SELECT * FROM t;
            END;
            SELECT 1;
            """;
        var statements = SqlStatementSplitter.SplitScript(script);
        Assert.Equal(2, statements.Count);
        Assert.StartsWith("EXECUTE STATEMENT SET\nBEGIN", statements[0].Text);
        Assert.EndsWith("INSERT INTO b SELECT * FROM t;\nEND", statements[0].Text);
        Assert.Equal(new SqlStatement("SELECT 1", 6, 1), statements[1]);
    }

    [Fact]
    public void Words_that_only_resemble_a_statement_set_split_as_usual()
    {
        Assert.Equal(["SET 'a' = 'b'", "BEGIN STATEMENT SET", "INSERT INTO a SELECT 1", "END"],
            Texts("SET 'a' = 'b'; BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END;"));
    }

    // The law: statements that contain no splitting semicolon, joined by ';' and blanks, split back into themselves,
    // each at the position its text starts at in the script.
    private static Gen<string> Of(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<string> Piece = Gen.OneOf(
        Of("SELECT", "a", "FROM", "t", "1", "x_1", "(", ")", ",", "*", "=", "CASE", "END", "WHEN"),
        Gen.String[Gen.Char["ab; '\n"], 0, 6].Select(s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'"),
        Gen.String[Gen.Char["ab;` "], 0, 6].Select(s => "`" + s.Replace("`", "``", StringComparison.Ordinal) + "`"),
        Gen.String[Gen.Char["ab;'` *"], 0, 6].Select(s => "-- " + s + "\n"),
        Gen.String[Gen.Char["ab;'`\n "], 0, 6].Select(s => "/* " + s.Replace("*/", "", StringComparison.Ordinal) + " */"));

    private static readonly Gen<string> Statement = Gen.Select(Piece.Array[0, 6], Of(" ", "\n", "  "), Of("SELECT", "x", "'v'"))
        .Select((pieces, separator, last) => (string.Join(separator, pieces) + separator + last).Trim());

    [Fact]
    public void Splitting_statements_joined_by_semicolons_gives_them_back_where_they_start()
    {
        Gen.Select(Statement.Array[1, 5], Of(";", ";\n", "; ", " ;\n\n", ";\r\n")).Sample((statements, separator) =>
        {
            var script = string.Join(separator, statements) + ";";
            var split = SqlStatementSplitter.SplitScript(script);
            Assert.Equal(statements, split.Select(s => s.Text));
            var lines = script.Split('\n');
            foreach (var statement in split)
            {
                var offset = lines.Take(statement.Line - 1).Sum(l => l.Length + 1) + statement.Column - 1;
                Assert.Equal(statement.Text, script.Substring(offset, statement.Text.Length));
            }
        });
    }
}
