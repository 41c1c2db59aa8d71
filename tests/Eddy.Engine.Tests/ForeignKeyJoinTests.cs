using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>
/// The foreign-key table join: table "orders" (order id → "product:quantity") joined with table "products"
/// (product id → name) on the product before the ':'; an order "none:..." has no product (a null foreign key).
/// </summary>
public class ForeignKeyJoinTests
{
    private static string? ProductOf(string order) =>
        order.StartsWith("none:", StringComparison.Ordinal) ? null : order[..order.IndexOf(':', StringComparison.Ordinal)];

    private static string Joined(string order, string? product) => $"{order}/{product ?? "-"}";

    private static JobTestDriver OrdersWithProducts(JoinType type, JobTestDriverOptions? options = null, TimeSpan? stateTtl = null)
    {
        var job = new JobBuilder("t");
        var orders = job.Table("orders", Serdes.String, Serdes.String, name: "orders");
        var products = job.Table("products", Serdes.String, Serdes.String, name: "products");
        orders.Join(products, ProductOf, (_, order, product) => Joined(order, product), Serdes.String, type, stateTtl: stateTtl, name: "enrich")
            .ToChangelog("out");
        return new JobTestDriver(job.Build(), options);
    }

    /// <summary>Entries of a store over all its partitions (the tests' stages have at most 3).</summary>
    private static int Entries(JobTestDriver driver, string store) =>
        Enumerable.Range(0, 3).Sum(p => driver.Store(store, p).Range([], null).Count());

    private static List<(string Key, string Value, RowKind Kind)> Read(JobTestDriver driver) =>
        driver.Output<string, string>("out").ReadAll().Select(r => (r.Key, r.Value, r.Kind)).ToList();

    [Fact]
    public void An_inner_foreign_key_join_updates_a_result_when_its_right_row_changes_and_retracts_it_when_the_row_goes()
    {
        using var driver = OrdersWithProducts(JoinType.Inner);
        var orders = driver.Input<string, string>("orders");
        var products = driver.Input<string, string>("products");

        products.Pipe("p1", "apple", 1);
        orders.Pipe("o1", "p1:2", 2);
        orders.Pipe("o2", "p2:5", 3);
        Assert.Equal([("o1", "p1:2/apple", RowKind.Insert)], Read(driver));

        products.Pipe("p1", "apricot", 4);
        Assert.Equal([("o1", "p1:2/apple", RowKind.UpdateBefore), ("o1", "p1:2/apricot", RowKind.UpdateAfter)], Read(driver));

        products.Pipe("p2", "pear", 5);
        Assert.Equal([("o2", "p2:5/pear", RowKind.Insert)], Read(driver));

        products.Pipe("p1", null!, 6);
        Assert.Equal([("o1", "p1:2/apricot", RowKind.Delete)], Read(driver));
    }

    [Fact]
    public void A_row_whose_foreign_key_changes_retracts_its_old_result_and_joins_its_new_right_row()
    {
        using var driver = OrdersWithProducts(JoinType.Inner);
        var orders = driver.Input<string, string>("orders");
        var products = driver.Input<string, string>("products");
        products.Pipe("p1", "apple", 1);
        products.Pipe("p2", "pear", 2);
        orders.Pipe("o1", "p1:2", 3);
        Read(driver);

        orders.Pipe("o1", "p2:2", 4);
        Assert.Equal([("o1", "p1:2/apple", RowKind.UpdateBefore), ("o1", "p2:2/pear", RowKind.UpdateAfter)], Read(driver));

        // The old right row no longer reaches the order.
        products.Pipe("p1", "apricot", 5);
        Assert.Empty(Read(driver));
        products.Pipe("p2", "plum", 6);
        Assert.Equal([("o1", "p2:2/pear", RowKind.UpdateBefore), ("o1", "p2:2/plum", RowKind.UpdateAfter)], Read(driver));

        orders.Pipe("o1", null!, 7);
        Assert.Equal([("o1", "p2:2/plum", RowKind.Delete)], Read(driver));
        Assert.Empty(driver.Store("t-enrich-subscriptions").Range([], null));
    }

    [Fact]
    public void A_left_foreign_key_join_keeps_rows_without_a_right_row_padded()
    {
        using var driver = OrdersWithProducts(JoinType.Left);
        var orders = driver.Input<string, string>("orders");
        var products = driver.Input<string, string>("products");

        orders.Pipe("o1", "p1:2", 1);
        Assert.Equal([("o1", "p1:2/-", RowKind.Insert)], Read(driver));
        products.Pipe("p1", "apple", 2);
        Assert.Equal([("o1", "p1:2/-", RowKind.UpdateBefore), ("o1", "p1:2/apple", RowKind.UpdateAfter)], Read(driver));
        products.Pipe("p1", null!, 3);
        Assert.Equal([("o1", "p1:2/apple", RowKind.UpdateBefore), ("o1", "p1:2/-", RowKind.UpdateAfter)], Read(driver));
    }

