using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>`eddy bench sql` end to end on a small input: it runs every job and prints every row, not how fast.</summary>
[Trait("Category", "Compat")]
public class BenchSqlCommandTests
{
    [Fact]
    public async Task Bench_sql_runs_the_SQL_jobs_beside_their_CSharp_equivalents_and_prints_all_four_rows_and_both_ratios()
    {
        await using var broker = await BrokerFixture.StartAsync();

        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["bench", "sql", "--bootstrap", broker.BootstrapServers, "--records", "2000", "--rounds", "1"]);

        Assert.True(exitCode == 0, stderr);
        foreach (var job in new[] { "sql-filter", "csharp-filter", "sql-tumble", "csharp-tumble" })
        {
            Assert.Contains($"| {job} (round 1) |", stdout, StringComparison.Ordinal);
            Assert.Contains($"| {job} | 1 |", stdout, StringComparison.Ordinal);
        }
        Assert.Contains("filter/projection, SQL / C# worker CPU per record: ", stdout, StringComparison.Ordinal);
        Assert.Contains("tumbling count, SQL / C# worker CPU per record: ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds must be positive")]
    [InlineData("--pages", "10000", "--pages must be between 1 and 9999")]
    [InlineData("--jobs", "sql-filter,sql-join", "--jobs: 'sql-join' is not a run (see --help for the list)")]
    public async Task Bad_bench_sql_options_are_usage_errors_before_anything_starts(string option, string value, string error)
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["bench", "sql", option, value]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(stdout);
        Assert.Equal($"error: {error}\n", stderr);
    }
}
