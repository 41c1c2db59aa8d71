using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class CorpusTests
{
    public static TheoryData<int> CorpusIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < SqlCorpus.Statements.Length; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusIndexes))]
    public void Every_corpus_statement_parses_and_prints_back_to_sql_that_parses_to_the_same_tree(int index)
    {
        var text = SqlCorpus.Statements[index];
        var statement = SqlParser.ParseStatement(text);
        var printed = statement.ToSql();
        var reparsed = SqlParser.ParseStatement(printed);
        Assert.Equal(statement, reparsed);
        Assert.Equal(printed, reparsed.ToSql());
    }

    [Fact]
    public void The_whole_corpus_parses_as_one_script_of_semicolon_separated_statements()
    {
        var script = string.Join(";\n", SqlCorpus.Statements) + ";";
        var statements = SqlParser.ParseStatements(script);
        Assert.Equal(SqlCorpus.Statements.Length, statements.Count);
    }
}