    [Fact]
    public void A_full_outer_foreign_key_join_is_refused_when_the_job_is_built()
    {
        var job = new JobBuilder("t");
        job.Table("orders", Serdes.String, Serdes.String)
            .Join(job.Table("products", Serdes.String, Serdes.String), ProductOf, (_, o, p) => o + p, Serdes.String, JoinType.FullOuter)
            .To("out");

        var error = Assert.Throws<JobDefinitionException>(() => job.Build());

        Assert.Contains("inner or left", error.Message);
    }

    [Fact]
    public void The_join_runs_over_a_subscription_and_a_response_repartition_topic_partitioned_as_the_right_table()
    {
        var job = new JobBuilder("t");
        job.Table("orders", Serdes.String, Serdes.String)
            .Join(job.Table("products", Serdes.String, Serdes.String), ProductOf, (_, o, p) => o + p, Serdes.String, name: "enrich")
            .To("out");
        var plan = job.Build();

        var partitions = Plan.StagePartitioning.Resolve(plan, topic => topic switch { "orders" => 2, "products" => 5, _ => null });

        var byForeignKey = plan.Stages.Single(s => s.Inputs.Any(i => i.Topic == "t-enrich-subscriptions-repartition"));
        Assert.Contains(byForeignKey.Inputs, i => i.Topic == "products");
        Assert.Equal(5, partitions[byForeignKey.Id]);
        Assert.Contains(plan.Stages, s => s.Inputs.Any(i => i.Topic == "t-enrich-responses-repartition"));
    }

    [Fact]
    public void Answers_of_a_row_that_changed_its_foreign_key_arriving_out_of_order_leave_the_newest_result_and_a_deleted_row_leaves_no_entry()
    {
        // Two partitions of the foreign-key stage answer independently, so the answer from the new foreign key (v3) may
        // reach the left key's task before the old foreign key's older answer (v1). The subscribe stage's own messages
        // (row v1, gone v2, row v3) come first, in order, from the left key's partition.
        var job = new JobBuilder("t");
        job.Table("orders", Serdes.String, Serdes.String)
            .Join(job.Table("products", Serdes.String, Serdes.String), ProductOf, (_, o, p) => Joined(o, p), Serdes.String, name: "enrich")
            .ToChangelog("out");
        var plan = job.Build();
        var resolveStage = plan.Stages.Single(s => s.Inputs.Any(i => i.Topic == "t-enrich-responses-repartition"));
        using var state = new State.InMemoryStateBackend();
        var task = new Runtime.StageTask(resolveStage, 0, state, new ManualClock(DateTimeOffset.UnixEpoch), _ => 1);
        var serde = new Runtime.ForeignKeyResponseSerde<string>(Serdes.String);
        void Send(long version, Runtime.ForeignKeyResponseSource source, string? result, RowKind kind) =>
            task.ProcessBatch("t-enrich-responses-repartition",
                [new(Serdes.String.Serialize("o1"), serde.Serialize(new Runtime.ForeignKeyResponse<string>(version, source, result is not null, result!)),
                    version, Kind: kind)]);
        List<(string?, RowKind)> Outputs()
        {
            var rows = task.Outputs.Records.Select(r => ((string?)Serdes.String.Deserialize(r.Value), r.Kind)).ToList();
            task.Outputs.Clear();
            return rows;
        }

        Send(1, Runtime.ForeignKeyResponseSource.Row, null, RowKind.Insert);
        Send(2, Runtime.ForeignKeyResponseSource.Gone, null, RowKind.UpdateBefore);
        Send(3, Runtime.ForeignKeyResponseSource.Row, null, RowKind.UpdateAfter);
        Send(3, Runtime.ForeignKeyResponseSource.Answer, "p2:2/pear", RowKind.UpdateAfter);
        Send(1, Runtime.ForeignKeyResponseSource.Answer, "p1:2/apple", RowKind.Insert);
        Assert.Equal([("p2:2/pear", RowKind.UpdateAfter)], Outputs());

        Send(4, Runtime.ForeignKeyResponseSource.Gone, null, RowKind.Delete);
        Assert.Equal([("p2:2/pear", RowKind.Delete)], Outputs());
        // An answer still on its way for the deleted row finds no entry: stale, it cannot bring the row back.
        Send(3, Runtime.ForeignKeyResponseSource.Answer, "p2:2/plum", RowKind.UpdateAfter);
        Assert.Empty(Outputs());
        Assert.Empty(state.Store("t-enrich-resolve-results", 0).Range([], null));
    }

