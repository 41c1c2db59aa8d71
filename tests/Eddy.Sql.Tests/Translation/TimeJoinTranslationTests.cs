using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Translation.Harness;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// Interval and event-time temporal joins translated to the engine's interval and temporal joins, on random rows out of
/// order within the watermark bound, compared with DuckDB: a join on the interval condition, and an ASOF join over the
/// versioned table's history (a delete ends a version).
/// </summary>
[Trait("Category", "Unit")]
public class TimeJoinTranslationTests
{
    private static readonly string?[] Names = ["ann", "bob", "cy", null];

    private static readonly TestTable Orders = RankTranslationTests.Orders;

    private static readonly TestTable Shipments = new(
        Kafka("shipments", [new("sid", SqlType.BigInt), new("receiver", SqlType.String), new("sts", SqlType.Timestamp(3))],
            rowtime: "sts", delay: TimeSpan.FromSeconds(5)),
        [("sid", "BIGINT"), ("receiver", "VARCHAR"), ("sts", "TIMESTAMP")]);

    private static readonly TestTable Rates = new(
        new CatalogTable(Harness.Catalog + "rates", [new("currency", SqlType.String.NotNull()), new("rate", SqlType.Int), new("rts", SqlType.Timestamp(3))],
            System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("connector", "upsert-kafka").Add("topic", "rates").Add("key.format", "json").Add("value.format", "json"),
            PrimaryKey: ["currency"], RowtimeColumn: "rts"),
        [("currency", "VARCHAR"), ("rate", "INTEGER"), ("rts", "TIMESTAMP"), ("deleted", "BOOLEAN")]);

