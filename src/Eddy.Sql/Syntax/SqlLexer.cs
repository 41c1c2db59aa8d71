using System.Globalization;
using System.Text;

namespace Eddy.Sql.Syntax;

/// <summary>
/// Splits SQL text into tokens as Flink's (Calcite's) lexer does: words and backquoted identifiers, string literals
/// with <c>''</c> escapes, <c>U&amp;'\0041'</c> unicode strings, <c>X'0AFF'</c> binary strings, exact and
/// approximate numbers, operators, <c>--</c> and <c>/* */</c> comments (skipped) and <c>/*+ ... */</c> hints
/// (kept, as <see cref="TokenKind.HintStart"/> ... <see cref="TokenKind.HintEnd"/>).
/// </summary>
internal sealed class SqlLexer
{
    private readonly string _text;
    private int _offset;
    private int _line = 1;
    private int _lineStart;
    private bool _inHint;

    private SqlLexer(string text) => _text = text;

    /// <summary>The tokens of <paramref name="text"/>, ending with <see cref="TokenKind.EndOfInput"/>.</summary>
    /// <exception cref="SqlParseException">A lexical error (an unterminated string or comment, a stray character).</exception>
    public static List<Token> Tokenize(string text)
    {
        var lexer = new SqlLexer(text);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.EndOfInput)
                return tokens;
        }
    }

    private SourcePosition Here => new(_line, _offset - _lineStart + 1);

    private char Peek(int ahead = 0) => _offset + ahead < _text.Length ? _text[_offset + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _offset + ahead >= _text.Length;

    private void Advance()
    {
        if (_text[_offset] == '\n')
        {
            _line++;
            _lineStart = _offset + 1;
        }
        _offset++;
    }

    private Token Next()
    {
        SkipTrivia();
        var start = Here;
        if (AtEnd())
        {
            if (_inHint)
                throw LexicalError(start, "<EOF>", "/*+");
            return new(TokenKind.EndOfInput, "", start);
        }
        var c = Peek();
        if (_inHint && c == '*' && Peek(1) == '/')
        {
            _offset += 2;
            _inHint = false;
            return new(TokenKind.HintEnd, "*/", start);
        }
        if ((c is 'X' or 'x') && Peek(1) == '\'')
        {
            _offset++;
            var hex = ReadQuoted('\'', start);
            foreach (var h in hex)
            {
                if (!char.IsAsciiHexDigit(h))
                    throw SqlParseException.At(start, $"Binary literal string must contain only characters '0' - '9', 'A' - 'F': X'{hex}'");
            }
            if (hex.Length % 2 != 0)
                throw SqlParseException.At(start, $"Binary literal string must contain an even number of hexits: X'{hex}'");
            return new(TokenKind.Binary, hex.ToUpperInvariant(), start);
        }
        if ((c is 'U' or 'u') && Peek(1) == '&' && Peek(2) == '\'')
        {
            _offset += 2;
            return new(TokenKind.String, DecodeUnicode(ReadQuoted('\'', start), start), start);
        }
        if ((c is 'N' or 'n') && Peek(1) == '\'')
        {
            _offset++;
            return new(TokenKind.String, ReadQuoted('\'', start), start);
        }
        if (c == '_' && char.IsAsciiLetter(Peek(1)))
        {
            // A charset prefix (_UTF16'abc') is Calcite's; its strings are plain strings to Flink.
            var save = _offset;
            _offset++;
            while (!AtEnd() && (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_'))
                _offset++;
            if (Peek() == '\'')
                return new(TokenKind.String, ReadQuoted('\'', start), start);
            _offset = save;
        }
        if (char.IsLetter(c) || c == '_' || c == '$')
        {
            var begin = _offset;
            while (!AtEnd() && (char.IsLetterOrDigit(Peek()) || Peek() is '_' or '$'))
                _offset++;
            return new(TokenKind.Word, _text[begin.._offset], start);
        }
        if (c == '`')
            return new(TokenKind.QuotedIdentifier, ReadQuoted('`', start), start);
        if (c == '\'')
            return new(TokenKind.String, ReadQuoted('\'', start), start);
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
            return ReadNumber(start);
        return ReadSymbol(start);
    }

    private void SkipTrivia()
    {
        while (!AtEnd())
        {
            var c = Peek();
            if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (c == '-' && Peek(1) == '-')
            {
                while (!AtEnd() && Peek() != '\n')
                    _offset++;
            }
            else if (c == '/' && Peek(1) == '*' && !(Peek(2) == '+' && !_inHint))
            {
                var start = Here;
                _offset += 2;
                while (!(Peek() == '*' && Peek(1) == '/'))
                {
                    if (AtEnd())
                        throw LexicalError(start, "<EOF>", "/*");
                    Advance();
                }
                _offset += 2;
            }
            else if (c == '/' && Peek(1) == '*' && Peek(2) == '+')
            {
                return; // a hint: a token of its own
            }
            else
            {
                return;
            }
        }
    }

    private string ReadQuoted(char quote, SourcePosition start)
    {
        var begin = _offset;
        _offset++;
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd())
                throw LexicalError(Here, "<EOF>", _text[begin.._offset]);
            var ch = Peek();
            if (ch == quote)
            {
                if (Peek(1) == quote)
                {
                    value.Append(quote);
                    _offset += 2;
                    continue;
                }
                _offset++;
                return value.ToString();
            }
            value.Append(ch);
            Advance();
        }
    }

    private static string DecodeUnicode(string raw, SourcePosition start)
    {
        var value = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                value.Append(raw[i]);
            }
            else if (i + 1 < raw.Length && raw[i + 1] == '\\')
            {
                value.Append('\\');
                i++;
            }
            else if (i + 4 < raw.Length && raw[i + 1] != '+' && IsHex(raw.AsSpan(i + 1, 4)))
            {
                value.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 4;
            }
            else if (i + 7 < raw.Length && raw[i + 1] == '+' && IsHex(raw.AsSpan(i + 2, 6)))
            {
                var codePoint = int.Parse(raw.AsSpan(i + 2, 6), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
                    throw SqlParseException.At(start, $"Unicode escape \\+{raw.Substring(i + 2, 6)} is not a valid code point");
                value.Append(char.ConvertFromUtf32(codePoint));
                i += 7;
            }
            else
            {
                throw SqlParseException.At(start, "Unicode escape sequence starting at character " + (i + 1).ToString(CultureInfo.InvariantCulture) + " is not exactly four hex digits");
            }
        }
        return value.ToString();
    }

    private static bool IsHex(ReadOnlySpan<char> digits)
    {
        foreach (var d in digits)
        {
            if (!char.IsAsciiHexDigit(d))
                return false;
        }
        return true;
    }

    private Token ReadNumber(SourcePosition start)
    {
        var begin = _offset;
        while (char.IsAsciiDigit(Peek()))
            _offset++;
        if (Peek() == '.' && (char.IsAsciiDigit(Peek(1)) || !char.IsAsciiLetter(Peek(1))))
        {
            _offset++;
            while (char.IsAsciiDigit(Peek()))
                _offset++;
        }
        var kind = TokenKind.ExactNumber;
        if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            _offset += 2;
            while (char.IsAsciiDigit(Peek()))
                _offset++;
            kind = TokenKind.ApproximateNumber;
        }
        return new(kind, _text[begin.._offset], start);
    }

    private static readonly string[] Symbols =
    [
        "<>", "<=", ">=", "!=", "||", "=>", "::",
        "(", ")", "[", "]", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">", "?", ":", "{", "}", "^",
    ];

    private Token ReadSymbol(SourcePosition start)
    {
        if (Peek() == '/' && Peek(1) == '*' && Peek(2) == '+')
        {
            _offset += 3;
            _inHint = true;
            return new(TokenKind.HintStart, "/*+", start);
        }
        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(_text, _offset, symbol, 0, symbol.Length) == 0)
            {
                _offset += symbol.Length;
                return new(TokenKind.Symbol, symbol, start);
            }
        }
        var stray = char.IsSurrogate(Peek()) && !AtEnd(1) ? _text.Substring(_offset, 2) : Peek().ToString();
        throw LexicalError(start, "\"" + stray + "\" (" + ((int)Peek()).ToString(CultureInfo.InvariantCulture) + ")", "\"\"");
    }

    private static SqlParseException LexicalError(SourcePosition position, string encountered, string after) =>
        new($"SQL parse failed. Lexical error at {position}.  Encountered: {encountered} after : {after}", position);
}
