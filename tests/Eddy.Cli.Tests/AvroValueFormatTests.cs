using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>`eddy produce|consume --value-format avro` against a real broker and the registry `eddy up` hosts.</summary>
[Trait("Category", "Compat")]
public sealed class AvroValueFormatTests : IAsyncLifetime
{
    private const string Schema = """
        {"type":"record","name":"User","namespace":"demo","fields":[
          {"name":"name","type":"string"},
          {"name":"age","type":"int"},
          {"name":"email","type":["null","string"],"default":null}]}
        """;

    private BrokerFixture _broker = null!;
    private RegistryFixture _registry = null!;
    private TempDirectory _files = null!;
    private string _schemaFile = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerFixture.StartAsync();
        _registry = await RegistryFixture.StartAsync(_broker);
        _files = new TempDirectory("eddy-avro-cli");
        _schemaFile = Path.Combine(_files.Path, "user.avsc");
        await File.WriteAllTextAsync(_schemaFile, Schema);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _broker.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Json_lines_are_produced_as_avro_registered_under_the_topic_subject_and_consumed_back_as_json()
    {
        var (code, _, error) = await CliHarness.RunAsync(
            ["produce", "users", "-b", _broker.BootstrapServers, "-p", "0", "--value-format", "avro", "--schema-file", _schemaFile, "--registry-url", _registry.RegistryUrl],
            "{\"name\":\"ann\",\"age\":31,\"email\":{\"string\":\"a@x\"}}\n{\"name\":\"bob\",\"age\":40}\n");
        Assert.True(code == 0, error);
        Assert.Contains("Produced 2 records to users", error, StringComparison.Ordinal);

        // Registered under users-value, as Confluent's console producer does.
        using (var http = new HttpClient { BaseAddress = new Uri(_registry.RegistryUrl) })
        {
            var subjects = await http.GetStringAsync("/subjects");
            Assert.Equal("[\"users-value\"]", subjects);
        }

        (code, var output, error) = await CliHarness.RunAsync(
            ["consume", "users", "-b", _broker.BootstrapServers, "--from-beginning", "-e", "--value-format", "avro", "--registry-url", _registry.RegistryUrl]);
        Assert.True(code == 0, error);
        Assert.Equal(
            "{\"name\":\"ann\",\"age\":31,\"email\":{\"string\":\"a@x\"}}\n{\"name\":\"bob\",\"age\":40,\"email\":null}\n",
            output.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_that_does_not_fit_the_schema_is_refused_naming_the_line_and_the_field()
    {
        var (code, _, error) = await CliHarness.RunAsync(
            ["produce", "users", "-b", _broker.BootstrapServers, "--value-format", "avro", "--schema-file", _schemaFile, "--registry-url", _registry.RegistryUrl],
            "{\"name\":\"ann\",\"age\":31}\n{\"name\":\"cy\",\"age\":\"x\"}\n");
        Assert.Equal(2, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
        Assert.Contains("/age", error, StringComparison.Ordinal);
        Assert.Contains("Produced 1 records", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_schema_file_is_a_usage_error_saying_where()
    {
        var bad = Path.Combine(_files.Path, "bad.avsc");
        await File.WriteAllTextAsync(bad, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Nope\"}]}");
        var (code, _, error) = await CliHarness.RunAsync(
            ["produce", "users", "-b", _broker.BootstrapServers, "--value-format", "avro", "--schema-file", bad, "--registry-url", _registry.RegistryUrl], "{}\n");
        Assert.Equal(2, code);
        Assert.Contains("Nope", error, StringComparison.Ordinal);
        Assert.Contains("/fields/0/type", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_wire_format_avro_is_reported_with_its_offset_and_the_rest_are_printed()
    {
        await CliHarness.RunAsync(["produce", "mixed", "-b", _broker.BootstrapServers, "-p", "0"], "plain text\n");
        await CliHarness.RunAsync(
            ["produce", "mixed", "-b", _broker.BootstrapServers, "-p", "0", "--value-format", "avro", "--schema-file", _schemaFile, "--registry-url", _registry.RegistryUrl],
            "{\"name\":\"dee\",\"age\":5}\n");
        var (code, output, error) = await CliHarness.RunAsync(
            ["consume", "mixed", "-b", _broker.BootstrapServers, "-p", "0", "--from-beginning", "-e", "--value-format", "avro", "--registry-url", _registry.RegistryUrl]);
        Assert.Equal(1, code);
        Assert.Contains("mixed [0] at offset 0: not readable as Avro", error, StringComparison.Ordinal);
        Assert.Contains("magic byte", error, StringComparison.Ordinal);
        Assert.Equal("{\"name\":\"dee\",\"age\":5,\"email\":null}\n", output.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Avro_without_a_schema_file_is_a_usage_error()
    {
        var (code, _, error) = await CliHarness.RunAsync(["produce", "users", "-b", _broker.BootstrapServers, "--value-format", "avro"], "{}\n");
        Assert.Equal(2, code);
        Assert.Contains("--schema-file", error, StringComparison.Ordinal);
    }
}
