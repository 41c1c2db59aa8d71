using CsCheck;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Tests.Functions;
using Eddy.Sql.Tests.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Binding;

/// <summary>
/// CROSS JOIN and comma joins (a WHERE equality becoming the join key, as Calcite pushes it down), JOIN ... USING and
/// NATURAL JOIN, bound from SQL text, run, and compared with DuckDB running the same SQL over the same rows.
/// </summary>
[Trait("Category", "Unit")]
public class JoinSyntaxTests
{
    private static readonly TestTable Left = new(
        Harness.Kafka("l", [new("k", SqlType.Int), new("v", SqlType.Int)]), [("k", "INTEGER"), ("v", "INTEGER")]);

    private static readonly TestTable Right = new(
        Harness.Kafka("r", [new("k", SqlType.Int), new("w", SqlType.String)]), [("k", "INTEGER"), ("w", "VARCHAR")]);

    private static readonly string[] Ddl =
    [
        "CREATE TABLE l (k INT, v INT) WITH ('connector' = 'kafka', 'topic' = 'l', 'format' = 'json')",
        "CREATE TABLE r (k INT, w STRING) WITH ('connector' = 'kafka', 'topic' = 'r', 'format' = 'json')",
    ];

    private static readonly SqlType[] LeftTypes = [SqlType.Int, SqlType.Int];
    private static readonly SqlType[] RightTypes = [SqlType.Int, SqlType.String];

    private static readonly Gen<(bool Right, int K, int V)[]> Rows = Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.Int[0, 9]).Array[0, 20];

    private static async Task MatchesDuckDb(string select, string sinkColumns, string? duckDb = null)
    {
        var script = await SqlScript.Of([.. Ddl, $"CREATE TABLE out ({sinkColumns}) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')"]);
        var sink = script.Insert("INSERT INTO out " + select);
        Rows.Sample(rows =>
        {
            var left = new List<object?[]>();
            var right = new List<object?[]>();
            var piped = new List<(string, IReadOnlyList<SqlType>, object?[], int)>();
            foreach (var (isRight, k, v) in rows)
            {
                object?[] values = isRight ? [k == 4 ? null : k, "w" + v] : [k == 4 ? null : k, v];
                (isRight ? right : left).Add(values);
                piped.Add((isRight ? "r" : "l", isRight ? RightTypes : LeftTypes, values, v % 3));
            }
            Assert.Equal(Harness.Oracle(duckDb ?? select, (Left, left), (Right, right)), SqlScript.Run(sink, piped));
        }, iter: 25, threads: 1);
    }

    [Fact]
    public Task A_comma_join_with_a_where_equality_joins_on_it_as_duckdb() =>
        MatchesDuckDb("SELECT l.v, r.w FROM l, r WHERE l.k = r.k AND l.v > 2", "v INT, w STRING");

    [Fact]
    public Task A_cross_join_pairs_every_row_as_duckdb() =>
        MatchesDuckDb("SELECT l.k, l.v, r.w FROM l CROSS JOIN r WHERE l.v < 3", "k INT, v INT, w STRING");

    [Fact]
    public async Task A_where_equality_over_a_comma_join_becomes_the_join_key()
    {
        var script = await SqlScript.Of(Ddl);
        var plan = script.Plan("SELECT l.v FROM l, r WHERE r.k = l.k AND l.v > r.k");
        var join = Assert.IsType<JoinNode>(plan.Inputs[0]);
        Assert.Equal([0], join.LeftKeys.ToArray());
        Assert.Equal([0], join.RightKeys.ToArray());
        Assert.NotNull(join.Residual);
    }

    [Theory]
    [InlineData("JOIN")]
    [InlineData("LEFT JOIN")]
    [InlineData("RIGHT JOIN")]
    [InlineData("FULL JOIN")]
    public Task A_join_using_a_column_matches_duckdb(string join) =>
        MatchesDuckDb($"SELECT k, v, w FROM l {join} r USING (k)", "k INT, v INT, w STRING");

    [Fact]
    public Task A_natural_join_joins_on_the_columns_both_sides_name() =>
        MatchesDuckDb("SELECT * FROM l NATURAL JOIN r", "k INT, v INT, w STRING", "SELECT k, v, w FROM l NATURAL JOIN r");

    [Fact]
    public async Task Star_over_using_lists_the_shared_column_once_then_each_sides_others()
    {
        var script = await SqlScript.Of(Ddl);
        Assert.Equal(["k", "v", "w"], script.Plan("SELECT * FROM l JOIN r USING (k)").Fields.Select(f => f.Name));
        Assert.Equal(["k", "v", "w"], script.Plan("SELECT * FROM l NATURAL LEFT JOIN r").Fields.Select(f => f.Name));
        Assert.Equal(["k", "v"], script.Plan("SELECT l.k, l.v FROM l JOIN r USING (k)").Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task Using_errors_are_calcites()
    {
        var script = await SqlScript.Of(Ddl);
        Assert.Equal("Column 'w' not found in left table", script.Error("SELECT * FROM l JOIN r USING (w)").Detail);
        Assert.Equal("Column name 'k' in NATURAL join or USING clause is not unique on one side of join",
            script.Error("SELECT * FROM l CROSS JOIN r JOIN r AS r2 USING (k)").Detail);
    }
}
