using System.Text;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning;
using Eddy.Sql.Session;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Session;

/// <summary>
/// The session: statements in, results out. DDL and SHOW through the catalog, DESCRIBE and EXPLAIN in Flink's
/// layout, an INSERT as a job and a SELECT as a job writing a result topic whose records decode to Flink's printed
/// values; the jobs run on the engine's test driver over JSON records, checked against answers computed by hand.
/// </summary>
[Trait("Category", "Unit")]
public class SqlSessionTests
{
    private const string Orders =
        """
        CREATE TABLE orders (
          id BIGINT,
          customer STRING,
          amount INT,
          ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
        ) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset')
        """;

    private const string Totals =
        """
        CREATE TABLE totals (customer STRING, total BIGINT, PRIMARY KEY (customer) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json')
        """;

    private static async Task<SqlSession> SessionWith(params string[] statements)
    {
        var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "t1");
        foreach (var statement in statements)
            await session.ExecuteAsync(statement);
        return session;
    }

    private static void PipeOrders(JobTestDriver driver, params (long Id, string Customer, int Amount)[] orders)
    {
        var input = driver.Input("orders", Serdes.Bytes, Serdes.Bytes);
        foreach (var (id, customer, amount) in orders)
            input.Pipe(null!, Encoding.UTF8.GetBytes($$"""{"id":{{id}},"customer":"{{customer}}","amount":{{amount}},"ts":"2026-12-07 10:00:00"}"""), 0);
    }

    private static readonly (long, string, int)[] SomeOrders = [(1, "ann", 30), (2, "bob", 5), (3, "ann", 12), (4, "cy", 40), (5, "bob", 25), (6, "ann", 8)];

    /// <summary>The totals per customer of the orders above 10, computed here from the list.</summary>
    private static SortedDictionary<string, long> ExpectedTotals((long Id, string Customer, int Amount)[] orders)
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            if (order.Amount > 10)
                totals[order.Customer] = totals.GetValueOrDefault(order.Customer) + order.Amount;
        }
        return totals;
    }

    [Fact]
    public async Task DDL_and_SHOW_go_through_the_catalog()
    {
        await using var session = await SessionWith();
        var created = Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync(Orders + ";"));
        Assert.Equal(["OK"], created.Result.Column(0));
        var shown = Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync("SHOW TABLES"));
        Assert.Equal(["orders"], shown.Result.Column(0));
    }

    [Fact]
    public async Task DESCRIBE_lists_Flink_s_columns_with_the_rowtime_key_metadata_computed_column_and_watermark()
    {
        await using var session = await SessionWith(
            """
            CREATE TABLE events (
              id BIGINT NOT NULL,
              name STRING,
              ts TIMESTAMP(3),
              doubled AS id * 2,
              part INT METADATA FROM 'partition' VIRTUAL,
              pt AS PROCTIME(),
              WATERMARK FOR ts AS ts - INTERVAL '1' SECOND,
              PRIMARY KEY (id) NOT ENFORCED
            ) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json')
            """);
        var described = Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync("DESCRIBE events")).Result;
        Assert.Equal(["name", "type", "null", "key", "extras", "watermark"], described.Columns);
        string[][] expected =
        [
            ["id", "BIGINT", "FALSE", "PRI(id)", "", ""],
            ["name", "STRING", "TRUE", "", "", ""],
            ["ts", "TIMESTAMP(3) *ROWTIME*", "TRUE", "", "", "`ts` - INTERVAL '1' SECOND"],
            ["doubled", "BIGINT", "FALSE", "", "AS `id` * 2", ""],
            ["part", "INT", "TRUE", "", "METADATA FROM 'partition' VIRTUAL", ""],
            ["pt", "TIMESTAMP_LTZ(3) *PROCTIME*", "FALSE", "", "AS PROCTIME()", ""],
        ];
        Assert.Equal(expected.Select(r => string.Join(" | ", r)), described.Rows.Select(r => string.Join(" | ", r)));
    }

    [Fact]
    public async Task DESCRIBE_of_a_missing_table_says_so_in_Flink_s_words()
    {
        await using var session = await SessionWith();
        var error = await Assert.ThrowsAsync<CatalogException>(() => session.ExecuteAsync("DESCRIBE nope"));
        Assert.Contains("default_catalog.default_database.nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EXPLAIN_CHANGELOG_MODE_prints_the_syntax_tree_the_physical_plan_with_changelog_modes_and_the_engine_job()
    {
        await using var session = await SessionWith(Orders, Totals);
        var explained = Assert.IsType<SqlExplainSessionResult>(await session.ExecuteAsync(
            "EXPLAIN CHANGELOG_MODE INSERT INTO totals SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer")).Text;
        var ast = explained.IndexOf("== Abstract Syntax Tree ==\n", StringComparison.Ordinal);
        var physical = explained.IndexOf("\n== Optimized Physical Plan ==\n", StringComparison.Ordinal);
        var job = explained.IndexOf("\n== Eddy Job Plan ==\n", StringComparison.Ordinal);
        Assert.True(ast == 0 && physical > ast && job > physical, explained);
        Assert.Contains("LogicalSink(table=[default_catalog.default_database.totals]", explained[..physical], StringComparison.Ordinal);
        var physicalPlan = explained[physical..job];
        Assert.Contains("GroupAggregate(", physicalPlan, StringComparison.Ordinal);
        // Into an upsert sink keyed as the GROUP BY, the aggregate sends no update-before, as in Flink.
        Assert.Contains("changelogMode=[I,UA]", physicalPlan, StringComparison.Ordinal);
        Assert.Contains("changelogMode=[I]", physicalPlan, StringComparison.Ordinal);
        // The GROUP BY repartitions by the key and keeps its aggregate in a state store.
        Assert.Contains("orders", explained[job..], StringComparison.Ordinal);
        Assert.Contains("totals", explained[job..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EXPLAIN_without_CHANGELOG_MODE_prints_no_changelog_modes()
    {
        await using var session = await SessionWith(Orders);
        var explained = Assert.IsType<SqlExplainSessionResult>(await session.ExecuteAsync("EXPLAIN SELECT id FROM orders WHERE amount > 1")).Text;
        Assert.DoesNotContain("changelogMode", explained, StringComparison.Ordinal);
        Assert.Contains("== Eddy Job Plan ==", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EXPLAIN_CHANGELOG_MODE_of_an_updating_SELECT_shows_the_retractions_its_result_needs()
    {
        await using var session = await SessionWith(Orders);
        var explained = Assert.IsType<SqlExplainSessionResult>(await session.ExecuteAsync(
            "EXPLAIN CHANGELOG_MODE SELECT customer, COUNT(*) FROM orders GROUP BY customer")).Text;
        Assert.Contains("changelogMode=[I,UB,UA]", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_INSERT_is_a_job_named_after_its_sink_or_the_pipeline_name_that_computes_the_totals()
    {
        await using var session = await SessionWith(Orders, Totals);
        const string Insert = "INSERT INTO totals SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer";
        var derived = Assert.IsType<SqlJobSessionResult>(await session.ExecuteAsync(Insert)).Job;
        Assert.Equal("insert-into_default_catalog.default_database.totals", derived.Name);
        await session.ExecuteAsync("SET 'pipeline.name' = 'customer totals'");
        var job = Assert.IsType<SqlJobSessionResult>(await session.ExecuteAsync(Insert)).Job;
        Assert.Equal("customer_totals", job.Name);

        // The job defines itself into a builder the host creates, as a C# job does.
        var builder = new JobBuilder(job.Name);
        job.Define(builder);
        using var driver = new JobTestDriver(builder.Build(), new JobTestDriverOptions { Partitions = 2 });
        PipeOrders(driver, SomeOrders);
        var latest = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in driver.Output("totals", Serdes.String, Serdes.String).ReadAll())
        {
            var customer = record.Key.Trim('{', '}').Split(':')[1].Trim('"');
            latest[customer] = long.Parse(record.Value.Trim('{', '}').Split(',')[1].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(ExpectedTotals(SomeOrders), latest);
    }

    [Fact]
    public async Task A_SELECT_writes_its_changes_to_a_result_topic_that_decodes_to_Flink_s_printed_values()
    {
        await using var session = await SessionWith(Orders);
        var query = Assert.IsType<SqlQuerySessionResult>(await session.ExecuteAsync(
            "SELECT customer, SUM(CAST(amount AS BIGINT)) AS total, amount > 10 AS big FROM orders WHERE amount > 10 GROUP BY customer, amount > 10")).Query;
        Assert.Equal("_eddy_sql_result_t1_1", query.ResultTopic);
        Assert.Equal(["customer", "total", "big"], query.Columns.Select(c => c.Name));
        Assert.Equal("BOOLEAN", query.Columns[2].TypeName.Replace(" NOT NULL", "", StringComparison.Ordinal));

        using var driver = new JobTestDriver(query.Job.BuildPlan(), new JobTestDriverOptions { Partitions = 2 });
        PipeOrders(driver, SomeOrders);
        var materialized = new List<string>();
        var kinds = new HashSet<RowKind>();
        foreach (var record in driver.Output(query.ResultTopic, Serdes.Bytes, Serdes.Bytes).ReadAll())
        {
            kinds.Add(record.Kind);
            var row = string.Join(",", query.Decode(record.Value).Select(v => v ?? "<NULL>"));
            if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
                materialized.Add(row);
            else
                Assert.True(materialized.Remove(row), $"{record.Kind} of a row never added: {row}");
        }
        materialized.Sort(StringComparer.Ordinal);
        Assert.Equal(ExpectedTotals(SomeOrders).Select(t => $"{t.Key},{t.Value},TRUE"), materialized);
        // ann's total changed once: the update is retracted and re-added.
        Assert.Contains(RowKind.UpdateBefore, kinds);
    }

    [Fact]
    public void The_row_kind_header_decodes_to_the_change_s_kind_and_its_absence_to_an_insert()
    {
        Assert.Equal(RowKind.Insert, SqlQuery.KindOf([]));
        Assert.Equal(RowKind.UpdateBefore, SqlQuery.KindOf([1]));
        Assert.Equal(RowKind.UpdateAfter, SqlQuery.KindOf([2]));
        Assert.Equal(RowKind.Delete, SqlQuery.KindOf([3]));
    }

    [Fact]
    public async Task Parse_and_validation_errors_keep_their_line_and_column()
    {
        await using var session = await SessionWith(Orders);
        var parse = await Assert.ThrowsAsync<SqlParseException>(() => session.ExecuteAsync("SELECT id\nFROM orders WHERE"));
        Assert.Equal(2, parse.Line);
        var validation = await Assert.ThrowsAsync<SqlValidationException>(() => session.ExecuteAsync("SELECT id,\n  nope FROM orders"));
        Assert.StartsWith("From line 2, column 3", validation.Message, StringComparison.Ordinal);
        Assert.True(SqlSession.IsStatementError(parse) && SqlSession.IsStatementError(validation));
    }

    [Fact]
    public async Task A_script_runs_its_DDL_in_order_and_collects_its_INSERTs_into_one_job()
    {
        await using var session = await SessionWith();
        var job = await session.RunScriptAsync(
            $"""
            SET 'pipeline.name' = 'nightly';
            {Orders};
            {Totals};
            CREATE TABLE big (id BIGINT, amount INT) WITH ('connector' = 'kafka', 'topic' = 'big', 'format' = 'json');
            INSERT INTO totals SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer;
            INSERT INTO big SELECT id, amount FROM orders WHERE amount > 20;
            """);
        Assert.NotNull(job);
        Assert.Equal("nightly", job.Name);
        Assert.Equal(["default_catalog.default_database.totals", "default_catalog.default_database.big"], job.SinkTables);
        var plan = job.BuildPlan();
        Assert.Contains(plan.Operators, o => o.Kind == Engine.Plan.OperatorKind.Sink && o.Topic == "big");
        Assert.Contains(plan.Operators, o => o.Kind == Engine.Plan.OperatorKind.Sink && o.Topic == "totals");
    }

    [Fact]
    public async Task A_script_refuses_a_SELECT_naming_its_line()
    {
        await using var session = await SessionWith();
        var error = await Assert.ThrowsAsync<PlanningException>(() => session.RunScriptAsync($"{Orders};\nSELECT * FROM orders;"));
        Assert.Contains("at line 8, column 1", error.Message, StringComparison.Ordinal);
    }
}
