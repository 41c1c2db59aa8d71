using System.Collections.Immutable;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Planning;

/// <summary>
/// Logical plans built in code (the binder comes next), translated to engine jobs, run through the JobTestDriver on
/// random input (several partitions, rows out of order within the watermark bound, NULLs), and their materialized
/// output compared with DuckDB's answer to the equivalent SQL over the same rows.
/// </summary>
[Trait("Category", "Unit")]
public class TranslationTests
{
    private const string Catalog = "default_catalog.default_database.";

    private static readonly string[] Customers = ["ann", "bob", "cy"];

    private static CatalogTable Orders(string connector = "kafka") => new(
        Catalog + "orders",
        [new("id", SqlType.BigInt), new("customer", SqlType.String), new("amount", SqlType.Int), new("ts", SqlType.Timestamp(3))],
        ImmutableDictionary<string, string>.Empty.Add("connector", connector).Add("topic", "orders").Add("format", "json"),
        RowtimeColumn: "ts", WatermarkDelay: TimeSpan.FromSeconds(5));

    private static readonly (string, string)[] OrdersInDuckDb = [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("ts", "TIMESTAMP")];

    private static CatalogTable Sink(string name, PlanNode query, string connector = "kafka", string format = "json", params string[] primaryKey) => new(
        Catalog + name, query.Fields,
        connector == "upsert-kafka"
            ? ImmutableDictionary<string, string>.Empty.Add("connector", connector).Add("topic", name).Add("key.format", "json").Add("value.format", format)
            : ImmutableDictionary<string, string>.Empty.Add("connector", connector).Add("topic", name).Add("format", format),
        PrimaryKey: [.. primaryKey]);

    private static RexInputRef Col(PlanNode node, string name)
    {
        for (var i = 0; i < node.Fields.Length; i++)
        {
            if (node.Fields[i].Name == name)
                return Rex.Input(i, node.FieldTypes[i]);
        }
        throw new ArgumentException(name);
    }

    /// <summary>A random order: customer (or NULL), amount (or NULL), the gap since the previous order, how late it comes, its partition.</summary>
    private static readonly Gen<(int Customer, int Amount, bool NullAmount, int Gap, int Lateness, int Partition)[]> OrdersGen =
        Gen.Select(Gen.Int[0, 3], Gen.Int[-100, 200], Gen.Int[0, 9], Gen.Int[0, 2000], Gen.Int[0, 4000], Gen.Int[0, 3])
            .Select((c, a, n, g, l, p) => (c, a, n == 0, g, l, p)).Array[1, 80];

    /// <summary>The rows the job reads: timestamps grow by the gaps, each row up to 4 s late (within the 5 s bound).</summary>
    private static List<(object?[] Values, int Partition)> Rows((int Customer, int Amount, bool NullAmount, int Gap, int Lateness, int Partition)[] orders)
    {
        var rows = new List<(object?[], int)>();
        var time = 1_700_000_000_000L;
        for (var i = 0; i < orders.Length; i++)
        {
            var o = orders[i];
            time += o.Gap;
            var ts = DateTime.UnixEpoch.AddMilliseconds(time - o.Lateness);
            rows.Add(([(long)i, o.Customer < Customers.Length ? Customers[o.Customer] : null, o.NullAmount ? null : o.Amount, ts], o.Partition));
        }
        return rows;
    }