    /// <summary>A random event: which table, a name (3 is NULL), a number, the time gap before it, how late it comes (orders and shipments), its partition.</summary>
    private static readonly Gen<(int Table, int Name, int Number, int Gap, int Lateness, int Partition)[]> Events =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 9], Gen.Int[0, 20], Gen.Int[0, 40], Gen.Int[0, 2]).Array[1, 70];

    private const long Start = 1_700_000_000_000L;

    private static DateTime At(long milliseconds) => DateTime.UnixEpoch.AddMilliseconds(milliseconds);

    private static string DuckJoin(JoinKind kind) => kind switch
    {
        JoinKind.Inner => "JOIN",
        JoinKind.Left => "LEFT JOIN",
        JoinKind.Right => "RIGHT JOIN",
        _ => "FULL OUTER JOIN",
    };

    [Theory]
    [InlineData("Inner")]
    [InlineData("Left")]
    [InlineData("Right")]
    [InlineData("Full")]
    public void An_interval_join_matches_the_rows_within_the_bounds_as_duckdb_does(string kindName)
    {
        // SELECT * FROM orders o [kind] JOIN shipments s ON o.customer = s.receiver
        //   AND s.sts BETWEEN o.ts - INTERVAL '2' SECOND AND o.ts + INTERVAL '3' SECOND
        var kind = Enum.Parse<JoinKind>(kindName);
        var orders = new TableScanNode(Orders.Table);
        var shipments = new TableScanNode(Shipments.Table);
        var join = new IntervalJoinNode(orders, shipments, kind, [1], [1], 3, 2, TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(3));
        var sink = InsertSink("shipped", join);
        Assert.True(ChangelogInference.Analyze(sink)[join].Mode.IsInsertOnly);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("interval", sink), new JobTestDriverOptions { Partitions = 3 });
            var lefts = new List<object?[]>();
            var rights = new List<object?[]>();
            var time = Start;
            for (var i = 0; i < events.Length; i++)
            {
                var (table, name, _, gap, lateness, partition) = events[i];
                time += gap * 100;
                // Unique times (the index is their last digits), up to 4 s late: within the 5 s bound.
                var ts = At(time - (lateness * 100) + i);
                object?[] row = table == 0 ? [(long)i, Names[name], i % 10, ts] : [(long)i, Names[name], ts];
                var target = table == 0 ? Orders : Shipments;
                driver.Input<Row, Row>(target.Table.Topic).Pipe(null!, Row.Of(target.Table.Schema.Select(f => f.Type).ToArray(), row), 0, partition);
                (table == 0 ? lefts : rights).Add(row);
            }
            driver.AdvanceWatermark("orders", long.MaxValue / 2);
            driver.AdvanceWatermark("shipments", long.MaxValue / 2);
            Assert.Equal(0, driver.LateRecordCount);
            var expected = Oracle(
                $"SELECT * FROM orders o {DuckJoin(kind)} shipments s ON o.customer = s.receiver AND s.sts BETWEEN o.ts - INTERVAL 2 SECOND AND o.ts + INTERVAL 3 SECOND",
                (Orders, lefts), (Shipments, rights));
            Assert.Equal(expected, Inserts(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void An_interval_join_on_a_column_that_is_not_the_rowtime_is_refused()
    {
        var orders = new TableScanNode(Orders.Table);
        var shipments = new TableScanNode(Shipments.Table);
        var join = new IntervalJoinNode(orders, shipments, JoinKind.Inner, [1], [1], 3, 0, TimeSpan.Zero, TimeSpan.Zero);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("refused", InsertSink("shipped", join)));
        Assert.Contains("the interval's time columns must be both sides' rowtime attributes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Inner")]
    [InlineData("Left")]
    public void A_temporal_join_meets_each_order_with_the_rate_valid_at_its_time(string kindName)
    {
        // SELECT * FROM orders o [LEFT] JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.customer = r.currency
        var kind = Enum.Parse<JoinKind>(kindName);
        var orders = new TableScanNode(Orders.Table);
        var rates = new TableScanNode(Rates.Table);
        var join = new TemporalJoinNode(orders, rates, kind, [1], [0], 3);
        var sink = InsertSink("priced", join);
        Assert.True(ChangelogInference.Analyze(sink)[join].Mode.IsInsertOnly);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("temporal", sink), new JobTestDriverOptions { Partitions = 3 });
            var orderRows = new List<object?[]>();
            var versions = new List<object?[]>();
            var time = Start;
            var rateTypes = Rates.Table.Schema.Select(f => f.Type).ToArray();
            for (var i = 0; i < events.Length; i++)
            {
                var (table, name, number, gap, lateness, partition) = events[i];
                time += (gap * 100) + 1;
                if (table == 0)
                {
                    object?[] row = [(long)i, Names[name], number, At(time - (lateness * 100) - 1)];
                    driver.Input<Row, Row>("orders").Pipe(null!, Row.Of(Orders.Table.Schema.Select(f => f.Type).ToArray(), row), 0, partition);
                    orderRows.Add(row);
                    continue;
                }
                // The rates arrive in time order (their watermark has no delay); a NULL name is never a currency.
                var currency = Names[name] ?? "ann";
                var key = Row.Of([SqlType.String.NotNull()], currency);
                if (number == 0)
                {
                    driver.Input<Row, Row>("rates").Pipe(key, null!, time);
                    versions.Add([currency, null, At(time), true]);
                }
                else
                {
                    driver.Input<Row, Row>("rates").Pipe(key, Row.Of(rateTypes, currency, number, At(time)), time);
                    versions.Add([currency, number, At(time), false]);
                }
            }
            driver.AdvanceWatermark("orders", long.MaxValue / 2);
            driver.AdvanceWatermark("rates", long.MaxValue / 2);
            var query = kind == JoinKind.Inner
                ? "SELECT o.*, r.currency, r.rate, r.rts FROM orders o ASOF JOIN rates r ON o.customer = r.currency AND o.ts >= r.rts WHERE NOT r.deleted"
                : "SELECT o.*, CASE WHEN r.deleted THEN NULL ELSE r.currency END, CASE WHEN r.deleted THEN NULL ELSE r.rate END, CASE WHEN r.deleted THEN NULL ELSE r.rts END " +
                  "FROM orders o ASOF LEFT JOIN rates r ON o.customer = r.currency AND o.ts >= r.rts";
            Assert.Equal(Oracle(query, (Orders, orderRows), (Rates, versions)), Inserts(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_temporal_join_on_a_column_that_is_not_the_tables_primary_key_is_refused_as_flink_refuses_it()
    {
        var orders = new TableScanNode(Orders.Table);
        var rates = new TableScanNode(Rates.Table);
        var join = new TemporalJoinNode(orders, rates, JoinKind.Inner, [2], [1], 3);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("refused", InsertSink("priced", join)));
        Assert.Equal(
            "Temporal table's primary key [currency] must be included in the equivalence condition of temporal join, but current temporal join condition is [=($2, $5)].",
            error.Message);
    }
}
