namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class BenchStateCommandTests
{
    [Theory]
    [InlineData("--minutes", "0", "--minutes must be positive")]
    [InlineData("--rate", "0", "--rate must be positive")]
    [InlineData("--sample-seconds", "30", "--minutes must cover at least 12 samples (--sample-seconds)")]
    [InlineData("--ttl-seconds", "0", "--ttl-seconds must be positive")]
    [InlineData("--jobs", "dedup-ttl,topn", "--jobs takes interval-join, window-join, regular-join-ttl, dedup-ttl")]
    public async Task Bad_bench_state_options_are_usage_errors_before_anything_starts(string option, string value, string error)
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["bench", "state", option, value]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(stdout);
        Assert.Equal($"error: {error}\n", stderr);
    }
}