    private static JobTestDriver Run(string name, SinkNode sink, List<(object?[] Values, int Partition)> rows, CatalogTable source,
        int restartAt = -1)
    {
        var plan = JobTranslator.Translate(name, sink);
        var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = 4 });
        var input = driver.Input<Row, Row>(source.Topic);
        var types = source.Schema.Select(f => f.Type).ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == restartAt)
                driver.RestartTasks();
            input.Pipe(null!, Row.Of(types, rows[i].Values), 0, rows[i].Partition);
        }
        return driver;
    }

    private static List<string> Rendered(IEnumerable<Row> rows, PlanNode node)
    {
        var rendered = rows.Select(r => DuckDbOracle.Render(r, node.FieldTypes)).ToList();
        rendered.Sort(StringComparer.Ordinal);
        return rendered;
    }

    [Fact]
    public void A_filter_and_projection_chain_runs_as_one_calc_and_matches_duckdb()
    {
        // SELECT customer, amount * 2 + 1 AS doubled, id FROM orders WHERE amount > 10 AND customer IS NOT NULL
        var scan = new TableScanNode(Orders());
        var filter = new FilterNode(scan, Rex.And(Rex.Compare(SqlOperator.GreaterThan, Col(scan, "amount"), Rex.Int(10)), Rex.IsNotNull(Col(scan, "customer"))));
        var project = new ProjectNode(filter,
            [Col(filter, "customer"), Rex.Plus(Rex.Arithmetic(SqlOperator.Times, Col(filter, "amount"), Rex.Int(2)), Rex.Int(1)), Col(filter, "id")],
            ["customer", "doubled", "id"]);
        var sink = new SinkNode(project, Sink("big_orders", project));
        OrdersGen.Sample(orders =>
        {
            var rows = Rows(orders);
            using var driver = Run("calc", sink, rows, scan.Table);
            var output = driver.Output<Row, Row>("big_orders").ReadAll();
            Assert.All(output, r => Assert.Equal(RowKind.Insert, r.Kind));
            var expected = DuckDbOracle.Query("orders", OrdersInDuckDb, rows.Select(r => r.Values),
                "SELECT customer, amount * 2 + 1, id FROM orders WHERE amount > 10 AND customer IS NOT NULL");
            Assert.Equal(expected, Rendered(output.Select(r => r.Value), project));
        }, iter: 25, threads: 1);
    }

    private static (ProjectNode Input, AggregateNode Aggregate) TotalsPerCustomer(PlanNode scan)
    {
        // SELECT customer, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), AVG(amount),
        //        SUM(amount) FILTER (WHERE amount > 50) FROM orders WHERE id % 3 <> 0 GROUP BY customer
        var filter = new FilterNode(scan, Rex.Compare(SqlOperator.NotEquals, Rex.Arithmetic(SqlOperator.Mod, Col(scan, "id"), Rex.BigInt(3)), Rex.BigInt(0)));
        var input = new ProjectNode(filter,
            [Col(filter, "customer"), Col(filter, "amount"), Rex.Compare(SqlOperator.GreaterThan, Col(filter, "amount"), Rex.Int(50))],
            ["customer", "amount", "$f2"]);
        var aggregate = new AggregateNode(input, [0],
        [
            AggregateCall.Create(AggregateKind.CountStar, input, -1, "cnt"),
            AggregateCall.Create(AggregateKind.Count, input, 1, "n"),
            AggregateCall.Create(AggregateKind.Sum, input, 1, "total"),
            AggregateCall.Create(AggregateKind.Min, input, 1, "lowest"),
            AggregateCall.Create(AggregateKind.Max, input, 1, "highest"),
            AggregateCall.Create(AggregateKind.Avg, input, 1, "mean"),
            AggregateCall.Create(AggregateKind.Sum, input, 1, "big", filterArgument: 2),
        ]);
        return (input, aggregate);
    }

    private const string TotalsInDuckDb =
        "SELECT customer, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), CAST(trunc(SUM(amount)::DOUBLE / COUNT(amount)) AS INTEGER), " +
        "SUM(amount) FILTER (WHERE amount > 50) FROM orders WHERE id % 3 <> 0 GROUP BY customer";

    [Fact]
    public void A_group_by_into_an_upsert_sink_materializes_to_duckdbs_answer()
    {
        var scan = new TableScanNode(Orders());
        var (_, aggregate) = TotalsPerCustomer(scan);
        var sink = new SinkNode(aggregate, Sink("totals", aggregate, "upsert-kafka", "json", "customer"));
        Assert.Equal(ChangelogMode.Upsert with { Delete = false }, ChangelogInference.Analyze(sink)[aggregate].Mode);
        Gen.Select(OrdersGen, Gen.Int[0, 80]).Sample((orders, restartAt) =>
        {
            var rows = Rows(orders);
            using var driver = Run("totals", sink, rows, scan.Table, restartAt);
            // Upserts as a compacted topic keeps them: the last value per key, a tombstone deleting it.
            var table = new Dictionary<Row, Row>();
            foreach (var record in driver.Output<Row, Row>("totals").ReadAll())
            {
                if (record.Value is null)
                    table.Remove(record.Key);
                else
                    table[record.Key] = record.Value;
            }
            var expected = DuckDbOracle.Query("orders", OrdersInDuckDb, rows.Select(r => r.Values), TotalsInDuckDb);
            Assert.Equal(expected, Rendered(table.Values, aggregate));
        }, iter: 25, threads: 1);
    }

    [Fact]
    public void A_group_by_over_an_upsert_table_retracts_updated_and_deleted_rows()
    {
        // accounts is an upsert-kafka table: SELECT customer, COUNT(*), SUM(balance), MIN(balance), MAX(balance)
        // FROM accounts GROUP BY customer, written as changelog rows with their kinds (debezium-json's changes).
        var accounts = new CatalogTable(Catalog + "accounts",
            [new("id", SqlType.BigInt.NotNull()), new("customer", SqlType.String), new("balance", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "upsert-kafka").Add("topic", "accounts").Add("key.format", "json").Add("value.format", "json"),
            PrimaryKey: ["id"]);
        var scan = new TableScanNode(accounts);
        var aggregate = new AggregateNode(scan, [1],
        [
            AggregateCall.Create(AggregateKind.CountStar, scan, -1, "cnt"),
            AggregateCall.Create(AggregateKind.Sum, scan, 2, "total"),
            AggregateCall.Create(AggregateKind.Min, scan, 2, "lowest"),
            AggregateCall.Create(AggregateKind.Max, scan, 2, "highest"),
        ]);
        var sink = new SinkNode(aggregate, Sink("balances", aggregate, "kafka", "debezium-json"));
        var change = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[-20, 20], Gen.Int[0, 4]);
        // The tasks restart (state kept, memory lost) at a random point: accumulators come back from their bytes.
        Gen.Select(change.Array[1, 60], Gen.Int[0, 60]).Sample((changes, restartAt) =>
        {
            var plan = JobTranslator.Translate("balances", sink);
            using var driver = new JobTestDriver(plan, new JobTestDriverOptions { Partitions = 3 });
            var input = driver.Input<Row, Row>("accounts");
            var current = new Dictionary<long, object?[]>();
            var time = 0L;
            foreach (var (id, customer, balance, kind) in changes)
            {
                if (time == restartAt)
                    driver.RestartTasks();
                var key = Row.Of([SqlType.BigInt.NotNull()], (long)id);
                if (kind == 0)
                {
                    input.Pipe(key, null!, ++time);
                    current.Remove(id);
                    continue;
                }
                object?[] values = [(long)id, customer < Customers.Length ? Customers[customer] : null, kind == 1 ? null : balance];
                input.Pipe(key, Row.Of(scan.FieldTypes, values), ++time);
                current[id] = values;
            }
            // The changelog applied: inserts and update-afters add a row, update-befores and deletes take one back.
            var materialized = new List<Row>();
            foreach (var record in driver.Output<Row, Row>("balances").ReadAll())
            {
                if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
                    materialized.Add(record.Value);
                else
                    Assert.True(materialized.Remove(record.Value), $"{record.Kind} of a row never added: {record.Value}");
            }
            var expected = DuckDbOracle.Query("accounts", [("id", "BIGINT"), ("customer", "VARCHAR"), ("balance", "INTEGER")], current.Values,
                "SELECT customer, COUNT(*), SUM(balance), MIN(balance), MAX(balance) FROM accounts GROUP BY customer");
            Assert.Equal(expected, Rendered(materialized, aggregate));
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void A_tumbling_window_aggregate_emits_each_window_once_as_duckdb_buckets_it()
    {
        // SELECT customer, window_start, window_end, COUNT(*) AS cnt, SUM(amount) AS total
        // FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY customer, window_start, window_end
        var scan = new TableScanNode(Orders());
        var window = new WindowAggregateNode(scan, WindowSpec.Tumble(3, TimeSpan.FromSeconds(10)), [1],
            [AggregateCall.Create(AggregateKind.CountStar, scan, -1, "cnt"), AggregateCall.Create(AggregateKind.Sum, scan, 2, "total")]);
        var project = new ProjectNode(window,
            [Col(window, "customer"), Col(window, "window_start"), Col(window, "window_end"), Col(window, "cnt"), Col(window, "total")],
            ["customer", "window_start", "window_end", "cnt", "total"]);
        var sink = new SinkNode(project, Sink("per_window", project));
        Assert.Equal(ChangelogMode.InsertOnly, ChangelogInference.Analyze(sink)[window].Mode);
        Gen.Select(OrdersGen, Gen.Int[0, 80]).Sample((orders, restartAt) =>
        {
            var rows = Rows(orders);
            using var driver = Run("windows", sink, rows, scan.Table, restartAt);
            driver.AdvanceWatermark("orders", long.MaxValue / 2);
            Assert.Equal(0, driver.LateRecordCount);
            var output = driver.Output<Row, Row>("per_window").ReadAll();
            Assert.All(output, r => Assert.Equal(RowKind.Insert, r.Kind));
            var expected = DuckDbOracle.Query("orders", OrdersInDuckDb, rows.Select(r => r.Values),
                "SELECT customer, time_bucket(INTERVAL 10 SECOND, ts) AS ws, ws + INTERVAL 10 SECOND, COUNT(*), SUM(amount) FROM orders GROUP BY customer, ws");
            Assert.Equal(expected, Rendered(output.Select(r => r.Value), project));
        }, iter: 25, threads: 1);
    }

    [Fact]
    public void An_updating_query_into_an_append_only_sink_is_refused_with_flinks_reason()
    {
        var scan = new TableScanNode(Orders());
        var aggregate = new AggregateNode(scan, [1], [AggregateCall.Create(AggregateKind.CountStar, scan, -1, "cnt")]);
        var filter = new FilterNode(aggregate, Rex.Compare(SqlOperator.GreaterThan, Col(aggregate, "cnt"), Rex.BigInt(1)));
        var sink = new SinkNode(filter, Sink("out", filter));
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("refused", sink));
        Assert.Equal(
            "Table sink 'default_catalog.default_database.out' doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[customer], select=[customer, COUNT(*) AS cnt])",
            error.Message);
    }

    [Fact]
    public void A_window_aggregate_over_updates_is_refused_naming_the_updating_node()
    {
        var accounts = new CatalogTable(Catalog + "accounts",
            [new("id", SqlType.BigInt.NotNull()), new("ts", SqlType.Timestamp(3))],
            ImmutableDictionary<string, string>.Empty.Add("connector", "upsert-kafka").Add("topic", "accounts"), PrimaryKey: ["id"]);
        var scan = new TableScanNode(accounts);
        var window = new WindowAggregateNode(scan, WindowSpec.Tumble(1, TimeSpan.FromMinutes(1)), [], [AggregateCall.Create(AggregateKind.CountStar, scan, -1, "cnt")]);
        var error = Assert.Throws<PlanningException>(() => ChangelogInference.Analyze(window));
        Assert.Equal(
            "StreamPhysicalWindowAggregate doesn't support consuming update and delete changes which is produced by node TableSourceScan(table=[[default_catalog, default_database, accounts]], fields=[id, ts])",
            error.Message);
    }

    [Fact]
    public void Explain_prints_the_tree_with_each_nodes_changelog_mode()
    {
        var scan = new TableScanNode(Orders());
        var project = new ProjectNode(scan, [Col(scan, "customer"), Rex.Plus(Col(scan, "amount"), Rex.Int(1))], ["customer", "amount1"]);
        var aggregate = new AggregateNode(project, [0], [AggregateCall.Create(AggregateKind.CountStar, project, -1, "cnt"), AggregateCall.Create(AggregateKind.Sum, project, 1, "total")]);
        var upsert = new SinkNode(aggregate, Sink("totals", aggregate, "upsert-kafka", "json", "customer"));
        Assert.Equal(
            """
            LogicalSink(table=[default_catalog.default_database.totals], fields=[customer, cnt, total], changelogMode=[I,UA])
            +- LogicalAggregate(group=[{0}], cnt=[COUNT()], total=[SUM($1)], changelogMode=[I,UA])
               +- LogicalProject(customer=[$1], amount1=[+($2, 1)], changelogMode=[I])
                  +- LogicalTableScan(table=[[default_catalog, default_database, orders]], changelogMode=[I])

            """.ReplaceLineEndings("\n"),
            ChangelogInference.Analyze(upsert).Explain(upsert));
        // Into a changelog sink every change is sent, update-befores included.
        var retract = new SinkNode(aggregate, Sink("totals", aggregate, "kafka", "debezium-json"));
        Assert.Equal(ChangelogMode.InsertAndUpdates, ChangelogInference.Analyze(retract)[aggregate].Mode);
        Assert.Equal("GroupAggregate(groupBy=[customer], select=[customer, COUNT(*) AS cnt, SUM(amount1) AS total])", aggregate.PhysicalDescription);
    }
}
