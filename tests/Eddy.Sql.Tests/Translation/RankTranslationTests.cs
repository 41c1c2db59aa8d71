using System.Collections.Immutable;
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
/// ROW_NUMBER ranks translated to the engine's Top-N and Deduplicate, run on random rows (NULLs in the partition and
/// sort columns, rows out of order, updates and deletes through an upsert table) and compared with DuckDB's
/// <c>ROW_NUMBER() OVER (...) ... QUALIFY</c> over the same rows. Sort keys end with the unique id, so no ties.
/// </summary>
[Trait("Category", "Unit")]
public class RankTranslationTests
{
    private static readonly string?[] Names = ["ann", "bob", "cy", null];

    internal static readonly TestTable Orders = new(
        Kafka("orders", [new("id", SqlType.BigInt), new("customer", SqlType.String), new("amount", SqlType.Int), new("ts", SqlType.Timestamp(3))],
            rowtime: "ts", delay: TimeSpan.FromSeconds(5)),
        [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("ts", "TIMESTAMP")]);

    private static readonly TestTable Accounts = new(
        Upsert("accounts", [new("aid", SqlType.BigInt.NotNull()), new("owner", SqlType.String), new("credit", SqlType.Int)], "aid"),
        [("aid", "BIGINT"), ("owner", "VARCHAR"), ("credit", "INTEGER")]);

    /// <summary>A random order: customer (3 is NULL), amount (NULL when 9), the gap since the previous one, how late it comes, its partition.</summary>
    internal static readonly Gen<(int Customer, int Amount, int Gap, int Lateness, int Partition)[]> OrdersGen =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 9], Gen.Int[0, 2000], Gen.Int[0, 4000], Gen.Int[0, 2]).Array[1, 70];

    /// <summary>Pipes the orders; timestamps unique (the id is their last digits), up to 4 s late, within the 5 s bound.</summary>
    internal static List<object?[]> FeedOrders(JobTestDriver driver, (int Customer, int Amount, int Gap, int Lateness, int Partition)[] orders)
    {
        var input = driver.Input<Row, Row>("orders");
        var types = Orders.Table.Schema.Select(f => f.Type).ToArray();
        var rows = new List<object?[]>();
        var time = 1_700_000_000_000L;
        for (var i = 0; i < orders.Length; i++)
        {
            var o = orders[i];
            time += o.Gap;
            var ts = DateTime.UnixEpoch.AddMilliseconds((((time - o.Lateness) / 100) * 100) + i);
            object?[] row = [(long)i, Names[o.Customer], o.Amount == 9 ? null : o.Amount, ts];
            input.Pipe(null!, Row.Of(types, row), 0, o.Partition);
            rows.Add(row);
        }
        return rows;
    }

    [Theory]
    [InlineData(1, 2, true)]
    [InlineData(1, 2, false)]
    [InlineData(2, 3, true)]
    [InlineData(2, 3, false)]
    public void A_top_n_per_key_over_appended_rows_materializes_to_duckdbs_row_number(int start, int end, bool withRank)
    {
        // SELECT * [, rn] FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC NULLS LAST, id) AS rn
        // FROM orders) WHERE rn BETWEEN start AND end
        var scan = new TableScanNode(Orders.Table);
        var rank = new RankNode(scan, [1], [new SortKey(2, Descending: true), new SortKey(0)], start, end, withRank, "rn");
        var sink = ChangelogSink("top", rank);
        OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("top", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = FeedOrders(driver, orders);
            var expected = Oracle(
                $"SELECT id, customer, amount, ts{(withRank ? ", rn" : "")} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC NULLS LAST, id) AS rn FROM orders) WHERE rn BETWEEN {start} AND {end}",
                (Orders, rows));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_global_top_n_orders_strings_descending_with_nulls_first()
    {
        // ROW_NUMBER() OVER (ORDER BY customer DESC NULLS FIRST, id DESC) <= 4, no partition
        var scan = new TableScanNode(Orders.Table);
        var rank = new RankNode(scan, [], [new SortKey(1, Descending: true, NullsFirst: true), new SortKey(0, Descending: true)], 1, 4, true, "rn");
        var sink = ChangelogSink("top", rank);
        OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("top", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = FeedOrders(driver, orders);
            var expected = Oracle(
                "SELECT *, ROW_NUMBER() OVER (ORDER BY customer DESC NULLS FIRST, id DESC) AS rn FROM orders QUALIFY rn <= 4", (Orders, rows));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_top_n_over_an_upsert_table_follows_its_updates_and_deletes()
    {
        // ROW_NUMBER() OVER (PARTITION BY owner ORDER BY credit DESC NULLS LAST, aid) <= 2 over accounts' current rows
        var scan = new TableScanNode(Accounts.Table);
        var rank = new RankNode(scan, [1], [new SortKey(2, Descending: true), new SortKey(0)], 1, 2, true, "rn");
        var sink = ChangelogSink("top", rank);
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[0, 9], Gen.Int[0, 4]).Array[1, 60].Sample(changes =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("top", sink), new JobTestDriverOptions { Partitions = 3 });
            var input = driver.Input<Row, Row>("accounts");
            var current = new Dictionary<long, object?[]>();
            var time = 0L;
            foreach (var (id, owner, credit, kind) in changes)
            {
                var key = Row.Of([SqlType.BigInt.NotNull()], (long)id);
                if (kind == 0)
                {
                    input.Pipe(key, null!, ++time);
                    current.Remove(id);
                    continue;
                }
                object?[] values = [(long)id, Names[owner], credit == 9 ? null : credit];
                input.Pipe(key, Row.Of(scan.FieldTypes, values), ++time);
                current[id] = values;
            }
            var expected = Oracle(
                "SELECT *, ROW_NUMBER() OVER (PARTITION BY owner ORDER BY credit DESC NULLS LAST, aid) AS rn FROM accounts QUALIFY rn <= 2",
                (Accounts, current.Values));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_deduplication_on_the_rowtime_keeps_each_keys_first_or_last_row_by_time(bool last)
    {
        // SELECT id, customer, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts [DESC]) AS rn
        // FROM orders) WHERE rn = 1
        var scan = new TableScanNode(Orders.Table);
        var rank = new RankNode(scan, [1], [new SortKey(3, Descending: last)], 1, 1, false);
        Assert.True(rank.IsDeduplication);
        var sink = ChangelogSink("firsts", rank);
        Assert.False(ChangelogInference.Analyze(sink)[rank].Mode.IsInsertOnly);
        var plan = JobTranslator.Translate("dedup", sink);
        Assert.Contains(plan.Stages.SelectMany(s => s.Operators), o => o.Kind.ToString() == "Deduplicate");
        OrdersGen.Sample(orders =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("dedup", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = FeedOrders(driver, orders);
            var expected = Oracle(
                $"SELECT * FROM orders QUALIFY ROW_NUMBER() OVER (PARTITION BY customer ORDER BY ts{(last ? " DESC" : "")}) = 1", (Orders, rows));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_deduplication_into_an_append_only_sink_is_refused_as_it_updates_late_rows()
    {
        var scan = new TableScanNode(Orders.Table);
        var rank = new RankNode(scan, [1], [new SortKey(3)], 1, 1, false);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("refused", InsertSink("firsts", rank)));
        Assert.StartsWith("Table sink 'default_catalog.default_database.firsts' doesn't support consuming update", error.Message);
    }
}
