namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Top-N, deduplication and OVER aggregates written as Flink SQL against DuckDB's window functions. Rows with equal sort
/// keys rank by arrival in Flink, which is the id order here (DuckDB orders by id to break the tie); Flink sorts NULLs
/// first ascending and last descending, DuckDB last both ways unless told.
/// </summary>
[Trait("Category", "Unit")]
public class RankAndOverOracleTests
{
    [Fact]
    public async Task A_top_n_per_key_materializes_to_duckdb_s_row_number_filter()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE top2 (customer STRING, id BIGINT, amount INT, rn BIGINT)
            WITH ('connector' = 'kafka', 'topic' = 'top2', 'format' = 'debezium-json');
            INSERT INTO top2
            SELECT customer, id, amount, rn FROM (
              SELECT customer, id, amount, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC) AS rn FROM orders
            ) WHERE rn <= 2;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT customer, id, amount, rn FROM (
              SELECT customer, id, amount, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC NULLS LAST, id) AS rn FROM orders
            ) WHERE rn <= 2
            """,
            r => OracleCases.RandomOrders(r, 40));
    }

    [Fact]
    public async Task A_top_n_without_the_rank_number_keeps_duckdb_s_rows()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE lowest (customer STRING, id BIGINT, price DECIMAL(10, 2))
            WITH ('connector' = 'kafka', 'topic' = 'lowest', 'format' = 'debezium-json');
            INSERT INTO lowest
            SELECT customer, id, price FROM (
              SELECT customer, id, price, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY price) AS rn FROM orders WHERE amount > 0
            ) WHERE rn <= 3;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT customer, id, price FROM (
              SELECT customer, id, price, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY price NULLS FIRST, id) AS rn FROM orders WHERE amount > 0
            ) WHERE rn <= 3
            """,
            r => OracleCases.RandomOrders(r, 40));
    }

    [Theory]
    [InlineData("ASC", "ts, id")]
    [InlineData("DESC", "ts DESC, id DESC")]
    public async Task Deduplication_on_the_rowtime_keeps_the_row_duckdb_keeps(string direction, string duckDbOrder)
    {
        // Keeping the first row by rowtime, an earlier row replaces it (late or not); keeping the last, a row with an
        // equal or later rowtime does. Ties go to the first (ASC) or last (DESC) arrival.
        var script = OracleCases.OrdersDdl +
            $"""
            CREATE TABLE kept (id BIGINT, customer STRING, amount INT, ts TIMESTAMP(3))
            WITH ('connector' = 'kafka', 'topic' = 'kept', 'format' = 'debezium-json');
            INSERT INTO kept
            SELECT id, customer, amount, ts FROM (
              SELECT id, customer, amount, ts, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts {direction}) AS rn FROM orders
            ) WHERE rn = 1;
            """;
        await OracleCases.MatchesDuckDbAsync(script,
            $"""
            SELECT id, customer, amount, ts FROM (
              SELECT id, customer, amount, ts, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY {duckDbOrder}) AS rn FROM orders
            ) WHERE rn = 1
            """,
            r => OracleCases.RandomOrders(r, 40));
    }

    [Fact]
    public async Task Over_aggregates_with_a_rows_frame_match_duckdb()
    {
        // No row is late here: an OVER aggregate drops late rows per key, which DuckDB cannot see.
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE running (id BIGINT, customer STRING, amount INT, recent_sum INT, recent_count BIGINT, recent_max INT)
            WITH ('connector' = 'kafka', 'topic' = 'running', 'format' = 'json');
            INSERT INTO running
            SELECT id, customer, amount, SUM(amount) OVER w, COUNT(amount) OVER w, MAX(amount) OVER w
            FROM orders
            WINDOW w AS (PARTITION BY customer ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT id, customer, amount, SUM(amount) OVER w, COUNT(amount) OVER w, MAX(amount) OVER w
            FROM orders
            WINDOW w AS (PARTITION BY customer ORDER BY ts, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
            """,
            r => OracleCases.RandomOrders(r, 40, maxLatenessMs: 1500));
    }

    [Fact]
    public async Task Over_aggregates_with_a_range_frame_match_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE running (id BIGINT, customer STRING, recent_sum INT, recent_count BIGINT, recent_min DECIMAL(10, 2))
            WITH ('connector' = 'kafka', 'topic' = 'running', 'format' = 'json');
            INSERT INTO running
            SELECT id, customer,
                   SUM(amount) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW),
                   COUNT(*) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW),
                   MIN(price) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW)
            FROM orders;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT id, customer, SUM(amount) OVER w, COUNT(*) OVER w, MIN(price) OVER w
            FROM orders
            WINDOW w AS (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL 3 SECOND PRECEDING AND CURRENT ROW)
            """,
            r => OracleCases.RandomOrders(r, 40, maxLatenessMs: 1500));
    }
}
