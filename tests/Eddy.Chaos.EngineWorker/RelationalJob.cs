using System.Globalization;
using Eddy.Engine;
using Eddy.Engine.Plan;

namespace Eddy.Chaos.EngineWorker;

/// <summary>
/// The relational job of the chaos tests (issue 13, exactly-once of the relational operators under kill -9), shared by
/// the worker process that runs it (<c>--job relational</c>) and the test that checks its output.
/// <list type="bullet">
/// <item><c>orders</c> (key order id "o{n}", value "o{n}:customer:amount", a tombstone deletes the order) is read as a table
/// and re-keyed by customer (<c>Table.GroupBy</c>: an order that moves to another customer is retracted from the old
/// one), so the stage after the repartition sees a changelog of every customer's orders.</item>
/// <item>That changelog is joined with the <c>customers</c> table (key "c{n}", value the customer's name; written
/// once, before any order, so that every order meets its customer's row; a few customers have none) by a stream–table
/// join, inner, and written with its row kinds to <c>enriched</c>.</item>
/// <item>The same changelog is ranked: the three largest orders of each customer (<c>TopN</c>, retracting, since the
/// orders are updated and deleted), written with row kinds to <c>top-orders</c> (key customer, value the rank and the
/// order).</item>
/// <item>The same changelog is joined with the customers table's changes by a regular join, left outer (multiset
/// state on both sides, retractions passed through), written with row kinds to <c>customer-orders</c>: each order
/// with its customer's name, or alone.</item>
/// <item>The same changelog is aggregated per customer (a non-windowed aggregate with retractions: count, sum and
/// max of the amounts), written with row kinds to <c>customer-stats</c>.</item>
/// <item>The orders table is joined with the <c>deliveries</c> table (key order id, value a delivery id, a tombstone
/// deletes) by a table–table join, full outer, written with row kinds to <c>order-deliveries</c>.</item>
/// <item><c>payments</c> and <c>shipments</c> (key order id, value a payment or shipment id, event time the Kafka
/// timestamp, out of order by less than <see cref="OutOfOrderness"/>) are joined by an interval join, left outer: each
/// payment with every shipment of its order from one second before to two seconds after it, a payment without any with
/// none once the watermark has passed; written to <c>paid-shipped</c>. No row is late (the disorder is within the
/// watermark's bound), so the pairs are those of a brute-force join; the test ends the input with a record far in the
/// future on every partition of both topics, so that the watermark releases every unmatched payment.</item>
/// </list>
/// Why every output is deterministic, whatever the timing and the failures: the last row of each order is fixed by
/// its input partition's order; amounts are unique, so the ranking of a customer's orders has no ties; and the
/// customers never change. So the materialized outputs (row kinds applied) must equal a join and a ranking of the
/// final orders table, record for record; a lost or doubled state update or output leaves a row too many or too few,
/// or a retraction of a row that is not there.
/// </summary>
public static class RelationalJob
{
    public const string Name = "eos-relational";
    public const int Partitions = 5;
    public const string Orders = "orders";
    public const string Customers = "customers";
    public const string Enriched = "enriched";
    public const string TopOrders = "top-orders";
    public const string CustomerOrders = "customer-orders";
    public const string CustomerStats = "customer-stats";
    public const string Deliveries = "deliveries";
    public const string OrderDeliveries = "order-deliveries";
    public const string Payments = "payments";
    public const string Shipments = "shipments";
    public const string PaidShipped = "paid-shipped";

    /// <summary>How many orders each customer's ranking keeps.</summary>
    public const int TopCount = 3;

    /// <summary>The outputs, each written with its row kinds.</summary>
    public static IReadOnlyList<string> Outputs { get; } = [Enriched, TopOrders, CustomerOrders, CustomerStats, OrderDeliveries, PaidShipped];

