namespace Eddy.Sql.Syntax;

/// <summary>The lexical classes of Flink's SQL.</summary>
internal enum TokenKind
{
    /// <summary>An unquoted word: a keyword or an identifier (the parser decides by context).</summary>
    Word,
    /// <summary>A backquoted identifier; <see cref="Token.Text"/> is its name without quotes.</summary>
    QuotedIdentifier,
    /// <summary>A character string literal; <see cref="Token.Text"/> is its value (escapes resolved).</summary>
    String,
    /// <summary>A binary string literal <c>X'0AFF'</c>; <see cref="Token.Text"/> is its hexadecimal digits.</summary>
    Binary,
    /// <summary>An exact numeric literal (<c>12</c>, <c>1.5</c>).</summary>
    ExactNumber,
    /// <summary>An approximate numeric literal (<c>1.5E3</c>).</summary>
    ApproximateNumber,
    /// <summary>An operator or punctuation (<c>(</c>, <c>&lt;=</c>, <c>||</c>, <c>=&gt;</c>).</summary>
    Symbol,
    /// <summary>The start of a hint comment <c>/*+</c>.</summary>
    HintStart,
    /// <summary>The end of a hint comment <c>*/</c>.</summary>
    HintEnd,
    /// <summary>The end of the text.</summary>
    EndOfInput,
}

/// <summary>One token of SQL text with where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>Whether the token is the unquoted word <paramref name="keyword"/>, in any case.</summary>
    public bool IsWord(string keyword) => Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the token is the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    /// <summary>The token as Flink quotes it in "Encountered ..." (keywords upper-cased, as Calcite's images are).</summary>
    public string Image => Kind switch
    {
        TokenKind.EndOfInput => "<EOF>",
        TokenKind.Word => SqlKeywords.IsReserved(Text) ? Text.ToUpperInvariant() : Text,
        TokenKind.QuotedIdentifier => "`" + Text.Replace("`", "``", StringComparison.Ordinal) + "`",
        TokenKind.String => "'" + Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        TokenKind.Binary => "X'" + Text + "'",
        TokenKind.HintStart => "/*+",
        TokenKind.HintEnd => "*/",
        _ => Text,
    };
}
