using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Tests.Binding;

/// <summary>
/// ROW_NUMBER Top-N, deduplication, window Top-N and ORDER BY ... LIMIT bound to rank plans (the translator does not
/// run ranks yet, so these are checked at the plan level).
/// </summary>
[Trait("Category", "Unit")]
public class RankBinderTests
{
    private static readonly TestCatalog Catalog = Tables.Catalog();

    private const string Orders = "LogicalTableScan(table=[[default_catalog, default_database, orders]])";

    private static string Plan(string query) => Catalog.Plan(query).Explain();

    private static string Lines(string text) => text.ReplaceLineEndings("\n");

    private static string TopN(string rankFilter, string outer = "*") =>
        $"SELECT {outer} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC) AS rn FROM orders) WHERE {rankFilter}";

    [Fact]
    public void A_row_number_filtered_by_rn_is_a_top_n_with_the_rank_number_when_the_outer_select_reads_it()
    {
        Assert.Equal(Lines($$"""
            LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[$1], orderBy=[$2 DESC], select=[id, customer, amount, ts, rn])
            +- {{Orders}}

            """), Plan(TopN("rn <= 3")));
    }

    [Theory]
    [InlineData("RANK", "RANK")]
    [InlineData("DENSE_RANK", "DENSE_RANK")]
    [InlineData("rank", "RANK")]
    public void Rank_and_dense_rank_filtered_by_their_result_are_a_top_n_of_that_rank_type(string function, string rankType)
    {
        Assert.Equal(Lines($$"""
            LogicalRank(rankType=[{{rankType}}], rankRange=[rankStart=2, rankEnd=3], partitionBy=[$1], orderBy=[$2 DESC], select=[id, customer, amount, ts, rk])
            +- {{Orders}}

            """), Plan($"SELECT * FROM (SELECT *, {function}() OVER (PARTITION BY customer ORDER BY amount DESC) AS rk FROM orders) WHERE rk BETWEEN 2 AND 3"));
        var project = Assert.IsType<ProjectNode>(Catalog.Plan($"SELECT id FROM (SELECT *, {function}() OVER (ORDER BY ts) AS rk FROM orders) WHERE rk = 1"));
        var rank = Assert.IsType<RankNode>(project.Input);
        Assert.False(rank.IsDeduplication); // a tied rank 1 keeps every row of the first time, not one
    }

