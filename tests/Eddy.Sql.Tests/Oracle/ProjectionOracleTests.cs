namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Projections and filters written as Flink SQL text, run through the session over JSON records, against DuckDB:
/// built-in functions over NULLs, Flink's integer arithmetic (truncating division, wrapping overflow) and DECIMAL's
/// precision, scale, rounding and overflow rules. Where DuckDB's semantics differ from Flink's, its SQL is written to
/// Flink's and says why.
/// </summary>
[Trait("Category", "Unit")]
public class ProjectionOracleTests
{
    [Fact]
    public async Task Built_in_functions_over_nulls_match_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE out (
              id BIGINT, up STRING, len INT, tenth INT, remainder INT, absolute INT, who STRING, size STRING,
              tagged STRING, middle STRING, nonzero INT, not_ten BOOLEAN, n_at INT, concatenated STRING, flipped INT
            ) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json');
            INSERT INTO out
            SELECT id, UPPER(customer), CHAR_LENGTH(customer), amount / 7, MOD(amount, 7), ABS(amount), COALESCE(customer, 'none'),
                   CASE WHEN amount > 50 THEN 'big' WHEN amount IS NULL THEN 'unknown' ELSE 'small' END,
                   customer || '-x', SUBSTRING(customer FROM 2 FOR 2), NULLIF(amount, 0), amount IS DISTINCT FROM 10,
                   POSITION('n' IN customer), CONCAT(customer, '/', CAST(amount AS STRING)), IF(amount > 0, amount, -amount)
            FROM orders
            WHERE amount IS NULL OR amount <> 13 OR customer LIKE '%n%';
            """;
        // Flink's INT / INT is an INT truncated toward zero (DuckDB's / gives a DOUBLE); Flink's CONCAT is NULL when an
        // argument is (DuckDB's concat skips NULLs, its || does not); IF is CASE.
        const string DuckDb =
            """
            SELECT id, UPPER(customer), LENGTH(customer), CAST(TRUNC(amount / 7) AS INTEGER), amount % 7, ABS(amount), COALESCE(customer, 'none'),
                   CASE WHEN amount > 50 THEN 'big' WHEN amount IS NULL THEN 'unknown' ELSE 'small' END,
                   customer || '-x', SUBSTRING(customer, 2, 2), NULLIF(amount, 0), amount IS DISTINCT FROM 10,
                   POSITION('n' IN customer), customer || '/' || CAST(amount AS VARCHAR), CASE WHEN amount > 0 THEN amount ELSE -amount END
            FROM orders
            WHERE amount IS NULL OR amount <> 13 OR customer LIKE '%n%'
            """;
        await OracleCases.MatchesDuckDbAsync(Script, DuckDb, r => OracleCases.RandomOrders(r, 40));
    }

    [Fact]
    public async Task Int_arithmetic_overflows_by_wrapping_as_java_does()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE out (id BIGINT, wrapped INT, widened BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json');
            INSERT INTO out SELECT id, amount * 1000000000, CAST(amount AS BIGINT) * 1000000000 FROM orders;
            """;
        // Flink's INT * INT is a Java int multiplication: it wraps modulo 2^32 where DuckDB raises an overflow error.
        const string DuckDb =
            """
            SELECT id,
                   CAST((((CAST(amount AS BIGINT) * 1000000000 + 2147483648) % 4294967296) + 4294967296) % 4294967296 - 2147483648 AS INTEGER),
                   CAST(amount AS BIGINT) * 1000000000
            FROM orders
            """;
        await OracleCases.MatchesDuckDbAsync(Script, DuckDb, r => OracleCases.RandomOrders(r, 30));
    }

    private const string RatesDdl =
        """
        CREATE TABLE quotes (id BIGINT, price DECIMAL(10, 2), rate DECIMAL(5, 4))
        WITH ('connector' = 'kafka', 'topic' = 'quotes', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset');
        """;

    private static readonly OracleTable Quotes = new("quotes", [("id", "BIGINT"), ("price", "DECIMAL(10, 2)"), ("rate", "DECIMAL(5, 4)")]);

    /// <summary>Prices up to the type's limit and down to a cent, rates between -9.9999 and 9.9999 (never 0), NULLs.</summary>
    private static OracleInput RandomQuotes(Random random)
    {
        var input = new OracleInput();
        for (var i = 0; i < 40; i++)
        {
            decimal? price = random.Next(8) switch
            {
                0 => null,
                1 => 99999999.99m * (random.Next(2) == 0 ? 1 : -1),
                2 => random.Next(-9, 10) / 100m,
                3 => 9999.95m,
                4 => -9999.95m,
                _ => Math.Round((decimal)(random.NextDouble() * 200000 - 100000), 2),
            };
            var rate = random.Next(10) == 0 ? (decimal?)null : (random.Next(1, 99999) / 10000m) * (random.Next(2) == 0 ? 1 : -1);
            input.Add(Quotes, random.Next(OracleCases.Partitions), (long)i, price, rate);
        }
        return input;
    }

    [Fact]
    public async Task Decimal_results_have_flink_s_precision_and_scale()
    {
        var types = await OracleCases.ResultTypesAsync(RatesDdl,
            "SELECT price + rate, price - rate, price * rate, price / rate, CAST(price AS DECIMAL(5, 1)), ROUND(price, 1), price * 2, SUM(price) FROM quotes GROUP BY price, rate");
        // Flink's LogicalTypeMerging, computed by hand: + and -: scale max(s1, s2), precision max(p1 - s1, p2 - s2) + scale + 1;
        // *: p1 + p2 + 1, s1 + s2; /: scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale; ROUND(x, r): 1 + p - s + r, r;
        // an INT literal is DECIMAL(10, 0) beside a DECIMAL; SUM: DECIMAL(38, s).
        Assert.Equal(
            ["DECIMAL(13, 4)", "DECIMAL(13, 4)", "DECIMAL(16, 6)", "DECIMAL(20, 8)", "DECIMAL(5, 1)", "DECIMAL(10, 1)", "DECIMAL(21, 2)", "DECIMAL(38, 2)"],
            types);
    }

    [Fact]
    public async Task Decimal_arithmetic_rounding_and_overflow_match_duckdb_written_to_flink_s_rules()
    {
        const string Script = RatesDdl +
            """
            CREATE TABLE out (
              id BIGINT, total DECIMAL(13, 4), diff DECIMAL(13, 4), product DECIMAL(16, 6), quotient DECIMAL(20, 8),
              narrowed DECIMAL(5, 1), rounded DECIMAL(10, 1), doubled DECIMAL(21, 2)
            ) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json');
            INSERT INTO out
            SELECT id, price + rate, price - rate, price * rate, price / rate, CAST(price AS DECIMAL(5, 1)), ROUND(price, 1), price * 2
            FROM quotes WHERE rate IS NULL OR rate <> 0;
            """;
        // DuckDB divides DECIMALs as DOUBLEs: Flink's quotient (scale 8, rounded half-up) is computed exactly on the
        // unscaled integers instead. A CAST to a DECIMAL too narrow for the value is NULL in Flink, an error in DuckDB.
        // Both round half away from zero (Java's HALF_UP).
        const string DuckDb =
            """
            SELECT id, price + rate, price - rate, price * rate,
                   CAST(SIGN(p) * SIGN(r) * ((2 * ABS(p) * 10000000000 + ABS(r)) // (2 * ABS(r))) AS DECIMAL(38, 0)) * CAST(0.00000001 AS DECIMAL(9, 8)),
                   CASE WHEN ABS(ROUND(price, 1)) >= 10000 THEN NULL ELSE CAST(ROUND(price, 1) AS DECIMAL(5, 1)) END,
                   ROUND(price, 1), price * 2
            FROM (SELECT *, CAST(price * 100 AS HUGEINT) AS p, CAST(rate * 10000 AS HUGEINT) AS r FROM quotes)
            WHERE rate IS NULL OR rate <> 0
            """;
        await OracleCases.MatchesDuckDbAsync(Script, DuckDb, RandomQuotes);
    }
}
