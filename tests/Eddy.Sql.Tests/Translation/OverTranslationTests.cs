using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using static Eddy.Sql.Tests.Translation.Harness;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// OVER aggregates translated to the engine's event-time Over, on random orders out of order within the watermark
/// bound (unique times, so ROWS frames have no ties), compared with DuckDB's window functions over the same rows.
/// </summary>
[Trait("Category", "Unit")]
public class OverTranslationTests
{
    private static readonly TestTable Orders = RankTranslationTests.Orders;

    [Theory]
    [InlineData("rows", 2)]
    [InlineData("rows", 0)]
    [InlineData("range", 3)]
    [InlineData("unbounded", 0)]
    public void An_over_aggregate_computes_each_rows_frame_as_duckdb_does(string frame, int preceding)
    {
        // SELECT *, COUNT(*) OVER w, SUM(amount) OVER w, MIN(amount) OVER w, MAX(amount) OVER w, COUNT(amount) OVER w
        // FROM orders WINDOW w AS (PARTITION BY customer ORDER BY ts <frame>)
        var scan = new TableScanNode(Orders.Table);
        AggregateCall[] calls =
        [
            AggregateCall.Create(AggregateKind.CountStar, scan, -1, "cnt"),
            AggregateCall.Create(AggregateKind.Sum, scan, 2, "total"),
            AggregateCall.Create(AggregateKind.Min, scan, 2, "lowest"),
            AggregateCall.Create(AggregateKind.Max, scan, 2, "highest"),
            AggregateCall.Create(AggregateKind.Count, scan, 2, "n"),
        ];
        var over = frame switch
        {
            "rows" => new OverAggregateNode(scan, [1], 3, [.. calls], rowsPreceding: preceding),
            "range" => new OverAggregateNode(scan, [1], 3, [.. calls], rangePreceding: TimeSpan.FromSeconds(preceding)),
            _ => new OverAggregateNode(scan, [1], 3, [.. calls]),
        };
        var sink = InsertSink("running", over);
        Assert.True(ChangelogInference.Analyze(sink)[over].Mode.IsInsertOnly);
        var duckFrame = frame switch
        {
            "rows" => $"ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW",
            "range" => $"RANGE BETWEEN INTERVAL {preceding} SECOND PRECEDING AND CURRENT ROW",
            _ => "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
        };
        RankTranslationTests.OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("over", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = RankTranslationTests.FeedOrders(driver, orders);
            driver.AdvanceWatermark("orders", long.MaxValue / 2);
            Assert.Equal(0, driver.LateRecordCount);
            var expected = Oracle(
                "SELECT *, COUNT(*) OVER w, SUM(amount) OVER w, MIN(amount) OVER w, MAX(amount) OVER w, COUNT(amount) OVER w " +
                $"FROM orders WINDOW w AS (PARTITION BY customer ORDER BY ts {duckFrame})",
                (Orders, rows));
            Assert.Equal(expected, Inserts(driver, sink));
        }, iter: 30, threads: 1);
    }
}
