namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class CliAppTests
{
    /// <summary>A loopback port nothing listens on: the client verbs must fail fast and cleanly against it.</summary>
    private const string Unreachable = "127.0.0.1:1";

    [Theory]
    [InlineData("topics list", "--exclude-internal")]
    [InlineData("topics create", "--replication-factor")]
    [InlineData("topics describe", "--output")]
    [InlineData("topics alter", "--delete-config")]
    [InlineData("topics delete", "--if-exists")]
    [InlineData("produce", "--key-separator")]
    [InlineData("consume", "--from-timestamp")]
    [InlineData("up", "--advertised-port")]
    [InlineData("run", "--worker-id")]
    [InlineData("groups list", "--state")]
    [InlineData("groups describe", "--members")]
    [InlineData("groups reset-offsets", "--to-datetime")]
    [InlineData("groups delete", "--group")]
    public async Task Every_verb_answers_help_with_option_descriptions(string verb, string option)
    {
        var (exitCode, output, _) = await CliHarness.RunAsync([.. verb.Split(' '), "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(option, output);
        // up and run start their own broker (run also takes --bootstrap, but no client properties: see RunCommandTests).
        if (verb is not "up" and not "run")
        {
            Assert.Contains("--bootstrap", output);
            Assert.Contains("--command-config", output);
            Assert.Contains("-X <key=value>", output);
        }
    }

    [Fact]
    public async Task Up_help_lists_the_broker_keys_and_how_to_set_them()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["up", "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("--set", output);
        Assert.Contains("EDDY_LOG_RETENTION_MS", output);
        Assert.Contains("log.retention.ms", output);
        Assert.Contains("auto.create.topics.enable", output);
    }

    [Fact]
    public async Task Up_list_configs_prints_every_key_with_its_default()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["up", "--list-configs"]);

        Assert.Equal(0, exitCode);
        foreach (var definition in Eddy.Broker.Configuration.BrokerConfigs.Broker)
        {
            Assert.Contains(definition.Name, output);
        }
    }

    [Theory]
    [InlineData("consume")]
    [InlineData("consume t --bogus")]
    [InlineData("topics")]
    [InlineData("produce t --acks 2")]
    [InlineData("consume t --partition x")]
    [InlineData("groups")]
    [InlineData("groups delete")]
    [InlineData("groups reset-offsets --to-earliest --all-topics")]
    [InlineData("groups reset-offsets --group g --all-topics --shift-by x")]
    public async Task Parse_errors_are_one_error_line_and_exit_code_2(string commandLine)
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Up_reports_unknown_keys_as_config_errors()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["up", "--set", "no.such.key=1"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: Unknown configuration 'no.such.key' in --set. Run 'eddy up --list-configs' for the keys Eddy accepts.\n", error);
    }

    [Fact]
    public async Task Up_reports_bad_values_from_the_environment_as_config_errors()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["up"], environment: new() { ["EDDY_NUM_PARTITIONS"] = "0" });

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error: Invalid value 0 for configuration num.partitions", error);
    }

    [Fact]
    public async Task Bad_client_properties_are_usage_errors()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["topics", "list", "-X", "no.such.property=1"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error: invalid client configuration: ", error);
    }

    [Fact]
    public async Task Topics_list_against_an_unreachable_cluster_fails_fast_with_the_kafka_error_name()
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(["topics", "list", "-b", Unreachable]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("error: _ALL_BROKERS_DOWN: ", error);
        Assert.Contains("Connection refused", error);
    }

    [Fact]
    public async Task Eddy_bootstrap_environment_variable_is_used_when_no_flag_is_given()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["topics", "describe"], environment: new() { ["EDDY_BOOTSTRAP"] = Unreachable });

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("127.0.0.1:1", error);
    }

    [Fact]
    public async Task Produce_against_an_unreachable_cluster_reports_the_summary_and_fails()
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(["produce", "t", "-b", Unreachable], input: "a\nb\nc\n");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Produced 0 records to t\n", error);
        Assert.Contains("error: _ALL_BROKERS_DOWN: ", error);
    }

    [Fact]
    public async Task Produce_reports_a_missing_input_file_before_connecting()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["produce", "t", "-b", Unreachable, "--file", "/nonexistent/eddy-input.txt"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error: cannot read /nonexistent/eddy-input.txt: ", error);
    }

    [Fact]
    public async Task Consume_against_an_unreachable_cluster_fails_before_consuming()
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(["consume", "t", "-b", Unreachable, "-e"]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("error: _ALL_BROKERS_DOWN: ", error);
    }

    [Fact]
    public async Task Consume_option_conflicts_are_usage_errors()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["consume", "t", "--output", "json", "--print-key"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: --output json cannot be combined with --format or the --print-* options\n", error);
    }

    [Fact]
    public async Task Topics_alter_without_changes_is_a_usage_error()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["topics", "alter", "t", "-b", Unreachable]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: nothing to alter: give --partitions, --config or --delete-config\n", error);
    }

    [Fact]
    public async Task Topics_create_validates_counts_before_connecting()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["topics", "create", "t", "--partitions", "0", "-b", Unreachable]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: The partitions must be greater than 0\n", error);
    }

    [Theory]
    [InlineData("groups reset-offsets --group g --all-topics", "error: reset-offsets requires one of the scenarios: --to-earliest, --to-latest, --to-datetime, --shift-by, --to-offset\n")]
    [InlineData("groups reset-offsets --group g --all-topics --to-earliest --to-offset 3", "error: give only one of --to-earliest, --to-latest, --to-datetime, --shift-by and --to-offset\n")]
    [InlineData("groups reset-offsets --group g --to-earliest", "error: One of the reset scopes should be defined: --all-topics, --topic.\n")]
    [InlineData("groups reset-offsets --group g --topic t --all-topics --to-earliest", "error: give either --topic or --all-topics, not both\n")]
    [InlineData("groups reset-offsets --group g --all-topics --to-earliest --dry-run --execute", "error: give only one of --execute and --dry-run\n")]
    [InlineData("groups reset-offsets --group g --topic t:x --to-earliest", "error: Invalid partition 'x' specified in topic arg 't:x'\n")]
    [InlineData("groups reset-offsets --group g --all-topics --to-datetime soon", "error: --to-datetime expects epoch milliseconds or an ISO 8601 time such as 2024-05-01T12:00:00Z, got 'soon'\n")]
    [InlineData("groups describe g --members --state", "error: give only one of --offsets, --members and --state\n")]
    [InlineData("groups describe g --verbose", "error: --verbose can only be used with --members\n")]
    [InlineData("groups list --state Sleeping", "error: Invalid state list 'Sleeping'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty\n")]
    public async Task Groups_option_mistakes_are_usage_errors_before_connecting(string commandLine, string expectedError)
    {
        var (exitCode, output, error) = await CliHarness.RunAsync([.. commandLine.Split(' '), "-b", Unreachable]);

        Assert.Equal((ExitCodes.Usage, "", expectedError), (exitCode, output, error));
    }

    [Fact]
    public async Task Groups_shift_by_takes_negative_numbers()
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(["groups", "reset-offsets", "--group", "g", "--all-topics", "--shift-by", "-2", "--dry-run", "-b", Unreachable]);

        // Parsed: the command got as far as connecting.
        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.StartsWith("error: _ALL_BROKERS_DOWN: ", error);
    }
}
