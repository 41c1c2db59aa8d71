namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Joins written as Flink SQL against DuckDB: regular inner and outer joins of updating (upsert-kafka) inputs into a
/// changelog sink, IN / NOT IN / EXISTS as semi and anti joins, an interval join and an event-time temporal join
/// (DuckDB's ASOF JOIN over the versioned table's history).
/// </summary>
[Trait("Category", "Unit")]
public class JoinOracleTests
{
    private static readonly OracleTable Customers = new("customers", [("cid", "BIGINT"), ("name", "VARCHAR"), ("region", "VARCHAR")], Key: ["cid"]);

    private const string CustomersDdl =
        """
        CREATE TABLE customers (cid BIGINT, name STRING, region STRING, PRIMARY KEY (cid) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'customers', 'key.format' = 'json', 'value.format' = 'json');
        """;

    private static readonly OracleTable Cards = new("cards", [("card", "BIGINT"), ("owner", "BIGINT"), ("limit_", "INTEGER")], Key: ["card"]);

    private const string CardsDdl =
        """
        CREATE TABLE cards (card BIGINT, owner BIGINT, limit_ INT, PRIMARY KEY (card) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'cards', 'key.format' = 'json', 'value.format' = 'json');
        """;

    /// <summary>Customers and cards changing in turns: renames, moves, cards changing owner (or having none), deletes.</summary>
    private static OracleInput CustomersAndCards(Random random)
    {
        var input = new OracleInput();
        for (var i = 0; i < 60; i++)
        {
            if (random.Next(2) == 0)
            {
                var cid = (long)random.Next(8);
                if (random.Next(6) == 0)
                    input.Delete(Customers, cid, null, null);
                else
                    input.Add(Customers, 0, cid, OracleCases.Customers[random.Next(OracleCases.Customers.Length)], random.Next(8) == 0 ? null : AggregateOracleTests.Regions[random.Next(3)]);
            }
            else
            {
                var card = (long)random.Next(10);
                if (random.Next(6) == 0)
                    input.Delete(Cards, card, null, null);
                else
                    input.Add(Cards, 0, card, random.Next(8) == 0 ? null : (long)random.Next(10), random.Next(0, 1000));
            }
        }
        return input;
    }

    [Theory]
    [InlineData("JOIN")]
    [InlineData("LEFT JOIN")]
    [InlineData("RIGHT JOIN")]
    [InlineData("FULL OUTER JOIN")]
    public async Task A_regular_join_of_updating_inputs_materializes_to_duckdb_s_join(string join)
    {
        var script = CustomersDdl + CardsDdl +
            $"""
            CREATE TABLE joined (cid BIGINT, name STRING, region STRING, card BIGINT, limit_ INT)
            WITH ('connector' = 'kafka', 'topic' = 'joined', 'format' = 'debezium-json');
            INSERT INTO joined
            SELECT c.cid, c.name, c.region, k.card, k.limit_ FROM customers c {join} cards k ON c.cid = k.owner;
            """;
        await OracleCases.MatchesDuckDbAsync(script,
            $"SELECT c.cid, c.name, c.region, k.card, k.limit_ FROM customers c {join} cards k ON c.cid = k.owner",
            CustomersAndCards);
    }

