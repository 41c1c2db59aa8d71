using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Tests.Binding;

/// <summary>Queries bound to logical plans, compared with the plans written by hand (the shape the translator's tests build).</summary>
[Trait("Category", "Unit")]
public class QueryBinderTests
{
    private static readonly TestCatalog Catalog = Tables.Catalog()
        .Add("CREATE VIEW big_orders AS SELECT id, customer, amount FROM orders WHERE amount > 100")
        .Add("CREATE TABLE out3 (customer STRING, total BIGINT, n INT) WITH ('connector' = 'kafka', 'topic' = 'out3', 'format' = 'json')");

    private const string Scan = "LogicalTableScan(table=[[default_catalog, default_database, orders]])";

    private static string Plan(string query) => Catalog.Plan(query).Explain();

    private static string Lines(string text) => text.ReplaceLineEndings("\n");

    [Fact]
    public void A_filter_and_projection_are_a_filter_under_a_project()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(customer=[$1], doubled=[*($2, 2)], EXPR$2=[UPPER($1)])
            +- LogicalFilter(condition=[AND(>($2, 10), IS NOT NULL($1))])
               +- {{Scan}}

            """), Plan("SELECT customer, amount * 2 AS doubled, UPPER(customer) FROM orders WHERE amount > 10 AND customer IS NOT NULL"));
    }

    [Fact]
    public void Select_star_of_a_plain_table_is_the_scan_itself()
    {
        Assert.Equal(Lines($"{Scan}\n"), Plan("SELECT * FROM orders"));
        Assert.Equal(Lines($"{Scan}\n"), Plan("SELECT o.* FROM orders AS o"));
    }

    [Fact]
    public void A_group_by_aggregates_the_input_columns_then_filters_having_and_projects_the_select_list()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(total=[$1], customer=[$0], cnt=[$2])
            +- LogicalFilter(condition=[>($2, 1)])
               +- LogicalAggregate(group=[{1}], total=[SUM($2)], cnt=[COUNT()])
                  +- {{Scan}}

            """), Plan("SELECT SUM(amount) AS total, customer, COUNT(*) AS cnt FROM orders GROUP BY customer HAVING COUNT(*) > 1"));
    }

    [Fact]
    public void Computed_group_keys_distinct_counts_and_filters_go_through_a_projection_below_the_aggregate()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(EXPR$0=[$0], n=[$1], big=[$2])
            +- LogicalAggregate(group=[{0}], n=[COUNT(DISTINCT $1)], big=[SUM($2) FILTER $3])
               +- LogicalProject($f0=[UPPER($1)], $f1=[$0], $f2=[$2], $f3=[>($2, 50)])
                  +- {{Scan}}

            """), Plan("SELECT UPPER(customer), COUNT(DISTINCT id) AS n, SUM(amount) FILTER (WHERE amount > 50) AS big FROM orders GROUP BY UPPER(customer)"));
    }

    [Fact]
    public void An_aggregate_without_group_by_is_a_global_aggregate()
    {
        Assert.Equal(Lines($$"""
            LogicalAggregate(group=[{}], EXPR$0=[COUNT()], EXPR$1=[MAX($2)])
            +- {{Scan}}

            """), Plan("SELECT COUNT(*), MAX(amount) FROM orders"));
    }

    [Fact]
    public void Select_distinct_groups_by_every_selected_column()
    {
        Assert.Equal(Lines($$"""
            LogicalAggregate(group=[{0, 1}])
            +- LogicalProject(customer=[$1], amount=[$2])
               +- {{Scan}}

            """), Plan("SELECT DISTINCT customer, amount FROM orders"));
    }

    [Fact]
    public void A_tumble_tvf_grouped_by_its_window_is_one_window_aggregate()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(customer=[$0], window_start=[$2], window_end=[$3], cnt=[$1])
            +- LogicalWindowAggregate(group=[{1}], cnt=[COUNT()], window=[TUMBLE(time_col=[ts], size=[10 s])])
               +- {{Scan}}

            """), Plan("""
                SELECT customer, window_start, window_end, COUNT(*) AS cnt
                FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY customer, window_start, window_end
                """));
    }

    [Theory]
    [InlineData("HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE)", "HOP(time_col=[ts], size=[1 min], slide=[5 s])")]
    [InlineData("CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)", "CUMULATE(time_col=[ts], max_size=[1 h], step=[1 min])")]
    [InlineData("SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '30' SECOND)", "SESSION(time_col=[ts], gap=[30 s])")]
    [InlineData("TUMBLE(DATA => TABLE orders, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '2' HOUR)", "TUMBLE(time_col=[ts], size=[2 h])")]
    public void Every_window_tvf_binds_its_arguments(string tvf, string window)
    {
        Assert.Equal(Lines($$"""
            LogicalWindowTableFunction(window=[{{window}}])
            +- {{Scan}}

            """), Plan($"SELECT * FROM TABLE({tvf})"));
    }

    [Fact]
    public void A_where_over_a_window_tvf_filters_its_input()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(window_start=[$1], total=[$0])
            +- LogicalWindowAggregate(group=[{}], total=[SUM($2)], window=[TUMBLE(time_col=[ts], size=[1 min])])
               +- LogicalFilter(condition=[>($2, 0)])
                  +- {{Scan}}

            """), Plan("""
                SELECT window_start, SUM(amount) AS total FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                WHERE amount > 0 GROUP BY window_start, window_end
                """));
    }

    [Fact]
    public void The_legacy_group_window_is_a_window_aggregate_with_its_start_end_and_rowtime()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(customer=[$0], s=[$2], e=[$3], r=[$4], cnt=[$1])
            +- LogicalWindowAggregate(group=[{1}], cnt=[COUNT()], window=[TUMBLE(time_col=[ts], size=[1 min])])
               +- {{Scan}}

            """), Plan("""
                SELECT customer, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS s, TUMBLE_END(ts, INTERVAL '1' MINUTE) AS e,
                       TUMBLE_ROWTIME(ts, INTERVAL '1' MINUTE) AS r, COUNT(*) AS cnt
                FROM orders GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), customer
                """));
    }

    [Fact]
    public void A_cte_a_derived_table_and_a_view_bind_their_queries_in_place()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(c=[$1])
            +- LogicalFilter(condition=[>($2, 100)])
               +- {{Scan}}

            """), Plan("WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT b.customer AS c FROM big AS b"));
        Assert.Equal(Lines($$"""
            LogicalProject(c=[$1])
            +- LogicalProject(id=[$0], customer=[$1], amount=[$2])
               +- LogicalFilter(condition=[>($2, 100)])
                  +- {{Scan}}

            """), Plan("SELECT big_orders.customer AS c FROM big_orders"));
        Assert.Equal(Lines($$"""
            LogicalProject(x=[$0])
            +- LogicalFilter(condition=[>($1, 100)])
               +- LogicalProject(x=[$1], amount=[$2])
                  +- {{Scan}}

            """), Plan("SELECT x FROM (SELECT customer AS x, amount FROM orders) WHERE amount > 100"));
        Assert.Equal(Lines($$"""
            LogicalProject(x=[$0])
            +- LogicalProject(customer=[$1])
               +- LogicalFilter(condition=[>($2, 100)])
                  +- {{Scan}}

            """), Plan("WITH t (x) AS (SELECT customer FROM orders WHERE amount > 100) SELECT x FROM t"));
    }

    [Fact]
    public void Union_all_casts_each_side_to_the_common_type()
    {
        Assert.Equal(Lines($$"""
            LogicalUnion(all=[true])
            :- LogicalProject(id=[$0])
            :  +- {{Scan}}
            +- LogicalProject(amount=[CAST($0):BIGINT])
               +- LogicalProject(amount=[$2])
                  +- {{Scan}}

            """), Plan("SELECT id FROM orders UNION ALL SELECT amount FROM orders"));
    }

    [Fact]
    public void Values_rows_take_each_columns_common_type()
    {
        var values = Assert.IsType<ValuesNode>(Catalog.Plan("VALUES (1, 'a'), (2.5, 'bcd')"));
        Assert.Equal("LogicalValues(tuples=[[{ 1.0:DECIMAL(11, 1), 'a  ' }, { 2.5:DECIMAL(11, 1), 'bcd' }]])", values.Describe());
    }

    [Fact]
    public void Insert_casts_the_query_columns_to_the_sinks_types_and_fills_unlisted_ones_with_null()
    {
        var sink = Catalog.Insert("INSERT INTO out3 (total, customer) SELECT amount, customer FROM orders");
        Assert.Equal(Lines($$"""
            LogicalSink(table=[default_catalog.default_database.out3], fields=[customer, total, n])
            +- LogicalProject(customer=[$1], total=[CAST($0):BIGINT], n=[null:INT])
               +- LogicalProject(amount=[$2], customer=[$1])
                  +- {{Scan}}

            """), sink.Explain());
    }

    [Theory]
    [InlineData("SELECT * FROM orderz", "From line 1, column 15 to line 1, column 20: Object 'orderz' not found\nDid you mean 'orders'?")]
    [InlineData("SELECT customer, COUNT(*) FROM orders", "From line 1, column 8 to line 1, column 15: Expression 'customer' is not being grouped")]
    [InlineData("SELECT amount, COUNT(*) FROM orders GROUP BY customer", "From line 1, column 8 to line 1, column 13: Expression 'amount' is not being grouped")]
    [InlineData("SELECT COUNT(*) FROM orders WHERE COUNT(*) > 1", "From line 1, column 35 to line 1, column 42: Aggregate expression is illegal in WHERE clause")]
    [InlineData("SELECT SUM(COUNT(*)) FROM orders", "From line 1, column 12 to line 1, column 19: Aggregate expressions cannot be nested")]
    [InlineData("SELECT SUM(customer) FROM orders", "From line 1, column 8 to line 1, column 20: Cannot apply 'SUM' to arguments of type 'SUM(<STRING>)'. Supported form(s): 'SUM(<NUMERIC>)'")]
    [InlineData("SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(id), INTERVAL '1' MINUTE))", "From line 1, column 42 to line 1, column 55: The window function requires the timecol is a time attribute type, but is BIGINT.")]
    [InlineData("SELECT id FROM orders UNION ALL SELECT id, amount FROM orders", "From line 1, column 1 to line 1, column 61: Column count mismatch in UNION ALL")]
    [InlineData("SELECT * FROM orders JOIN customers USING (nope)", "From line 1, column 15 to line 1, column 48: Column 'nope' not found in left table")]
    [InlineData("SELECT * FROM orders ORDER BY ts", "From line 1, column 1 to line 1, column 32: ORDER BY a time attribute without LIMIT (a temporal sort) is not supported yet.")]
    public void Query_errors_are_flinks_with_their_position(string query, string message)
    {
        Assert.Equal(message, Catalog.QueryError(query).Message);
    }

    [Fact]
    public void An_insert_with_the_wrong_number_or_types_of_columns_is_refused_with_both_schemas()
    {
        var count = Assert.Throws<Eddy.Sql.Binding.SqlValidationException>(() => Catalog.Insert("INSERT INTO out3 SELECT customer, id FROM orders"));
        Assert.Equal(
            "Column types of query result and sink for 'default_catalog.default_database.out3' do not match.\nCause: Different number of columns.\n\n" +
            "Query schema: [customer: STRING, id: BIGINT]\nSink schema:  [customer: STRING, total: BIGINT, n: INT]",
            count.Detail);
        var type = Assert.Throws<Eddy.Sql.Binding.SqlValidationException>(() => Catalog.Insert("INSERT INTO out3 SELECT customer, ts, amount FROM orders"));
        Assert.Equal(
            "Column types of query result and sink for 'default_catalog.default_database.out3' do not match.\nCause: Incompatible types for sink column 'total' at position 1.\n\n" +
            "Query schema: [customer: STRING, ts: TIMESTAMP(3), amount: INT]\nSink schema:  [customer: STRING, total: BIGINT, n: INT]",
            type.Detail);
        var unknown = Assert.Throws<Eddy.Sql.Binding.SqlValidationException>(() => Catalog.Insert("INSERT INTO out4 SELECT * FROM orders"));
        Assert.Equal("From line 1, column 13 to line 1, column 16: Object 'out4' not found\nDid you mean 'out3'?", unknown.Message);
    }
}
