namespace Eddy.Sql.Syntax;

/// <summary>A query: a SELECT, a set operation, VALUES, a WITH query or an ordered/limited query.</summary>
public abstract record Query : SqlNode;

/// <summary>A hint: <c>OPTIONS('k' = 'v')</c>, <c>BROADCAST(t)</c>, <c>STATE_TTL('t' = '1d')</c>, kept as written in <c>/*+ ... */</c>.</summary>
/// <param name="Name">The hint's name.</param>
/// <param name="Options">Key-value options (<c>OPTIONS('k' = 'v')</c>).</param>
/// <param name="Arguments">Plain arguments (<c>BROADCAST(t1, t2)</c>).</param>
public sealed record Hint(string Name, SyntaxList<SqlProperty> Options, SyntaxList<string> Arguments) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Identifier(Name);
        if (Options.Count > 0)
            writer.KeyValues(Options);
        else if (Arguments.Count > 0)
            writer.Append("(").Identifiers(Arguments).Append(")");
    }

    internal static void WriteAll(SqlWriter writer, SyntaxList<Hint> hints)
    {
        if (hints.Count > 0)
            writer.Append(" /*+ ").List(hints).Append(" */");
    }
}

/// <summary>A select item: an expression with an optional alias (<c>*</c> and <c>t.*</c> are <see cref="StarExpression"/>).</summary>
/// <param name="Expression">The expression.</param>
/// <param name="Alias">The alias, if any.</param>
public sealed record SelectItem(Expression Expression, string? Alias) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Node(Expression);
        if (Alias is not null)
            writer.Append(" AS ").Identifier(Alias);
    }
}

/// <summary><c>NULLS FIRST</c> or <c>NULLS LAST</c>.</summary>
public enum NullOrdering
{
    /// <summary>NULLS FIRST.</summary>
    First,
    /// <summary>NULLS LAST.</summary>
    Last,
}

/// <summary>An ORDER BY key.</summary>
/// <param name="Expression">The key.</param>
/// <param name="Descending">Whether DESC was written.</param>
/// <param name="Nulls">NULLS FIRST/LAST, if written.</param>
public sealed record OrderItem(Expression Expression, bool Descending, NullOrdering? Nulls) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Node(Expression);
        if (Descending)
            writer.Append(" DESC");
        if (Nulls is { } nulls)
            writer.Append(nulls == NullOrdering.First ? " NULLS FIRST" : " NULLS LAST");
    }
}

/// <summary>The kinds of window frame bounds.</summary>
public enum FrameBoundKind
{
    /// <summary>UNBOUNDED PRECEDING.</summary>
    UnboundedPreceding,
    /// <summary>n PRECEDING.</summary>
    Preceding,
    /// <summary>CURRENT ROW.</summary>
    CurrentRow,
    /// <summary>n FOLLOWING.</summary>
    Following,
    /// <summary>UNBOUNDED FOLLOWING.</summary>
    UnboundedFollowing,
}

/// <summary>A window frame bound.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Offset">The offset of PRECEDING and FOLLOWING (a row count or an interval).</param>
public sealed record FrameBound(FrameBoundKind Kind, Expression? Offset) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        switch (Kind)
        {
            case FrameBoundKind.UnboundedPreceding: writer.Append("UNBOUNDED PRECEDING"); break;
            case FrameBoundKind.UnboundedFollowing: writer.Append("UNBOUNDED FOLLOWING"); break;
            case FrameBoundKind.CurrentRow: writer.Append("CURRENT ROW"); break;
            case FrameBoundKind.Preceding: writer.Operand(Offset!, Precedences.Between + 1).Append(" PRECEDING"); break;
            default: writer.Operand(Offset!, Precedences.Between + 1).Append(" FOLLOWING"); break;
        }
    }
}

/// <summary><c>ROWS|RANGE BETWEEN start AND end</c> (or <c>ROWS start</c>, ending at the current row).</summary>
/// <param name="IsRows">Whether the frame counts rows (ROWS) rather than ordering values (RANGE).</param>
/// <param name="Start">The start bound.</param>
/// <param name="End">The end bound; null when only the start was written.</param>
public sealed record WindowFrame(bool IsRows, FrameBound Start, FrameBound? End) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(IsRows ? "ROWS " : "RANGE ");
        if (End is null)
            writer.Node(Start);
        else
            writer.Append("BETWEEN ").Node(Start).Append(" AND ").Node(End);
    }
}

