using Eddy.Engine.Testing;
using Eddy.Sql.Binding;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Session;
using Eddy.Sql.Tests.Binding;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// The plans of Flink's window operations: EXPLAIN names them as Flink does (WindowRank, WindowDeduplicate, WindowJoin,
/// insert-only), the shapes Flink refuses are refused in its words, and Nexmark's window queries (q5, q7, q8, q11, as
/// the Nexmark benchmark writes them for Flink) bind and translate.
/// </summary>
[Trait("Category", "Unit")]
public class WindowPlanTests
{
    private const string Bid =
        "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR, " +
        "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json')";

    private const string Person =
        "CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR, " +
        "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'kafka', 'topic' = 'person', 'format' = 'json')";

    private const string Auction =
        "CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), " +
        "seller BIGINT, category BIGINT, extra VARCHAR, WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) " +
        "WITH ('connector' = 'kafka', 'topic' = 'auction', 'format' = 'json')";

    private static TestCatalog Nexmark() => new(Bid, Person, Auction,
        "CREATE TABLE nexmark_q5 (auction BIGINT, num BIGINT) WITH ('connector' = 'blackhole')",
        "CREATE TABLE nexmark_q7 (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR) WITH ('connector' = 'blackhole')",
        "CREATE TABLE nexmark_q8 (id BIGINT, name VARCHAR, stime TIMESTAMP(3)) WITH ('connector' = 'blackhole')",
        "CREATE TABLE nexmark_q11 (bidder BIGINT, bid_count BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)) WITH ('connector' = 'blackhole')");

    private static string Explain(SinkNode sink) =>
        PlanExplainer.Explain([sink], changelogMode: true, JobTranslator.Translate("explain", sink));

    private static SinkNode Sink(PlanNode query) => Harness.InsertSink("out", query);

    private static TestCatalog Orders() => Tables.Catalog().Add(
        "CREATE TABLE shipments (sid BIGINT, receiver STRING, qty INT, sts TIMESTAMP(3), WATERMARK FOR sts AS sts - INTERVAL '5' SECOND) " +
        "WITH ('connector' = 'kafka', 'topic' = 'shipments', 'format' = 'json')");

