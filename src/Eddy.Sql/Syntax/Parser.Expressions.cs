namespace Eddy.Sql.Syntax;

/// <summary>Expressions: a precedence-climbing parser with Calcite's precedences (see <see cref="Precedences"/>).</summary>
internal sealed partial class Parser
{
    internal Expression ParseStandaloneExpression()
    {
        var expression = ParseExpression();
        ExpectEnd();
        return expression;
    }

    private void ExpectEnd()
    {
        if (!AtEnd)
        {
            Expecting("<EOF>");
            throw Unexpected();
        }
    }

    private Expression ParseExpression() => ParseExpression(0);

    /// <summary>An expression whose operators bind at least as tightly as <paramref name="minPrecedence"/>.</summary>
    private Expression ParseExpression(int minPrecedence)
    {
        Enter();
        var chained = 0;
        try
        {
            var left = ParsePrefix();
            while (true)
            {
                var precedence = InfixPrecedence();
                if (precedence < minPrecedence)
                    return left;
                Enter();
                chained++;
                left = ParseInfix(left, precedence) with { Position = left.Position };
            }
        }
        finally
        {
            Leave(1 + chained);
        }
    }

    /// <summary>The precedence of the infix or postfix operator at the current token, or -1 if there is none.</summary>
    private int InfixPrecedence()
    {
        var token = Current;
        if (token.Kind == TokenKind.Symbol)
        {
            switch (token.Text)
            {
                case "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=": return Precedences.Comparison;
                case "+" or "-": return Precedences.Additive;
                case "*" or "/" or "%" or "||": return Precedences.Multiplicative;
                case "[": return Precedences.Atom;
                case "." when IsIdentifierToken(PeekAt(1)): return Precedences.Atom;
            }
            Expecting("<OPERATOR>");
            return -1;
        }
        if (token.Kind != TokenKind.Word)
            return -1;
        switch (token.Text.ToUpperInvariant())
        {
            case "OR": return Precedences.Or;
            case "AND": return Precedences.And;
            case "IS":
                var next = PeekAt(1).IsWord("NOT") ? PeekAt(2) : PeekAt(1);
                return next.IsWord("DISTINCT") ? Precedences.Comparison : Precedences.Is;
            case "BETWEEN" or "LIKE" or "IN" or "SIMILAR": return Precedences.Between;
            case "NOT":
                var negated = PeekAt(1);
                return negated.IsWord("BETWEEN") || negated.IsWord("LIKE") || negated.IsWord("IN") || negated.IsWord("SIMILAR") ? Precedences.Between : -1;
            default: return -1;
        }
    }

    private Expression ParseInfix(Expression left, int precedence)
    {
        var token = Advance();
        if (token.Kind == TokenKind.Symbol)
        {
            switch (token.Text)
            {
                case "[":
                    var index = ParseExpression();
                    ExpectSymbol("]");
                    return new ItemAccessExpression(left, index);
                case ".":
                    return new FieldAccessExpression(left, ParseIdentifier());
            }
            var op = token.Text switch
            {
                "=" => BinaryOperator.Equal,
                "<>" or "!=" => BinaryOperator.NotEqual,
                "<" => BinaryOperator.LessThan,
                "<=" => BinaryOperator.LessThanOrEqual,
                ">" => BinaryOperator.GreaterThan,
                ">=" => BinaryOperator.GreaterThanOrEqual,
                "+" => BinaryOperator.Add,
                "-" => BinaryOperator.Subtract,
                "*" => BinaryOperator.Multiply,
                "/" => BinaryOperator.Divide,
                "%" => BinaryOperator.Modulo,
                _ => BinaryOperator.Concat,
            };
            return new BinaryExpression(op, left, ParseExpression(precedence + 1));
        }
        switch (token.Text.ToUpperInvariant())
        {
            case "OR": return new BinaryExpression(BinaryOperator.Or, left, ParseExpression(precedence + 1));
            case "AND": return new BinaryExpression(BinaryOperator.And, left, ParseExpression(precedence + 1));
            case "IS":
                var negated = AcceptWord("NOT");
                if (AcceptWord("NULL"))
                    return new IsExpression(left, IsTest.Null, negated);
                if (AcceptWord("TRUE"))
                    return new IsExpression(left, IsTest.True, negated);
                if (AcceptWord("FALSE"))
                    return new IsExpression(left, IsTest.False, negated);
                if (AcceptWord("UNKNOWN"))
                    return new IsExpression(left, IsTest.Unknown, negated);
                if (AcceptWord("DISTINCT"))
                {
                    ExpectWord("FROM");
                    return new IsDistinctFromExpression(left, ParseExpression(Precedences.Comparison + 1), negated);
                }
                throw Unexpected();
            case "NOT":
                return ParseNegatable(left, Advance(), negated: true);
            default:
                return ParseNegatable(left, token, negated: false);
        }
    }