/// <summary>A window: <c>([base] [PARTITION BY ...] [ORDER BY ...] [frame])</c>, or a reference <c>OVER w</c>.</summary>
/// <param name="BaseWindow">The named window it refines or refers to, if any.</param>
/// <param name="PartitionBy">The partition keys.</param>
/// <param name="OrderBy">The order keys.</param>
/// <param name="Frame">The frame, if written.</param>
public sealed record WindowSpecification(string? BaseWindow, SyntaxList<Expression> PartitionBy, SyntaxList<OrderItem> OrderBy, WindowFrame? Frame) : SqlNode
{
    /// <summary>Whether the window only names a window of the WINDOW clause (<c>OVER w</c>).</summary>
    public bool IsReferenceOnly => BaseWindow is not null && PartitionBy.Count == 0 && OrderBy.Count == 0 && Frame is null;

    internal override void Write(SqlWriter writer)
    {
        var space = "";
        if (BaseWindow is not null)
        {
            writer.Identifier(BaseWindow);
            space = " ";
        }
        if (PartitionBy.Count > 0)
        {
            writer.Append(space).Append("PARTITION BY ").Expressions(PartitionBy);
            space = " ";
        }
        if (OrderBy.Count > 0)
        {
            writer.Append(space).Append("ORDER BY ").List(OrderBy);
            space = " ";
        }
        if (Frame is not null)
            writer.Append(space).Node(Frame);
    }
}

/// <summary>A window of the WINDOW clause: <c>w AS (...)</c>.</summary>
/// <param name="Name">The window's name.</param>
/// <param name="Window">The window.</param>
public sealed record NamedWindow(string Name, WindowSpecification Window) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Identifier(Name).Append(" AS (").Node(Window).Append(")");
}

/// <summary>The grouping constructs of GROUP BY.</summary>
public enum GroupingKind
{
    /// <summary><c>GROUPING SETS (...)</c>.</summary>
    GroupingSets,
    /// <summary><c>ROLLUP (...)</c>.</summary>
    Rollup,
    /// <summary><c>CUBE (...)</c>.</summary>
    Cube,
    /// <summary>A parenthesized set of keys <c>(a, b)</c>, or <c>()</c> (the grand total), inside the others.</summary>
    Set,
}

/// <summary>A grouping construct of GROUP BY (plain keys are expressions).</summary>
/// <param name="Kind">The construct.</param>
/// <param name="Elements">Its elements: expressions or nested constructs.</param>
public sealed record GroupingExpression(GroupingKind Kind, SyntaxList<Expression> Elements) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Kind switch
        {
            GroupingKind.GroupingSets => "GROUPING SETS (",
            GroupingKind.Rollup => "ROLLUP (",
            GroupingKind.Cube => "CUBE (",
            _ => "(",
        }).Expressions(Elements).Append(")");
    }
}

/// <summary>
/// A SELECT block: <c>SELECT [hints] [ALL|DISTINCT] items [FROM ...] [WHERE ...] [GROUP BY ...] [HAVING ...]
/// [WINDOW ...]</c>.
/// </summary>
/// <param name="Distinct">Whether DISTINCT was written.</param>
/// <param name="Hints">The query hints (<c>SELECT /*+ STATE_TTL(...) */</c>).</param>
/// <param name="Items">The select list.</param>
/// <param name="From">The FROM clause, if any.</param>
/// <param name="Where">The WHERE condition, if any.</param>
/// <param name="GroupBy">The GROUP BY keys and constructs.</param>
/// <param name="Having">The HAVING condition, if any.</param>
/// <param name="Windows">The WINDOW clause.</param>
public sealed record SelectQuery(
    bool Distinct, SyntaxList<Hint> Hints, SyntaxList<SelectItem> Items, TableReference? From, Expression? Where,
    SyntaxList<Expression> GroupBy, Expression? Having, SyntaxList<NamedWindow> Windows) : Query
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("SELECT");
        Hint.WriteAll(writer, Hints);
        writer.Append(Distinct ? " DISTINCT " : " ").List(Items);
        if (From is not null)
            writer.Append(" FROM ").Node(From);
        if (Where is not null)
            writer.Append(" WHERE ").Node(Where);
        if (GroupBy.Count > 0)
            writer.Append(" GROUP BY ").Expressions(GroupBy);
        if (Having is not null)
            writer.Append(" HAVING ").Node(Having);
        if (Windows.Count > 0)
            writer.Append(" WINDOW ").List(Windows);
    }
}

