using Eddy.Bench;
using Eddy.Cli.Commands;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class BenchCommandTests
{
    [Fact]
    public async Task Bench_engine_without_the_Streamiz_reference_is_a_usage_error_that_says_how_to_get_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"eddy-no-streamiz-{Guid.NewGuid():N}", StreamizReference.FileName);

        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["bench", "engine", "--streamiz", missing, "--records", "10"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith($"error: the Streamiz reference is not at {missing}:", stderr, StringComparison.Ordinal);
        Assert.Contains("dotnet build -c Release bench/Eddy.Bench.Streamiz", stderr, StringComparison.Ordinal);
        Assert.Contains("--jobs stateless,window", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Streamiz_reference_is_the_given_path_or_the_copy_beside_the_program()
    {
        Assert.Equal("/elsewhere/Eddy.Bench.Streamiz.dll", StreamizReference.Resolve("/elsewhere/Eddy.Bench.Streamiz.dll"));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "streamiz", "Eddy.Bench.Streamiz.dll"), StreamizReference.Resolve(null));
    }

    [Fact]
    public void An_existing_Streamiz_reference_is_not_an_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            Assert.Null(BenchCommand.MissingStreamiz(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("produce", "--records", "0", "--records must be positive")]
    [InlineData("consume", "--record-size", "0", "--record-size must be positive")]
    [InlineData("transactions", "--partitions", "0", "--partitions must be positive")]
    [InlineData("groups", "--rate-mbps", "-1", "--rate-mbps must not be negative")]
    [InlineData("engine", "--keys", "0", "--keys must be between 1 and 999999")]
    [InlineData("engine", "--jobs", "stateless,other", "--jobs: 'other' is not a run (see --help for the list)")]
    [InlineData("engine", "--jobs", ",", "--jobs needs at least one run")]
    public async Task Bad_bench_options_are_usage_errors_before_anything_starts(string verb, string option, string value, string error)
    {
        var (exitCode, stdout, stderr) = await CliHarness.RunAsync(["bench", verb, option, value]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(stdout);
        Assert.Equal($"error: {error}\n", stderr);
    }

    [Fact]
    public void Under_the_dotnet_host_the_benchmark_broker_is_started_with_the_entry_assembly()
    {
        var command = BenchCommand.SelfAsBroker("/usr/share/dotnet/dotnet", "/opt/eddy/eddy.dll");

        Assert.Equal("/usr/share/dotnet/dotnet", command.FileName);
        Assert.Equal(["/opt/eddy/eddy.dll"], command.Arguments);
    }

    [Fact]
    public void As_the_eddy_apphost_the_benchmark_broker_is_the_program_itself()
    {
        var command = BenchCommand.SelfAsBroker("/opt/eddy/eddy", "/opt/eddy/eddy.dll");

        Assert.Equal("/opt/eddy/eddy", command.FileName);
        Assert.Empty(command.Arguments);
    }
}
