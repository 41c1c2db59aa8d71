namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Updating aggregations into upsert-kafka, materialized by key, against DuckDB: GROUP BY with HAVING and FILTER,
/// SELECT DISTINCT, over append input and over an upsert-kafka source whose updates and deletes retract.
/// </summary>
[Trait("Category", "Unit")]
public class AggregateOracleTests
{
    [Fact]
    public async Task Group_by_with_having_and_filter_materializes_in_upsert_kafka_as_duckdb_answers()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE totals (
              customer STRING, cnt BIGINT, amounts BIGINT, positive_total INT, lowest INT, highest INT, average INT, spent DECIMAL(38, 2),
              PRIMARY KEY (customer) NOT ENFORCED
            ) WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json');
            INSERT INTO totals
            SELECT customer, COUNT(*), COUNT(amount), SUM(amount) FILTER (WHERE amount > 0), MIN(amount), MAX(amount), AVG(amount), SUM(price)
            FROM orders
            GROUP BY customer
            HAVING COUNT(*) > 1;
            """;
        // Flink's SUM(INT) is an INT and AVG(INT) an INT (the sum divided by the count, truncated); DuckDB's are a
        // HUGEINT and a DOUBLE.
        const string DuckDb =
            """
            SELECT customer, COUNT(*), COUNT(amount), SUM(amount) FILTER (WHERE amount > 0), MIN(amount), MAX(amount),
                   CAST(TRUNC(SUM(amount) / COUNT(amount)) AS INTEGER), SUM(price)
            FROM orders GROUP BY customer HAVING COUNT(*) > 1
            """;
        await OracleCases.MatchesDuckDbAsync(Script, DuckDb, r => OracleCases.RandomOrders(r, 40));
    }

    [Fact]
    public async Task Select_distinct_into_upsert_kafka_matches_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE pairs (customer STRING, positive BOOLEAN, PRIMARY KEY (customer, positive) NOT ENFORCED)
            WITH ('connector' = 'upsert-kafka', 'topic' = 'pairs', 'key.format' = 'json', 'value.format' = 'json');
            INSERT INTO pairs SELECT DISTINCT customer, amount > 0 FROM orders WHERE customer IS NOT NULL AND amount IS NOT NULL;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT DISTINCT customer, amount > 0 FROM orders WHERE customer IS NOT NULL AND amount IS NOT NULL",
            r => OracleCases.RandomOrders(r, 30));
    }

    /// <summary>Accounts: an upsert-kafka table keyed by id, whose rows move between regions and are deleted.</summary>
    internal static readonly OracleTable Accounts = new("accounts", [("id", "BIGINT"), ("region", "VARCHAR"), ("balance", "INTEGER")], Key: ["id"]);

    internal const string AccountsDdl =
        """
        CREATE TABLE accounts (id BIGINT, region STRING, balance INT, PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'accounts', 'key.format' = 'json', 'value.format' = 'json');
        """;

    internal static readonly string[] Regions = ["eu", "us", "apac"];

    /// <summary>Upserts of a few ids (new regions and balances, NULL regions and balances) with deletes among them.</summary>
    internal static OracleInput RandomAccounts(Random random, int count = 50, OracleInput? into = null)
    {
        var input = into ?? new OracleInput();
        for (var i = 0; i < count; i++)
        {
            var id = (long)random.Next(12);
            if (random.Next(5) == 0)
            {
                input.Delete(Accounts, id, null, null);
            }
            else
            {
                input.Add(Accounts, 0, id, random.Next(10) == 0 ? null : Regions[random.Next(Regions.Length)],
                    random.Next(10) == 0 ? null : random.Next(-100, 500));
            }
        }
        return input;
    }

    [Fact]
    public async Task Updates_and_deletes_through_an_upsert_kafka_source_retract_from_the_aggregate_and_its_having()
    {
        const string Script = AccountsDdl +
            """
            CREATE TABLE by_region (region STRING, accounts BIGINT, total INT, richest INT, PRIMARY KEY (region) NOT ENFORCED)
            WITH ('connector' = 'upsert-kafka', 'topic' = 'by_region', 'key.format' = 'json', 'value.format' = 'json');
            INSERT INTO by_region
            SELECT region, COUNT(*), SUM(balance), MAX(balance) FROM accounts GROUP BY region HAVING SUM(balance) > 0 OR SUM(balance) IS NULL;
            """;
        // DuckDB sees the table as it stands once every change is applied: the last row of each key still present.
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT region, COUNT(*), SUM(balance), MAX(balance) FROM accounts GROUP BY region HAVING SUM(balance) > 0 OR SUM(balance) IS NULL",
            r => RandomAccounts(r));
    }
}