    /// <summary>How far the payments and shipments may be out of event-time order (the watermark's bound).</summary>
    public static TimeSpan OutOfOrderness { get; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>A shipment matches a payment from this long before it ...</summary>
    public static TimeSpan ShipmentFrom { get; } = TimeSpan.FromSeconds(-1);

    /// <summary>... to this long after it, both included.</summary>
    public static TimeSpan ShipmentTo { get; } = TimeSpan.FromSeconds(2);

    /// <summary>A <c>paid-shipped</c> value: "payment+shipment", or "payment+-" for a payment without a shipment.</summary>
    public static string PaidAndShipped(string payment, string? shipment) => $"{payment}+{shipment ?? "-"}";

    public static string OrderId(int n) => "o" + n.ToString(CultureInfo.InvariantCulture);

    public static string CustomerId(int n) => "c" + n.ToString(CultureInfo.InvariantCulture);

    public static string CustomerName(string customer) => "name-of-" + customer;

    /// <summary>
    /// An order's value, "orderId:customer:amount": the order id travels in the value since the re-keyed changelog is
    /// keyed by customer.
    /// </summary>
    public static string Order(string orderId, string customer, long amount) =>
        $"{orderId}:{customer}:{amount.ToString(CultureInfo.InvariantCulture)}";

    public static string CustomerOf(string order) => order.Split(':')[1];

    public static long AmountOf(string order) => long.Parse(order.AsSpan(order.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);

    /// <summary>An <c>enriched</c> value: the order's value, then the customer's name.</summary>
    public static string Enrich(string order, string? customerName) => $"{order}:{customerName ?? "-"}";

    /// <summary>A <c>customer-stats</c> value: "count:sum:max" of the customer's order amounts.</summary>
    public static string Stats(long count, long sum, long max) =>
        string.Create(CultureInfo.InvariantCulture, $"{count}:{sum}:{max}");

    /// <summary>An <c>order-deliveries</c> value: "order/delivery", "-" for a side without a row.</summary>
    public static string Delivered(string? order, string? delivery) => $"{order ?? "-"}/{delivery ?? "-"}";

    public static JobPlan Build()
    {
        var job = new JobBuilder(Name);
        var customers = job.Table(Customers, Serdes.String, Serdes.String, name: "customers");
        var orders = job.Table(Orders, Serdes.String, Serdes.String, name: "orders");
        var ordersByCustomer = orders.GroupBy((_, order) => CustomerOf(order), Serdes.String, name: "by-customer");
        ordersByCustomer.Join(customers, (_, order, name) => Enrich(order, name), Serdes.String, JoinType.Inner, name: "enrich")
            .To(Enriched, name: "to-enriched");
        ordersByCustomer.Join(customers.ToStream(), (_, order, name) => Enrich(order, name), Serdes.String, JoinType.Left, name: "customer-orders")
            .To(CustomerOrders, name: "to-customer-orders");
        ordersByCustomer.Aggregate(
                Aggregates.Combine(
                    Aggregates.Combine(Aggregates.Count<string>(), Aggregates.Sum<string>(AmountOf), (count, sum) => (Count: count, Sum: sum)),
                    Aggregates.Max<string, long>(AmountOf, Serdes.Long),
                    (countAndSum, max) => Stats(countAndSum.Count, countAndSum.Sum, max)),
                Serdes.String, name: "customer-stats")
            .ToChangelog(CustomerStats, name: "to-customer-stats");
        orders.Join(job.Table(Deliveries, Serdes.String, Serdes.String, name: "deliveries"), (_, order, delivery) => Delivered(order, delivery),
                Serdes.String, JoinType.FullOuter, name: "order-deliveries")
            .ToChangelog(OrderDeliveries, name: "to-order-deliveries");
        ordersByCustomer.TopN(TopCount, AmountOf, descending: true, name: "top-orders")
            .To(TopOrders, name: "to-top-orders");
        // Both topics are partitioned by order id, as their producers' default partitioner does: no repartition.
        var payments = job.Source(Payments, Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(OutOfOrderness), name: "payments").AsKeyed();
        var shipments = job.Source(Shipments, Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(OutOfOrderness), name: "shipments").AsKeyed();
        payments.IntervalJoin(shipments, ShipmentFrom, ShipmentTo, (_, payment, shipment) => PaidAndShipped(payment, shipment), Serdes.String,
                JoinType.Left, name: "match-shipments")
            .To(PaidShipped, name: "to-paid-shipped");
        return job.Build();
    }
}