    [Fact]
    public async Task An_inner_join_with_a_residual_condition_matches_duckdb()
    {
        const string Script = CustomersDdl + CardsDdl +
            """
            CREATE TABLE joined (name STRING, card BIGINT, limit_ INT)
            WITH ('connector' = 'kafka', 'topic' = 'joined', 'format' = 'debezium-json');
            INSERT INTO joined
            SELECT c.name, k.card, k.limit_ FROM customers c JOIN cards k ON c.cid = k.owner AND k.limit_ > 300 AND c.region <> 'us';
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT c.name, k.card, k.limit_ FROM customers c JOIN cards k ON c.cid = k.owner AND k.limit_ > 300 AND c.region <> 'us'",
            CustomersAndCards);
    }

    [Theory]
    [InlineData("k.owner IN (SELECT cid FROM customers WHERE region = 'eu')")]
    [InlineData("k.owner IN (SELECT cid FROM customers WHERE cid > 2)")]
    public async Task Semi_and_anti_joins_keep_the_rows_duckdb_keeps(string condition)
    {
        var script = CustomersDdl + CardsDdl +
            $"""
            CREATE TABLE kept (card BIGINT, owner BIGINT, limit_ INT)
            WITH ('connector' = 'kafka', 'topic' = 'kept', 'format' = 'debezium-json');
            INSERT INTO kept SELECT card, owner, limit_ FROM cards k WHERE {condition};
            """;
        await OracleCases.MatchesDuckDbAsync(script, $"SELECT card, owner, limit_ FROM cards k WHERE {condition}", CustomersAndCards);
    }

    private static readonly OracleTable Shipments = new("shipments", [("order_id", "BIGINT"), ("carrier", "VARCHAR"), ("sts", "TIMESTAMP")],
        Rowtime: "sts", DelayMs: 2000);

    private const string ShipmentsDdl =
        """
        CREATE TABLE shipments (order_id BIGINT, carrier STRING, sts TIMESTAMP(3), WATERMARK FOR sts AS sts - INTERVAL '2' SECOND)
        WITH ('connector' = 'kafka', 'topic' = 'shipments', 'format' = 'json');
        """;

    /// <summary>Orders (none late), and shipments of some of them 0 to 8 seconds later, some twice, some for no order.</summary>
    private static OracleInput OrdersAndShipments(Random random)
    {
        var input = OracleCases.RandomOrders(random, 30, maxLatenessMs: 1500);
        var orders = input.Events.ToList();
        var time = OracleCases.Start;
        foreach (var order in orders)
        {
            var ts = (DateTime)order.Row[4]!;
            for (var n = random.Next(3); n > 0; n--)
            {
                var sts = ts.AddMilliseconds(random.Next(0, 8000));
                input.Add(Shipments, random.Next(OracleCases.Partitions), random.Next(15) == 0 ? null : order.Row[0], random.Next(2) == 0 ? "ups" : "dhl", sts);
            }
        }
        return Interleave(input, random);
    }

    /// <summary>
    /// The two tables' rows merged in event-time order with a little disorder (each row's place moved by less than the
    /// watermark delay), as two producers would write them: neither side's watermark runs ahead of the other's rows.
    /// </summary>
    private static OracleInput Interleave(OracleInput input, Random random)
    {
        var merged = new OracleInput();
        foreach (var e in input.Events.OrderBy(e => OracleInput.Timestamp(e) + random.Next(0, 1000)))
            merged.Add(e.Table, e.Partition ?? 0, e.Row);
        return merged;
    }

    [Fact]
    public async Task An_interval_join_matches_duckdb_s_range_join()
    {
        const string Script = OracleCases.OrdersDdl + ShipmentsDdl +
            """
            CREATE TABLE shipped (id BIGINT, customer STRING, carrier STRING, ts TIMESTAMP(3), sts TIMESTAMP(3))
            WITH ('connector' = 'kafka', 'topic' = 'shipped', 'format' = 'json');
            INSERT INTO shipped
            SELECT o.id, o.customer, s.carrier, o.ts, s.sts
            FROM orders o JOIN shipments s ON o.id = s.order_id AND s.sts BETWEEN o.ts AND o.ts + INTERVAL '5' SECOND;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            """
            SELECT o.id, o.customer, s.carrier, o.ts, s.sts
            FROM orders o JOIN shipments s ON o.id = s.order_id AND s.sts BETWEEN o.ts AND o.ts + INTERVAL 5 SECOND
            """,
            OrdersAndShipments);
    }

    private static readonly OracleTable Rates = new("rates", [("currency", "VARCHAR"), ("rate", "INTEGER"), ("rts", "TIMESTAMP")],
        Key: ["currency"], Rowtime: "rts", DelayMs: 2000) { History = true };

    private const string RatesDdl =
        """
        CREATE TABLE rates (currency STRING, rate INT, rts TIMESTAMP(3), WATERMARK FOR rts AS rts - INTERVAL '2' SECOND, PRIMARY KEY (currency) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'rates', 'key.format' = 'json', 'value.format' = 'json');
        """;

    [Fact]
    public async Task An_event_time_temporal_join_takes_the_version_duckdb_s_asof_join_takes()
    {
        const string Script = OracleCases.OrdersDdl + RatesDdl +
            """
            CREATE TABLE priced (id BIGINT, customer STRING, amount INT, rate INT, ts TIMESTAMP(3))
            WITH ('connector' = 'kafka', 'topic' = 'priced', 'format' = 'json');
            INSERT INTO priced
            SELECT o.id, o.customer, o.amount, r.rate, o.ts
            FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.customer = r.currency;
            """;
        // The versioned table's history (every version with its time) is what ASOF JOIN reads: the latest version at
        // or before the order's time.
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT o.id, o.customer, o.amount, r.rate, o.ts FROM orders o ASOF JOIN rates r ON o.customer = r.currency AND o.ts >= r.rts",
            random =>
            {
                var input = OracleCases.RandomOrders(random, 30);
                var time = OracleCases.Start.AddSeconds(-3);
                for (var i = 0; i < 25; i++)
                {
                    time = time.AddMilliseconds(random.Next(0, 2000));
                    input.Add(Rates, 0, OracleCases.Customers[random.Next(OracleCases.Customers.Length)], random.Next(1, 100), time.AddMilliseconds(-random.Next(0, 1500)));
                }
                return Interleave(input, random);
            });
    }
}