    [Fact]
    public void A_top_n_whose_rank_number_is_not_read_leaves_it_out()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], amount=[$2])
            +- LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[$1], orderBy=[$2 DESC], select=[id, customer, amount, ts])
               +- {{Orders}}

            """), Plan(TopN("rn <= 3", "id, amount")));
    }

    [Theory]
    [InlineData("rn < 3", 1, 2)]
    [InlineData("rn = 1", 1, 1)]
    [InlineData("rn = 2", 2, 2)]
    [InlineData("3 >= rn", 1, 3)]
    [InlineData("rn BETWEEN 2 AND 5", 2, 5)]
    [InlineData("rn > 1 AND rn <= 4", 2, 4)]
    [InlineData("rn <= 10 AND rn < 4", 1, 3)]
    public void Every_rank_condition_narrows_the_rank_range(string filter, long start, long end)
    {
        var rank = Assert.IsType<RankNode>(Catalog.Plan(TopN(filter)));
        Assert.Equal((start, end), (rank.RankStart, rank.RankEnd));
        Assert.False(rank.IsDeduplication);
    }

    [Fact]
    public void Other_conjuncts_of_the_outer_where_filter_the_top_n()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0])
            +- LogicalFilter(condition=[>($2, 10)])
               +- LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2], partitionBy=[$1], orderBy=[$2 DESC], select=[id, customer, amount, ts])
                  +- {{Orders}}

            """), Plan(TopN("rn <= 2 AND amount > 10", "id")));
    }

    [Fact]
    public void The_inner_where_and_an_aliased_subquery_bind_below_the_rank()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], pos=[$2])
            +- LogicalProject(id=[$0], customer=[$1], pos=[$4])
               +- LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=5], partitionBy=[], orderBy=[$2 ASC], select=[id, customer, amount, ts, pos])
                  +- LogicalFilter(condition=[IS NOT NULL($1)])
                     +- {{Orders}}

            """), Plan("SELECT t.id, t.pos FROM (SELECT id, customer, ROW_NUMBER() OVER (ORDER BY amount) AS pos FROM orders WHERE customer IS NOT NULL) AS t WHERE t.pos <= 5"));
    }

    [Fact]
    public void Rank_one_ordered_by_the_rowtime_is_a_deduplication_keeping_the_first_or_last_row()
    {
        var first = Assert.IsType<RankNode>(Catalog.Plan(
            "SELECT id, customer, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts) AS rn FROM orders) WHERE rn = 1"));
        Assert.True(first.IsDeduplication);
        Assert.True(first.KeepsFirstRow);
        Assert.Equal("Deduplicate(keep=[FirstRow], key=[customer], order=[ROWTIME])", first.PhysicalDescription);
        var last = Assert.IsType<RankNode>(Catalog.Plan(
            "SELECT id, customer, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts DESC) AS rn FROM orders) WHERE rn = 1"));
        Assert.True(last.IsDeduplication);
        Assert.False(last.KeepsFirstRow);
    }

    [Fact]
    public void Rank_one_ordered_by_a_timestamp_that_is_not_a_time_attribute_is_a_top_1_not_a_deduplication()
    {
        var catalog = new TestCatalog("CREATE TABLE t (k STRING, happened TIMESTAMP(3)) WITH ('connector' = 'kafka')");
        var rank = Assert.IsType<RankNode>(catalog.Plan("SELECT k, happened FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY happened) AS rn FROM t) WHERE rn = 1"));
        Assert.False(rank.IsDeduplication);
    }

    [Fact]
    public void A_deduplication_keeping_the_first_row_keeps_the_rowtime_a_time_attribute()
    {
        // A window over the deduplicated rows needs ts to stay a rowtime attribute.
        var catalog = Tables.Catalog().Add(
            "CREATE VIEW firsts AS SELECT id, customer, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts) AS rn FROM orders) WHERE rn = 1");
        Assert.Contains("LogicalWindowAggregate", catalog.Plan(
            "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE firsts, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end").Explain(), StringComparison.Ordinal);
        Assert.Equal("From line 1, column 47 to line 1, column 60: The window function requires the timecol is a time attribute type, but is TIMESTAMP(3).",
            Tables.Catalog().Add("CREATE VIEW tops AS SELECT id, customer, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders) WHERE rn <= 2")
                .QueryError("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE tops, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end").Message);
    }

    [Fact]
    public void A_row_number_over_a_window_tvf_partitioned_by_the_window_is_a_window_rank_over_the_window_tvf()
    {
        Assert.Equal(Lines($$"""
            LogicalWindowRank(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[1 min])], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[$4, $5], orderBy=[$2 DESC], select=[id, customer, amount, ts, window_start, window_end, window_time, rn])
            +- LogicalWindowTableFunction(window=[TUMBLE(time_col=[ts], size=[1 min])])
               +- {{Orders}}

            """), Plan("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY amount DESC) AS rn " +
                "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) WHERE rn <= 3"));
    }

    [Fact]
    public void Order_by_with_limit_is_a_top_n_without_partition()
    {
        Assert.Equal(Lines($$"""
            LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=10], partitionBy=[], orderBy=[$1 DESC], select=[id, amount])
            +- LogicalProject(id=[$0], amount=[$2])
               +- {{Orders}}

            """), Plan("SELECT id, amount FROM orders ORDER BY amount DESC LIMIT 10"));
        var offset = Assert.IsType<RankNode>(Catalog.Plan("SELECT id, amount FROM orders ORDER BY 2, id LIMIT 5 OFFSET 3"));
        Assert.Equal((4L, 8L), (offset.RankStart, offset.RankEnd));
        Assert.Equal([1, 0], offset.OrderKeys.Select(k => k.Column));
    }

    [Theory]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders) WHERE rn > 2",
        "From line 1, column 109 to line 1, column 114: Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified.")]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders)",
        "From line 1, column 76 to line 1, column 81: OVER windows' ordering in stream mode must be defined on a time attribute.")]
    [InlineData("SELECT id, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts) FROM orders",
        "From line 1, column 12 to line 1, column 64: ROW_NUMBER() without a filter on its result (a Top-N: SELECT * FROM (SELECT ..., ROW_NUMBER() OVER (...) AS rn FROM t) WHERE rn <= N) is not supported yet.")]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer) AS rn FROM orders) WHERE rn <= 2",
        "From line 1, column 26 to line 1, column 66: Over Agg: The window rank function without order by. please re-check the over window statement.")]
    [InlineData("SELECT * FROM (SELECT *, RANK(amount) OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders) WHERE rn <= 2",
        "From line 1, column 26 to line 1, column 82: Invalid number of arguments to function 'RANK'. Was expecting 0 arguments")]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY amount ROWS 2 PRECEDING) AS rn FROM orders) WHERE rn <= 2",
        "From line 1, column 61 to line 1, column 76: ROW/RANGE not allowed with RANK, DENSE_RANK or ROW_NUMBER functions")]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY amount) AS rn FROM orders) WHERE rn <= amount",
        "From line 1, column 93 to line 1, column 98: A rank bound that is not an integer literal ('amount') is not supported yet.")]
    [InlineData("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY amount) AS rn FROM orders) WHERE rn < 1",
        "From line 1, column 87 to line 1, column 92: Rank range [1, 0] is invalid: ranks start at 1.")]
    [InlineData("SELECT id, amount FROM orders ORDER BY amount",
        "From line 1, column 40 to line 1, column 45: Sort on a non-time-attribute field is not supported.")]
    [InlineData("SELECT id, ts FROM orders ORDER BY ts DESC",
        "From line 1, column 36 to line 1, column 42: Sort on a non-time-attribute field is not supported.")]
    [InlineData("SELECT id FROM orders LIMIT 3",
        "From line 1, column 1 to line 1, column 29: LIMIT without ORDER BY is not supported yet.")]
    [InlineData("SELECT id, ts FROM orders ORDER BY ts",
        "From line 1, column 1 to line 1, column 37: ORDER BY a time attribute without LIMIT (a temporal sort) is not supported yet.")]
    public void Top_n_errors_are_flinks(string query, string message)
    {
        Assert.Equal(message, Catalog.QueryError(query).Message);
    }
}
