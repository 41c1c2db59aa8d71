using System.Text.RegularExpressions;

namespace Eddy.Cli.Tests;

/// <summary><c>eddy nexmark generate</c>: its help, its usage errors, and a dry run's summary (no broker).</summary>
[Trait("Category", "Unit")]
public class NexmarkCommandTests
{
    [Fact]
    public async Task Generate_help_names_the_options()
    {
        var (exitCode, stdout, _) = await CliHarness.RunAsync(["nexmark", "generate", "--help"]);
        Assert.Equal(ExitCodes.Success, exitCode);
        foreach (var option in new[] { "--events", "--rate", "--topic-prefix", "--partitions", "--format", "--seed", "--base-time", "--paced", "--dry-run", "--bootstrap" })
            Assert.Contains(option, stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "nexmark", "generate" }, "Option '--events' is required.")]
    [InlineData(new[] { "nexmark", "generate", "-n", "0", "--dry-run" }, "error: --events must be positive, not 0")]
    [InlineData(new[] { "nexmark", "generate", "-n", "10", "--rate", "0", "--dry-run" }, "error: --rate must be greater than 0, not 0.")]
    [InlineData(new[] { "nexmark", "generate", "-n", "10", "--format", "avro" }, "error: --format avro is not supported yet")]
    [InlineData(new[] { "nexmark", "generate", "-n", "10", "--base-time", "soon", "--dry-run" }, "error: Invalid --base-time 'soon'")]
    public async Task Generate_refuses_a_bad_invocation_with_a_usage_error(string[] args, string message)
    {
        var (exitCode, _, stderr) = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_generates_the_events_and_reports_its_rate()
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["nexmark", "generate", "-n", "20000", "-p", "3", "--dry-run"]);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(stderr);
        Assert.Matches(new Regex(@"^Generated 20,000 events \([0-9.,]+ MB of JSON\) in [0-9.]+ s on one thread: [0-9,]+ events/s with JSON encoding, [0-9,]+ events/s generating only; [0-9,]+ bytes allocated per event\.\n$"), stdout);
    }
}
