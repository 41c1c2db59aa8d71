using Eddy.Cli.Kafka;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class KafkaClientFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("eddy-cli-factory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Defaults_are_the_local_broker_and_the_cli_client_id()
    {
        var config = KafkaClientFactory.BuildConfig(ClientSettings.Default);

        Assert.Equal("127.0.0.1:9092", config["bootstrap.servers"]);
        Assert.Equal("eddy-cli", config["client.id"]);
    }

    [Fact]
    public void Bootstrap_flag_beats_properties_which_beat_the_environment()
    {
        var file = Path.Combine(_directory, "client.properties");
        File.WriteAllText(file, "bootstrap.servers=from-file:9092\n");

        Assert.Equal("env:9092", KafkaClientFactory.BuildConfig(new ClientSettings { EnvironmentBootstrap = "env:9092" })["bootstrap.servers"]);
        Assert.Equal("from-file:9092", KafkaClientFactory.BuildConfig(new ClientSettings { EnvironmentBootstrap = "env:9092", CommandConfigFile = file })["bootstrap.servers"]);
        Assert.Equal("x:1", KafkaClientFactory.BuildConfig(new ClientSettings { CommandConfigFile = file, Properties = ["bootstrap.servers=x:1"] })["bootstrap.servers"]);
        Assert.Equal("flag:9092", KafkaClientFactory.BuildConfig(new ClientSettings
        {
            Bootstrap = "flag:9092",
            EnvironmentBootstrap = "env:9092",
            CommandConfigFile = file,
            Properties = ["bootstrap.servers=x:1"],
        })["bootstrap.servers"]);
    }

    [Fact]
    public void Layers_apply_defaults_then_file_then_dash_x_then_verb_flags()
    {
        var file = Path.Combine(_directory, "client.properties");
        File.WriteAllText(file, "# security\nsecurity.protocol=SSL\nacks=1\nlinger.ms=7\n");
        var settings = new ClientSettings { CommandConfigFile = file, Properties = ["linger.ms=9", "client.id=mine", "x=a=b"] };

        var config = KafkaClientFactory.BuildConfig(settings,
            verbDefaults: new Dictionary<string, string> { ["acks"] = "all", ["compression.type"] = "none" },
            verbOverrides: new Dictionary<string, string> { ["compression.type"] = "zstd" });

        Assert.Equal("SSL", config["security.protocol"]);
        Assert.Equal("1", config["acks"]);
        Assert.Equal("9", config["linger.ms"]);
        Assert.Equal("mine", config["client.id"]);
        Assert.Equal("zstd", config["compression.type"]);
        Assert.Equal("a=b", config["x"]);
    }

    [Fact]
    public void Malformed_dash_x_and_missing_files_are_usage_errors()
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => KafkaClientFactory.BuildConfig(new ClientSettings { Properties = ["novalue"] })).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => KafkaClientFactory.BuildConfig(new ClientSettings { CommandConfigFile = Path.Combine(_directory, "missing") })).ExitCode);
    }

    [Fact]
    public void Unknown_librdkafka_properties_are_reported_as_usage_errors()
    {
        var e = Assert.Throws<CliException>(() => KafkaClientFactory.CreateAdmin(new ClientSettings { Properties = ["no.such.property=1"] }).Dispose());

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("no.such.property", e.Message);
    }
}
