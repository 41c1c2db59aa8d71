using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using static Eddy.Sql.Tests.Translation.Harness;
using static Eddy.Sql.Tests.Translation.RankTranslationTests;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// RANK and DENSE_RANK Top-N translated to the tied-rank function, run on random rows whose sort key (an amount of
/// 0..8 or NULL) ties often, and compared with DuckDB's <c>RANK()</c> / <c>DENSE_RANK() OVER (...) ... QUALIFY</c> over
/// the same rows: the materialized changelog as a multiset, with and without the rank column, from rank 1 and later.
/// </summary>
[Trait("Category", "Unit")]
public class TiedRankTranslationTests
{
    [Theory]
    [InlineData("RANK", 1, 2, true)]
    [InlineData("RANK", 1, 3, false)]
    [InlineData("RANK", 2, 4, true)]
    [InlineData("RANK", 3, 5, false)]
    [InlineData("DENSE_RANK", 1, 2, true)]
    [InlineData("DENSE_RANK", 1, 1, false)]
    [InlineData("DENSE_RANK", 2, 3, true)]
    [InlineData("DENSE_RANK", 2, 4, false)]
    public void A_tied_top_n_per_key_over_appended_rows_materializes_to_duckdbs_rank(string function, int start, int end, bool withRank)
    {
        // SELECT * [, rk] FROM (SELECT *, RANK()|DENSE_RANK() OVER (PARTITION BY customer ORDER BY amount DESC NULLS LAST) AS rk
        // FROM orders) WHERE rk BETWEEN start AND end
        var scan = new TableScanNode(Orders.Table);
        var kind = function == "RANK" ? RankFunction.Rank : RankFunction.DenseRank;
        var rank = new RankNode(scan, [1], [new SortKey(2, Descending: true)], start, end, withRank, "rk", orderedByTimeAttribute: false, kind);
        var sink = ChangelogSink("top", rank);
        var sql = function + "()";
        OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("top", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = FeedOrders(driver, orders);
            var expected = Oracle(
                $"SELECT id, customer, amount, ts{(withRank ? ", rk" : "")} FROM (SELECT *, {sql} OVER (PARTITION BY customer ORDER BY amount DESC NULLS LAST) AS rk FROM orders) WHERE rk BETWEEN {start} AND {end}",
                (Orders, rows));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void A_global_dense_rank_orders_by_two_columns_with_nulls_first()
    {
        // DENSE_RANK() OVER (ORDER BY customer DESC NULLS FIRST, amount) <= 3, no partition
        var scan = new TableScanNode(Orders.Table);
        var rank = new RankNode(scan, [], [new SortKey(1, Descending: true, NullsFirst: true), new SortKey(2)], 1, 3, true, "rk",
            orderedByTimeAttribute: false, RankFunction.DenseRank);
        var sink = ChangelogSink("top", rank);
        OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("top", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = FeedOrders(driver, orders);
            var expected = Oracle(
                "SELECT *, DENSE_RANK() OVER (ORDER BY customer DESC NULLS FIRST, amount ASC NULLS LAST) AS rk FROM orders QUALIFY rk <= 3", (Orders, rows));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_tied_top_n_over_an_updating_input_is_refused_as_not_supported_yet()
    {
        var scan = new TableScanNode(Orders.Table);
        var top = new RankNode(scan, [1], [new SortKey(2, Descending: true), new SortKey(0)], 1, 2, false, "rn", orderedByTimeAttribute: false);
        var rank = new RankNode(top, [1], [new SortKey(2)], 1, 2, true, "rk", orderedByTimeAttribute: false, RankFunction.Rank);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("top", ChangelogSink("top", rank)));
        Assert.StartsWith("RANK() Top-N over an updating input is not supported yet (ROW_NUMBER() is): Rank(strategy=", error.Message, StringComparison.Ordinal);
    }
}
