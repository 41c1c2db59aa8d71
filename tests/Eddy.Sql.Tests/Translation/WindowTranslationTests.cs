using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Tests.Binding;
using Eddy.Sql.Tests.Planning;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Translation.Harness;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// Flink's window operations from SQL text to the engine: window Top-N (over a window TVF and over a window
/// aggregation), window deduplication, window joins and session windows. Random rows (out of order, some later than
/// the 5 s watermark bound, NULL keys) go through the engine's test driver on one partition, so that the test can
/// replay the watermark itself: each row knows the watermark before it (the largest rowtime before it minus 5 s, as
/// Flink's WATERMARK FOR ts AS ts - INTERVAL '5' SECOND; a join takes the smaller of its two tables'), and a row is late for a window whose last millisecond is not
/// past it. DuckDB then answers the batch equivalent over the rows on time for their windows (windows assigned by floor
/// arithmetic in SQL); sessions, which DuckDB cannot express, are replayed by brute force here.
/// </summary>
[Trait("Category", "Unit")]
public class WindowTranslationTests
{
    private const string Shipments =
        "CREATE TABLE shipments (sid BIGINT, receiver STRING, qty INT, sts TIMESTAMP(3), WATERMARK FOR sts AS sts - INTERVAL '5' SECOND) " +
        "WITH ('connector' = 'kafka', 'topic' = 'shipments', 'format' = 'json')";

    private static readonly string?[] Names = ["ann", "bob", "cy", null];

    private const long Start = 1_700_000_000_000L;

    private const long BoundMs = 5_000;

    private static readonly SqlType[] OrderTypes = [SqlType.BigInt, SqlType.String, SqlType.Int, SqlType.Timestamp(3)];

    private static readonly SqlType[] ShipmentTypes = [SqlType.BigInt, SqlType.String, SqlType.Int, SqlType.Timestamp(3)];

