using Eddy.Sql.Catalog;
using Eddy.Sql.Session;

// The folder is Oracle; the namespace is OracleSuite, as a namespace Oracle would hide Translation.Harness.Oracle.
namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// The oracle tests' shared tables and random data. Every run is seeded (the seed is in the failure message, and
/// <c>EDDY_ORACLE_SEED</c> replays one); rows carry NULLs, several partitions, and timestamps out of order, some
/// beyond the watermark delay (late).
/// </summary>
internal static class OracleCases
{
    /// <summary>Partitions of every topic in the driver runs.</summary>
    public const int Partitions = 3;

    public static readonly string[] Customers = ["ann", "bob", "cy", "Dee"];

    public static readonly DateTime Start = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Orders: an append kafka table with a watermark 2 seconds behind its rowtime.</summary>
    public static readonly OracleTable Orders = new("orders",
        [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("price", "DECIMAL(10, 2)"), ("ts", "TIMESTAMP")],
        Rowtime: "ts", DelayMs: 2000);

    public const string OrdersDdl =
        """
        CREATE TABLE orders (
          id BIGINT,
          customer STRING,
          amount INT,
          price DECIMAL(10, 2),
          ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
        ) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset');
        """;

    /// <summary>
    /// Random orders: ids in arrival order, a NULL customer, amount or price now and then, time moving forward by up to
    /// 1.5 s a row, each row out of order by up to <paramref name="maxLatenessMs"/> (beyond the 2 s delay: late).
    /// </summary>
    public static OracleInput RandomOrders(Random random, int count, int maxLatenessMs = 1500, OracleInput? into = null)
    {
        var input = into ?? new OracleInput();
        var time = Start;
        for (var i = 0; i < count; i++)
        {
            time = time.AddMilliseconds(random.Next(0, 1500));
            var ts = time.AddMilliseconds(-random.Next(0, maxLatenessMs + 1));
            input.Add(Orders, i < Partitions ? i : random.Next(Partitions),
                (long)i,
                random.Next(12) == 0 ? null : Customers[random.Next(Customers.Length)],
                random.Next(10) == 0 ? null : random.Next(-50, 120),
                random.Next(10) == 0 ? null : Math.Round((decimal)(random.NextDouble() * 2000 - 500), 2),
                ts);
        }
        return input;
    }

    /// <summary>
    /// Runs <paramref name="script"/> on the driver over inputs from <paramref name="generate"/> for each seed and
    /// compares the sink's materialized rows with DuckDB's answer to <paramref name="duckDb"/>.
    /// </summary>
    public static async Task MatchesDuckDbAsync(string script, string duckDb, Func<Random, OracleInput> generate, int runs = 8, params string[] duckDbSetup)
    {
        foreach (var seed in OracleAssert.Seeds(runs))
        {
            var input = generate(new Random(seed));
            var (rows, sink) = await OracleRunner.RunOnDriverAsync(script, input, Partitions);
            var expected = OracleRunner.DuckDb(duckDb, input, Partitions, [.. sink.Table.Schema.Select(f => f.Type)], duckDbSetup);
            OracleAssert.SameRows(expected, rows, seed, script);
        }
    }

    /// <summary>The result columns of a SELECT as Flink prints their types (<c>DECIMAL(13, 4)</c>), nullability left out.</summary>
    public static async Task<string[]> ResultTypesAsync(string ddl, string select)
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "types");
        foreach (var statement in ddl.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            await session.ExecuteAsync(statement);
        var query = Assert.IsType<SqlQuerySessionResult>(await session.ExecuteAsync(select)).Query;
        return [.. query.Columns.Select(c => c.TypeName.Replace(" NOT NULL", "", StringComparison.Ordinal))];
    }
}