/// <summary>The set operators.</summary>
public enum SetOperator
{
    /// <summary>UNION.</summary>
    Union,
    /// <summary>INTERSECT.</summary>
    Intersect,
    /// <summary>EXCEPT (also MINUS).</summary>
    Except,
}

/// <summary><c>left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="All">Whether ALL was written (duplicates kept).</param>
/// <param name="Left">The left query.</param>
/// <param name="Right">The right query.</param>
public sealed record SetOperationQuery(SetOperator Operator, bool All, Query Left, Query Right) : Query
{
    internal override void Write(SqlWriter writer)
    {
        WriteOperand(writer, Left, right: false);
        writer.Append(" ").Append(Operator.ToString().ToUpperInvariant()).Append(All ? " ALL " : " ");
        WriteOperand(writer, Right, right: true);
    }

    private void WriteOperand(SqlWriter writer, Query operand, bool right)
    {
        // INTERSECT binds tighter than UNION and EXCEPT; all are left-associative.
        var parenthesize = operand switch
        {
            SetOperationQuery set => right || (set.Operator != SetOperator.Intersect && Operator == SetOperator.Intersect),
            SelectQuery or ValuesQuery => false,
            _ => true,
        };
        if (parenthesize)
            writer.Append("(").Node(operand).Append(")");
        else
            writer.Node(operand);
    }
}

/// <summary><c>VALUES (a, b), (c, d)</c>.</summary>
/// <param name="Rows">The rows.</param>
public sealed record ValuesQuery(SyntaxList<ConstructorExpression> Rows) : Query
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("VALUES ");
        for (var i = 0; i < Rows.Count; i++)
        {
            if (i > 0)
                writer.Append(", ");
            writer.Append("(").Expressions(Rows[i].Elements).Append(")");
        }
    }
}

/// <summary>A common table expression <c>name [(columns)] AS (query)</c>.</summary>
/// <param name="Name">The name.</param>
/// <param name="Columns">The column names, if written.</param>
/// <param name="Query">The query.</param>
public sealed record CommonTableExpression(string Name, SyntaxList<string> Columns, Query Query) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Identifier(Name);
        if (Columns.Count > 0)
            writer.Append(" (").Identifiers(Columns).Append(")");
        writer.Append(" AS (").Node(Query).Append(")");
    }
}

/// <summary><c>WITH cte, ... query</c>.</summary>
/// <param name="Ctes">The common table expressions.</param>
/// <param name="Body">The query.</param>
public sealed record WithQuery(SyntaxList<CommonTableExpression> Ctes, Query Body) : Query
{
    internal override void Write(SqlWriter writer) => writer.Append("WITH ").List(Ctes).Append(" ").Node(Body);
}

/// <summary>A query with <c>ORDER BY</c>, <c>LIMIT</c> (or <c>FETCH FIRST n ROWS ONLY</c>) and <c>OFFSET</c>.</summary>
/// <param name="Body">The ordered query.</param>
/// <param name="OrderBy">The order keys.</param>
/// <param name="Limit">The row limit, if any.</param>
/// <param name="Offset">The rows skipped, if any.</param>
public sealed record OrderedQuery(Query Body, SyntaxList<OrderItem> OrderBy, Expression? Limit, Expression? Offset) : Query
{
    internal override void Write(SqlWriter writer)
    {
        if (Body is OrderedQuery or WithQuery)
            writer.Append("(").Node(Body).Append(")");
        else
            writer.Node(Body);
        if (OrderBy.Count > 0)
            writer.Append(" ORDER BY ").List(OrderBy);
        if (Limit is not null)
            writer.Append(" LIMIT ").Node(Limit);
        if (Offset is not null)
            writer.Append(" OFFSET ").Node(Offset);
    }
}

/// <summary>An item of FROM: a table, a subquery, a table function, UNNEST or a join.</summary>
public abstract record TableReference : SqlNode;

/// <summary>A table alias with optional column names: <c>AS t (a, b)</c>.</summary>
/// <param name="Name">The alias.</param>
/// <param name="Columns">The column names, if written.</param>
public sealed record TableAlias(string Name, SyntaxList<string> Columns) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(" AS ").Identifier(Name);
        if (Columns.Count > 0)
            writer.Append("(").Identifiers(Columns).Append(")");
    }
}

