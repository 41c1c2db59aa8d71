using System.Globalization;
using System.Runtime.CompilerServices;

namespace Eddy.Sql.Syntax;

/// <summary>
/// The recursive-descent parser over the lexer's tokens. Its helpers record what each failed test expected at the
/// current token, so that an error lists the tokens that would have been accepted (Calcite's "Was expecting one of").
/// </summary>
internal sealed partial class Parser
{
    /// <summary>
    /// The deepest syntax tree accepted (nesting plus chained operators, joins and set operations): deeper trees
    /// would exhaust the stack of whoever walks them (printing, comparing, planning).
    /// </summary>
    internal const int MaxDepth = 1000;

    private const int MaxExpected = 12;

    private readonly List<Token> _tokens;
    private readonly List<string> _expected = [];
    private int _index;
    private int _expectedAt = -1;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static T Run<T>(string text, Func<Parser, T> parse)
    {
        try
        {
            return parse(new Parser(SqlLexer.Tokenize(text)));
        }
        catch (SqlParseException)
        {
            throw;
        }
        catch (InsufficientExecutionStackException)
        {
            throw new SqlParseException("SQL parse failed. The statement is nested too deeply.", SourcePosition.Start);
        }
    }

    private Token Current => _tokens[_index];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private SourcePosition Position => Current.Position;

    private bool AtEnd => Current.Kind == TokenKind.EndOfInput;

    private Token Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfInput)
            _index++;
        return token;
    }

    private void Expecting(string description)
    {
        if (_expectedAt != _index)
        {
            _expected.Clear();
            _expectedAt = _index;
        }
        if (!_expected.Contains(description))
            _expected.Add(description);
    }

    /// <summary>Whether the current token is the word; a miss is recorded as expected.</summary>
    private bool IsWord(string keyword)
    {
        if (Current.IsWord(keyword))
            return true;
        Expecting("\"" + keyword + "\"");
        return false;
    }

    private bool AcceptWord(string keyword)
    {
        if (!IsWord(keyword))
            return false;
        Advance();
        return true;
    }

    private Token ExpectWord(string keyword) => IsWord(keyword) ? Advance() : throw Unexpected();

    private bool AcceptWords(string first, string second)
    {
        if (!IsWord(first) || !PeekAt(1).IsWord(second))
            return false;
        _index += 2;
        return true;
    }

    private bool IsSymbol(string symbol)
    {
        if (Current.IsSymbol(symbol))
            return true;
        Expecting("\"" + symbol + "\"");
        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (!IsSymbol(symbol))
            return false;
        Advance();
        return true;
    }

    private Token ExpectSymbol(string symbol) => IsSymbol(symbol) ? Advance() : throw Unexpected();

    /// <summary>Flink's error for the current token: <c>Encountered "x" at line 1, column 10. Was expecting one of: ...</c>.</summary>
    private SqlParseException Unexpected()
    {
        var token = Current;
        var message = $"SQL parse failed. Encountered \"{token.Image}\" at {token.Position}.";
        if (_expectedAt == _index && _expected.Count > 0)
        {
            var shown = _expected.Count > MaxExpected ? _expected.GetRange(0, MaxExpected) : _expected;
            message += (_expected.Count == 1 ? "\nWas expecting:\n    " : "\nWas expecting one of:\n    ")
                + string.Join("\n    ", shown) + (_expected.Count > MaxExpected ? "\n    ..." : "");
        }
        return new SqlParseException(message, token.Position);
    }

    private static SqlParseException Unsupported(SourcePosition position, string feature) =>
        SqlParseException.At(position, feature + " is not supported.");

    /// <summary>Enters one level of the tree; the caller leaves with <see cref="Leave"/>.</summary>
    private void Enter(int levels = 1)
    {
        _depth += levels;
        if (_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw SqlParseException.At(Position, $"The statement is nested too deeply (more than {MaxDepth} levels).");
    }

    private void Leave(int levels = 1) => _depth -= levels;

    private static bool IsIdentifierToken(Token token) =>
        token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Word && !SqlKeywords.IsReserved(token.Text));

    private bool IsIdentifier()
    {
        if (IsIdentifierToken(Current))
            return true;
        Expecting("<IDENTIFIER>");
        return false;
    }

    private string ParseIdentifier() => IsIdentifier() ? Advance().Text : throw Unexpected();

    private SyntaxList<string> ParseCompoundName()
    {
        var parts = new List<string> { ParseIdentifier() };
        while (Current.IsSymbol(".") && IsIdentifierToken(PeekAt(1)))
        {
            Advance();
            parts.Add(Advance().Text);
        }
        return new(parts);
    }

    private SyntaxList<string> ParseParenthesizedIdentifiers()
    {
        ExpectSymbol("(");
        var names = new List<string> { ParseIdentifier() };
        while (AcceptSymbol(","))
            names.Add(ParseIdentifier());
        ExpectSymbol(")");
        return new(names);
    }

    private string ParseString()
    {
        if (Current.Kind == TokenKind.String)
            return Advance().Text;
        Expecting("<QUOTED_STRING>");
        throw Unexpected();
    }

    private int ParseUnsignedInt()
    {
        if (Current.Kind == TokenKind.ExactNumber && Current.Text.All(char.IsAsciiDigit))
        {
            var token = Advance();
            return int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw SqlParseException.At(token.Position, $"Numeric literal '{token.Text}' out of range");
        }
        Expecting("<UNSIGNED_INTEGER_LITERAL>");
        throw Unexpected();
    }

    private SyntaxList<SqlProperty> ParseProperties()
    {
        ExpectSymbol("(");
        var properties = new List<SqlProperty>();
        if (!Current.IsSymbol(")"))
        {
            do
            {
                var position = Position;
                var key = ParsePropertyPart();
                ExpectSymbol("=");
                properties.Add(new SqlProperty(key, ParsePropertyPart()) { Position = position });
            }
            while (AcceptSymbol(","));
        }
        ExpectSymbol(")");
        return new(properties);
    }

    /// <summary>A key or value: a string, or (as Calcite accepts in hints) an identifier or number.</summary>
    private string ParsePropertyPart()
    {
        if (Current.Kind is TokenKind.String or TokenKind.ExactNumber)
            return Advance().Text;
        if (IsIdentifierToken(Current))
            return string.Join('.', ParseCompoundName());
        Expecting("<QUOTED_STRING>");
        throw Unexpected();
    }

    private SyntaxList<Hint> ParseHints()
    {
        if (Current.Kind != TokenKind.HintStart)
            return SyntaxList<Hint>.Empty;
        Advance();
        var hints = new List<Hint>();
        do
        {
            var position = Position;
            var name = ParseIdentifier();
            var options = SyntaxList<SqlProperty>.Empty;
            var arguments = SyntaxList<string>.Empty;
            if (Current.IsSymbol("("))
            {
                var isKeyValue = PeekAt(2).IsSymbol("=");
                if (isKeyValue)
                {
                    options = ParseProperties();
                }
                else
                {
                    Advance();
                    var list = new List<string>();
                    if (!Current.IsSymbol(")"))
                    {
                        do
                            list.Add(ParsePropertyPart());
                        while (AcceptSymbol(","));
                    }
                    ExpectSymbol(")");
                    arguments = new(list);
                }
            }
            hints.Add(new Hint(name, options, arguments) { Position = position });
        }
        while (AcceptSymbol(","));
        if (Current.Kind != TokenKind.HintEnd)
        {
            Expecting("\"*/\"");
            throw Unexpected();
        }
        Advance();
        return new(hints);
    }
}