    /// <summary>BETWEEN, LIKE, SIMILAR TO and IN, after their (optional) NOT.</summary>
    private Expression ParseNegatable(Expression left, Token keyword, bool negated)
    {
        const int operand = Precedences.Between + 1;
        switch (keyword.Text.ToUpperInvariant())
        {
            case "BETWEEN":
                var symmetric = AcceptWord("SYMMETRIC");
                if (!symmetric)
                    AcceptWord("ASYMMETRIC");
                var low = ParseExpression(operand);
                ExpectWord("AND");
                return new BetweenExpression(left, low, ParseExpression(operand), negated, symmetric);
            case "SIMILAR":
                ExpectWord("TO");
                return ParseLike(left, negated, similarTo: true);
            case "LIKE":
                return ParseLike(left, negated, similarTo: false);
            default:
                ExpectSymbol("(");
                if (IsQueryStart())
                {
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    return new InSubqueryExpression(left, query, negated);
                }
                var values = ParseExpressionList();
                ExpectSymbol(")");
                return new InListExpression(left, values, negated);
        }
    }

    private LikeExpression ParseLike(Expression left, bool negated, bool similarTo)
    {
        var pattern = ParseExpression(Precedences.Between + 1);
        var escape = AcceptWord("ESCAPE") ? ParseExpression(Precedences.Between + 1) : null;
        return new LikeExpression(left, pattern, escape, negated, similarTo);
    }

    private SyntaxList<Expression> ParseExpressionList()
    {
        var list = new List<Expression> { ParseExpression() };
        while (AcceptSymbol(","))
            list.Add(ParseExpression());
        return new(list);
    }

    private Expression ParsePrefix()
    {
        var position = Position;
        if (AcceptWord("NOT"))
            return new UnaryExpression(UnaryOperator.Not, ParseExpression(Precedences.Not)) { Position = position };
        if (AcceptSymbol("-"))
            return new UnaryExpression(UnaryOperator.Minus, ParseExpression(Precedences.Unary)) { Position = position };
        if (AcceptSymbol("+"))
            return new UnaryExpression(UnaryOperator.Plus, ParseExpression(Precedences.Unary)) { Position = position };
        var primary = ParsePrimary();
        return primary.Position == position ? primary : primary with { Position = position };
    }

    /// <summary>Whether a query starts here: SELECT, WITH, VALUES, or parentheses around one.</summary>
    private bool IsQueryStart()
    {
        var ahead = 0;
        while (PeekAt(ahead).IsSymbol("("))
            ahead++;
        var token = PeekAt(ahead);
        return token.IsWord("SELECT") || token.IsWord("WITH") || token.IsWord("VALUES");
    }

