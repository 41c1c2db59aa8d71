namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Window aggregates (TUMBLE, HOP, CUMULATE table functions and the legacy GROUP BY TUMBLE) over out-of-order rows,
/// some late, against DuckDB per window. The harness replays the watermark: each row carries <c>arrival_wm</c>, the
/// watermark when it reached the window operator, and counts in a window only if that window had not fired yet
/// (<c>window_end - 1 &gt; arrival_wm</c>), as Flink decides per window; at the end of the bounded input every window
/// fires. DuckDB assigns windows with epoch-millisecond arithmetic (Flink aligns windows on the epoch).
/// </summary>
[Trait("Category", "Unit")]
public class WindowOracleTests
{
    private static OracleInput LateOrders(Random random) => OracleCases.RandomOrders(random, 50, maxLatenessMs: 5000);

    private const string Sink =
        """
        CREATE TABLE per_window (customer STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), cnt BIGINT, total INT, top DECIMAL(10, 2))
        WITH ('connector' = 'kafka', 'topic' = 'per_window', 'format' = 'json');
        """;

    [Fact]
    public async Task A_tumbling_window_counts_each_row_that_was_not_late_for_its_window()
    {
        const string Script = OracleCases.OrdersDdl + Sink +
            """
            INSERT INTO per_window
            SELECT customer, window_start, window_end, COUNT(*), SUM(amount), MAX(price)
            FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND))
            GROUP BY customer, window_start, window_end;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT customer, epoch_ms(ws), epoch_ms(ws + 5000), COUNT(*), SUM(amount), MAX(price)
            FROM (SELECT *, epoch_ms(ts) // 5000 * 5000 AS ws FROM orders)
            WHERE ws + 5000 - 1 > arrival_wm
            GROUP BY customer, ws
            """,
            LateOrders);
    }

    [Fact]
    public async Task A_hopping_window_counts_a_late_row_in_the_windows_that_had_not_fired()
    {
        const string Script = OracleCases.OrdersDdl + Sink +
            """
            INSERT INTO per_window
            SELECT customer, window_start, window_end, COUNT(*), SUM(amount), MAX(price)
            FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
            GROUP BY customer, window_start, window_end;
            """;
        // A row belongs to the three windows starting at its 2-second slot and the two slots before.
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT customer, epoch_ms(ws), epoch_ms(ws + 6000), COUNT(*), SUM(amount), MAX(price)
            FROM (SELECT *, epoch_ms(ts) // 2000 * 2000 - k * 2000 AS ws FROM orders, range(0, 3) AS slots(k))
            WHERE ws + 6000 - 1 > arrival_wm
            GROUP BY customer, ws
            """,
            LateOrders);
    }

    [Fact]
    public async Task A_cumulating_window_emits_each_step_with_the_rows_that_were_on_time_for_it()
    {
        const string Script = OracleCases.OrdersDdl + Sink +
            """
            INSERT INTO per_window
            SELECT customer, window_start, window_end, COUNT(*), SUM(amount), MAX(price)
            FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
            GROUP BY customer, window_start, window_end;
            """;
        // A row is in every step window of its 6-second window that ends after it.
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT customer, epoch_ms(ws), epoch_ms(we), COUNT(*), SUM(amount), MAX(price)
            FROM (SELECT *, epoch_ms(ts) // 6000 * 6000 AS ws, epoch_ms(ts) // 6000 * 6000 + k * 2000 AS we FROM orders, range(1, 4) AS steps(k))
            WHERE we > epoch_ms(ts) AND we - 1 > arrival_wm
            GROUP BY customer, ws, we
            """,
            LateOrders);
    }

    [Fact]
    public async Task A_legacy_group_window_over_all_keys_matches_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE per_window (s TIMESTAMP(3), e TIMESTAMP(3), cnt BIGINT, lowest INT)
            WITH ('connector' = 'kafka', 'topic' = 'per_window', 'format' = 'json');
            INSERT INTO per_window
            SELECT TUMBLE_START(ts, INTERVAL '3' SECOND), TUMBLE_END(ts, INTERVAL '3' SECOND), COUNT(*), MIN(amount)
            FROM orders WHERE customer IS NOT NULL
            GROUP BY TUMBLE(ts, INTERVAL '3' SECOND);
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT epoch_ms(ws), epoch_ms(ws + 3000), COUNT(*), MIN(amount)
            FROM (SELECT *, epoch_ms(ts) // 3000 * 3000 AS ws FROM orders)
            WHERE customer IS NOT NULL AND ws + 3000 - 1 > arrival_wm
            GROUP BY ws
            """,
            LateOrders);
    }
}
