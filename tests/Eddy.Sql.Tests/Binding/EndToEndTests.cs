using System.Collections.Immutable;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Syntax;
using Eddy.Sql.Tests.Planning;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Binding;

/// <summary>
/// SQL text parsed, bound, translated and run on the engine's test driver over random orders (several partitions,
/// out of order within the watermark bound, NULLs); the materialized result is compared with DuckDB's answer to the
/// same SQL over the same rows.
/// </summary>
[Trait("Category", "Unit")]
public class EndToEndTests
{
    private static readonly string[] Customers = ["ann", "bob", "cy"];

    private static readonly (string, string)[] OrdersInDuckDb = [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("ts", "TIMESTAMP")];

    private static readonly Gen<(int Customer, int Amount, bool NullAmount, int Gap, int Lateness, int Partition)[]> OrdersGen =
        Gen.Select(Gen.Int[0, 3], Gen.Int[-100, 200], Gen.Int[0, 9], Gen.Int[0, 2000], Gen.Int[0, 4000], Gen.Int[0, 3])
            .Select((c, a, n, g, l, p) => (c, a, n == 0, g, l, p)).Array[1, 60];

    private static List<(object?[] Values, int Partition)> Rows((int Customer, int Amount, bool NullAmount, int Gap, int Lateness, int Partition)[] orders)
    {
        var rows = new List<(object?[], int)>();
        var time = 1_700_000_000_000L;
        for (var i = 0; i < orders.Length; i++)
        {
            var o = orders[i];
            time += o.Gap;
            var ts = DateTime.UnixEpoch.AddMilliseconds(time - o.Lateness);
            rows.Add(([(long)i, o.Customer < Customers.Length ? Customers[o.Customer] : null, o.NullAmount ? null : o.Amount, ts], o.Partition));
        }
        return rows;
    }

    /// <summary>
    /// A sink for a query's rows: a changelog format for an updating result, so every change is written and can be
    /// materialized; plain json for a window aggregate's insert-only rows (the translator writes a keyed insert-only
    /// stream into a changelog topic with the wrong key serde, so windows go to an append-only sink).
    /// </summary>
    private static SinkNode Sink(PlanNode query, bool appendOnly) => new(query, new CatalogTable("default_catalog.default_database.out", query.Fields,
        ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", "out").Add("format", appendOnly ? "json" : "debezium-json")));

    /// <summary>Runs the sink's job over the rows and materializes the sink topic: inserts and update-afters add a row, the others remove one.</summary>
    private static List<string> Run(SinkNode sink, string topic, List<(object?[] Values, int Partition)> rows, bool endOfTime = false)
    {
        var plan = JobTranslator.Translate("e2e", sink);
        using var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = 4 });
        var input = driver.Input<Row, Row>("orders");
        SqlType[] types = [SqlType.BigInt, SqlType.String, SqlType.Int, SqlType.Timestamp(3)];
        foreach (var (values, partition) in rows)
            input.Pipe(null!, Row.Of(types, values), 0, partition);
        if (endOfTime)
            driver.AdvanceWatermark("orders", long.MaxValue / 2);
        var materialized = new List<Row>();
        foreach (var record in driver.Output<Row, Row>(topic).ReadAll())
        {
            if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
                materialized.Add(record.Value);
            else
                Assert.True(materialized.Remove(record.Value), $"{record.Kind} of a row never added: {record.Value}");
        }
        var rendered = materialized.Select(r => DuckDbOracle.Render(r, sink.FieldTypes)).ToList();
        rendered.Sort(StringComparer.Ordinal);
        return rendered;
    }

