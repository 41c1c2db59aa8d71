using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class QueryParserTests
{
    private static ColumnReference Col(params string[] names) => new(new SyntaxList<string>(names));

    private static SelectQuery Select(string text) => Assert.IsType<SelectQuery>(SqlParser.ParseQuery(text));

    [Fact]
    public void A_select_keeps_its_clauses()
    {
        var query = Select("SELECT DISTINCT a AS x, b y, t.* FROM t WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 1");
        Assert.True(query.Distinct);
        Assert.Equal([new SelectItem(Col("a"), "x"), new SelectItem(Col("b"), "y"), new SelectItem(new StarExpression(["t"]), null)], query.Items);
        Assert.Equal(new NamedTable(["t"], [], null, null), query.From);
        Assert.Equal([Col("a"), Col("b")], query.GroupBy);
        Assert.NotNull(query.Where);
        Assert.NotNull(query.Having);
    }

    [Fact]
    public void Table_hints_aliases_and_temporal_joins_are_kept()
    {
        var query = Select("SELECT * FROM cat.db.orders /*+ OPTIONS('a' = 'b') */ AS o (x, y) JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.c = r.c");
        var join = Assert.IsType<JoinTable>(query.From);
        Assert.Equal(JoinKind.Inner, join.Kind);
        var left = Assert.IsType<NamedTable>(join.Left);
        Assert.Equal(["cat", "db", "orders"], left.Name);
        Assert.Equal([new Hint("OPTIONS", [new SqlProperty("a", "b")], [])], left.Hints);
        Assert.Equal(new TableAlias("o", ["x", "y"]), left.Alias);
        var right = Assert.IsType<NamedTable>(join.Right);
        Assert.Equal(Col("o", "ts"), right.SystemTimeAsOf);
        Assert.Equal("r", right.Alias!.Name);
    }

    [Fact]
    public void Joins_are_left_deep_and_commas_bind_loosest()
    {
        var query = Select("SELECT * FROM a, b LEFT JOIN c ON TRUE CROSS JOIN d");
        var comma = Assert.IsType<JoinTable>(query.From);
        Assert.Equal(JoinKind.Comma, comma.Kind);
        var cross = Assert.IsType<JoinTable>(comma.Right);
        Assert.Equal(JoinKind.Cross, cross.Kind);
        Assert.Equal(JoinKind.Left, Assert.IsType<JoinTable>(cross.Left).Kind);
        var usingJoin = Assert.IsType<JoinTable>(Select("SELECT * FROM a FULL OUTER JOIN b USING (k, j)").From);
        Assert.Equal((JoinKind.Full, ["k", "j"]), (usingJoin.Kind, usingJoin.Using));
    }

    [Fact]
    public void Window_tvfs_lateral_table_functions_and_unnest_parse_to_their_nodes()
    {
        var tumble = Assert.IsType<TableFunctionTable>(Select("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) w").From);
        Assert.False(tumble.Lateral);
        Assert.Equal("TUMBLE", tumble.Call.UpperName);
        Assert.Equal(new TableArgument(["bid"], []), tumble.Call.Arguments[0]);
        Assert.Equal(new DescriptorExpression(["ts"]), tumble.Call.Arguments[1]);
        Assert.Equal("w", tumble.Alias!.Name);

        var lateral = Assert.IsType<JoinTable>(Select("SELECT * FROM t LEFT JOIN LATERAL TABLE(f(a)) AS s(x) ON TRUE").From);
        var function = Assert.IsType<TableFunctionTable>(lateral.Right);
        Assert.True(function.Lateral);
        Assert.Equal(new TableAlias("s", ["x"]), function.Alias);

        var unnest = Assert.IsType<JoinTable>(Select("SELECT * FROM t CROSS JOIN UNNEST(t.tags) WITH ORDINALITY AS u (tag, pos)").From);
        Assert.Equal(new UnnestTable([Col("t", "tags")], true, new TableAlias("u", ["tag", "pos"])), unnest.Right);
    }

    [Fact]
    public void Grouping_sets_rollup_and_cube_keep_their_structure()
    {
        var query = Select("SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a, b), CUBE ((a, b), c)");
        Assert.Equal(
            new GroupingExpression(GroupingKind.GroupingSets, [
                new GroupingExpression(GroupingKind.Set, [Col("a"), Col("b")]),
                Col("a"),
                new GroupingExpression(GroupingKind.Set, [])]),
            query.GroupBy[0]);
        Assert.Equal(new GroupingExpression(GroupingKind.Rollup, [Col("a"), Col("b")]), query.GroupBy[1]);
        Assert.Equal(GroupingKind.Cube, Assert.IsType<GroupingExpression>(query.GroupBy[2]).Kind);
    }

    [Fact]
    public void A_window_clause_names_windows_that_over_refers_to()
    {
        var query = Select("SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)");
        var window = Assert.Single(query.Windows);
        Assert.Equal("w", window.Name);
        Assert.Equal([Col("k")], window.Window.PartitionBy);
        Assert.Equal(new FrameBound(FrameBoundKind.Preceding, new NumericLiteral("2", false)), window.Window.Frame!.Start);
    }

    [Fact]
    public void Set_operations_bind_intersect_tighter_and_order_by_applies_to_the_whole()
    {
        var query = Assert.IsType<OrderedQuery>(SqlParser.ParseQuery("SELECT a FROM t UNION ALL SELECT a FROM u INTERSECT SELECT a FROM v ORDER BY a DESC LIMIT 5 OFFSET 2"));
        var union = Assert.IsType<SetOperationQuery>(query.Body);
        Assert.Equal((SetOperator.Union, true), (union.Operator, union.All));
        Assert.Equal(SetOperator.Intersect, Assert.IsType<SetOperationQuery>(union.Right).Operator);
        Assert.Equal([new OrderItem(Col("a"), true, null)], query.OrderBy);
        Assert.Equal(new NumericLiteral("5", false), query.Limit);
        Assert.Equal(new NumericLiteral("2", false), query.Offset);
        var minus = Assert.IsType<SetOperationQuery>(SqlParser.ParseQuery("SELECT a FROM t MINUS SELECT a FROM u"));
        Assert.Equal(SetOperator.Except, minus.Operator);
        var fetch = Assert.IsType<OrderedQuery>(SqlParser.ParseQuery("SELECT a FROM t FETCH FIRST 3 ROWS ONLY"));
        Assert.Equal(new NumericLiteral("3", false), fetch.Limit);
    }

    [Fact]
    public void With_and_values_queries_parse()
    {
        var with = Assert.IsType<WithQuery>(SqlParser.ParseQuery("WITH x (c) AS (SELECT 1), y AS (VALUES (1, 'a'), (2, 'b')) SELECT * FROM x"));
        Assert.Equal(["x", "y"], with.Ctes.Select(c => c.Name));
        Assert.Equal(["c"], with.Ctes[0].Columns);
        var values = Assert.IsType<ValuesQuery>(with.Ctes[1].Query);
        Assert.Equal(2, values.Rows.Count);
        Assert.Equal([new NumericLiteral("2", false), new StringLiteral("b")], values.Rows[1].Elements);
    }

    [Fact]
    public void Select_hints_are_kept()
    {
        var query = Select("SELECT /*+ STATE_TTL('o' = '1d'), BROADCAST(c) */ * FROM o");
        Assert.Equal([new Hint("STATE_TTL", [new SqlProperty("o", "1d")], []), new Hint("BROADCAST", [], ["c"])], query.Hints);
    }

    [Fact]
    public void Match_recognize_is_refused_by_name()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseQuery("SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a)"));
        Assert.Equal("SQL parse failed. At line 1, column 17: MATCH_RECOGNIZE is not supported.", error.Message);
    }
}
