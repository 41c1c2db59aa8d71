namespace Eddy.Sql.Tests.Binding;

/// <summary>Joins bound to plans (the translator does not run joins yet, so these are checked at the plan level).</summary>
[Trait("Category", "Unit")]
public class JoinBinderTests
{
    private static readonly TestCatalog Catalog = Tables.Catalog();

    private const string Orders = "LogicalTableScan(table=[[default_catalog, default_database, orders]])";
    private const string Customers = "LogicalTableScan(table=[[default_catalog, default_database, customers]])";

    private static string Plan(string query) => Catalog.Plan(query).Explain();

    private static string Lines(string text) => text.ReplaceLineEndings("\n");

    [Fact]
    public void An_on_condition_splits_into_equi_keys_and_a_residual()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], region=[$5])
            +- LogicalJoin(condition=[AND(=($1, $4), >($2, 10))], joinType=[left])
               :- {{Orders}}
               +- {{Customers}}

            """), Plan("SELECT o.id, c.region FROM orders AS o LEFT JOIN customers AS c ON o.customer = c.name AND o.amount > 10"));
    }

    [Fact]
    public void Bounding_one_rowtime_by_the_other_is_an_interval_join()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], id0=[$4])
            +- LogicalIntervalJoin(condition=[=($1, $5)], joinType=[inner], windowBounds=[isRowTime=true, leftLowerBound=0, leftUpperBound=3600000, leftTimeIndex=3, rightTimeIndex=3])
               :- {{Orders}}
               +- {{Orders}}

            """), Plan("SELECT o.id, p.id FROM orders AS o JOIN orders AS p ON o.customer = p.customer AND o.ts BETWEEN p.ts - INTERVAL '1' HOUR AND p.ts"));
        // Strict bounds are one millisecond tighter.
        Assert.Contains("leftLowerBound=-9999, leftUpperBound=9999,",
            Plan("SELECT o.id FROM orders AS o JOIN orders AS p ON o.id = p.id AND p.ts > o.ts - INTERVAL '10' SECOND AND p.ts < o.ts + INTERVAL '10' SECOND"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void For_system_time_as_of_the_left_rowtime_is_a_temporal_join()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0], region=[$5])
            +- LogicalTemporalJoin(condition=[=($1, $4)], joinType=[inner], asOf=[$3])
               :- {{Orders}}
               +- {{Customers}}

            """), Plan("SELECT o.id, c.region FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.ts AS c ON o.customer = c.name"));
    }

    [Fact]
    public void In_and_not_in_subqueries_are_semi_and_null_aware_anti_joins()
    {
        Assert.Equal(Lines($$"""
            LogicalProject(id=[$0])
            +- LogicalJoin(condition=[=($1, $4)], joinType=[semi])
               :- LogicalFilter(condition=[>($2, 0)])
               :  +- {{Orders}}
               +- LogicalProject(name=[$0])
                  +- {{Customers}}

            """), Plan("SELECT id FROM orders WHERE customer IN (SELECT name FROM customers) AND amount > 0"));
        Assert.Contains("LogicalJoin(condition=[OR(=($1, $4), IS NULL(=($1, $4)))], joinType=[anti])",
            Plan("SELECT id FROM orders WHERE customer NOT IN (SELECT name FROM customers)"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT ts FROM orders AS o JOIN orders AS p ON o.id = p.id",
        "From line 1, column 8 to line 1, column 9: Column 'ts' is ambiguous")]
    [InlineData("SELECT * FROM orders AS o JOIN orders FOR SYSTEM_TIME AS OF o.ts AS p ON o.id = p.id",
        "From line 1, column 32 to line 1, column 37: Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no primary key can be found.")]
    [InlineData("SELECT * FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.ts AS c ON o.customer = c.region",
        "From line 1, column 77 to line 1, column 97: Temporal table's primary key [name] must be included in the equivalence condition of temporal join, but current temporal join condition is [o.customer = c.region].")]
    [InlineData("SELECT * FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.amount AS c ON o.customer = c.name",
        "From line 1, column 64 to line 1, column 71: Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field")]
    [InlineData("SELECT * FROM orders AS o JOIN customers AS c ON o.id = c.name",
        "From line 1, column 50 to line 1, column 62: Cannot apply '=' to arguments of type '<BIGINT> = <STRING>'. Supported form(s): '<EQUALITY_COMPARABLE_TYPE> = <EQUALITY_COMPARABLE_TYPE>'")]
    public void Join_errors_are_flinks(string query, string message)
    {
        Assert.Equal(message, Catalog.QueryError(query).Message);
    }
}
