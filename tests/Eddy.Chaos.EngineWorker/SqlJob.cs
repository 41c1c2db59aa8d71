using Eddy.Engine.Plan;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Syntax;

namespace Eddy.Chaos.EngineWorker;

/// <summary>
/// The SQL job of the chaos tests (issue 14, exactly-once of a job written in SQL under kill -9), shared by the worker
/// process that runs it (<c>--job sql</c>) and the test that checks its output. Its plan comes from <see cref="Text"/>
/// alone: parsed, its tables created in an in-memory catalog, its statement set bound and translated, as a SQL
/// client would.
/// <list type="bullet">
/// <item><c>sql-orders</c> (JSON, append-only, event time <c>ts</c> with a one-second watermark delay) is joined with
/// <c>sql-customers</c> (upsert-kafka, JSON key and value, updated while the orders flow) by a regular join, grouped
/// by region with <c>COUNT(*)</c> and <c>SUM(amount)</c> and written to <c>sql-region-stats</c>, an upsert-kafka table
/// keyed by region.</item>
/// <item>The same orders are counted and summed per customer in ten-second tumbling windows and written to
/// <c>sql-customer-windows</c>, a plain JSON topic (insert-only).</item>
/// <item>A window Top-N over those windows: the three customers with the largest totals of each window (ties by
/// customer), with their rank, written to <c>sql-window-top</c> (insert-only, emitted once per window).</item>
/// </list>
/// </summary>
public static class SqlJob
{
    public const string Name = "eos-sql";
    public const int Partitions = 5;
    public const string Orders = "sql-orders";
    public const string Customers = "sql-customers";
    public const string RegionStats = "sql-region-stats";
    public const string CustomerWindows = "sql-customer-windows";
    public const string WindowTop = "sql-window-top";

    /// <summary>The tumbling window's size.</summary>
    public static TimeSpan WindowSize { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How far behind the largest event time of a partition its watermark stays.</summary>
    public static TimeSpan WatermarkDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The whole job as a SQL script: the tables, then one statement set.</summary>
    public const string Text = $"""
        CREATE TABLE orders (
          order_id BIGINT,
          customer STRING,
          amount INT,
          ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
        ) WITH ('connector' = 'kafka', 'topic' = '{Orders}', 'format' = 'json');

        CREATE TABLE customers (
          id STRING,
          region STRING,
          PRIMARY KEY (id) NOT ENFORCED
        ) WITH ('connector' = 'upsert-kafka', 'topic' = '{Customers}', 'key.format' = 'json', 'value.format' = 'json');

        CREATE TABLE region_stats (
          region STRING,
          order_count BIGINT,
          total INT,
          PRIMARY KEY (region) NOT ENFORCED
        ) WITH ('connector' = 'upsert-kafka', 'topic' = '{RegionStats}', 'key.format' = 'json', 'value.format' = 'json');

        CREATE TABLE customer_windows (
          customer STRING,
          window_start TIMESTAMP(3),
          window_end TIMESTAMP(3),
          order_count BIGINT,
          total INT
        ) WITH ('connector' = 'kafka', 'topic' = '{CustomerWindows}', 'format' = 'json');

        CREATE TABLE window_top (
          window_start TIMESTAMP(3),
          window_end TIMESTAMP(3),
          customer STRING,
          total INT,
          rn BIGINT
        ) WITH ('connector' = 'kafka', 'topic' = '{WindowTop}', 'format' = 'json');

        EXECUTE STATEMENT SET BEGIN
          INSERT INTO region_stats
            SELECT c.region, COUNT(*), SUM(o.amount)
            FROM orders AS o JOIN customers AS c ON o.customer = c.id
            GROUP BY c.region;
          INSERT INTO customer_windows
            SELECT customer, window_start, window_end, COUNT(*), SUM(amount)
            FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            GROUP BY customer, window_start, window_end;
          INSERT INTO window_top
            SELECT window_start, window_end, customer, total, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC, customer) AS rn
              FROM (
                SELECT window_start, window_end, customer, SUM(amount) AS total
                FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY window_start, window_end, customer))
            WHERE rn <= 3;
        END;
        """;

    /// <summary>
    /// The batch queries that give what each output holds at the end, over tables <c>orders</c> and <c>customers</c>
    /// (the final customer rows) with the same columns: the test runs them on DuckDB.
    /// </summary>
    public const string RegionStatsQuery =
        "SELECT c.region, COUNT(*), SUM(o.amount) FROM orders AS o JOIN customers AS c ON o.customer = c.id GROUP BY c.region";

    /// <inheritdoc cref="RegionStatsQuery"/>
    public const string CustomerWindowsQuery =
        "SELECT customer, time_bucket(INTERVAL '10 seconds', ts) AS window_start, time_bucket(INTERVAL '10 seconds', ts) + INTERVAL '10 seconds' AS window_end, "
        + "COUNT(*), SUM(amount) FROM orders GROUP BY customer, window_start, window_end";

    /// <inheritdoc cref="RegionStatsQuery"/>
    public const string WindowTopQuery =
        "SELECT window_start, window_end, customer, total, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC, customer) AS rn "
        + "FROM (SELECT time_bucket(INTERVAL '10 seconds', ts) AS window_start, time_bucket(INTERVAL '10 seconds', ts) + INTERVAL '10 seconds' AS window_end, "
        + "customer, SUM(amount) AS total FROM orders GROUP BY customer, window_start, window_end)) WHERE rn <= 3";

    /// <summary>Parses, catalogs, binds and translates <see cref="Text"/>.</summary>
    public static async Task<JobPlan> BuildAsync()
    {
        await using var catalog = SqlCatalog.CreateInMemory();
        var binder = new SqlBinder(catalog);
        StatementSetStatement? set = null;
        foreach (var statement in SqlParser.ParseStatements(Text))
        {
            if (statement is StatementSetStatement statements)
                set = statements;
            else
                await catalog.ExecuteAsync(statement);
        }

        return JobTranslator.Translate(Name, [.. binder.BindStatementSet(set ?? throw new InvalidOperationException("the job has no statement set"))]);
    }
}