    /// <summary>A random event: which table, a name (3 is NULL), a number (−1 is NULL), the time gap before it (×100 ms), how late it comes (×100 ms).</summary>
    private static readonly Gen<(int Table, int Name, int Number, int Gap, int Lateness)[]> Events =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[-1, 12], Gen.Int[0, 12], Gen.Int[0, 90]).Array[1, 80];

    /// <summary>Events within the watermark bound (at most 4.5 s late, less the index's milliseconds): never late.</summary>
    private static readonly Gen<(int Table, int Name, int Number, int Gap, int Lateness)[]> OnTimeEvents =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[-1, 12], Gen.Int[0, 12], Gen.Int[0, 45]).Array[1, 80];

    private static TestCatalog Catalog() => new(Tables.Orders, Shipments);

    private static DateTime At(long milliseconds) => DateTime.UnixEpoch.AddMilliseconds(milliseconds);

    /// <summary>The rows piped (each with the watermark before it as a last column, for DuckDB), per table.</summary>
    private sealed record Fed(List<object?[]> Orders, List<object?[]> Shipments, List<(object?[] Row, long Time, long Watermark)> OrderTimes);

    /// <summary>
    /// Pipes the events (orders only unless <paramref name="both"/>) and replays the watermark: each row gets the
    /// watermark it meets (the minimum over the job's tables of their largest rowtime so far minus the bound).
    /// </summary>
    private static Fed Feed(JobTestDriver driver, (int Table, int Name, int Number, int Gap, int Lateness)[] events, bool both, bool restart = false,
        int partitions = 1)
    {
        var fed = new Fed([], [], []);
        var time = Start;
        long maxOrders = long.MinValue, maxShipments = long.MinValue;
        for (var i = 0; i < events.Length; i++)
        {
            if (restart && i == events.Length / 2)
                driver.RestartTasks(); // every task rebuilt from its stores, as after a worker restart
            var (table, name, number, gap, lateness) = events[i];
            if (!both)
                table = 0;
            time += gap * 100;
            // The index in the last digits keeps most rowtimes distinct.
            var ts = time - (lateness * 100) + (i % 50);
            var watermark = both
                ? Math.Min(Mark(maxOrders), Mark(maxShipments))
                : Mark(maxOrders);
            object?[] row = [(long)i, Names[name], number < 0 ? null : number, At(ts)];
            driver.Input<Row, Row>(table == 0 ? "orders" : "shipments").Pipe(null!, Row.Of(table == 0 ? OrderTypes : ShipmentTypes, row), 0, i % partitions);
            object?[] withMark = [.. row, At(Math.Max(watermark, Start - 1_000_000))];
            if (table == 0)
            {
                fed.Orders.Add(withMark);
                fed.OrderTimes.Add((row, ts, watermark));
                maxOrders = Math.Max(maxOrders, ts);
            }
            else
            {
                fed.Shipments.Add(withMark);
                maxShipments = Math.Max(maxShipments, ts);
            }
        }
        driver.AdvanceWatermark("orders", long.MaxValue / 2);
        if (both)
            driver.AdvanceWatermark("shipments", long.MaxValue / 2);
        return fed;
    }

    private static long Mark(long maxTimestamp) => maxTimestamp == long.MinValue ? long.MinValue : maxTimestamp - BoundMs;

    private static readonly TestTable OrdersInDuckDb = new(Catalog().Table("orders"),
        [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("ts", "TIMESTAMP"), ("wm", "TIMESTAMP")]);

    private static readonly TestTable ShipmentsInDuckDb = new(Catalog().Table("shipments"),
        [("sid", "BIGINT"), ("receiver", "VARCHAR"), ("qty", "INTEGER"), ("sts", "TIMESTAMP"), ("wm", "TIMESTAMP")]);

    /// <summary>Runs <paramref name="sql"/> over random events and compares its rows (all inserts) with DuckDB's answer to <paramref name="duckDb"/>.</summary>
    private static void MatchesDuckDb(string sql, string duckDb, bool both = false, int iterations = 25, bool restart = false, int partitions = 1) =>
        MatchesDuckDb(InsertSink("out", Catalog().Plan(sql)), duckDb, both, iterations, restart, partitions);

    /// <summary>
    /// The sink's job over random events compared with DuckDB. On several partitions the watermark is the minimum over
    /// the source tasks, which the test does not replay: the events then come within the watermark bound, none late.
    /// </summary>
    private static void MatchesDuckDb(SinkNode sink, string duckDb, bool both = false, int iterations = 25, bool restart = false, int partitions = 1)
    {
        var plan = JobTranslator.Translate("window", sink);
        (partitions == 1 ? Events : OnTimeEvents).Sample(events =>
        {
            using var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = partitions });
            var fed = Feed(driver, events, both, restart, partitions);
            var expected = Oracle(duckDb, (OrdersInDuckDb, fed.Orders), (ShipmentsInDuckDb, fed.Shipments));
            Assert.Equal(expected, Inserts(driver, sink));
        }, iter: iterations, threads: 1);
    }

    /// <summary>DuckDB's tumbling windows of a table: its rows with ws and we, those on time for their window only.</summary>
    private static string Tumbling(string table, string time, int seconds) =>
        $"(SELECT *, ws + INTERVAL {seconds} SECOND AS we FROM (SELECT *, time_bucket(INTERVAL {seconds} SECOND, {time}) AS ws FROM {table}) " +
        $"WHERE ws + INTERVAL {seconds} SECOND - INTERVAL 1 MILLISECOND > wm)";

    /// <summary>DuckDB's hopping windows: each row once per window containing it (starts stepped back by the slide), on time only.</summary>
    private static string Hopping(string table, string time, int slide, int size) =>
        $"(SELECT *, ws + INTERVAL {size} SECOND AS we FROM (SELECT t.*, time_bucket(INTERVAL {slide} SECOND, {time}) - to_milliseconds(k.i * {slide * 1000}) AS ws " +
        $"FROM {table} t, range(0, {size / slide}) k(i)) WHERE {time} < ws + INTERVAL {size} SECOND AND ws + INTERVAL {size} SECOND - INTERVAL 1 MILLISECOND > wm)";

    [Fact]
    public void A_window_top_n_over_a_tumbling_window_tvf_emits_each_windows_top_rows_as_duckdb_ranks_them()
    {
        MatchesDuckDb(
            """
            SELECT * FROM (
              SELECT id, customer, amount, window_start, window_end,
                     ROW_NUMBER() OVER (PARTITION BY window_start, window_end, customer ORDER BY amount DESC, id) AS rn
              FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            ) WHERE rn <= 2
            """,
            $"""
            SELECT id, customer, amount, ws, we, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, customer ORDER BY amount DESC NULLS LAST, id) AS rn FROM {Tumbling("orders", "ts", 10)})
            WHERE rn <= 2
            """);
    }

    [Fact]
    public void A_window_top_n_without_the_rank_column_and_from_the_second_rank_keeps_those_rows_only()
    {
        MatchesDuckDb(
            """
            SELECT id, amount, window_end FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY amount, id DESC) AS rn
              FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND))
            ) WHERE rn BETWEEN 2 AND 3
            """,
            $"""
            SELECT id, amount, we FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY amount NULLS FIRST, id DESC) AS rn FROM {Tumbling("orders", "ts", 5)})
            WHERE rn BETWEEN 2 AND 3
            """);
    }

    [Fact]
    public void A_window_top_n_over_a_hopping_window_aggregation_ranks_each_windows_groups_as_duckdb_does()
    {
        MatchesDuckDb(
            """
            SELECT * FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC, customer) AS rn
              FROM (
                SELECT window_start, window_end, customer, SUM(amount) AS total, COUNT(*) AS cnt
                FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
                GROUP BY window_start, window_end, customer)
            ) WHERE rn <= 2
            """,
            $"""
            SELECT ws, we, customer, total, cnt, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY total DESC NULLS LAST, customer ASC NULLS FIRST) AS rn
              FROM (SELECT ws, we, customer, SUM(amount) AS total, COUNT(*) AS cnt FROM {Hopping("orders", "ts", 2, 6)} GROUP BY ws, we, customer))
            WHERE rn <= 2
            """);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_window_deduplication_keeps_the_first_or_last_row_of_each_window_and_key(bool last)
    {
        var direction = last ? "DESC" : "ASC";
        MatchesDuckDb(
            $"""
            SELECT id, customer, amount, ts, window_start, window_end FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, customer ORDER BY ts {direction}) AS rn
              FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            ) WHERE rn <= 1
            """,
            // Of equal rowtimes the first to arrive stays (keeping the first row), the last replaces it (keeping the last).
            $"""
            SELECT id, customer, amount, ts, ws, we FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, customer ORDER BY ts {direction}, id {direction}) AS rn FROM {Tumbling("orders", "ts", 10)})
            WHERE rn = 1
            """);
    }

    [Theory]
    [InlineData("JOIN", "JOIN", false)]
    [InlineData("LEFT JOIN", "LEFT JOIN", false)]
    [InlineData("RIGHT JOIN", "RIGHT JOIN", false)]
    [InlineData("FULL JOIN", "FULL OUTER JOIN", false)]
    [InlineData("JOIN", "JOIN", true)]
    [InlineData("FULL JOIN", "FULL OUTER JOIN", true)]
    public void A_window_join_meets_the_rows_of_each_window_as_duckdb_joins_them(string join, string duckJoin, bool hopping)
    {
        var window = hopping ? "HOP(TABLE {0}, DESCRIPTOR({1}), INTERVAL '2' SECOND, INTERVAL '4' SECOND)" : "TUMBLE(TABLE {0}, DESCRIPTOR({1}), INTERVAL '5' SECOND)";
        var left = string.Format(System.Globalization.CultureInfo.InvariantCulture, window, "orders", "ts");
        var right = string.Format(System.Globalization.CultureInfo.InvariantCulture, window, "shipments", "sts");
        MatchesDuckDb(
            $"""
            SELECT L.id, L.customer, L.amount, R.sid, R.receiver, R.qty, L.window_start, R.window_end
            FROM (SELECT * FROM TABLE({left})) L
            {join} (SELECT * FROM TABLE({right})) R
            ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.customer = R.receiver AND L.amount >= R.qty
            """,
            $"""
            SELECT L.id, L.customer, L.amount, R.sid, R.receiver, R.qty, L.ws, R.we
            FROM {(hopping ? Hopping("orders", "ts", 2, 4) : Tumbling("orders", "ts", 5))} L
            {duckJoin} {(hopping ? Hopping("shipments", "sts", 2, 4) : Tumbling("shipments", "sts", 5))} R
            ON L.ws = R.ws AND L.we = R.we AND L.customer = R.receiver AND L.amount >= R.qty
            """,
            both: true, iterations: 20);
    }

    [Fact]
    public void Nexmark_q5s_shape_a_window_join_of_hopping_counts_with_their_maximum_per_window_matches_duckdb()
    {
        // The hot items: the counts per window that reach the window's maximum (a window aggregation of a window
        // aggregation's result, joined back on the window bounds).
        MatchesDuckDb(
            """
            SELECT A.customer, A.num, A.starttime FROM (
              SELECT customer, COUNT(*) AS num, window_start AS starttime, window_end AS endtime
              FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
              GROUP BY customer, window_start, window_end) AS A
            JOIN (
              SELECT MAX(C.num) AS maxn, C.starttime, C.endtime FROM (
                SELECT COUNT(*) AS num, window_start AS starttime, window_end AS endtime
                FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
                GROUP BY customer, window_start, window_end) AS C
              GROUP BY C.starttime, C.endtime) AS M
            ON A.starttime = M.starttime AND A.endtime = M.endtime AND A.num >= M.maxn
            """,
            $"""
            WITH a AS (SELECT customer, COUNT(*) AS num, ws, we FROM {Hopping("orders", "ts", 2, 6)} GROUP BY customer, ws, we),
                 m AS (SELECT MAX(num) AS maxn, ws, we FROM a GROUP BY ws, we)
            SELECT a.customer, a.num, a.ws FROM a JOIN m ON a.ws = m.ws AND a.we = m.we AND a.num >= m.maxn
            """);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_window_semi_or_anti_join_keeps_the_left_rows_with_or_without_a_match_in_their_window(bool anti)
    {
        // Flink plans WHERE [NOT] EXISTS / IN (a correlated subquery on the window bounds) as a window semi or anti join;
        // the binder does not bind correlated subqueries yet, so the plan is built here.
        var catalog = Catalog();
        var left = catalog.Plan("SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND))");
        var right = catalog.Plan("SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '5' SECOND))");
        var leftWindow = WindowColumns.Of(left)!;
        var rightWindow = WindowColumns.Of(right)!;
        var join = new WindowJoinNode(left, right, anti ? JoinKind.Anti : JoinKind.Semi, [leftWindow.Start, leftWindow.End, 1], [rightWindow.Start, rightWindow.End, 1],
            leftWindow, rightWindow);
        var project = new ProjectNode(join, [Col(join, "id"), Col(join, "customer"), Col(join, "window_start")], ["id", "customer", "window_start"]);
        MatchesDuckDb(InsertSink("out", project),
            $"""
            SELECT L.id, L.customer, L.ws FROM {Tumbling("orders", "ts", 5)} L
            WHERE {(anti ? "NOT " : "")}EXISTS (SELECT 1 FROM {Tumbling("shipments", "sts", 5)} R WHERE L.ws = R.ws AND L.we = R.we AND L.customer = R.receiver)
            """,
            both: true, iterations: 20);
    }

    [Fact]
    public void Window_top_n_and_joins_on_several_partitions_match_duckdb()
    {
        MatchesDuckDb(
            """
            SELECT * FROM (
              SELECT id, customer, amount, window_start, window_end,
                     ROW_NUMBER() OVER (PARTITION BY window_start, window_end, customer ORDER BY amount DESC, id) AS rn
              FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
            ) WHERE rn <= 2
            """,
            $"""
            SELECT id, customer, amount, ws, we, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, customer ORDER BY amount DESC NULLS LAST, id) AS rn
              FROM (SELECT o.*, time_bucket(INTERVAL 6 SECOND, ts) AS ws, time_bucket(INTERVAL 6 SECOND, ts) + to_milliseconds(k.i * 2000) AS we
                    FROM orders o, range(1, 4) k(i) WHERE ts < time_bucket(INTERVAL 6 SECOND, ts) + to_milliseconds(k.i * 2000)))
            WHERE rn <= 2
            """,
            partitions: 3, iterations: 15);
        MatchesDuckDb(
            """
            SELECT L.id, R.sid, L.window_start FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND))) L
            FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '5' SECOND))) R
            ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.customer = R.receiver
            """,
            $"""
            SELECT L.id, R.sid, L.ws FROM {Tumbling("orders", "ts", 5)} L FULL OUTER JOIN {Tumbling("shipments", "sts", 5)} R
            ON L.ws = R.ws AND L.we = R.we AND L.customer = R.receiver
            """,
            both: true, partitions: 3, iterations: 15);
    }

    /// <summary>
    /// Flink's session windows replayed by brute force: per key, rows on time (their own window [t, t + gap) not past
    /// the watermark) join the sessions they touch; a session fires, and is gone, once the watermark reaches its last
    /// millisecond. The rows: key, COUNT(*), SUM(amount), MAX(amount), session start and end.
    /// </summary>
    private static List<string> Sessions(List<(object?[] Row, long Time, long Watermark)> rows, long gap)
    {
        var open = new List<(string? Key, long Start, long End, List<object?[]> Rows)>();
        var results = new List<string>();
        void Fire(long watermark)
        {
            for (var i = open.Count - 1; i >= 0; i--)
            {
                var session = open[i];
                if (session.End - 1 > watermark)
                    continue;
                var amounts = session.Rows.Select(r => (int?)r[2]).Where(a => a is not null).Select(a => a!.Value).ToList();
                results.Add(DuckDbOracle.Render([session.Key, (long)session.Rows.Count, amounts.Count == 0 ? null : amounts.Sum(),
                    amounts.Count == 0 ? null : amounts.Max(), At(session.Start), At(session.End)]));
                open.RemoveAt(i);
            }
        }
        foreach (var (row, time, watermark) in rows)
        {
            Fire(watermark);
            if (time + gap - 1 <= watermark)
                continue; // late
            var key = (string?)row[1];
            var merged = (Key: key, Start: time, End: time + gap, Rows: new List<object?[]> { row });
            for (var i = open.Count - 1; i >= 0; i--)
            {
                var session = open[i];
                if (session.Key != key || session.Start > merged.End || session.End < merged.Start)
                    continue;
                merged = (key, Math.Min(merged.Start, session.Start), Math.Max(merged.End, session.End), [.. merged.Rows, .. session.Rows]);
                open.RemoveAt(i);
            }
            open.Add(merged);
        }
        Fire(long.MaxValue);
        results.Sort(StringComparer.Ordinal);
        return results;
    }

    [Theory]
    [InlineData("""
        SELECT customer, COUNT(*) AS cnt, SUM(amount) AS total, MAX(amount) AS top,
               SESSION_START(ts, INTERVAL '3' SECOND) AS s, SESSION_END(ts, INTERVAL '3' SECOND) AS e
        FROM orders GROUP BY customer, SESSION(ts, INTERVAL '3' SECOND)
        """)]
    [InlineData("""
        SELECT customer, COUNT(*) AS cnt, SUM(amount) AS total, MAX(amount) AS top, window_start, window_end
        FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '3' SECOND))
        GROUP BY customer, window_start, window_end
        """)]
    public void Session_windows_merge_the_rows_closer_than_the_gap_and_emit_each_session_once_at_its_end(string sql)
    {
        var sink = InsertSink("out", Catalog().Plan(sql));
        var plan = JobTranslator.Translate("sessions", sink);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = 1 });
            // Every other sample rebuilds the tasks from their stores halfway (open sessions restored).
            var fed = Feed(driver, events, both: false, restart: events.Length % 2 == 0);
            Assert.Equal(Sessions(fed.OrderTimes, 3_000), Inserts(driver, sink));
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Window_top_n_and_join_state_survives_a_restart_of_the_tasks_mid_stream()
    {
        MatchesDuckDb(
            """
            SELECT * FROM (
              SELECT id, customer, amount, window_start, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY amount DESC, id) AS rn
              FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            ) WHERE rn <= 3
            """,
            $"""
            SELECT id, customer, amount, ws, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY amount DESC NULLS LAST, id) AS rn FROM {Tumbling("orders", "ts", 10)})
            WHERE rn <= 3
            """,
            iterations: 10, restart: true);
        MatchesDuckDb(
            """
            SELECT L.id, R.sid, L.window_start
            FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND))) L
            LEFT JOIN (SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '5' SECOND))) R
            ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.customer = R.receiver
            """,
            $"""
            SELECT L.id, R.sid, L.ws FROM {Tumbling("orders", "ts", 5)} L LEFT JOIN {Tumbling("shipments", "sts", 5)} R
            ON L.ws = R.ws AND L.we = R.we AND L.customer = R.receiver
            """,
            both: true, iterations: 10, restart: true);
    }
}
