namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// A representative subset of the oracle cases on the real path: the input produced to an in-process broker, the
/// script's job on a <see cref="Engine.Kafka.JobWorker"/> (exactly-once), the sink read back with a Kafka consumer
/// (read committed) and materialized. One seed each: a broker and a worker per run cost seconds, where the driver runs
/// of the same cases cost milliseconds and cover many seeds.
/// </summary>
[Trait("Category", "Compat")]
public class KafkaOracleTests
{
    private static async Task MatchesDuckDbOnKafkaAsync(string script, string duckDb, Func<Random, OracleInput> generate, int seed = 7)
    {
        var input = generate(new Random(seed));
        List<string>? expected = null;
        var actual = await OracleRunner.RunOnBrokerAsync(script, input, OracleCases.Partitions, sink =>
            expected = OracleRunner.DuckDb(duckDb, input, OracleCases.Partitions, [.. sink.Table.Schema.Select(f => f.Type)]));
        OracleAssert.SameRows(expected!, actual, seed, script);
    }

    [Fact]
    public async Task Projections_over_nulls_and_decimals_through_kafka_match_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE out (id BIGINT, who STRING, tenth INT, doubled DECIMAL(21, 2), narrowed DECIMAL(5, 1))
            WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json');
            INSERT INTO out
            SELECT id, COALESCE(UPPER(customer), '?'), amount / 10, price * 2, CAST(price AS DECIMAL(5, 1)) FROM orders WHERE amount IS NULL OR amount > 0;
            """;
        await MatchesDuckDbOnKafkaAsync(Script,
            """
            SELECT id, COALESCE(UPPER(customer), '?'), CAST(TRUNC(amount / 10) AS INTEGER), price * 2,
                   CASE WHEN ABS(ROUND(price, 1)) >= 10000 THEN NULL ELSE CAST(ROUND(price, 1) AS DECIMAL(5, 1)) END
            FROM orders WHERE amount IS NULL OR amount > 0
            """,
            r => OracleCases.RandomOrders(r, 40));
    }

    [Fact]
    public async Task Deletes_through_upsert_kafka_retract_from_a_group_by_and_its_having_into_upsert_kafka_on_the_broker()
    {
        const string Script = AggregateOracleTests.AccountsDdl +
            """
            CREATE TABLE by_region (region STRING, accounts BIGINT, total INT, PRIMARY KEY (region) NOT ENFORCED)
            WITH ('connector' = 'upsert-kafka', 'topic' = 'by_region', 'key.format' = 'json', 'value.format' = 'json');
            INSERT INTO by_region SELECT region, COUNT(*), SUM(balance) FROM accounts GROUP BY region HAVING COUNT(*) > 1;
            """;
        await MatchesDuckDbOnKafkaAsync(Script,
            "SELECT region, COUNT(*), SUM(balance) FROM accounts GROUP BY region HAVING COUNT(*) > 1",
            r => AggregateOracleTests.RandomAccounts(r, 60));
    }

    [Fact]
    public async Task A_tumbling_window_over_kafka_emits_the_windows_duckdb_computes()
    {
        // On Kafka the input ends without an end-of-input watermark, so the windows compared are those the last
        // rows' watermark closed (a final row far ahead closes every window of the others and counts in none of them).
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE per_window (customer STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), cnt BIGINT, total INT)
            WITH ('connector' = 'kafka', 'topic' = 'per_window', 'format' = 'json');
            INSERT INTO per_window
            SELECT customer, window_start, window_end, COUNT(*), SUM(amount)
            FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND)) WHERE id >= 0
            GROUP BY customer, window_start, window_end;
            """;
        await MatchesDuckDbOnKafkaAsync(Script,
            """
            SELECT customer, epoch_ms(ws), epoch_ms(ws + 5000), COUNT(*), SUM(amount)
            FROM (SELECT *, epoch_ms(ts) // 5000 * 5000 AS ws FROM orders) WHERE id >= 0
            GROUP BY customer, ws
            """,
            random =>
            {
                // In order (none late: on Kafka a poll's batch moves the watermark once, so lateness would depend on batching).
                var input = OracleCases.RandomOrders(random, 40, maxLatenessMs: 0);
                for (var p = 0; p < OracleCases.Partitions; p++)
                    input.Add(OracleCases.Orders, p, -1L - p, null, null, null, OracleCases.Start.AddHours(1));
                return input;
            });
    }
}