    [Fact]
    public void A_left_join_row_whose_foreign_key_is_null_yields_the_row_padded_and_an_inner_join_yields_nothing_for_it()
    {
        using var left = OrdersWithProducts(JoinType.Left);
        var orders = left.Input<string, string>("orders");
        left.Input<string, string>("products").Pipe("p1", "apple", 1);

        orders.Pipe("o1", "none:2", 2);
        Assert.Equal([("o1", "none:2/-", RowKind.Insert)], Read(left));
        orders.Pipe("o1", "p1:2", 3);
        Assert.Equal([("o1", "none:2/-", RowKind.UpdateBefore), ("o1", "p1:2/apple", RowKind.UpdateAfter)], Read(left));
        orders.Pipe("o1", "none:3", 4);
        Assert.Equal([("o1", "p1:2/apple", RowKind.UpdateBefore), ("o1", "none:3/-", RowKind.UpdateAfter)], Read(left));
        orders.Pipe("o1", null!, 5);
        Assert.Equal([("o1", "none:3/-", RowKind.Delete)], Read(left));

        using var inner = OrdersWithProducts(JoinType.Inner);
        inner.Input<string, string>("products").Pipe("p1", "apple", 1);
        var innerOrders = inner.Input<string, string>("orders");
        innerOrders.Pipe("o1", "none:2", 2);
        Assert.Empty(Read(inner));
        innerOrders.Pipe("o1", "p1:2", 3);
        innerOrders.Pipe("o1", "none:2", 4);
        Assert.Equal([("o1", "p1:2/apple", RowKind.UpdateAfter), ("o1", "p1:2/apple", RowKind.UpdateBefore)], Read(inner));
    }

    [Fact]
    public void The_join_keeps_state_only_for_live_rows_so_deleting_every_row_empties_its_stores()
    {
        var ops = RandomOps(new Random(1350), 400);
        using var driver = OrdersWithProducts(JoinType.Left, Options(3));
        Run(driver, ops, restartAt: 200);
        var liveOrders = LiveKeys(ops, order: true);
        Assert.Equal(liveOrders.Count, Entries(driver, "t-enrich-resolve-results"));
        Assert.Equal(liveOrders.Count(o => ProductOf(o.Value) is not null), Entries(driver, "t-enrich-subscriptions"));

        var deletes = liveOrders.Select(o => new Op(true, int.Parse(o.Key[1..], System.Globalization.CultureInfo.InvariantCulture), null))
            .Concat(LiveKeys(ops, order: false).Select(p => new Op(false, int.Parse(p.Key[1..], System.Globalization.CultureInfo.InvariantCulture), null)))
            .ToList();
        Run(driver, deletes, restartAt: null);

        AssertMaterialized(driver, []);
        Assert.Equal(0, Entries(driver, "t-enrich-resolve-results"));
        Assert.Equal(0, Entries(driver, "t-enrich-subscriptions"));
        Assert.Equal(0, Entries(driver, "t-enrich-right"));
    }

