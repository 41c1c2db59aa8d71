using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class ExpressionParserTests
{
    private static ColumnReference Col(params string[] names) => new(new SyntaxList<string>(names));

    private static NumericLiteral Num(string text) => new(text, false);

    [Fact]
    public void Multiplication_binds_tighter_than_addition_which_binds_tighter_than_comparison_AND_and_OR()
    {
        var parsed = SqlParser.ParseExpression("a + b * 2 > 3 OR c = 1 AND NOT d");
        var expected = new BinaryExpression(BinaryOperator.Or,
            new BinaryExpression(BinaryOperator.GreaterThan,
                new BinaryExpression(BinaryOperator.Add, Col("a"), new BinaryExpression(BinaryOperator.Multiply, Col("b"), Num("2"))),
                Num("3")),
            new BinaryExpression(BinaryOperator.And,
                new BinaryExpression(BinaryOperator.Equal, Col("c"), Num("1")),
                new UnaryExpression(UnaryOperator.Not, Col("d"))));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Arithmetic_is_left_associative_and_concatenation_binds_as_multiplication()
    {
        Assert.Equal(
            new BinaryExpression(BinaryOperator.Subtract, new BinaryExpression(BinaryOperator.Subtract, Col("a"), Col("b")), Col("c")),
            SqlParser.ParseExpression("a - b - c"));
        Assert.Equal(
            new BinaryExpression(BinaryOperator.Add, Col("a"), new BinaryExpression(BinaryOperator.Concat, Col("b"), Col("c"))),
            SqlParser.ParseExpression("a + b || c"));
    }

    [Fact]
    public void NOT_applies_to_a_whole_comparison_and_IS_NULL_to_a_whole_comparison_as_in_Calcite()
    {
        Assert.Equal(
            new UnaryExpression(UnaryOperator.Not, new BinaryExpression(BinaryOperator.Equal, Col("a"), Col("b"))),
            SqlParser.ParseExpression("NOT a = b"));
        Assert.Equal(
            new IsExpression(new BinaryExpression(BinaryOperator.Equal, Col("a"), Col("b")), IsTest.Null, Negated: false),
            SqlParser.ParseExpression("a = b IS NULL"));
        Assert.Equal(new UnaryExpression(UnaryOperator.Minus, new ItemAccessExpression(Col("a"), Num("1"))), SqlParser.ParseExpression("-a[1]"));
    }

    [Fact]
    public void BETWEEN_takes_its_bounds_before_a_following_AND()
    {
        var parsed = SqlParser.ParseExpression("x NOT BETWEEN SYMMETRIC a + 1 AND b AND c");
        Assert.Equal(
            new BinaryExpression(BinaryOperator.And,
                new BetweenExpression(Col("x"), new BinaryExpression(BinaryOperator.Add, Col("a"), Num("1")), Col("b"), Negated: true, Symmetric: true),
                Col("c")),
            parsed);
    }

    [Fact]
    public void Predicates_parse_to_their_own_nodes()
    {
        Assert.Equal(new IsDistinctFromExpression(Col("a"), Col("b"), Negated: true), SqlParser.ParseExpression("a IS NOT DISTINCT FROM b"));
        Assert.Equal(new IsExpression(Col("a"), IsTest.Unknown, Negated: true), SqlParser.ParseExpression("a IS NOT UNKNOWN"));
        Assert.Equal(new LikeExpression(Col("a"), new StringLiteral("x!%"), new StringLiteral("!"), Negated: true, SimilarTo: false),
            SqlParser.ParseExpression("a NOT LIKE 'x!%' ESCAPE '!'"));
        Assert.Equal(new LikeExpression(Col("a"), new StringLiteral("a|b"), null, Negated: false, SimilarTo: true), SqlParser.ParseExpression("a SIMILAR TO 'a|b'"));
        Assert.Equal(new InListExpression(Col("a"), [Num("1"), Num("2")], Negated: true), SqlParser.ParseExpression("a NOT IN (1, 2)"));
        var inQuery = Assert.IsType<InSubqueryExpression>(SqlParser.ParseExpression("a IN (SELECT b FROM t)"));
        Assert.IsType<SelectQuery>(inQuery.Query);
        Assert.IsType<ExistsExpression>(SqlParser.ParseExpression("EXISTS (SELECT 1 FROM t)"));
        Assert.IsType<SubqueryExpression>(SqlParser.ParseExpression("(SELECT MAX(a) FROM t)"));
    }

    [Fact]
    public void Literals_keep_their_text_and_kind()
    {
        Assert.Equal(Num("1.50"), SqlParser.ParseExpression("1.50"));
        Assert.Equal(new NumericLiteral("1.5E3", IsApproximate: true), SqlParser.ParseExpression("1.5E3"));
        Assert.Equal(new StringLiteral("it's"), SqlParser.ParseExpression("'it''s'"));
        Assert.Equal(new StringLiteral("Abc\u263A"), SqlParser.ParseExpression("U&'\\0041bc\\263A'"));
        Assert.Equal(new BinaryLiteral("0AFF"), SqlParser.ParseExpression("x'0aff'"));
        Assert.Equal(new DateTimeLiteral(DateTimeLiteralKind.Date, "2024-01-31"), SqlParser.ParseExpression("DATE '2024-01-31'"));
        Assert.Equal(new DateTimeLiteral(DateTimeLiteralKind.Time, "12:00:00"), SqlParser.ParseExpression("time '12:00:00'"));
        Assert.Equal(new DateTimeLiteral(DateTimeLiteralKind.Timestamp, "2024-01-31 12:00:00"), SqlParser.ParseExpression("TIMESTAMP '2024-01-31 12:00:00'"));
        Assert.Equal(new DateTimeLiteral(DateTimeLiteralKind.TimestampLtz, "2024-01-31 12:00:00"), SqlParser.ParseExpression("TIMESTAMP WITH LOCAL TIME ZONE '2024-01-31 12:00:00'"));
        Assert.Equal(new BooleanLiteral(null), SqlParser.ParseExpression("UNKNOWN"));
        Assert.Equal(new UnaryExpression(UnaryOperator.Minus, Num("5")), SqlParser.ParseExpression("-5"));
    }

    [Fact]
    public void Interval_literals_keep_their_qualifier_and_accept_plural_units()
    {
        Assert.Equal(new IntervalLiteral("5", new IntervalQualifier(TimeUnit.Second, null, null, null)), SqlParser.ParseExpression("INTERVAL '5' SECOND"));
        Assert.Equal(new IntervalLiteral("10", new IntervalQualifier(TimeUnit.Minute, null, null, null)), SqlParser.ParseExpression("INTERVAL '10' MINUTES"));
        Assert.Equal(new IntervalLiteral("1 02:03", new IntervalQualifier(TimeUnit.Day, null, TimeUnit.Minute, null)), SqlParser.ParseExpression("INTERVAL '1 02:03' DAY TO MINUTE"));
        Assert.Equal(new IntervalLiteral("10", new IntervalQualifier(TimeUnit.Minute, 3, null, null)), SqlParser.ParseExpression("INTERVAL '10' MINUTE(3)"));
        Assert.Equal(new IntervalLiteral("-2-6", new IntervalQualifier(TimeUnit.Year, null, TimeUnit.Month, null)), SqlParser.ParseExpression("INTERVAL -'2-6' YEAR TO MONTH"));
        Assert.Equal(new IntervalLiteral("1.5", new IntervalQualifier(TimeUnit.Day, 2, TimeUnit.Second, 3)), SqlParser.ParseExpression("INTERVAL '1.5' DAY(2) TO SECOND(3)"));
    }

    [Fact]
    public void Compound_identifiers_stars_items_and_fields_parse_apart()
    {
        Assert.Equal(Col("t", "a", "b"), SqlParser.ParseExpression("t.a.b"));
        Assert.Equal(Col("select", "a`b"), SqlParser.ParseExpression("`select`.`a``b`"));
        Assert.Equal(Col("MixedCase"), SqlParser.ParseExpression("MixedCase"));
        Assert.Equal(new StarExpression(["t"]), SqlParser.ParseExpression("t.*"));
        Assert.Equal(new ItemAccessExpression(Col("m"), new StringLiteral("k")), SqlParser.ParseExpression("m['k']"));
        Assert.Equal(new FieldAccessExpression(new ItemAccessExpression(Col("a"), Num("1")), "b"), SqlParser.ParseExpression("a[1].b"));
        Assert.Equal(new FieldAccessExpression(new FunctionCall(["f"], [Col("x")]), "b"), SqlParser.ParseExpression("f(x).b"));
    }

    [Fact]
    public void Function_calls_keep_distinct_star_filter_and_window()
    {
        Assert.Equal(new FunctionCall(["COUNT"], [new StarExpression([])]), SqlParser.ParseExpression("COUNT(*)"));
        Assert.Equal(new FunctionCall(["count"], [Col("a")], Distinct: true), SqlParser.ParseExpression("count(DISTINCT a)"));
        Assert.Equal(new FunctionCall(["SUM"], [Col("a")], Filter: new BinaryExpression(BinaryOperator.GreaterThan, Col("a"), Num("0"))),
            SqlParser.ParseExpression("SUM(a) FILTER (WHERE a > 0)"));
        Assert.Equal(new FunctionCall(["cat", "db", "f"], []), SqlParser.ParseExpression("cat.db.f()"));
        Assert.Equal(new FunctionCall(["CURRENT_TIMESTAMP"], [], Niladic: true), SqlParser.ParseExpression("current_timestamp"));
        Assert.Equal(new FunctionCall(["PROCTIME"], []), SqlParser.ParseExpression("PROCTIME()"));
        Assert.Equal(new FunctionCall(["YEAR"], [Col("d")]), SqlParser.ParseExpression("YEAR(d)"));

        var ranked = Assert.IsType<FunctionCall>(SqlParser.ParseExpression("ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC NULLS FIRST)"));
        Assert.Equal(new WindowSpecification(null, [Col("a")], [new OrderItem(Col("b"), true, NullOrdering.First)], null), ranked.Over);
        var framed = Assert.IsType<FunctionCall>(SqlParser.ParseExpression("SUM(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)"));
        Assert.Equal(
            new WindowFrame(false, new FrameBound(FrameBoundKind.Preceding, new IntervalLiteral("1", new IntervalQualifier(TimeUnit.Hour, null, null, null))), new FrameBound(FrameBoundKind.CurrentRow, null)),
            framed.Over!.Frame);
        var named = Assert.IsType<FunctionCall>(SqlParser.ParseExpression("AVG(x) OVER w"));
        Assert.True(named.Over!.IsReferenceOnly);
        Assert.Equal("w", named.Over.BaseWindow);
    }

    [Fact]
    public void Special_forms_parse_to_their_own_nodes()
    {
        Assert.Equal(new CastExpression(Col("a"), new TypeName(SqlType.Decimal(10, 2)), IsTry: false), SqlParser.ParseExpression("CAST(a AS DECIMAL(10, 2))"));
        Assert.Equal(new CastExpression(Col("a"), new TypeName(SqlType.Int), IsTry: true), SqlParser.ParseExpression("TRY_CAST(a AS INT)"));
        Assert.Equal(new ExtractExpression(TimeUnit.Dow, Col("ts")), SqlParser.ParseExpression("EXTRACT(DOW FROM ts)"));
        Assert.Equal(new FloorCeilExpression(false, Col("ts"), TimeUnit.Hour), SqlParser.ParseExpression("FLOOR(ts TO HOUR)"));
        Assert.Equal(new FunctionCall(["CEIL"], [Col("x")]), SqlParser.ParseExpression("CEIL(x)"));
        Assert.Equal(new PositionExpression(new StringLiteral("a"), Col("s")), SqlParser.ParseExpression("POSITION('a' IN s)"));
        Assert.Equal(new TrimExpression(TrimSide.Leading, new StringLiteral("x"), Col("s")), SqlParser.ParseExpression("TRIM(LEADING 'x' FROM s)"));
        Assert.Equal(new TrimExpression(TrimSide.Both, null, Col("s")), SqlParser.ParseExpression("TRIM(s)"));
        Assert.Equal(new FunctionCall(["SUBSTRING"], [Col("s"), Num("2"), Num("3")]), SqlParser.ParseExpression("SUBSTRING(s FROM 2 FOR 3)"));
        Assert.Equal(new OverlayExpression(Col("s"), new StringLiteral("x"), Num("2"), null), SqlParser.ParseExpression("OVERLAY(s PLACING 'x' FROM 2)"));
        Assert.Equal(new FunctionCall(["TIMESTAMPDIFF"], [new TimeUnitExpression(TimeUnit.Day), Col("a"), Col("b")]), SqlParser.ParseExpression("TIMESTAMPDIFF(DAY, a, b)"));
        Assert.Equal(
            new JsonFunctionExpression(JsonFunction.Value, Col("j"), new StringLiteral("$.a"), new TypeName(SqlType.Int), JsonWrapper.Without,
                new JsonBehavior(JsonBehaviorKind.Default, Num("0")), new JsonBehavior(JsonBehaviorKind.Error, null)),
            SqlParser.ParseExpression("JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY ERROR ON ERROR)"));
        Assert.Equal(
            new JsonFunctionExpression(JsonFunction.Query, Col("j"), new StringLiteral("$.a"), null, JsonWrapper.Unconditional, null, new JsonBehavior(JsonBehaviorKind.EmptyArray, null)),
            SqlParser.ParseExpression("JSON_QUERY(j, '$.a' WITH ARRAY WRAPPER EMPTY ARRAY ON ERROR)"));
        Assert.Equal(new ConstructorExpression(ConstructorKind.Map, [new StringLiteral("k"), Num("1")]), SqlParser.ParseExpression("MAP['k', 1]"));
        Assert.Equal(new ConstructorExpression(ConstructorKind.Row, [Num("1"), Col("a")]), SqlParser.ParseExpression("(1, a)"));
        var simpleCase = Assert.IsType<CaseExpression>(SqlParser.ParseExpression("CASE a WHEN 1 THEN 'x' END"));
        Assert.Equal(Col("a"), simpleCase.Operand);
        Assert.Null(simpleCase.Else);
    }

    [Fact]
    public void Table_function_arguments_take_tables_descriptors_and_names()
    {
        var call = Assert.IsType<FunctionCall>(SqlParser.ParseExpression("SESSION(DATA => TABLE t PARTITION BY k, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '5' MINUTE)"));
        Assert.Equal(new NamedArgument("DATA", new TableArgument(["t"], [Col("k")])), call.Arguments[0]);
        Assert.Equal(new NamedArgument("TIMECOL", new DescriptorExpression(["ts"])), call.Arguments[1]);
    }

    [Fact]
    public void Every_node_knows_its_line_and_column()
    {
        var parsed = Assert.IsType<BinaryExpression>(SqlParser.ParseExpression("a +\n  f(b,\n     c)"));
        Assert.Equal(new SourcePosition(1, 1), parsed.Position);
        var call = Assert.IsType<FunctionCall>(parsed.Right);
        Assert.Equal(new SourcePosition(2, 3), call.Position);
        Assert.Equal(new SourcePosition(2, 5), call.Arguments[0].Position);
        Assert.Equal(new SourcePosition(3, 6), call.Arguments[1].Position);
    }

    [Fact]
    public void Equality_ignores_positions_but_not_content()
    {
        Assert.Equal(SqlParser.ParseExpression("a + 1"), SqlParser.ParseExpression("\n\n   a   +   1"));
        Assert.NotEqual(SqlParser.ParseExpression("a + 1"), SqlParser.ParseExpression("a + 2"));
        Assert.NotEqual(SqlParser.ParseExpression("a"), SqlParser.ParseExpression("A"));
    }

    [Fact]
    public void Printing_parenthesizes_only_where_precedence_needs_it()
    {
        Assert.Equal("(a + b) * c", SqlParser.ParseExpression("(a + b) * c").ToSql());
        Assert.Equal("a + b * c", SqlParser.ParseExpression("a + (b * c)").ToSql());
        Assert.Equal("a - (b - c)", SqlParser.ParseExpression("a - (b - c)").ToSql());
        Assert.Equal("NOT a = b", SqlParser.ParseExpression("NOT (a = b)").ToSql());
        Assert.Equal("-(-a)", SqlParser.ParseExpression("- -a").ToSql());
        Assert.Equal("`select`.`a b` <> 'it''s'", SqlParser.ParseExpression("`select`.`a b` != 'it''s'").ToSql());
    }
}
