using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Tests.Binding;

/// <summary>OVER aggregates bound to plans (the translator does not run them yet, so these are checked at the plan level).</summary>
[Trait("Category", "Unit")]
public class OverBinderTests
{
    private static readonly TestCatalog Catalog = Tables.Catalog();

    private const string Orders = "LogicalTableScan(table=[[default_catalog, default_database, orders]])";

    private static string Plan(string query) => Catalog.Plan(query).Explain();

    private static string Lines(string text) => text.ReplaceLineEndings("\n");

    [Fact]
    public void Aggregates_over_one_window_share_one_over_aggregate_with_the_select_list_above()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], total=[$4], n=[$5])
            +- LogicalOverAggregate(partition=[{1}], order=[$3], frame=[RANGE BETWEEN 1 h PRECEDING AND CURRENT ROW], w0$o0=[SUM($2)], w0$o1=[COUNT()])
               +- {{Orders}}

            """), Plan("SELECT id, SUM(amount) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS total, " +
                "COUNT(*) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS n FROM orders"));
    }

    [Fact]
    public void A_named_window_is_shared_by_reference_and_the_same_call_is_computed_once()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], a=[$4], b=[$4], c=[$5])
            +- LogicalOverAggregate(partition=[{1}], order=[$3], frame=[ROWS BETWEEN 5 PRECEDING AND CURRENT ROW], w0$o0=[MAX($2)], w0$o1=[MIN($2)])
               +- {{Orders}}

            """), Plan("SELECT id, MAX(amount) OVER w AS a, MAX(amount) OVER w AS b, MIN(amount) OVER w AS c FROM orders " +
                "WINDOW w AS (PARTITION BY customer ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)"));
    }

    [Fact]
    public void Without_a_frame_the_window_is_unbounded_and_an_expression_argument_is_projected_below()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], ts=[$3], EXPR$2=[$5])
            +- LogicalOverAggregate(partition=[{}], order=[$3], frame=[RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW], w0$o0=[AVG($4)])
               +- LogicalProject(id=[$0], customer=[$1], amount=[$2], ts=[$3], $4=[*($2, 2)])
                  +- {{Orders}}

            """), Plan("SELECT id, ts, AVG(amount * 2) OVER (ORDER BY ts) FROM orders"));
    }

    [Fact]
    public void Select_star_beside_an_over_aggregate_reads_only_the_input_columns()
    {
        var plan = Catalog.Plan("SELECT *, COUNT(id) OVER (PARTITION BY customer ORDER BY ts ROWS 1 PRECEDING) AS c FROM orders");
        Assert.Equal(["id", "customer", "amount", "ts", "c"], plan.Fields.Select(f => f.Name));
        var over = Assert.IsType<OverAggregateNode>(plan.Inputs[0]);
        Assert.Equal(1L, over.RowsPreceding);
    }

    [Fact]
    public void An_over_aggregate_keeps_the_rowtime_a_time_attribute()
    {
        var catalog = Tables.Catalog().Add("CREATE VIEW running AS SELECT customer, ts, SUM(amount) OVER (PARTITION BY customer ORDER BY ts) AS total FROM orders");
        Assert.Contains("LogicalWindowAggregate", catalog.Plan(
            "SELECT window_start, MAX(total) FROM TABLE(TUMBLE(TABLE running, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end").Explain(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT SUM(amount) OVER (PARTITION BY customer ORDER BY id) FROM orders",
        "From line 1, column 57 to line 1, column 58: OVER windows' ordering in stream mode must be defined on a time attribute.")]
    [InlineData("SELECT SUM(amount) OVER (PARTITION BY customer ORDER BY ts DESC) FROM orders",
        "From line 1, column 57 to line 1, column 63: The window can only be ordered in ASCENDING mode.")]
    [InlineData("SELECT SUM(amount) OVER (ORDER BY ts, id) FROM orders",
        "From line 1, column 39 to line 1, column 40: The window can only be ordered by a single time column.")]
    [InlineData("SELECT SUM(amount) OVER (PARTITION BY customer) FROM orders",
        "From line 1, column 8 to line 1, column 47: The window can only be ordered by a single time column.")]
    [InlineData("SELECT SUM(amount) OVER (ORDER BY ts), COUNT(*) OVER (ORDER BY ts ROWS 2 PRECEDING) FROM orders",
        "From line 1, column 54 to line 1, column 81: All aggregates must be computed on the same window.")]
    [InlineData("SELECT SUM(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM orders",
        "From line 1, column 67 to line 1, column 77: OVER ROWS FOLLOWING windows are not supported yet.")]
    [InlineData("SELECT SUM(amount) OVER (ORDER BY ts RANGE 10 PRECEDING) FROM orders",
        "From line 1, column 44 to line 1, column 45: Data Type mismatch between ORDER BY and RANGE clause")]
    [InlineData("SELECT SUM(amount) OVER w FROM orders WINDOW v AS (ORDER BY ts)",
        "From line 1, column 20 to line 1, column 20: Window 'w' not found")]
    [InlineData("SELECT UPPER(customer) OVER (ORDER BY ts) FROM orders",
        "From line 1, column 8 to line 1, column 41: OVER is not allowed with the non-aggregate function UPPER")]
    [InlineData("SELECT customer, COUNT(*), SUM(amount) OVER (ORDER BY ts) FROM orders GROUP BY customer",
        "From line 1, column 28 to line 1, column 57: An OVER aggregate in an aggregating SELECT (aggregate in a subquery below it) is not supported yet.")]
    public void Over_errors_are_flinks(string query, string message)
    {
        Assert.Equal(message, Catalog.QueryError(query).Message);
    }
}
