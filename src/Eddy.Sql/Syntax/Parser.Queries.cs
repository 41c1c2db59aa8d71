namespace Eddy.Sql.Syntax;

/// <summary>Queries: WITH, set operations, SELECT, VALUES, FROM items and joins, GROUP BY, windows, ORDER BY and LIMIT.</summary>
internal sealed partial class Parser
{
    internal Query ParseStandaloneQuery()
    {
        var query = ParseQuery();
        ExpectEnd();
        return query;
    }

    private Query ParseQuery()
    {
        var position = Position;
        Enter();
        try
        {
            if (AcceptWord("WITH"))
            {
                var ctes = new List<CommonTableExpression>();
                do
                {
                    var ctePosition = Position;
                    var name = ParseIdentifier();
                    var columns = Current.IsSymbol("(") ? ParseParenthesizedIdentifiers() : SyntaxList<string>.Empty;
                    ExpectWord("AS");
                    ExpectSymbol("(");
                    var cteQuery = ParseQuery();
                    ExpectSymbol(")");
                    ctes.Add(new CommonTableExpression(name, columns, cteQuery) { Position = ctePosition });
                }
                while (AcceptSymbol(","));
                return new WithQuery(new(ctes), ParseOrderedQuery()) { Position = position };
            }
            return ParseOrderedQuery();
        }
        finally
        {
            Leave();
        }
    }

    private Query ParseOrderedQuery()
    {
        var position = Position;
        var body = ParseSetOperations(intersectOnly: false);
        var orderBy = SyntaxList<OrderItem>.Empty;
        Expression? limit = null, offset = null;
        if (AcceptWords("ORDER", "BY"))
            orderBy = ParseOrderItems();
        else
            Expecting("\"ORDER\"");
        if (AcceptWord("LIMIT"))
            limit = AcceptWord("ALL") ? null : ParseExpression();
        if (AcceptWord("OFFSET"))
        {
            offset = ParseExpression();
            if (!AcceptWord("ROWS"))
                AcceptWord("ROW");
        }
        if (limit is null && IsWord("FETCH"))
        {
            Advance();
            if (!AcceptWord("FIRST"))
                ExpectWord("NEXT");
            limit = ParseExpression();
            if (!AcceptWord("ROWS"))
                ExpectWord("ROW");
            ExpectWord("ONLY");
        }
        if (limit is null && offset is not null && AcceptWord("LIMIT"))
            limit = ParseExpression();
        if (orderBy.Count == 0 && limit is null && offset is null)
            return body;
        return new OrderedQuery(body, orderBy, limit, offset) { Position = position };
    }

    private Query ParseSetOperations(bool intersectOnly)
    {
        var position = Position;
        var left = intersectOnly ? ParseQueryPrimary() : ParseSetOperations(intersectOnly: true);
        var chained = 0;
        try
        {
            while (true)
            {
                SetOperator op;
                if (AcceptWord("INTERSECT"))
                    op = SetOperator.Intersect;
                else if (!intersectOnly && AcceptWord("UNION"))
                    op = SetOperator.Union;
                else if (!intersectOnly && (AcceptWord("EXCEPT") || AcceptWord("MINUS")))
                    op = SetOperator.Except;
                else
                    return left;
                if (intersectOnly != (op == SetOperator.Intersect))
                {
                    // INTERSECT binds tighter: it is parsed one level down.
                    _index--;
                    return left;
                }
                var all = AcceptWord("ALL");
                if (!all)
                    AcceptWord("DISTINCT");
                Enter();
                chained++;
                var right = intersectOnly ? ParseQueryPrimary() : ParseSetOperations(intersectOnly: true);
                left = new SetOperationQuery(op, all, left, right) { Position = position };
            }
        }
        finally
        {
            Leave(chained);
        }
    }

    private Query ParseQueryPrimary()
    {
        if (IsWord("SELECT"))
            return ParseSelect();
        if (IsWord("VALUES"))
            return ParseValues();
        if (AcceptSymbol("("))
        {
            var query = ParseQuery();
            ExpectSymbol(")");
            return query;
        }
        throw Unexpected();
    }

