namespace Eddy.Cli.Tests.Jobs;

/// <summary>eddy jobs without a cluster: help, usage errors and an unreachable broker.</summary>
[Trait("Category", "Unit")]
public class JobsCommandTests
{
    [Theory]
    [InlineData("jobs", "describe")]
    [InlineData("jobs list", "--control-topic")]
    [InlineData("jobs describe", "--output")]
    [InlineData("jobs stop", "--worker")]
    [InlineData("jobs stop", "--timeout")]
    public async Task Jobs_verbs_answer_help_with_their_options(string verb, string expected)
    {
        var (exitCode, output, _) = await CliHarness.RunAsync([.. verb.Split(' '), "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(expected, output);
        if (verb != "jobs")
        {
            Assert.Contains("--bootstrap", output);
            Assert.Contains("-X <key=value>", output);
        }
    }

    [Fact]
    public async Task Jobs_verbs_against_an_unreachable_cluster_fail_with_the_clients_error_on_one_line()
    {
        foreach (var verb in new[] { "list", "describe some-job", "stop some-job" })
        {
            var (exitCode, output, error) = await CliHarness.RunAsync(["jobs", .. verb.Split(' '), "-b", "127.0.0.1:1"]);

            Assert.Equal(ExitCodes.Failure, exitCode);
            Assert.Equal("", output);
            Assert.StartsWith("error: _ALL_BROKERS_DOWN: ", error);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
        }
    }

    [Fact]
    public async Task Stop_refuses_a_timeout_that_is_not_a_duration()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["jobs", "stop", "j", "--timeout", "soon", "-b", "127.0.0.1:1"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Invalid duration 'soon' for --timeout", error);
    }
}
