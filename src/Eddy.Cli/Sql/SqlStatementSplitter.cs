namespace Eddy.Cli.Sql;

/// <summary>
/// Splits SQL text into statements at each <c>;</c> that is outside a string literal (<c>'it''s'</c>), a quoted
/// identifier (<c>`a;b`</c>), a <c>--</c> line comment and a <c>/* */</c> block comment. <c>EXECUTE STATEMENT SET
/// BEGIN ... END;</c> is one statement: the <c>;</c> between its INSERTs do not split it. A piece with nothing but
/// blanks and comments is no statement. This is a scanner, not the parser: what the statements say is the parser's
/// business, so malformed SQL still splits and the parser reports it with its position.
/// </summary>
internal static class SqlStatementSplitter
{
    /// <summary>What one scan found: the complete statements, and the unterminated rest.</summary>
    /// <param name="Statements">The statements ended by a <c>;</c>, in order.</param>
    /// <param name="Rest">The text after the last splitting <c>;</c>.</param>
    /// <param name="RestStatement">The rest as a statement when it has more than blanks and comments; null otherwise.</param>
    /// <param name="RestIsOpen">Whether the rest ends inside a literal, a quoted identifier or a block comment.</param>
    internal sealed record ScanResult(IReadOnlyList<SqlStatement> Statements, string Rest, SqlStatement? RestStatement, bool RestIsOpen);

    /// <summary>
    /// Splits a whole script (a file, <c>--init</c>): the end of the text ends a last statement that has no <c>;</c>,
    /// as Flink's client does with a file's last line.
    /// </summary>
    public static IReadOnlyList<SqlStatement> SplitScript(string script)
    {
        var scan = Scan(script);
        if (scan.RestStatement is null)
        {
            return scan.Statements;
        }
        return [.. scan.Statements, scan.RestStatement];
    }

    private enum State
    {
        Code,
        StringLiteral,
        QuotedIdentifier,
        LineComment,
        BlockComment,
    }

    /// <summary>Scans <paramref name="text"/>; positions are 1-based lines and columns of <paramref name="text"/>.</summary>
    public static ScanResult Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var statements = new List<SqlStatement>();
        var state = State.Code;
        var line = 1;
        var lineStart = 0;

        // The current statement: where its text starts (first non-blank), whether it has code beyond comments, and
        // the words that decide whether it is a statement set.
        var start = -1;
        var startLine = 0;
        var startColumn = 0;
        var significant = false;
        var words = 0;
        var statementSet = false;
        var caseDepth = 0;
        var setEnded = false;
        var restStart = 0;

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (state == State.LineComment)
                {
                    state = State.Code;
                }
                i++;
                line++;
                lineStart = i;
                continue;
            }
            switch (state)
            {
                case State.StringLiteral:
                    // '' inside a literal is an escaped quote: it closes and reopens, which this handles as is.
                    if (c == '\'')
                    {
                        state = State.Code;
                    }
                    i++;
                    continue;
                case State.QuotedIdentifier:
                    if (c == '`')
                    {
                        state = State.Code;
                    }
                    i++;
                    continue;
                case State.LineComment:
                    i++;
                    continue;
                case State.BlockComment:
                    if (c == '*' && i + 1 < text.Length && text[i + 1] == '/')
                    {
                        state = State.Code;
                        i += 2;
                        continue;
                    }
                    i++;
                    continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (start < 0 && c != ';')
            {
                start = i;
                startLine = line;
                startColumn = i - lineStart + 1;
            }
            if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                state = State.LineComment;
                i += 2;
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                state = State.BlockComment;
                i += 2;
                continue;
            }
            if (c == ';')
            {
                if (!statementSet || setEnded)
                {
                    if (significant)
                    {
                        statements.Add(new SqlStatement(text[start..i].TrimEnd(), startLine, startColumn));
                    }
                    start = -1;
                    significant = false;
                    words = 0;
                    statementSet = false;
                    caseDepth = 0;
                    setEnded = false;
                    restStart = i + 1;
                }
                i++;
                continue;
            }
            significant = true;
            if (c == '\'')
            {
                state = State.StringLiteral;
                words = int.MaxValue; // a statement set's keywords come first, before any literal
                i++;
                continue;
            }
            if (c == '`')
            {
                state = State.QuotedIdentifier;
                words = int.MaxValue;
                i++;
                continue;
            }
            if (!IsWordChar(c))
            {
                words = int.MaxValue;
                i++;
                continue;
            }
            var wordStart = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }
            var word = text.AsSpan(wordStart, i - wordStart);
            if (words < StatementSetPrefix.Length)
            {
                words = word.Equals(StatementSetPrefix[words], StringComparison.OrdinalIgnoreCase) ? words + 1 : int.MaxValue;
                statementSet = words == StatementSetPrefix.Length;
            }
            else if (statementSet && !setEnded)
            {
                // CASE ... END nests inside the set's INSERTs; the END that closes no CASE closes the set.
                if (word.Equals("CASE", StringComparison.OrdinalIgnoreCase))
                {
                    caseDepth++;
                }
                else if (word.Equals("END", StringComparison.OrdinalIgnoreCase))
                {
                    if (caseDepth > 0)
                    {
                        caseDepth--;
                    }
                    else
                    {
                        setEnded = true;
                    }
                }
            }
        }

        var rest = text[restStart..];
        var restStatement = significant ? new SqlStatement(text[start..].TrimEnd(), startLine, startColumn) : null;
        var open = state is State.StringLiteral or State.QuotedIdentifier or State.BlockComment;
        return new ScanResult(statements, rest, restStatement, open);
    }

    private static readonly string[] StatementSetPrefix = ["EXECUTE", "STATEMENT", "SET", "BEGIN"];

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';
}