    /// <summary>The query bound and run, compared with DuckDB running <paramref name="duckDbQuery"/> (the same SQL unless DuckDB spells it otherwise).</summary>
    private static void MatchesDuckDb(string query, string? duckDbQuery = null, bool endOfTime = false)
    {
        var plan = Tables.Catalog().Plan(query);
        var sink = Sink(plan, appendOnly: endOfTime);
        OrdersGen.Sample(orders =>
        {
            var rows = Rows(orders);
            var expected = DuckDbOracle.Query("orders", OrdersInDuckDb, rows.Select(r => r.Values), duckDbQuery ?? query);
            Assert.Equal(expected, Run(sink, "out", rows, endOfTime));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void Filters_and_projections_match_duckdb()
    {
        MatchesDuckDb("""
            SELECT customer, amount * 2 + 1 AS doubled, id, amount BETWEEN 20 AND 80 AS mid, COALESCE(amount, -1) AS a
            FROM orders WHERE (amount > 10 OR amount IN (-1, -2, -3)) AND customer IS NOT NULL AND customer LIKE '%n%'
            """);
    }

    [Fact]
    public void Nulls_flow_through_comparisons_arithmetic_and_tests_as_in_duckdb()
    {
        MatchesDuckDb("""
            SELECT id, customer, amount + 1 AS next, amount > 0 AS positive, customer IS NULL AS anonymous,
                   CASE WHEN amount IS NULL THEN -1 WHEN amount < 0 THEN 0 ELSE amount END AS clamped
            FROM orders WHERE amount IS NULL OR customer IS NULL OR amount < 0
            """);
    }

    [Fact]
    public void A_group_by_with_having_and_filtered_aggregates_materializes_to_duckdbs_answer()
    {
        MatchesDuckDb("""
            SELECT customer, COUNT(*) AS cnt, COUNT(amount) AS n, SUM(amount) FILTER (WHERE amount > 50) AS big,
                   MIN(amount) AS lowest, MAX(amount) AS highest
            FROM orders WHERE id % 3 <> 0 GROUP BY customer HAVING COUNT(*) > 1
            """);
    }

    [Fact]
    public void A_group_by_a_computed_key_with_a_computed_argument_matches_duckdb()
    {
        MatchesDuckDb(
            "SELECT amount % 3 AS bucket, SUM(amount * 2) AS total, COUNT(*) AS cnt FROM orders WHERE amount IS NOT NULL GROUP BY amount % 3",
            // DuckDB's % takes the dividend's sign, as Flink's MOD does.
            "SELECT amount % 3 AS bucket, SUM(amount * 2) AS total, COUNT(*) AS cnt FROM orders WHERE amount IS NOT NULL GROUP BY amount % 3");
    }

    [Fact]
    public void Select_distinct_matches_duckdb()
    {
        MatchesDuckDb("SELECT DISTINCT customer, amount > 0 AS positive FROM orders");
    }

    [Fact]
    public void A_cte_feeding_an_aggregate_matches_duckdb()
    {
        MatchesDuckDb("""
            WITH positive AS (SELECT customer, amount FROM orders WHERE amount > 0)
            SELECT customer, SUM(amount) AS total, COUNT(*) AS cnt FROM positive GROUP BY customer
            """);
    }

    [Fact]
    public void A_tumbling_window_tvf_aggregate_emits_each_window_as_duckdb_buckets_it()
    {
        MatchesDuckDb(
            """
            SELECT customer, window_start, window_end, COUNT(*) AS cnt, SUM(amount) AS total
            FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            WHERE amount IS NULL OR amount > -50
            GROUP BY customer, window_start, window_end
            """,
            """
            SELECT customer, time_bucket(INTERVAL 10 SECOND, ts) AS ws, ws + INTERVAL 10 SECOND, COUNT(*), SUM(amount)
            FROM orders WHERE amount IS NULL OR amount > -50 GROUP BY customer, ws
            """,
            endOfTime: true);
    }

    [Fact]
    public void A_legacy_group_window_matches_the_tvf_answer()
    {
        MatchesDuckDb(
            """
            SELECT TUMBLE_START(ts, INTERVAL '5' SECOND) AS s, TUMBLE_END(ts, INTERVAL '5' SECOND) AS e, MAX(amount) AS top
            FROM orders GROUP BY TUMBLE(ts, INTERVAL '5' SECOND)
            """,
            "SELECT time_bucket(INTERVAL 5 SECOND, ts) AS s, s + INTERVAL 5 SECOND, MAX(amount) FROM orders GROUP BY s",
            endOfTime: true);
    }

    [Fact]
    public void An_insert_into_a_declared_sink_casts_to_its_types_and_matches_duckdb()
    {
        var catalog = Tables.Catalog().Add(
            "CREATE TABLE big_orders (id BIGINT, who STRING, amount BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = 'big', 'format' = 'json')");
        var sink = catalog.Insert("INSERT INTO big_orders SELECT id, UPPER(customer), amount, ts FROM orders WHERE amount >= 100");
        Assert.Equal(SqlType.BigInt, sink.FieldTypes[2]);
        OrdersGen.Sample(orders =>
        {
            var rows = Rows(orders);
            var expected = DuckDbOracle.Query("orders", OrdersInDuckDb, rows.Select(r => r.Values),
                "SELECT id, UPPER(customer), CAST(amount AS BIGINT), ts FROM orders WHERE amount >= 100");
            Assert.Equal(expected, Run(sink, "big", rows));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void A_statement_set_binds_one_sink_per_insert()
    {
        var catalog = Tables.Catalog()
            .Add("CREATE TABLE a (id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'a', 'format' = 'json')")
            .Add("CREATE TABLE b (customer STRING, cnt BIGINT, PRIMARY KEY (customer) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'b', 'key.format' = 'json', 'value.format' = 'json')");
        var set = (StatementSetStatement)SqlParser.ParseStatement("""
            EXECUTE STATEMENT SET BEGIN
            INSERT INTO a SELECT id FROM orders;
            INSERT INTO b SELECT customer, COUNT(*) FROM orders WHERE customer IS NOT NULL GROUP BY customer;
            END
            """);
        var sinks = new Eddy.Sql.Binding.SqlBinder(catalog).BindStatementSet(set);
        Assert.Equal(["default_catalog.default_database.a", "default_catalog.default_database.b"], sinks.Select(s => s.Table.Name));
        // Both run as one job.
        Assert.NotNull(JobTranslator.Translate("set", [.. sinks]));
    }
}
