using CsCheck;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class PropertyTests
{
    private static readonly string[] ColumnNames = ["a", "b", "order_id", "Amount", "select", "a b", "x`y", "value", "_c1", "ünï"];
    private static readonly string[] Strings = ["", "x", "it's", "a\nb", "%_", "--not a comment", "/* nor this */"];

    private static readonly SqlType[] Types =
    [
        SqlType.Int, SqlType.BigInt.NotNull(), SqlType.String, SqlType.VarChar(5), SqlType.Char(3), SqlType.Decimal(10, 2),
        SqlType.Double, SqlType.Float, SqlType.Boolean, SqlType.Bytes, SqlType.Binary(4), SqlType.Date, SqlType.Time(3),
        SqlType.Timestamp(3), SqlType.TimestampLtz(6), SqlType.IntervalDayTime(2, 3), SqlType.IntervalYearMonth(4),
        SqlType.Array(SqlType.Int.NotNull()), SqlType.Map(SqlType.String, SqlType.Array(SqlType.Double)),
        SqlType.Multiset(SqlType.String), SqlType.Row(new SqlField("a", SqlType.Int), new SqlField("b c", SqlType.String, "it's")),
    ];

    private static readonly Gen<SyntaxList<string>> Name =
        Gen.Int[0, ColumnNames.Length - 1].Array[1, 3].Select(parts => new SyntaxList<string>(parts.Select(i => ColumnNames[i])));

    private static readonly Gen<Expression> Leaf = Gen.OneOf<Expression>(
        Gen.Int[0, 100000].Select(i => (Expression)new NumericLiteral(i.ToString(System.Globalization.CultureInfo.InvariantCulture), false)),
        Gen.OneOf("1.5", "0.25", ".5", "10.").Select(t => (Expression)new NumericLiteral(t, false)),
        Gen.OneOf("1.5E3", "2e-5", "1E+10").Select(t => (Expression)new NumericLiteral(t, true)),
        Gen.Int[0, Strings.Length - 1].Select(i => (Expression)new StringLiteral(Strings[i])),
        Gen.OneOf("", "0AFF", "00").Select(h => (Expression)new BinaryLiteral(h)),
        Gen.OneOf<bool?>(true, false, null).Select(b => (Expression)new BooleanLiteral(b)),
        Gen.Const((Expression)new NullLiteral()),
        Name.Select(n => (Expression)new ColumnReference(n)),
        Gen.Enum<DateTimeLiteralKind>().Select(k => (Expression)new DateTimeLiteral(k, "2024-01-31 12:00:00")),
        Gen.OneOf(
            new IntervalQualifier(TimeUnit.Second, null, null, null),
            new IntervalQualifier(TimeUnit.Minute, 3, null, null),
            new IntervalQualifier(TimeUnit.Second, 2, null, 3),
            new IntervalQualifier(TimeUnit.Day, null, TimeUnit.Minute, null),
            new IntervalQualifier(TimeUnit.Day, 2, TimeUnit.Second, 3),
            new IntervalQualifier(TimeUnit.Year, null, TimeUnit.Month, null)).Select(q => (Expression)new IntervalLiteral("-1", q)),
        Gen.Const((Expression)new FunctionCall(["CURRENT_TIMESTAMP"], SyntaxList<Expression>.Empty, Niladic: true)));

    private static SyntaxList<T> List<T>(params T[] items) => new(items);

    private static Gen<Expression> Composite(Gen<Expression> e) => Gen.OneOf<Expression>(
        Leaf,
        Gen.Select(Gen.Enum<UnaryOperator>(), e, (op, x) => (Expression)new UnaryExpression(op, x)),
        Gen.Select(Gen.Enum<BinaryOperator>(), e, e, (op, l, r) => (Expression)new BinaryExpression(op, l, r)),
        Gen.Select(e, Gen.Enum<IsTest>(), Gen.Bool, (x, t, n) => (Expression)new IsExpression(x, t, n)),
        Gen.Select(e, e, Gen.Bool, (l, r, n) => (Expression)new IsDistinctFromExpression(l, r, n)),
        Gen.Select(e, e, e, Gen.Bool, Gen.Bool, (x, lo, hi, n, s) => (Expression)new BetweenExpression(x, lo, hi, n, s)),
        Gen.Select(e, e, Gen.Bool, Gen.Bool, Gen.Bool, (x, p, esc, n, s) => (Expression)new LikeExpression(x, p, esc ? new StringLiteral("!") : null, n, s)),
        Gen.Select(e, e.Array[1, 3], Gen.Bool, (x, v, n) => (Expression)new InListExpression(x, new(v), n)),
        Gen.Select(Gen.Bool, e, Gen.Select(e, e).Array[1, 3], Gen.Bool, e, (simple, operand, whens, hasElse, otherwise) =>
            (Expression)new CaseExpression(simple ? operand : null, new(whens.Select(w => new WhenClause(w.Item1, w.Item2))), hasElse ? otherwise : null)),
        Gen.Select(e, Gen.Int[0, Types.Length - 1], Gen.Bool, (x, t, isTry) => (Expression)new CastExpression(x, new TypeName(Types[t]), isTry)),
        Gen.Select(Gen.OneOf("f", "UPPER", "my_func", "LEFT", "COUNT"), e.Array[0, 3], Gen.Bool, (name, args, distinct) =>
            (Expression)new FunctionCall([name], new(args), distinct && args.Length > 0)),
        Gen.Select(e, Gen.Bool, (x, filter) => (Expression)new FunctionCall(["SUM"], List(x), Filter: filter ? x : null,
            Over: new WindowSpecification(null, List(x), List(new OrderItem(x, true, NullOrdering.Last)),
                new WindowFrame(true, new FrameBound(FrameBoundKind.Preceding, new NumericLiteral("10", false)), new FrameBound(FrameBoundKind.CurrentRow, null))))),
        Gen.Select(e, e, (x, i) => (Expression)new ItemAccessExpression(x, i)),
        Gen.Select(e, Gen.Int[0, ColumnNames.Length - 1], (x, f) => (Expression)new FieldAccessExpression(x, ColumnNames[f])),
        Gen.Select(Gen.Enum<ConstructorKind>(), e.Array[0, 3], (k, xs) => (Expression)new ConstructorExpression(k, new(xs))),
        Gen.Select(Gen.Enum<TimeUnit>(), e, (u, x) => (Expression)new ExtractExpression(u, x)),
        Gen.Select(Gen.Bool, e, Gen.Enum<TimeUnit>(), (c, x, u) => (Expression)new FloorCeilExpression(c, x, u)),
        Gen.Select(e, e, (a, b) => (Expression)new PositionExpression(a, b)),
        Gen.Select(Gen.Enum<TrimSide>(), Gen.Bool, e, e, (side, chars, c, s) => (Expression)new TrimExpression(side, chars ? c : null, s)),
        Gen.Select(e, e, e, Gen.Bool, (s, r, st, len) => (Expression)new OverlayExpression(s, r, st, len ? st : null)),
        Gen.Select(Gen.Enum<TimeUnit>(), e, e, (u, n, t) => (Expression)new FunctionCall(["TIMESTAMPADD"], List<Expression>(new TimeUnitExpression(u), n, t))),
        Gen.Select(e, Gen.Bool, (x, returning) => (Expression)new JsonFunctionExpression(JsonFunction.Value, x, new StringLiteral("$.a"),
            returning ? new TypeName(SqlType.Int) : null, JsonWrapper.Without, new JsonBehavior(JsonBehaviorKind.Default, x), new JsonBehavior(JsonBehaviorKind.Null, null))));

    /// <summary>Expressions up to four levels deep, over every expression node the parser produces.</summary>
    private static readonly Gen<Expression> Expressions = BuildExpressions(4);

    private static Gen<Expression> BuildExpressions(int depth)
    {
        var gen = Leaf;
        for (var i = 0; i < depth; i++)
            gen = Composite(gen);
        return gen;
    }

    [Fact]
    public void Printing_a_generated_expression_and_parsing_it_back_gives_the_same_expression()
    {
        Expressions.Sample(expression =>
        {
            var printed = expression.ToSql();
            var reparsed = SqlParser.ParseExpression(printed);
            Assert.True(expression.Equals(reparsed), $"{printed}\nreparsed as\n{reparsed.ToSql()}");
        }, iter: 3000);
    }

    private static readonly string[] Vocabulary =
    [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "JOIN", "LEFT", "ON", "AS", "AND", "OR", "NOT", "IN",
        "BETWEEN", "LIKE", "IS", "NULL", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "INTERVAL", "SECOND", "TO", "DAY",
        "CREATE", "TABLE", "VIEW", "WITH", "INSERT", "INTO", "VALUES", "WATERMARK", "FOR", "PRIMARY", "KEY", "METADATA",
        "OVER", "PARTITION", "ROWS", "PRECEDING", "CURRENT", "ROW", "ARRAY", "MAP", "DECIMAL", "TIMESTAMP", "INT", "STRING",
        "EXECUTE", "STATEMENT", "SET", "BEGIN", "EXPLAIN", "UNION", "ALL", "TUMBLE", "DESCRIPTOR", "LATERAL", "UNNEST",
        "a", "t", "`q``x`", "'s'", "'it''s'", "1", "2.5", "1E3", "X'0A'", "U&'\\0041'", "(", ")", "[", "]", ",", ";", ".",
        "*", "+", "-", "/", "%", "=", "<>", "<", ">", "<=", ">=", "||", "=>", "/*+", "*/", "--", "/*", "'", "`", "\"", "@",
        "X'0'", "U&'\\zz'", "99999999999999999999", "\n", "EXTRACT", "TRIM", "JSON_VALUE", "MATCH_RECOGNIZE", "GROUPING", "SETS",
    ];

    [Fact]
    public void Random_token_soups_are_parsed_or_refused_with_a_SqlParseException_and_nothing_else()
    {
        Gen.Int[0, Vocabulary.Length - 1].Array[0, 40].Sample(indexes =>
        {
            var text = string.Join(" ", indexes.Select(i => Vocabulary[i]));
            AssertParsesOrRefuses(text);
        }, iter: 20000);
    }

    [Fact]
    public void Every_truncation_of_a_corpus_statement_is_parsed_or_refused_with_a_SqlParseException()
    {
        foreach (var statement in SqlCorpus.Statements)
        {
            for (var length = 0; length < statement.Length; length++)
                AssertParsesOrRefuses(statement[..length]);
        }
    }

    [Fact]
    public void Random_edits_of_corpus_statements_are_parsed_or_refused_with_a_SqlParseException()
    {
        Gen.Select(Gen.Int[0, SqlCorpus.Statements.Length - 1], Gen.Int[0, 10000].Array[1, 4], Gen.Char["()'`,;.*-+ /aX=<>\"\\"].Array[4])
            .Sample((index, cuts, chars) =>
            {
                var text = SqlCorpus.Statements[index];
                for (var i = 0; i < cuts.Length; i++)
                {
                    var at = cuts[i] % (text.Length + 1);
                    text = i % 2 == 0 ? text.Insert(at, chars[i].ToString()) : text.Remove(Math.Min(at, text.Length - 1), text.Length > 0 ? 1 : 0);
                }
                AssertParsesOrRefuses(text);
            }, iter: 5000);
    }

    [Fact]
    public void Deeply_nested_input_is_refused_with_a_SqlParseException_instead_of_overflowing_the_stack()
    {
        var nested = new string('(', 100_000) + "1" + new string(')', 100_000);
        Assert.Contains("nested too deeply", Assert.Throws<SqlParseException>(() => SqlParser.ParseExpression(nested)).Message, StringComparison.Ordinal);
        var chain = "SELECT " + string.Join(" + ", Enumerable.Repeat("a", 100_000));
        Assert.Contains("nested too deeply", Assert.Throws<SqlParseException>(() => SqlParser.ParseStatements(chain)).Message, StringComparison.Ordinal);
        var negations = string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "a";
        Assert.Throws<SqlParseException>(() => SqlParser.ParseExpression(negations));
    }

    private static void AssertParsesOrRefuses(string text)
    {
        try
        {
            foreach (var statement in SqlParser.ParseStatements(text))
                Assert.Equal(statement, SqlParser.ParseStatement(statement.ToSql()));
        }
        catch (SqlParseException error)
        {
            Assert.StartsWith("SQL parse failed.", error.Message, StringComparison.Ordinal);
            Assert.True(error.Line >= 1 && error.Column >= 1, $"{error.Line}:{error.Column}");
        }
        try
        {
            SqlParser.ParseExpression(text);
        }
        catch (SqlParseException)
        {
        }
    }
}
