using System.Text.RegularExpressions;
using Eddy.Sql.Catalog;
using Eddy.Sql.Session;

namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// docs/sql.md's "Coming from Flink" kept honest: its example job (a Flink SQL script, unchanged) plans into one job,
/// and each feature it lists as not supported yet is refused by name, not run with other semantics.
/// </summary>
[Trait("Category", "Unit")]
public partial class ComingFromFlinkTests
{
    private static string Section()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Eddy.slnx")))
            dir = dir.Parent;
        var doc = File.ReadAllText(Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Eddy.slnx not found above " + AppContext.BaseDirectory), "docs", "sql.md"));
        var start = doc.IndexOf("\n## Coming from Flink\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/sql.md has no '## Coming from Flink' section");
        var end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? doc[start..] : doc[start..end];
    }

    [GeneratedRegex(@"```sql\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    [Fact]
    public async Task The_example_flink_job_plans_unchanged_into_one_job_with_both_sinks()
    {
        var script = SqlBlock().Match(Section()).Groups["sql"].Value;
        Assert.Contains("INSERT INTO", script, StringComparison.Ordinal);
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "doc");
        var job = await session.RunScriptAsync(script);
        Assert.NotNull(job);
        Assert.Equal("orders-analytics", job.Name);
        Assert.Equal(["default_catalog.default_database.revenue_per_minute", "default_catalog.default_database.customer_totals"], job.SinkTables);
        Assert.NotNull(job.BuildPlan());
    }

    private const string Orders =
        """
        CREATE TABLE orders (id BIGINT, customer STRING, amount INT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
        WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json')
        """;

    private const string Sink = "CREATE TABLE sink (customer STRING, n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'sink', 'format' = 'json')";

    /// <summary>What the section lists as not supported yet, each with a statement that must be refused (the last one is the probe).</summary>
    public static TheoryData<string, string[]> Refused => new()
    {
        { "MATCH_RECOGNIZE", [Orders, "SELECT * FROM orders MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A) DEFINE A AS A.amount > 0)"] },
        { "INTERSECT", [Orders, "SELECT customer FROM orders INTERSECT SELECT customer FROM orders"] },
        { "EXCEPT", [Orders, "SELECT customer FROM orders EXCEPT SELECT customer FROM orders"] },
        { "CREATE TABLE ... AS SELECT", [Orders, "CREATE TABLE copy WITH ('connector' = 'kafka', 'topic' = 'copy', 'format' = 'json') AS SELECT * FROM orders"] },
        { "VALUES as a source", [Sink, "INSERT INTO sink VALUES ('a', 1)"] },
        { "INSERT OVERWRITE", [Orders, Sink, "INSERT OVERWRITE sink SELECT customer, id FROM orders"] },
        { "GROUPING SETS", [Orders, Sink, "INSERT INTO sink SELECT customer, COUNT(*) FROM orders GROUP BY GROUPING SETS ((customer), ())"] },
        { "processing-time windows", [Orders, Sink,
            "INSERT INTO sink SELECT customer, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(pt), INTERVAL '1' MINUTE)) GROUP BY customer, window_start, window_end"] },
        { "topic-pattern", ["CREATE TABLE many (a INT) WITH ('connector' = 'kafka', 'topic-pattern' = 'orders-.*', 'format' = 'json')", Sink,
            "INSERT INTO sink SELECT CAST(a AS STRING), CAST(a AS BIGINT) FROM many"] },
        { "bounded scans", ["CREATE TABLE bounded (a INT) WITH ('connector' = 'kafka', 'topic' = 'b', 'format' = 'json', 'scan.bounded.mode' = 'latest-offset')", Sink,
            "INSERT INTO sink SELECT CAST(a AS STRING), CAST(a AS BIGINT) FROM bounded"] },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_feature_listed_as_not_supported_is_refused_by_name(string feature, string[] statements)
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "doc");
        foreach (var statement in statements.SkipLast(1))
            await session.ExecuteAsync(statement);
        var error = await Record.ExceptionAsync(async () =>
        {
            var result = await session.ExecuteAsync(statements[^1]);
            if (result is SqlJobSessionResult job)
                job.Job.BuildPlan();
            if (result is SqlQuerySessionResult query)
                query.Query.Job.BuildPlan();
        });
        Assert.True(error is not null, $"{feature} ran: {statements[^1]}");
        Assert.True(SqlSession.IsStatementError(error), $"{feature}: {error}");
        Assert.True(error.Message.Contains("not supported", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("not translated", StringComparison.OrdinalIgnoreCase), $"{feature}: {error.Message}");
        Assert.Contains(feature.Split(' ')[0], Section(), StringComparison.Ordinal);
    }
}