    [Fact]
    public void With_a_state_ttl_entries_not_written_for_that_long_expire_without_retractions()
    {
        using var driver = OrdersWithProducts(JoinType.Inner, stateTtl: TimeSpan.FromSeconds(10));
        var orders = driver.Input<string, string>("orders");
        var products = driver.Input<string, string>("products");
        products.Pipe("p1", "apple", 1);
        orders.Pipe("o1", "p1:2", 2);
        Assert.Equal([("o1", "p1:2/apple", RowKind.Insert)], Read(driver));

        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(5));
        products.Pipe("p2", "pear", 3);
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(6));
        // p1, o1's subscription and its result expired silently; p2 (written 6 s ago) is still there.
        Assert.Empty(Read(driver));
        Assert.Equal(0, Entries(driver, "t-enrich-subscriptions"));
        Assert.Equal(0, Entries(driver, "t-enrich-resolve-results"));
        Assert.Equal(1, Entries(driver, "t-enrich-right"));

        orders.Pipe("o2", "p1:1", 4);
        orders.Pipe("o3", "p2:1", 5);
        Assert.Equal([("o3", "p2:1/pear", RowKind.Insert)], Read(driver));
        driver.AdvanceProcessingTime(TimeSpan.FromSeconds(11));
        Assert.Equal(0, Entries(driver, "t-enrich-right") + Entries(driver, "t-enrich-subscriptions") + Entries(driver, "t-enrich-resolve-results"));
        Assert.Equal(0, Entries(driver, "t-enrich-timers") + Entries(driver, "t-enrich-resolve-timers"));
    }

    [Theory]
    [InlineData(JoinType.Inner, 1)]
    [InlineData(JoinType.Inner, 3)]
    [InlineData(JoinType.Left, 1)]
    [InlineData(JoinType.Left, 3)]
    public void Random_upserts_and_deletes_of_both_tables_materialize_to_the_join_of_the_final_tables(JoinType type, int productPartitions)
    {
        var ops = RandomOps(new Random(1330 + productPartitions + (int)type), 400);
        using var driver = OrdersWithProducts(type, Options(productPartitions));
        Run(driver, ops, restartAt: null);
        AssertMaterialized(driver, Oracle(type, ops));
    }

    [Fact]
    public void A_foreign_key_join_restarted_from_its_stores_mid_run_still_materializes_to_the_join_of_the_final_tables()
    {
        var ops = RandomOps(new Random(1340), 300);
        using var driver = OrdersWithProducts(JoinType.Left, Options(3));
        Run(driver, ops, restartAt: 150);
        AssertMaterialized(driver, Oracle(JoinType.Left, ops));
    }

    [Fact]
    public void A_foreign_key_join_agrees_with_the_oracle_over_random_interleavings_and_partitions()
    {
        var op = Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.Int[0, 8]);
        Gen.Select(Gen.Bool, Gen.Int[1, 3], op.Array[0, 40], Gen.Int[0, 40]).Sample(sample =>
        {
            var (left, partitions, raw, restartAt) = sample;
            var type = left ? JoinType.Left : JoinType.Inner;
            var ops = raw.Select(o => o.Item3 == 8 ? new Op(o.Item1, o.Item2, null)
                : new Op(o.Item1, o.Item2, o.Item1 ? $"{(o.Item3 == 7 ? "none" : $"p{o.Item3 % 4}")}:{o.Item3 / 4}" : $"name{o.Item3}")).ToList();
            using var driver = OrdersWithProducts(type, Options(partitions));
            Run(driver, ops, restartAt);
            AssertMaterialized(driver, Oracle(type, ops));
        }, iter: 60, threads: 1);
    }

    /// <summary>Orders in 2 partitions, products (and so the foreign-key stage) in <paramref name="productPartitions"/>.</summary>
    private static JobTestDriverOptions Options(int productPartitions) => new()
    {
        Partitions = 2,
        TopicPartitions = new Dictionary<string, int>(StringComparer.Ordinal) { ["products"] = productPartitions },
    };

    /// <summary>An order's (Order true: key "o{n}", row "p{m}:{q}") or a product's (key "p{n}", row a name) upsert; a null row deletes.</summary>
    internal sealed record Op(bool Order, int Key, string? Row)
    {
        public string KeyText => Order ? $"o{Key}" : $"p{Key}";
    }

    private static List<Op> RandomOps(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var order = random.Next(2) == 0;
            var row = random.Next(6) == 0 ? null
                : order ? $"{(random.Next(8) == 0 ? "none" : $"p{random.Next(5)}")}:{random.Next(3)}"
                : $"name{random.Next(4)}";
            return new Op(order, random.Next(6), row);
        }).ToList();

    /// <summary>The orders' or the products' rows after <paramref name="ops"/>.</summary>
    private static Dictionary<string, string> LiveKeys(List<Op> ops, bool order)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in ops.Where(o => o.Order == order))
        {
            if (op.Row is null)
            {
                rows.Remove(op.KeyText);
            }
            else
            {
                rows[op.KeyText] = op.Row;
            }
        }

        return rows;
    }

    private static void Run(JobTestDriver driver, List<Op> ops, int? restartAt)
    {
        var orders = driver.Input<string, string>("orders");
        var products = driver.Input<string, string>("products");
        for (var i = 0; i < ops.Count; i++)
        {
            if (i == restartAt)
            {
                driver.RestartTasks();
            }

            (ops[i].Order ? orders : products).Pipe(ops[i].KeyText, ops[i].Row!, i);
        }
    }

    private static void AssertMaterialized(JobTestDriver driver, List<(string Key, string Value)> expected) =>
        Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(Changelogs.Materialize(driver.Output<string, string>("out").ReadAll())));

    private static List<(string Key, string Value)> Oracle(JoinType type, List<Op> ops)
    {
        var orders = new Dictionary<string, string>(StringComparer.Ordinal);
        var products = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            var table = op.Order ? orders : products;
            if (op.Row is null)
            {
                table.Remove(op.KeyText);
            }
            else
            {
                table[op.KeyText] = op.Row;
            }
        }

        var result = new List<(string, string)>();
        foreach (var (id, order) in orders)
        {
            if (ProductOf(order) is { } productId && products.TryGetValue(productId, out var product))
            {
                result.Add((id, Joined(order, product)));
            }
            else if (type == JoinType.Left)
            {
                result.Add((id, Joined(order, null)));
            }
        }

        return result;
    }
}