    [Fact]
    public void Explain_names_a_window_top_n_window_rank_with_flinks_attributes_and_an_insert_only_changelog()
    {
        var explained = Explain(Sink(Orders().Plan("""
            SELECT * FROM (
              SELECT id, customer, amount, window_start, window_end,
                     ROW_NUMBER() OVER (PARTITION BY window_start, window_end, customer ORDER BY amount DESC) AS rn
              FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTE))
            ) WHERE rn <= 3
            """)));
        Assert.Contains(
            "WindowRank(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 min])], rankType=[ROW_NUMBER], " +
            "rankRange=[rankStart=1, rankEnd=3], partitionBy=[customer], orderBy=[amount DESC], " +
            "select=[id, customer, amount, ts, window_start, window_end, window_time, rn], changelogMode=[I])", explained, StringComparison.Ordinal);
        Assert.Contains("WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[10 min])], changelogMode=[I])", explained, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ASC", "FirstRow")]
    [InlineData("DESC", "LastRow")]
    public void Explain_names_a_window_deduplication_window_deduplicate_keeping_the_first_or_last_row(string order, string keep)
    {
        var explained = Explain(Sink(Orders().Plan($"""
            SELECT id, customer, window_start FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, customer ORDER BY ts {order}) AS rn
              FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))
            ) WHERE rn = 1
            """)));
        Assert.Contains(
            $"WindowDeduplicate(window=[HOP(win_start=[window_start], win_end=[window_end], size=[10 min], slide=[5 min])], keep=[{keep}], " +
            "partitionKeys=[customer], orderKey=[ts], order=[ROWTIME], changelogMode=[I])", explained, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_names_a_window_join_window_join_with_both_windows_and_the_rest_of_the_condition()
    {
        var explained = Explain(Sink(Orders().Plan("""
            SELECT L.id, R.sid FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTE))) L
            LEFT JOIN (SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '5' MINUTE))) R
            ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.customer = R.receiver
            """)));
        Assert.Contains(
            "WindowJoin(leftWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], " +
            "rightWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], joinType=[LeftOuterJoin], where=[=(customer, receiver)], ",
            explained, StringComparison.Ordinal);
        Assert.Contains("changelogMode=[I])", explained.Split('\n').Single(l => l.Contains("WindowJoin(leftWindow", StringComparison.Ordinal) && !l.Contains("Logical", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_window_aggregation_is_insert_only_and_prints_its_gap()
    {
        var explained = Explain(Sink(Orders().Plan("""
            SELECT customer, window_start, window_end, COUNT(*) AS cnt
            FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '30' SECOND))
            GROUP BY customer, window_start, window_end
            """)));
        Assert.Contains("window=[SESSION(time_col=[ts], gap=[30 s], partition keys=[customer])]", explained, StringComparison.Ordinal);
        Assert.Contains("WindowAggregate(groupBy=[customer], ", explained, StringComparison.Ordinal);
        Assert.DoesNotContain("changelogMode=[I,UB,UA", explained, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_join_of_different_windows_is_refused_in_flinks_words()
    {
        var error = Orders().QueryError("""
            SELECT L.id FROM (SELECT * FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))) L
            JOIN (SELECT * FROM TABLE(CUMULATE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '10' MINUTE, INTERVAL '1' HOUR))) R
            ON L.window_start = R.window_start AND L.window_end = R.window_end
            """);
        Assert.EndsWith(
            "Currently, window join doesn't support different window table function of left and right inputs.\n" +
            "The left window table function is HOP(size=[10 min], slide=[5 min]).\n" +
            "The right window table function is CUMULATE(max_size=[1 h], step=[10 min]).", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("From line 1, column ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_join_on_window_start_alone_stays_a_regular_join_as_in_flink()
    {
        var plan = Orders().Plan("""
            SELECT L.id FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTE))) L
            JOIN (SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(sts), INTERVAL '5' MINUTE))) R
            ON L.window_start = R.window_start AND L.customer = R.receiver
            """);
        Assert.Contains("LogicalJoin(", plan.Explain(), StringComparison.Ordinal);
        Assert.DoesNotContain("WindowJoin", plan.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_window_shapes_are_refused_with_a_reason()
    {
        var catalog = Orders();
        // A session TVF's rows without an aggregation.
        var session = Assert.Throws<PlanningException>(() => JobTranslator.Translate("s", Sink(catalog.Plan(
            "SELECT * FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"))));
        Assert.Contains("a SESSION window table function is only supported under a window aggregation", session.Message, StringComparison.Ordinal);
        // Sessions partitioned by a column the aggregation does not group by.
        var partition = Assert.Throws<PlanningException>(() => JobTranslator.Translate("p", Sink(catalog.Plan("""
            SELECT window_start, COUNT(*) AS cnt FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
            GROUP BY window_start, window_end
            """))));
        Assert.Contains("the SESSION window's PARTITION BY column 'customer' must be a GROUP BY key of its aggregation", partition.Message, StringComparison.Ordinal);
        // PARTITION BY on another window function.
        var tumble = catalog.QueryError("SELECT * FROM TABLE(TUMBLE(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '1' MINUTE))");
        Assert.Contains("PARTITION BY is only supported by the SESSION window table function, not TUMBLE", tumble.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_top_n_over_an_updating_input_is_refused_as_flink_refuses_it()
    {
        var catalog = Orders().Add(
            "CREATE VIEW latest AS SELECT id, customer, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts DESC) AS rn FROM orders) WHERE rn = 1");
        // The deduplication keeping the last row updates its rows; its rowtime is no longer a time attribute.
        var error = catalog.QueryError("SELECT * FROM TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '1' MINUTE))");
        Assert.Contains("The window function requires the timecol is a time attribute type", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("q5", """
        INSERT INTO nexmark_q5
        SELECT AuctionBids.auction, AuctionBids.num
         FROM (
           SELECT
             auction,
             count(*) AS num,
             window_start AS starttime,
             window_end AS endtime
             FROM TABLE(
                     HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
             GROUP BY auction, window_start, window_end
         ) AS AuctionBids
         JOIN (
           SELECT
             max(CountBids.num) AS maxn,
             CountBids.starttime,
             CountBids.endtime
           FROM (
             SELECT
               count(*) AS num,
               window_start AS starttime,
               window_end AS endtime
             FROM TABLE(
                        HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
             GROUP BY auction, window_start, window_end
             ) AS CountBids
           GROUP BY CountBids.starttime, CountBids.endtime
         ) AS MaxBids
         ON AuctionBids.starttime = MaxBids.starttime AND
            AuctionBids.endtime = MaxBids.endtime AND
            AuctionBids.num >= MaxBids.maxn
        """, "WindowJoin(")]
    [InlineData("q7", """
        INSERT INTO nexmark_q7
        SELECT B.auction, B.bidder, B.price, B.dateTime, B.extra
        from bid B
        JOIN (
          SELECT MAX(price) AS maxprice, window_end as dateTime
          FROM TABLE(
                  TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
          GROUP BY window_start, window_end
        ) B1
        ON B.price = B1.maxprice
        WHERE B.dateTime BETWEEN B1.dateTime  - INTERVAL '10' SECOND AND B1.dateTime
        """, "Join(")]
    [InlineData("q8", """
        INSERT INTO nexmark_q8
        SELECT P.id, P.name, P.starttime
        FROM (
          SELECT id, name,
                window_start AS starttime,
                window_end AS endtime
          FROM TABLE(
                    TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
          GROUP BY id, name, window_start, window_end
        ) P
        JOIN (
          SELECT seller,
                window_start AS starttime,
                window_end AS endtime
          FROM TABLE(
                TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
          GROUP BY seller, window_start, window_end
        ) A
        ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
        """, "WindowJoin(")]
    [InlineData("q11", """
        INSERT INTO nexmark_q11
        SELECT
            B.bidder,
            count(*) as bid_count,
            SESSION_START(B.dateTime, INTERVAL '10' SECOND) as starttime,
            SESSION_END(B.dateTime, INTERVAL '10' SECOND) as endtime
        FROM bid B
        GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
        """, "SESSION(time_col=[dateTime], gap=[10 s])")]
    public void Nexmark_window_queries_bind_and_translate(string query, string sql, string operatorName)
    {
        var sink = Nexmark().Insert(sql);
        var explained = Explain(sink);
        Assert.Contains(operatorName, explained, StringComparison.Ordinal);
        Assert.NotEmpty(query);
    }

    [Fact]
    public void Nexmark_q8_emits_the_people_who_opened_an_auction_in_the_window_they_registered()
    {
        var sink = Nexmark().Insert("""
            INSERT INTO nexmark_q8
            SELECT P.id, P.name, P.starttime
            FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
                  FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY id, name, window_start, window_end) P
            JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
                  FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY seller, window_start, window_end) A
            ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
            """);
        sink = Harness.InsertSink("q8", sink.Input);
        using var driver = new JobTestDriver(JobTranslator.Translate("q8", sink), new JobTestDriverOptions { Partitions = 2 });
        var t0 = new DateTime(2026, 12, 7, 10, 0, 0);
        SqlType[] personTypes = [SqlType.BigInt, SqlType.String, SqlType.String, SqlType.String, SqlType.String, SqlType.String, SqlType.Timestamp(3), SqlType.String];
        SqlType[] auctionTypes = [SqlType.BigInt, SqlType.String, SqlType.String, SqlType.BigInt, SqlType.BigInt, SqlType.Timestamp(3), SqlType.Timestamp(3),
            SqlType.BigInt, SqlType.BigInt, SqlType.String];
        Row PersonRow(long id, string name, double seconds) => Row.Of(personTypes, [id, name, null, null, null, null, t0.AddSeconds(seconds), null]);
        Row AuctionRow(long id, long seller, double seconds) => Row.Of(auctionTypes, [id, null, null, 1L, 1L, t0.AddSeconds(seconds), t0.AddSeconds(seconds + 60), seller, 1L, null]);
        var people = driver.Input<Row, Row>("person");
        var auctions = driver.Input<Row, Row>("auction");
        people.Pipe(null!, PersonRow(1, "ann", 1), 0, 0);
        people.Pipe(null!, PersonRow(2, "bob", 2), 0, 1);
        people.Pipe(null!, PersonRow(3, "cy", 12), 0, 0);
        auctions.Pipe(null!, AuctionRow(10, 1, 3), 0, 0);     // ann, same window: joined
        auctions.Pipe(null!, AuctionRow(11, 1, 4), 0, 1);     // ann again: the GROUP BY makes one row per seller and window
        auctions.Pipe(null!, AuctionRow(12, 2, 11), 0, 0);    // bob, next window: not joined
        auctions.Pipe(null!, AuctionRow(13, 3, 19.999), 0, 1); // cy, same window (its last millisecond): joined
        driver.AdvanceWatermark("person", long.MaxValue / 2);
        driver.AdvanceWatermark("auction", long.MaxValue / 2);
        var rows = Harness.Inserts(driver, sink);
        Assert.Equal(["1 | ann | 2026-12-07 10:00:00.000", "3 | cy | 2026-12-07 10:00:10.000"], rows);
    }
}