    private ValuesQuery ParseValues()
    {
        var position = ExpectWord("VALUES").Position;
        var rows = new List<ConstructorExpression>();
        do
        {
            var rowPosition = Position;
            if (AcceptWord("ROW"))
                rowPosition = Position;
            ExpectSymbol("(");
            var elements = ParseExpressionList();
            ExpectSymbol(")");
            rows.Add(new ConstructorExpression(ConstructorKind.Row, elements) { Position = rowPosition });
        }
        while (AcceptSymbol(","));
        return new ValuesQuery(new(rows)) { Position = position };
    }

    private SelectQuery ParseSelect()
    {
        var position = ExpectWord("SELECT").Position;
        var hints = ParseHints();
        var distinct = AcceptWord("DISTINCT");
        if (!distinct)
            AcceptWord("ALL");
        var items = new List<SelectItem>();
        do
        {
            var itemPosition = Position;
            var expression = ParseExpression();
            string? alias = null;
            if (expression is StarExpression)
            {
                // A star takes no alias (Calcite's grammar), so "SELECT * FORM t" fails at FORM.
            }
            else if (AcceptWord("AS"))
            {
                alias = ParseAlias();
            }
            else if (IsIdentifierToken(Current) || Current.Kind == TokenKind.String)
            {
                alias = ParseAlias();
            }
            items.Add(new SelectItem(expression, alias) { Position = itemPosition });
        }
        while (AcceptSymbol(","));
        TableReference? from = null;
        if (AcceptWord("FROM"))
            from = ParseFrom();
        var where = AcceptWord("WHERE") ? ParseExpression() : null;
        var groupBy = SyntaxList<Expression>.Empty;
        if (AcceptWords("GROUP", "BY"))
        {
            var keys = new List<Expression>();
            do
                keys.Add(ParseGroupingElement());
            while (AcceptSymbol(","));
            groupBy = new(keys);
        }
        else
        {
            Expecting("\"GROUP\"");
        }
        var having = AcceptWord("HAVING") ? ParseExpression() : null;
        var windows = SyntaxList<NamedWindow>.Empty;
        if (AcceptWord("WINDOW"))
        {
            var list = new List<NamedWindow>();
            do
            {
                var windowPosition = Position;
                var name = ParseIdentifier();
                ExpectWord("AS");
                list.Add(new NamedWindow(name, ParseWindowSpecification()) { Position = windowPosition });
            }
            while (AcceptSymbol(","));
            windows = new(list);
        }
        if (Current.IsWord("MATCH_RECOGNIZE"))
            throw Unsupported(Position, "MATCH_RECOGNIZE");
        return new SelectQuery(distinct, hints, new(items), from, where, groupBy, having, windows) { Position = position };
    }

    /// <summary>An alias: an identifier or (as Calcite allows in select lists) a string.</summary>
    private string ParseAlias() => Current.Kind == TokenKind.String ? Advance().Text : ParseIdentifier();

    private Expression ParseGroupingElement()
    {
        var position = Position;
        GroupingKind? kind = null;
        if (Current.IsWord("GROUPING") && PeekAt(1).IsWord("SETS"))
        {
            _index += 2;
            kind = GroupingKind.GroupingSets;
        }
        else if (Current.IsWord("ROLLUP") && PeekAt(1).IsSymbol("("))
        {
            Advance();
            kind = GroupingKind.Rollup;
        }
        else if (Current.IsWord("CUBE") && PeekAt(1).IsSymbol("("))
        {
            Advance();
            kind = GroupingKind.Cube;
        }
        if (kind is { } construct)
        {
            ExpectSymbol("(");
            var elements = new List<Expression>();
            do
                elements.Add(ParseGroupingElement());
            while (AcceptSymbol(","));
            ExpectSymbol(")");
            return new GroupingExpression(construct, new(elements)) { Position = position };
        }
        if (Current.IsSymbol("(") && PeekAt(1).IsSymbol(")"))
        {
            _index += 2;
            return new GroupingExpression(GroupingKind.Set, SyntaxList<Expression>.Empty) { Position = position };
        }
        var startsWithParenthesis = Current.IsSymbol("(");
        var expression = ParseExpression();
        // "(a, b)" in GROUP BY is a set of keys, not a row value.
        return startsWithParenthesis && expression is ConstructorExpression { Kind: ConstructorKind.Row } row
            ? new GroupingExpression(GroupingKind.Set, row.Elements) { Position = position }
            : expression;
    }