/// <summary>A named table: <c>cat.db.t /*+ OPTIONS(...) */ [FOR SYSTEM_TIME AS OF expr] [AS alias]</c>.</summary>
/// <param name="Name">The name parts.</param>
/// <param name="Hints">The table hints.</param>
/// <param name="SystemTimeAsOf">The time of a temporal join (<c>FOR SYSTEM_TIME AS OF</c>), if any.</param>
/// <param name="Alias">The alias, if any.</param>
public sealed record NamedTable(SyntaxList<string> Name, SyntaxList<Hint> Hints, Expression? SystemTimeAsOf, TableAlias? Alias) : TableReference
{
    internal override void Write(SqlWriter writer)
    {
        writer.Name(Name);
        Hint.WriteAll(writer, Hints);
        if (SystemTimeAsOf is not null)
            writer.Append(" FOR SYSTEM_TIME AS OF ").Operand(SystemTimeAsOf, Precedences.Additive);
        if (Alias is not null)
            writer.Node(Alias);
    }
}

/// <summary>A subquery in FROM: <c>[LATERAL] (query) [AS alias]</c>.</summary>
/// <param name="Query">The query.</param>
/// <param name="Lateral">Whether LATERAL was written.</param>
/// <param name="Alias">The alias, if any.</param>
public sealed record DerivedTable(Query Query, bool Lateral, TableAlias? Alias) : TableReference
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Lateral ? "LATERAL (" : "(").Node(Query).Append(")");
        if (Alias is not null)
            writer.Node(Alias);
    }
}

/// <summary>
/// A table function in FROM: <c>[LATERAL] TABLE(f(...)) [AS alias]</c>, as window TVFs
/// (<c>TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTE))</c>) and user table functions are written.
/// </summary>
/// <param name="Call">The call.</param>
/// <param name="Lateral">Whether LATERAL was written.</param>
/// <param name="Alias">The alias, if any.</param>
public sealed record TableFunctionTable(FunctionCall Call, bool Lateral, TableAlias? Alias) : TableReference
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Lateral ? "LATERAL TABLE(" : "TABLE(").Node(Call).Append(")");
        if (Alias is not null)
            writer.Node(Alias);
    }
}

/// <summary><c>UNNEST(a [, b]) [WITH ORDINALITY] [AS alias]</c>.</summary>
/// <param name="Collections">The arrays, maps or multisets.</param>
/// <param name="WithOrdinality">Whether WITH ORDINALITY was written.</param>
/// <param name="Alias">The alias, if any.</param>
public sealed record UnnestTable(SyntaxList<Expression> Collections, bool WithOrdinality, TableAlias? Alias) : TableReference
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("UNNEST(").Expressions(Collections).Append(")");
        if (WithOrdinality)
            writer.Append(" WITH ORDINALITY");
        if (Alias is not null)
            writer.Node(Alias);
    }
}

/// <summary>The join types.</summary>
public enum JoinKind
{
    /// <summary>[INNER] JOIN.</summary>
    Inner,
    /// <summary>LEFT [OUTER] JOIN.</summary>
    Left,
    /// <summary>RIGHT [OUTER] JOIN.</summary>
    Right,
    /// <summary>FULL [OUTER] JOIN.</summary>
    Full,
    /// <summary>CROSS JOIN.</summary>
    Cross,
    /// <summary>A comma in FROM (a cross join, conditions in WHERE).</summary>
    Comma,
}

/// <summary>A join of two FROM items.</summary>
/// <param name="Kind">The join type.</param>
/// <param name="Left">The left input.</param>
/// <param name="Right">The right input.</param>
/// <param name="On">The ON condition, if any.</param>
/// <param name="Using">The USING columns, if any.</param>
/// <param name="Natural">Whether NATURAL was written.</param>
public sealed record JoinTable(JoinKind Kind, TableReference Left, TableReference Right, Expression? On, SyntaxList<string> Using, bool Natural) : TableReference
{
    internal override void Write(SqlWriter writer)
    {
        writer.Node(Left);
        writer.Append(Kind switch
        {
            JoinKind.Comma => ", ",
            JoinKind.Cross => " CROSS JOIN ",
            JoinKind.Left => Natural ? " NATURAL LEFT JOIN " : " LEFT JOIN ",
            JoinKind.Right => Natural ? " NATURAL RIGHT JOIN " : " RIGHT JOIN ",
            JoinKind.Full => Natural ? " NATURAL FULL JOIN " : " FULL JOIN ",
            _ => Natural ? " NATURAL JOIN " : " JOIN ",
        });
        if (Right is JoinTable)
            writer.Append("(").Node(Right).Append(")");
        else
            writer.Node(Right);
        if (On is not null)
            writer.Append(" ON ").Node(On);
        else if (Using.Count > 0)
            writer.Append(" USING (").Identifiers(Using).Append(")");
    }
}