    private Expression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.ExactNumber:
                Advance();
                return new NumericLiteral(token.Text, IsApproximate: false);
            case TokenKind.ApproximateNumber:
                Advance();
                return new NumericLiteral(token.Text, IsApproximate: true);
            case TokenKind.String:
                Advance();
                return new StringLiteral(token.Text);
            case TokenKind.Binary:
                Advance();
                return new BinaryLiteral(token.Text);
            case TokenKind.QuotedIdentifier:
                return ParseIdentifierExpression();
            case TokenKind.Symbol when token.Text == "(":
                return ParseParenthesized();
            case TokenKind.Symbol when token.Text == "*":
                Advance();
                return new StarExpression(SyntaxList<string>.Empty);
            case TokenKind.Word:
                return ParseWordExpression(token);
        }
        Expecting("<EXPRESSION>");
        throw Unexpected();
    }

    private Expression ParseParenthesized()
    {
        ExpectSymbol("(");
        if (IsQueryStart())
        {
            var query = ParseQuery();
            ExpectSymbol(")");
            return new SubqueryExpression(query);
        }
        var first = ParseExpression();
        if (AcceptSymbol(")"))
            return first;
        var elements = new List<Expression> { first };
        while (AcceptSymbol(","))
            elements.Add(ParseExpression());
        ExpectSymbol(")");
        return new ConstructorExpression(ConstructorKind.Row, new(elements));
    }

    private Expression ParseWordExpression(Token token)
    {
        var next = PeekAt(1);
        var word = token.Text.ToUpperInvariant();
        switch (word)
        {
            case "TRUE": Advance(); return new BooleanLiteral(true);
            case "FALSE": Advance(); return new BooleanLiteral(false);
            case "UNKNOWN": Advance(); return new BooleanLiteral(null);
            case "NULL": Advance(); return new NullLiteral();
            case "CASE": return ParseCase();
            case "CAST": return ParseCast(isTry: false);
            case "TRY_CAST" when next.IsSymbol("("): return ParseCast(isTry: true);
            case "EXTRACT": return ParseExtract();
            case "FLOOR" or "CEIL" or "CEILING" when next.IsSymbol("("): return ParseFloorCeil(word != "FLOOR");
            case "POSITION" when next.IsSymbol("("): return ParsePosition();
            case "TRIM" when next.IsSymbol("("): return ParseTrim();
            case "SUBSTRING" when next.IsSymbol("("): return ParseSubstring();
            case "OVERLAY" when next.IsSymbol("("): return ParseOverlay();
            case "TIMESTAMPADD" or "TIMESTAMPDIFF" when next.IsSymbol("("): return ParseTimestampAddDiff();
            case "JSON_VALUE" or "JSON_QUERY" or "JSON_EXISTS" when next.IsSymbol("("): return ParseJsonFunction(word);
            case "EXISTS":
                Advance();
                ExpectSymbol("(");
                var exists = ParseQuery();
                ExpectSymbol(")");
                return new ExistsExpression(exists);
            case "ARRAY" when next.IsSymbol("["):
                Advance();
                return ParseConstructor(ConstructorKind.Array, "]");
            case "MAP" when next.IsSymbol("["):
                Advance();
                return ParseConstructor(ConstructorKind.Map, "]");
            case "ROW" when next.IsSymbol("("):
                Advance();
                return ParseConstructor(ConstructorKind.Row, ")");
            case "INTERVAL": return ParseIntervalLiteral();
            case "DATE" when next.Kind == TokenKind.String:
                Advance();
                return new DateTimeLiteral(DateTimeLiteralKind.Date, Advance().Text);
            case "TIME" when next.Kind == TokenKind.String:
                Advance();
                return new DateTimeLiteral(DateTimeLiteralKind.Time, Advance().Text);
            case "TIMESTAMP" when next.Kind == TokenKind.String:
                Advance();
                return new DateTimeLiteral(DateTimeLiteralKind.Timestamp, Advance().Text);
            case "TIMESTAMP" when next.IsWord("WITH") && PeekAt(2).IsWord("LOCAL"):
                Advance();
                ExpectWord("WITH");
                ExpectWord("LOCAL");
                ExpectWord("TIME");
                ExpectWord("ZONE");
                return new DateTimeLiteral(DateTimeLiteralKind.TimestampLtz, ParseString());
            case "TIMESTAMP_LTZ" when next.Kind == TokenKind.String:
                Advance();
                return new DateTimeLiteral(DateTimeLiteralKind.TimestampLtz, Advance().Text);
            case "DESCRIPTOR" when next.IsSymbol("("):
                Advance();
                return new DescriptorExpression(ParseParenthesizedIdentifiers());
            case "CURRENT_DATE" or "CURRENT_TIME" or "CURRENT_TIMESTAMP" or "LOCALTIME" or "LOCALTIMESTAMP":
                Advance();
                return new FunctionCall([word], SyntaxList<Expression>.Empty, Niladic: true);
            case "MATCH_RECOGNIZE":
                throw Unsupported(token.Position, "MATCH_RECOGNIZE");
        }
        if (SqlKeywords.IsReserved(token.Text))
        {
            if (SqlKeywords.IsReservedFunctionName(token.Text) && next.IsSymbol("("))
            {
                Advance();
                return ParseFunctionCall([token.Text.ToUpperInvariant()]);
            }
            Expecting("<EXPRESSION>");
            throw Unexpected();
        }
        return ParseIdentifierExpression();
    }

    private Expression ParseIdentifierExpression()
    {
        var names = new List<string> { ParseIdentifier() };
        while (Current.IsSymbol("."))
        {
            if (PeekAt(1).IsSymbol("*"))
            {
                _index += 2;
                return new StarExpression(new(names));
            }
            if (!IsIdentifierToken(PeekAt(1)))
                break;
            Advance();
            names.Add(Advance().Text);
        }
        if (Current.IsSymbol("("))
            return ParseFunctionCall(new(names));
        return new ColumnReference(new(names));
    }

    private FunctionCall ParseFunctionCall(SyntaxList<string> name)
    {
        ExpectSymbol("(");
        var distinct = AcceptWord("DISTINCT");
        if (!distinct)
            AcceptWord("ALL");
        var arguments = new List<Expression>();
        if (Current.IsSymbol("*") && PeekAt(1).IsSymbol(")"))
        {
            arguments.Add(new StarExpression(SyntaxList<string>.Empty) { Position = Advance().Position });
        }
        else if (!Current.IsSymbol(")"))
        {
            do
                arguments.Add(ParseArgument());
            while (AcceptSymbol(","));
        }
        ExpectSymbol(")");
        Expression? filter = null;
        if (AcceptWord("FILTER"))
        {
            ExpectSymbol("(");
            ExpectWord("WHERE");
            filter = ParseExpression();
            ExpectSymbol(")");
        }
        WindowSpecification? over = null;
        if (IsWord("OVER"))
        {
            var position = Advance().Position;
            over = Current.IsSymbol("(")
                ? ParseWindowSpecification()
                : new WindowSpecification(ParseIdentifier(), SyntaxList<Expression>.Empty, SyntaxList<OrderItem>.Empty, null) { Position = position };
        }
        return new FunctionCall(name, new(arguments), distinct, filter, over);
    }

    /// <summary>An argument: an expression, <c>name =&gt; value</c>, or <c>TABLE t [PARTITION BY ...]</c>.</summary>
    private Expression ParseArgument()
    {
        var position = Position;
        if (IsIdentifierToken(Current) && PeekAt(1).IsSymbol("=>"))
        {
            var name = Advance().Text;
            Advance();
            return new NamedArgument(name, ParseArgument()) { Position = position };
        }
        if (Current.IsWord("TABLE") && !PeekAt(1).IsSymbol("("))
        {
            Advance();
            var table = ParseCompoundName();
            var partitionBy = SyntaxList<Expression>.Empty;
            if (AcceptWords("PARTITION", "BY"))
            {
                // One column, or several in parentheses: a comma would start the function's next argument.
                if (AcceptSymbol("("))
                {
                    partitionBy = ParseExpressionList();
                    ExpectSymbol(")");
                }
                else
                {
                    var keyPosition = Position;
                    partitionBy = [new ColumnReference(ParseCompoundName()) { Position = keyPosition }];
                }
            }
            return new TableArgument(table, partitionBy) { Position = position };
        }
        return ParseExpression();
    }

    private ConstructorExpression ParseConstructor(ConstructorKind kind, string close)
    {
        Advance();
        var elements = Current.IsSymbol(close) ? SyntaxList<Expression>.Empty : ParseExpressionList();
        ExpectSymbol(close);
        return new ConstructorExpression(kind, elements);
    }

    private CaseExpression ParseCase()
    {
        ExpectWord("CASE");
        var operand = IsWord("WHEN") ? null : ParseExpression();
        var whens = new List<WhenClause>();
        do
        {
            var position = ExpectWord("WHEN").Position;
            var condition = ParseExpression();
            ExpectWord("THEN");
            whens.Add(new WhenClause(condition, ParseExpression()) { Position = position });
        }
        while (IsWord("WHEN"));
        var otherwise = AcceptWord("ELSE") ? ParseExpression() : null;
        ExpectWord("END");
        return new CaseExpression(operand, new(whens), otherwise);
    }

    private CastExpression ParseCast(bool isTry)
    {
        Advance();
        ExpectSymbol("(");
        var operand = ParseExpression();
        ExpectWord("AS");
        var type = ParseDataType();
        ExpectSymbol(")");
        return new CastExpression(operand, type, isTry);
    }

    private ExtractExpression ParseExtract()
    {
        Advance();
        ExpectSymbol("(");
        var unit = ParseTimeUnit(extended: true);
        ExpectWord("FROM");
        var operand = ParseExpression();
        ExpectSymbol(")");
        return new ExtractExpression(unit, operand);
    }

    private Expression ParseFloorCeil(bool ceil)
    {
        var name = Advance().Text.ToUpperInvariant();
        ExpectSymbol("(");
        var operand = ParseExpression();
        if (AcceptWord("TO"))
        {
            var unit = ParseTimeUnit(extended: true);
            ExpectSymbol(")");
            return new FloorCeilExpression(ceil, operand, unit);
        }
        var arguments = new List<Expression> { operand };
        while (AcceptSymbol(","))
            arguments.Add(ParseExpression());
        ExpectSymbol(")");
        return new FunctionCall([name], new(arguments));
    }

    private PositionExpression ParsePosition()
    {
        Advance();
        ExpectSymbol("(");
        var needle = ParseExpression(Precedences.Between + 1);
        ExpectWord("IN");
        var haystack = ParseExpression();
        ExpectSymbol(")");
        return new PositionExpression(needle, haystack);
    }

    private TrimExpression ParseTrim()
    {
        Advance();
        ExpectSymbol("(");
        var side = TrimSide.Both;
        var sideWritten = true;
        if (AcceptWord("LEADING"))
            side = TrimSide.Leading;
        else if (AcceptWord("TRAILING"))
            side = TrimSide.Trailing;
        else if (!AcceptWord("BOTH"))
            sideWritten = false;
        Expression? characters = null;
        Expression source;
        if (AcceptWord("FROM"))
        {
            source = ParseExpression();
        }
        else
        {
            var first = ParseExpression();
            if (AcceptWord("FROM"))
            {
                characters = first;
                source = ParseExpression();
            }
            else if (!sideWritten)
            {
                source = first;
            }
            else
            {
                throw Unexpected();
            }
        }
        ExpectSymbol(")");
        return new TrimExpression(side, characters, source);
    }

    private FunctionCall ParseSubstring()
    {
        Advance();
        ExpectSymbol("(");
        var arguments = new List<Expression> { ParseExpression() };
        if (AcceptWord("FROM"))
        {
            arguments.Add(ParseExpression());
            if (AcceptWord("FOR"))
                arguments.Add(ParseExpression());
        }
        else
        {
            while (AcceptSymbol(","))
                arguments.Add(ParseExpression());
        }
        ExpectSymbol(")");
        return new FunctionCall(["SUBSTRING"], new(arguments));
    }

    private OverlayExpression ParseOverlay()
    {
        Advance();
        ExpectSymbol("(");
        var source = ParseExpression();
        ExpectWord("PLACING");
        var replacement = ParseExpression();
        ExpectWord("FROM");
        var start = ParseExpression();
        var length = AcceptWord("FOR") ? ParseExpression() : null;
        ExpectSymbol(")");
        return new OverlayExpression(source, replacement, start, length);
    }

    private FunctionCall ParseTimestampAddDiff()
    {
        var name = Advance().Text.ToUpperInvariant();
        ExpectSymbol("(");
        var unitPosition = Position;
        var arguments = new List<Expression> { new TimeUnitExpression(ParseTimeUnit(extended: true)) { Position = unitPosition } };
        ExpectSymbol(",");
        arguments.Add(ParseExpression());
        ExpectSymbol(",");
        arguments.Add(ParseExpression());
        ExpectSymbol(")");
        return new FunctionCall([name], new(arguments));
    }

    private JsonFunctionExpression ParseJsonFunction(string word)
    {
        Advance();
        var function = word switch
        {
            "JSON_VALUE" => JsonFunction.Value,
            "JSON_QUERY" => JsonFunction.Query,
            _ => JsonFunction.Exists,
        };
        ExpectSymbol("(");
        var input = ParseExpression();
        ExpectSymbol(",");
        var path = ParseExpression();
        TypeName? returning = null;
        var wrapper = JsonWrapper.Without;
        JsonBehavior? onEmpty = null;
        JsonBehavior? onError = null;
        if (function == JsonFunction.Value && AcceptWord("RETURNING"))
            returning = ParseDataType();
        if (function == JsonFunction.Query)
        {
            if (AcceptWord("WITHOUT"))
            {
                AcceptWord("ARRAY");
                ExpectWord("WRAPPER");
            }
            else if (AcceptWord("WITH"))
            {
                wrapper = AcceptWord("CONDITIONAL") ? JsonWrapper.Conditional : JsonWrapper.Unconditional;
                if (wrapper == JsonWrapper.Unconditional)
                    AcceptWord("UNCONDITIONAL");
                AcceptWord("ARRAY");
                ExpectWord("WRAPPER");
            }
        }
        while (!Current.IsSymbol(")"))
        {
            var position = Position;
            var behavior = ParseJsonBehavior(function) with { Position = position };
            ExpectWord("ON");
            if (function != JsonFunction.Exists && onEmpty is null && onError is null && AcceptWord("EMPTY"))
            {
                onEmpty = behavior;
            }
            else if (onError is null)
            {
                ExpectWord("ERROR");
                onError = behavior;
            }
            else
            {
                throw Unexpected();
            }
        }
        ExpectSymbol(")");
        return new JsonFunctionExpression(function, input, path, returning, wrapper, onEmpty, onError);
    }

    private JsonBehavior ParseJsonBehavior(JsonFunction function)
    {
        if (AcceptWord("ERROR"))
            return new JsonBehavior(JsonBehaviorKind.Error, null);
        if (function == JsonFunction.Exists)
        {
            if (AcceptWord("TRUE"))
                return new JsonBehavior(JsonBehaviorKind.True, null);
            if (AcceptWord("FALSE"))
                return new JsonBehavior(JsonBehaviorKind.False, null);
            if (AcceptWord("UNKNOWN"))
                return new JsonBehavior(JsonBehaviorKind.Unknown, null);
            throw Unexpected();
        }
        if (AcceptWord("NULL"))
            return new JsonBehavior(JsonBehaviorKind.Null, null);
        if (function == JsonFunction.Value)
        {
            ExpectWord("DEFAULT");
            return new JsonBehavior(JsonBehaviorKind.Default, ParseExpression());
        }
        ExpectWord("EMPTY");
        if (AcceptWord("ARRAY"))
            return new JsonBehavior(JsonBehaviorKind.EmptyArray, null);
        ExpectWord("OBJECT");
        return new JsonBehavior(JsonBehaviorKind.EmptyObject, null);
    }

    private static readonly (string Name, TimeUnit Unit)[] TimeUnitNames =
    [
        ("YEAR", TimeUnit.Year), ("QUARTER", TimeUnit.Quarter), ("MONTH", TimeUnit.Month), ("WEEK", TimeUnit.Week),
        ("DAY", TimeUnit.Day), ("HOUR", TimeUnit.Hour), ("MINUTE", TimeUnit.Minute), ("SECOND", TimeUnit.Second),
        ("MILLISECOND", TimeUnit.Millisecond), ("MICROSECOND", TimeUnit.Microsecond), ("NANOSECOND", TimeUnit.Nanosecond),
        ("DOW", TimeUnit.Dow), ("DOY", TimeUnit.Doy), ("ISODOW", TimeUnit.IsoDow), ("ISOYEAR", TimeUnit.IsoYear),
        ("EPOCH", TimeUnit.Epoch), ("DECADE", TimeUnit.Decade), ("CENTURY", TimeUnit.Century), ("MILLENNIUM", TimeUnit.Millennium),
    ];

    /// <summary>A unit of EXTRACT, FLOOR/CEIL TO and TIMESTAMPADD/DIFF (all units), or of an interval (YEAR to SECOND).</summary>
    private TimeUnit ParseTimeUnit(bool extended)
    {
        foreach (var (name, unit) in TimeUnitNames)
        {
            if (!extended && unit is not (TimeUnit.Year or TimeUnit.Month or TimeUnit.Day or TimeUnit.Hour or TimeUnit.Minute or TimeUnit.Second))
                continue;
            // Calcite accepts the plural forms too (INTERVAL '10' MINUTES).
            if (IsWord(name) || Current.IsWord(name + "S"))
            {
                Advance();
                return unit;
            }
        }
        throw Unexpected();
    }

    private IntervalLiteral ParseIntervalLiteral()
    {
        ExpectWord("INTERVAL");
        var sign = "";
        if (AcceptSymbol("-"))
            sign = "-";
        else
            AcceptSymbol("+");
        var text = sign + ParseString();
        return new IntervalLiteral(text, ParseIntervalQualifier());
    }

    private static TimeUnit? RangeEnd(TimeUnit start, Token token)
    {
        TimeUnit? end = token.IsWord("MONTH") || token.IsWord("MONTHS") ? TimeUnit.Month
            : token.IsWord("HOUR") || token.IsWord("HOURS") ? TimeUnit.Hour
            : token.IsWord("MINUTE") || token.IsWord("MINUTES") ? TimeUnit.Minute
            : token.IsWord("SECOND") || token.IsWord("SECONDS") ? TimeUnit.Second
            : null;
        var valid = start switch
        {
            TimeUnit.Year => end == TimeUnit.Month,
            TimeUnit.Day => end is TimeUnit.Hour or TimeUnit.Minute or TimeUnit.Second,
            TimeUnit.Hour => end is TimeUnit.Minute or TimeUnit.Second,
            TimeUnit.Minute => end == TimeUnit.Second,
            _ => false,
        };
        return valid ? end : null;
    }

    private IntervalQualifier ParseIntervalQualifier()
    {
        var position = Position;
        var start = ParseTimeUnit(extended: false);
        int? startPrecision = null;
        int? fraction = null;
        if (AcceptSymbol("("))
        {
            startPrecision = ParseUnsignedInt();
            if (start == TimeUnit.Second && AcceptSymbol(","))
                fraction = ParseUnsignedInt();
            ExpectSymbol(")");
        }
        TimeUnit? end = null;
        // "TO unit" belongs to the qualifier only when it makes a valid range: in FLOOR(x + INTERVAL '1' DAY TO HOUR)
        // the TO is FLOOR's, as in Calcite.
        if (start != TimeUnit.Second && Current.IsWord("TO") && RangeEnd(start, PeekAt(1)) is { } rangeEnd)
        {
            _index += 2;
            end = rangeEnd;
            if (end == TimeUnit.Second && AcceptSymbol("("))
            {
                fraction = ParseUnsignedInt();
                ExpectSymbol(")");
            }
        }
        return new IntervalQualifier(start, startPrecision, end, fraction) { Position = position };
    }
}