    private SyntaxList<OrderItem> ParseOrderItems()
    {
        var items = new List<OrderItem>();
        do
        {
            var position = Position;
            var expression = ParseExpression();
            var descending = false;
            if (AcceptWord("DESC"))
                descending = true;
            else
                AcceptWord("ASC");
            NullOrdering? nulls = null;
            if (AcceptWord("NULLS"))
            {
                if (AcceptWord("FIRST"))
                {
                    nulls = NullOrdering.First;
                }
                else
                {
                    ExpectWord("LAST");
                    nulls = NullOrdering.Last;
                }
            }
            items.Add(new OrderItem(expression, descending, nulls) { Position = position });
        }
        while (AcceptSymbol(","));
        return new(items);
    }

    private WindowSpecification ParseWindowSpecification()
    {
        var position = ExpectSymbol("(").Position;
        string? baseWindow = null;
        if (IsIdentifierToken(Current))
            baseWindow = Advance().Text;
        var partitionBy = AcceptWords("PARTITION", "BY") ? ParseExpressionList() : SyntaxList<Expression>.Empty;
        var orderBy = AcceptWords("ORDER", "BY") ? ParseOrderItems() : SyntaxList<OrderItem>.Empty;
        WindowFrame? frame = null;
        var framePosition = Position;
        var isRows = AcceptWord("ROWS");
        if (isRows || AcceptWord("RANGE"))
        {
            if (AcceptWord("BETWEEN"))
            {
                var start = ParseFrameBound();
                ExpectWord("AND");
                frame = new WindowFrame(isRows, start, ParseFrameBound()) { Position = framePosition };
            }
            else
            {
                frame = new WindowFrame(isRows, ParseFrameBound(), null) { Position = framePosition };
            }
        }
        ExpectSymbol(")");
        return new WindowSpecification(baseWindow, partitionBy, orderBy, frame) { Position = position };
    }

    private FrameBound ParseFrameBound()
    {
        var position = Position;
        if (Current.IsWord("UNBOUNDED"))
        {
            Advance();
            if (AcceptWord("PRECEDING"))
                return new FrameBound(FrameBoundKind.UnboundedPreceding, null) { Position = position };
            ExpectWord("FOLLOWING");
            return new FrameBound(FrameBoundKind.UnboundedFollowing, null) { Position = position };
        }
        if (AcceptWords("CURRENT", "ROW"))
            return new FrameBound(FrameBoundKind.CurrentRow, null) { Position = position };
        var offset = ParseExpression(Precedences.Between + 1);
        if (AcceptWord("PRECEDING"))
            return new FrameBound(FrameBoundKind.Preceding, offset) { Position = position };
        ExpectWord("FOLLOWING");
        return new FrameBound(FrameBoundKind.Following, offset) { Position = position };
    }

    private TableReference ParseFrom()
    {
        var left = ParseJoinedTable();
        var chained = 0;
        try
        {
            while (IsSymbol(","))
            {
                Advance();
                Enter();
                chained++;
                var right = ParseJoinedTable();
                left = new JoinTable(JoinKind.Comma, left, right, null, SyntaxList<string>.Empty, false) { Position = left.Position };
            }
            return left;
        }
        finally
        {
            Leave(chained);
        }
    }

