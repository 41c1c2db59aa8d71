using Eddy.Broker.Configuration;
using Eddy.Cli.Commands;
using Eddy.Cli.Configuration;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class BrokerPropertyLayeringTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private readonly string _directory = Directory.CreateTempSubdirectory("eddy-cli-layering-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Nothing_given_means_an_empty_dictionary_so_broker_defaults_apply()
    {
        var properties = BrokerPropertyLayering.Resolve(new UpOptions(), NoEnvironment);

        Assert.Empty(properties);
        Assert.Equal(9092, BrokerOptions.Parse(properties).ListenPort);
    }

    [Fact]
    public void An_unknown_EDDY_environment_variable_is_warned_about_and_ignored_while_known_ones_apply()
    {
        var warnings = new List<string>();
        var environment = new Dictionary<string, string> { ["EDDY_DLL"] = "/opt/eddy/eddy.dll", ["EDDY_LOG_RETENTION_MS"] = "1000", ["PATH"] = "/usr/bin" };

        var properties = BrokerPropertyLayering.Resolve(new UpOptions(), environment, warnings.Add);

        Assert.Equal(new Dictionary<string, string> { ["log.retention.ms"] = "1000" }, properties);
        var warning = Assert.Single(warnings);
        Assert.Equal("warning: ignoring environment variable EDDY_DLL: 'dll' is not a broker setting. Run 'eddy up --list-configs' for the keys Eddy accepts.", warning);
    }

    [Fact]
    public void Properties_file_keys_are_taken_as_written()
    {
        var file = WriteFile("server.properties", "# test\nnum.partitions=3\nlog.retention.hours=1\nlisteners=PLAINTEXT://0.0.0.0:9300\n");

        var properties = BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = file }, NoEnvironment);

        Assert.Equal(new Dictionary<string, string>
        {
            ["num.partitions"] = "3",
            ["log.retention.hours"] = "1",
            ["listeners"] = "PLAINTEXT://0.0.0.0:9300",
        }, properties);
    }

    [Fact]
    public void Json_file_accepts_strings_numbers_booleans_and_lists()
    {
        var file = WriteFile("eddy.json", """
            {
              // comments and trailing commas are tolerated
              "num.partitions": 6,
              "auto.create.topics.enable": false,
              "log.dirs": ["/data/a", "/data/b"],
              "cluster.id": "abc",
              "log.retention.ms": null,
            }
            """);

        var properties = BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = file }, NoEnvironment);

        Assert.Equal("6", properties["num.partitions"]);
        Assert.Equal("false", properties["auto.create.topics.enable"]);
        Assert.Equal("/data/a,/data/b", properties["log.dirs"]);
        Assert.Equal("abc", properties["cluster.id"]);
        Assert.False(properties.ContainsKey("log.retention.ms"));
    }

    [Theory]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{\"num.partitions\": {\"x\": 1}}", "must be a string, number, boolean or list")]
    [InlineData("{not json", "not valid JSON")]
    public void Bad_json_files_are_config_errors(string json, string message)
    {
        var file = WriteFile("bad.json", json);

        var e = Assert.Throws<ConfigException>(() => BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = file }, NoEnvironment));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_missing_settings_file_is_a_usage_error()
    {
        var e = Assert.Throws<CliException>(() => BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = Path.Combine(_directory, "nope.properties") }, NoEnvironment));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Theory]
    [InlineData("EDDY_LOG_RETENTION_MS", "log.retention.ms")]
    [InlineData("EDDY_NUM_PARTITIONS", "num.partitions")]
    [InlineData("EDDY_AUTO_CREATE_TOPICS_ENABLE", "auto.create.topics.enable")]
    public void Environment_names_map_to_kafka_keys(string variable, string key)
    {
        Assert.Equal(key, BrokerPropertyLayering.EnvironmentKey(variable));
    }

    [Fact]
    public void Only_eddy_variables_other_than_bootstrap_are_read()
    {
        var environment = new Dictionary<string, string>
        {
            ["EDDY_NUM_PARTITIONS"] = "2",
            ["EDDY_BOOTSTRAP"] = "elsewhere:9092",
            ["PATH"] = "/usr/bin",
            ["eddy_num_partitions"] = "9",
            ["EDDY_"] = "x",
        };

        var properties = BrokerPropertyLayering.Resolve(new UpOptions(), environment);

        Assert.Equal(new Dictionary<string, string> { ["num.partitions"] = "2" }, properties);
    }

    [Fact]
    public void Command_line_beats_environment_beats_file()
    {
        var file = WriteFile("server.properties", "num.partitions=3\nlog.retention.ms=100\nlog.segment.bytes=1000\nnode.id=7\n");
        var environment = new Dictionary<string, string>
        {
            ["EDDY_NUM_PARTITIONS"] = "4",
            ["EDDY_LOG_RETENTION_MS"] = "200",
        };
        var options = new UpOptions { ConfigFile = file, Sets = ["num.partitions=5", "broker.id=8"] };

        var properties = BrokerPropertyLayering.Resolve(options, environment);

        Assert.Equal("5", properties["num.partitions"]);
        Assert.Equal("200", properties["log.retention.ms"]);
        Assert.Equal("1000", properties["log.segment.bytes"]);
        Assert.Equal("8", properties["node.id"]); // broker.id is node.id's old name, so it overrides it
        Assert.False(properties.ContainsKey("broker.id"));
    }

    [Fact]
    public void Dedicated_flags_are_the_top_layer()
    {
        var environment = new Dictionary<string, string> { ["EDDY_LOG_DIRS"] = "/env" };
        var options = new UpOptions { DataDir = "/flag", Sets = ["log.dirs=/set"] };

        Assert.Equal("/flag", BrokerPropertyLayering.Resolve(options, environment)["log.dirs"]);
    }

    [Fact]
    public void Port_flag_keeps_the_host_from_a_lower_layer()
    {
        var environment = new Dictionary<string, string> { ["EDDY_LISTENERS"] = "PLAINTEXT://0.0.0.0:9000" };

        var properties = BrokerPropertyLayering.Resolve(new UpOptions { Port = 9100 }, environment);

        Assert.Equal("PLAINTEXT://0.0.0.0:9100", properties["listeners"]);
        var broker = BrokerOptions.Parse(properties);
        Assert.Equal(("0.0.0.0", 9100), (broker.ListenHost, broker.ListenPort));
        Assert.Equal(("127.0.0.1", 9100), (broker.AdvertisedHost, broker.AdvertisedPort));
    }

    [Fact]
    public void Host_and_port_flags_without_lower_layers_use_the_broker_defaults_for_the_other_half()
    {
        Assert.Equal("PLAINTEXT://127.0.0.1:9500", BrokerPropertyLayering.Resolve(new UpOptions { Port = 9500 }, NoEnvironment)["listeners"]);
        Assert.Equal("PLAINTEXT://10.1.2.3:9092", BrokerPropertyLayering.Resolve(new UpOptions { Host = "10.1.2.3" }, NoEnvironment)["listeners"]);
        Assert.Equal("PLAINTEXT://[::1]:9092", BrokerPropertyLayering.Resolve(new UpOptions { Host = "::1" }, NoEnvironment)["listeners"]);
    }

    [Fact]
    public void Advertised_flags_fill_in_from_the_listener()
    {
        var properties = BrokerPropertyLayering.Resolve(new UpOptions { Host = "0.0.0.0", Port = 9200, AdvertisedHost = "kafka.example" }, NoEnvironment);
        Assert.Equal("PLAINTEXT://kafka.example:9200", properties["advertised.listeners"]);

        properties = BrokerPropertyLayering.Resolve(new UpOptions { Host = "0.0.0.0", Port = 9200, AdvertisedPort = 19200 }, NoEnvironment);
        Assert.Equal("PLAINTEXT://127.0.0.1:19200", properties["advertised.listeners"]);

        var file = WriteFile("server.properties", "advertised.listeners=PLAINTEXT://public.example:9092\n");
        properties = BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = file, AdvertisedPort = 29092 }, NoEnvironment);
        Assert.Equal("PLAINTEXT://public.example:29092", properties["advertised.listeners"]);
    }

    [Fact]
    public void Unknown_keys_in_the_settings_file_or_set_stop_the_broker_naming_the_layer_they_came_from()
    {
        var file = WriteFile("server.properties", "log.retention.mss=1\n");

        Assert.Contains("settings file", Assert.Throws<ConfigException>(() => BrokerPropertyLayering.Resolve(new UpOptions { ConfigFile = file }, NoEnvironment)).Message);
        Assert.Contains("'bogus' in --set", Assert.Throws<ConfigException>(() => BrokerPropertyLayering.Resolve(new UpOptions { Sets = ["bogus=1"] }, NoEnvironment)).Message);
    }

    [Fact]
    public void Malformed_set_and_out_of_range_ports_are_rejected()
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => BrokerPropertyLayering.Resolve(new UpOptions { Sets = ["num.partitions"] }, NoEnvironment)).ExitCode);
        Assert.Throws<ConfigException>(() => BrokerPropertyLayering.Resolve(new UpOptions { Port = 70000 }, NoEnvironment));
        Assert.Throws<ConfigException>(() => BrokerPropertyLayering.Resolve(new UpOptions { AdvertisedPort = -1 }, NoEnvironment));
    }

    [Fact]
    public void Bad_values_are_left_to_the_broker_parser_which_names_them()
    {
        var properties = BrokerPropertyLayering.Resolve(new UpOptions { Sets = ["num.partitions=zero"] }, NoEnvironment);

        var e = Assert.Throws<ConfigException>(() => BrokerOptions.Parse(properties));
        Assert.Contains("num.partitions", e.Message);
    }

    [Theory]
    [InlineData("PLAINTEXT://host:1", "host", 1)]
    [InlineData("host:2", "host", 2)]
    [InlineData("PLAINTEXT://[::1]:3,PLAINTEXT://other:4", "::1", 3)]
    [InlineData("PLAINTEXT://:5", "", 5)]
    public void Listener_values_parse(string value, string host, int port)
    {
        Assert.True(ListenerAddress.TryParse(value, out var parsedHost, out var parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nohost")]
    [InlineData("PLAINTEXT://host:99999")]
    public void Bad_listener_values_do_not_parse(string? value)
    {
        Assert.False(ListenerAddress.TryParse(value, out _, out _));
    }
}
