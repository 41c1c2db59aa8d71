using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class LexerTests
{
    private static List<(TokenKind Kind, string Text)> Lex(string text) =>
        SqlLexer.Tokenize(text).Select(t => (t.Kind, t.Text)).ToList();

    [Fact]
    public void Words_keep_their_case_and_backquoted_identifiers_unescape_doubled_backquotes()
    {
        Assert.Equal(
            [(TokenKind.Word, "sElEcT"), (TokenKind.Word, "MyCol"), (TokenKind.QuotedIdentifier, "a`b c"), (TokenKind.EndOfInput, "")],
            Lex("sElEcT MyCol `a``b c`"));
    }

    [Fact]
    public void Strings_binary_and_unicode_literals_are_decoded()
    {
        Assert.Equal(
            [(TokenKind.String, "it's"), (TokenKind.Binary, "0AFF"), (TokenKind.String, "A\\\U0001F600"), (TokenKind.String, "x"), (TokenKind.EndOfInput, "")],
            Lex("'it''s' x'0aFF' U&'\\0041\\\\\\+01F600' _UTF16'x'"));
    }

    [Fact]
    public void Numbers_are_exact_unless_they_have_an_exponent()
    {
        Assert.Equal(
            [(TokenKind.ExactNumber, "12"), (TokenKind.ExactNumber, "1.50"), (TokenKind.ExactNumber, ".5"), (TokenKind.ApproximateNumber, "1.5E-3"), (TokenKind.ApproximateNumber, "2e10"), (TokenKind.EndOfInput, "")],
            Lex("12 1.50 .5 1.5E-3 2e10"));
    }

    [Fact]
    public void Comments_are_skipped_and_hints_are_kept_as_tokens()
    {
        Assert.Equal(
            [(TokenKind.Word, "a"), (TokenKind.HintStart, "/*+"), (TokenKind.Word, "OPTIONS"), (TokenKind.Symbol, "("), (TokenKind.String, "k"), (TokenKind.Symbol, "="), (TokenKind.String, "v"), (TokenKind.Symbol, ")"), (TokenKind.HintEnd, "*/"), (TokenKind.Word, "b"), (TokenKind.EndOfInput, "")],
            Lex("a -- line comment\n/* block\n comment */ /*+ OPTIONS('k'='v') */ b"));
    }

    [Fact]
    public void Multi_character_operators_are_single_tokens()
    {
        Assert.Equal(["<>", "<=", ">=", "!=", "||", "=>", "<", ">", ">"],
            SqlLexer.Tokenize("<> <= >= != || => < >>").Where(t => t.Kind == TokenKind.Symbol).Select(t => t.Text));
    }

    [Fact]
    public void Tokens_know_their_line_and_column()
    {
        var tokens = SqlLexer.Tokenize("SELECT\n  a,\r\n\tb -- c\n/* d\n */ e");
        Assert.Equal(
            [new SourcePosition(1, 1), new SourcePosition(2, 3), new SourcePosition(2, 4), new SourcePosition(3, 2), new SourcePosition(5, 5), new SourcePosition(5, 6)],
            tokens.Select(t => t.Position));
    }
}