    private TableReference ParseJoinedTable()
    {
        var left = ParseTablePrimary();
        var chained = 0;
        try
        {
            while (true)
            {
                var natural = AcceptWord("NATURAL");
                JoinKind kind;
                if (AcceptWord("JOIN"))
                {
                    kind = JoinKind.Inner;
                }
                else if (AcceptWord("INNER"))
                {
                    ExpectWord("JOIN");
                    kind = JoinKind.Inner;
                }
                else if (IsWord("LEFT") || IsWord("RIGHT") || IsWord("FULL"))
                {
                    kind = Advance().Text.ToUpperInvariant() switch { "LEFT" => JoinKind.Left, "RIGHT" => JoinKind.Right, _ => JoinKind.Full };
                    AcceptWord("OUTER");
                    ExpectWord("JOIN");
                }
                else if (!natural && AcceptWord("CROSS"))
                {
                    ExpectWord("JOIN");
                    kind = JoinKind.Cross;
                }
                else if (natural)
                {
                    throw Unexpected();
                }
                else
                {
                    return left;
                }
                Enter();
                chained++;
                var right = ParseTablePrimary();
                Expression? on = null;
                var usingColumns = SyntaxList<string>.Empty;
                if (kind != JoinKind.Cross && !natural)
                {
                    if (AcceptWord("ON"))
                    {
                        on = ParseExpression();
                    }
                    else if (AcceptWord("USING"))
                    {
                        usingColumns = ParseParenthesizedIdentifiers();
                    }
                    else
                    {
                        throw Unexpected();
                    }
                }
                left = new JoinTable(kind, left, right, on, usingColumns, natural) { Position = left.Position };
            }
        }
        finally
        {
            Leave(chained);
        }
    }

    private TableReference ParseTablePrimary()
    {
        var position = Position;
        Enter();
        try
        {
            TableReference table;
            if (IsSymbol("("))
            {
                if (IsQueryStart())
                {
                    Advance();
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    table = new DerivedTable(query, false, null);
                }
                else
                {
                    Advance();
                    var nested = ParseFrom();
                    ExpectSymbol(")");
                    return nested;
                }
            }
            else if (AcceptWord("LATERAL"))
            {
                if (AcceptWord("TABLE"))
                {
                    table = new TableFunctionTable(ParseTableFunctionCall(), true, null);
                }
                else
                {
                    ExpectSymbol("(");
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    table = new DerivedTable(query, true, null);
                }
            }
            else if (IsWord("TABLE") && PeekAt(1).IsSymbol("("))
            {
                Advance();
                table = new TableFunctionTable(ParseTableFunctionCall(), false, null);
            }
            else if (AcceptWord("UNNEST"))
            {
                ExpectSymbol("(");
                var collections = ParseExpressionList();
                ExpectSymbol(")");
                var ordinality = AcceptWords("WITH", "ORDINALITY");
                table = new UnnestTable(collections, ordinality, null);
            }
            else
            {
                var name = ParseCompoundName();
                var hints = ParseHints();
                Expression? asOf = null;
                if (AcceptWord("FOR"))
                {
                    ExpectWord("SYSTEM_TIME");
                    ExpectWord("AS");
                    ExpectWord("OF");
                    asOf = ParseExpression();
                }
                table = new NamedTable(name, hints, asOf, null);
            }
            if (Current.IsWord("MATCH_RECOGNIZE"))
                throw Unsupported(Position, "MATCH_RECOGNIZE");
            if (Current.IsWord("TABLESAMPLE"))
                throw Unsupported(Position, "TABLESAMPLE");
            var alias = ParseTableAlias();
            return table switch
            {
                NamedTable named => named with { Alias = alias, Position = position },
                DerivedTable derived => derived with { Alias = alias, Position = position },
                TableFunctionTable function => function with { Alias = alias, Position = position },
                UnnestTable unnest => unnest with { Alias = alias, Position = position },
                _ => table,
            };
        }
        finally
        {
            Leave();
        }
    }

    private FunctionCall ParseTableFunctionCall()
    {
        ExpectSymbol("(");
        var position = Position;
        var call = ParseExpression();
        if (call is not FunctionCall function)
            throw SqlParseException.At(position, "TABLE(...) takes a table function call.");
        ExpectSymbol(")");
        return function;
    }

    private TableAlias? ParseTableAlias()
    {
        var position = Position;
        if (!AcceptWord("AS") && !IsIdentifierToken(Current))
            return null;
        var name = ParseIdentifier();
        var columns = Current.IsSymbol("(") ? ParseParenthesizedIdentifiers() : SyntaxList<string>.Empty;
        return new TableAlias(name, columns) { Position = position };
    }
}
