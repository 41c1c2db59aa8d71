using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;
using static Eddy.Cli.Tests.Sql.SqlSessionEndToEndTests;

namespace Eddy.Cli.Tests.Sql;

/// <summary>
/// <c>eddy sql</c> keeps permanent tables in the catalog topic of the cluster it talks to: one run creates them, the
/// next lists, describes and reads them, a script's job resolves them without creating them; TEMPORARY tables, the
/// memory catalog and another catalog topic stay apart.
/// </summary>
[Trait("Category", "Compat")]
public class SqlSharedCatalogTests
{
    private const string Totals =
        "CREATE TABLE totals (customer STRING, total BIGINT, PRIMARY KEY (customer) NOT ENFORCED)\n"
        + "  WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json')";

    private static async Task<(int ExitCode, string Out, string Error)> PipedAsync(string statements, params string[] options) =>
        await CliHarness.RunAsync(["sql", .. options], statements);

    [Fact]
    public async Task Tables_one_run_creates_are_listed_by_the_next_and_a_script_job_in_a_third_reads_them_without_creating_them()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        await ProduceOrdersAsync(b);
        using var directory = new TempDirectory();
        var ddl = directory.Combine("tables.sql");
        await File.WriteAllTextAsync(ddl, $"{OrdersTable(b)};\n{Totals};\n");

        var created = await CliHarness.RunAsync(["sql", "-f", ddl, "--bootstrap", b]);
        Assert.True(created.ExitCode == 0, created.Out + created.Error);

        var listed = await PipedAsync("SHOW TABLES;\nDESCRIBE orders;\n", "--bootstrap", b);
        Assert.True(listed.ExitCode == 0, listed.Out + listed.Error);
        Assert.Contains("| table name |\n+------------+\n|     orders |\n|     totals |\n+------------+\n2 rows in set\n", listed.Out, StringComparison.Ordinal);
        Assert.Contains("| customer |", listed.Out, StringComparison.Ordinal);
        Assert.Contains("|   amount |", listed.Out, StringComparison.Ordinal);

        // A script with only the INSERT: its job is planned on the definitions the first run stored.
        var job = directory.Combine("job.sql");
        await File.WriteAllTextAsync(job,
            """
            SET 'pipeline.name' = 'shared-catalog-totals';
            INSERT INTO totals
            SELECT customer, SUM(CAST(amount AS BIGINT)) FROM orders WHERE amount > 10 GROUP BY customer;
            """);
        var cwd = Directory.GetCurrentDirectory();
        var run = await CliHarness.RunAsync(["sql", "-f", job, "--bootstrap", b, "--duration", "15s"]);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("Stopped shared-catalog-totals (worker 0)", run.Out, StringComparison.Ordinal);
        Assert.Equal(ExpectedTotals(), LatestTotals(b));
        TryDelete(Path.Combine(cwd, "eddy-state", "shared-catalog-totals"));

        // Creating a stored table again fails as in Flink, unless IF NOT EXISTS.
        var again = await CliHarness.RunAsync(["sql", "-f", ddl, "--bootstrap", b]);
        Assert.Equal(ExitCodes.Failure, again.ExitCode);
        Assert.Contains("Table (or view) default_database.orders already exists in Catalog default_catalog.", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Temporary_tables_the_memory_catalog_and_another_catalog_topic_stay_apart_from_the_shared_tables()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;

        var first = await PipedAsync(
            "CREATE TABLE kept (a INT) WITH ('connector' = 'datagen');\n"
            + "CREATE TEMPORARY TABLE scratch (a INT) WITH ('connector' = 'datagen');\n"
            + "SHOW TABLES;\n", "--bootstrap", b);
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Contains("|       kept |\n|    scratch |\n", first.Out, StringComparison.Ordinal);

        var second = await PipedAsync("SHOW TABLES;\n", "--bootstrap", b);
        Assert.Contains("|       kept |\n+------------+\n1 row in set\n", second.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("scratch", second.Out, StringComparison.Ordinal);

        var memory = await PipedAsync("SHOW TABLES;\n", "--bootstrap", b, "--catalog", "memory");
        Assert.True(memory.ExitCode == 0, memory.Out + memory.Error);
        Assert.DoesNotContain("kept", memory.Out, StringComparison.Ordinal);

        var other = await PipedAsync("CREATE TABLE elsewhere (a INT) WITH ('connector' = 'datagen');\nSHOW TABLES;\n",
            "--bootstrap", b, "--catalog-topic", "team_catalog");
        Assert.True(other.ExitCode == 0, other.Out + other.Error);
        Assert.Contains("|  elsewhere |\n+------------+\n1 row in set\n", other.Out, StringComparison.Ordinal);
        var shared = await PipedAsync("SHOW TABLES;\n", "--bootstrap", b);
        Assert.DoesNotContain("elsewhere", shared.Out, StringComparison.Ordinal);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b }).Build();
        var configs = await admin.DescribeConfigsAsync(
        [
            new ConfigResource { Type = ResourceType.Topic, Name = "_eddy_sql_catalog" },
            new ConfigResource { Type = ResourceType.Topic, Name = "team_catalog" },
        ]);
        Assert.All(configs, c => Assert.Equal("compact", c.Entries["cleanup.policy"].Value));
    }
}
