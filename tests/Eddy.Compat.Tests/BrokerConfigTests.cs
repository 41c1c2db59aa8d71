using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// The broker's configuration through Confluent's admin client, as Kafka answers it: every broker key Kafka defines with
/// its source, synonyms and read-only flag, and dynamic broker configs (per broker and cluster-wide default) that are
/// persisted and reach every topic without its own value at once, without a restart.
/// </summary>
public class BrokerConfigTests
{
    private static readonly ConfigResource ThisBroker = new() { Type = ResourceType.Broker, Name = "1" };

    private static async Task<Dictionary<string, ConfigEntryResult>> Describe(IAdminClient admin, ConfigResource resource) =>
        (await admin.DescribeConfigsAsync([resource]))[0].Entries;

    private static Task<List<IncrementalAlterConfigsResult>> Alter(IAdminClient admin, ConfigResource resource, params ConfigEntry[] entries) =>
        admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [.. entries] });

    // The cluster-wide default (resource name "") and other brokers' ids, as kafka-configs --entity-default and Java's
    // admin client send them: librdkafka refuses an empty name, and routes a broker resource to that broker.
    private static (short Error, string? Message) RawAlter(BrokerFixture broker, string resourceName, params (string Name, sbyte Operation, string? Value)[] configs)
    {
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, response) = client.Call<Eddy.Protocol.Messages.IncrementalAlterConfigsResponse>(new Eddy.Protocol.Messages.IncrementalAlterConfigsRequest
        {
            Resources = [new()
            {
                ResourceType = 4,
                ResourceName = resourceName,
                Configs = [.. configs.Select(c => new Eddy.Protocol.Messages.IncrementalAlterConfigsRequest.AlterableConfig { Name = c.Name, ConfigOperation = c.Operation, Value = c.Value })],
            }],
        }, 1);
        return (response.Responses[0].ErrorCode, response.Responses[0].ErrorMessage);
    }

    private static Dictionary<string, Eddy.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResourceResult> RawDescribe(BrokerFixture broker, string resourceName)
    {
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, response) = client.Call<Eddy.Protocol.Messages.DescribeConfigsResponse>(new Eddy.Protocol.Messages.DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = 4, ResourceName = resourceName, ConfigurationKeys = null }],
            IncludeSynonyms = true,
        }, 4);
        return response.Results[0].Configs.ToDictionary(c => c.Name);
    }

    private static ConfigEntry Set(string name, string value) => new() { Name = name, Value = value, IncrementalOperation = AlterConfigOpType.Set };

    [Fact]
    public async Task Every_Kafka_broker_key_is_described_with_its_source_and_whether_it_can_change()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.retention.hours"] = "24", ["num.network.threads"] = "5" });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var configs = await Describe(admin, ThisBroker);

        Assert.True(configs.Count > 150, $"only {configs.Count} broker keys described");
        // A key Eddy does not act on: Kafka's default, or the static value a server.properties gave it.
        Assert.Equal("5", configs["num.network.threads"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, configs["num.network.threads"].Source);
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var (_, raw) = client.Call<Eddy.Protocol.Messages.DescribeConfigsResponse>(new Eddy.Protocol.Messages.DescribeConfigsRequest
            {
                Resources = [new() { ResourceType = 4, ResourceName = "1", ConfigurationKeys = ["num.network.threads", "log.retention.ms"] }],
                IncludeDocumentation = true,
            }, 4);
            Assert.Contains("does not act on it", raw.Results[0].Configs.Single(c => c.Name == "num.network.threads").Documentation, StringComparison.Ordinal);
            Assert.DoesNotContain("does not act on it", raw.Results[0].Configs.Single(c => c.Name == "log.retention.ms").Documentation, StringComparison.Ordinal);
        }
        Assert.Equal(ConfigSource.DefaultConfig, configs["num.io.threads"].Source);
        Assert.False(configs["num.io.threads"].IsReadOnly);
        // Keys Eddy acts on: read-only unless Kafka and Eddy both change them at run time.
        Assert.True(configs["auto.create.topics.enable"].IsReadOnly);
        Assert.False(configs["log.retention.ms"].IsReadOnly);
        Assert.True(configs["log.retention.hours"].IsReadOnly);
        Assert.Equal("24", configs["log.retention.hours"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, configs["log.retention.hours"].Source);
        Assert.Equal(
            [("log.retention.hours", ConfigSource.StaticBrokerConfig), ("log.retention.hours", ConfigSource.DefaultConfig)],
            configs["log.retention.hours"].Synonyms.Select(s => (s.Name, s.Source)));
        // Passwords are never shown.
        Assert.All(configs.Values.Where(c => c.IsSensitive), c => Assert.Null(c.Value));
    }

    [Fact]
    public async Task A_dynamic_broker_config_reaches_topics_without_their_own_value_at_once_and_survives_a_restart()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.retention.hours"] = "24" });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([
                new TopicSpecification { Name = "inherits", NumPartitions = 1, ReplicationFactor = 1 },
                new TopicSpecification { Name = "own", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "1000" } }]);

            await Alter(admin, ThisBroker, Set("log.retention.ms", "60000"));

            var brokerConfigs = await Describe(admin, ThisBroker);
            Assert.Equal("60000", brokerConfigs["log.retention.ms"].Value);
            Assert.Equal(ConfigSource.DynamicBrokerConfig, brokerConfigs["log.retention.ms"].Source);
            var inherits = await Describe(admin, new ConfigResource { Type = ResourceType.Topic, Name = "inherits" });
            Assert.Equal("60000", inherits["retention.ms"].Value);
            Assert.Equal(ConfigSource.DynamicBrokerConfig, inherits["retention.ms"].Source);
            Assert.Equal(60000, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.RetentionMs);
            Assert.Equal("1000", (await Describe(admin, new ConfigResource { Type = ResourceType.Topic, Name = "own" }))["retention.ms"].Value);
            Assert.Equal(1000, broker.Broker.Topics.Find("own")!.Partitions[0].Log.Config.RetentionMs);

            // The cluster-wide default sits under the broker's own value, and lists only what is set there.
            Assert.Equal(0, RawAlter(broker, "", ("log.retention.ms", 0, "120000"), ("log.segment.bytes", 0, "1048576")).Error);
            var defaults = RawDescribe(broker, "");
            Assert.Equal(["log.retention.ms", "log.segment.bytes"], defaults.Keys.Order(StringComparer.Ordinal));
            Assert.All(defaults.Values, d => Assert.Equal((sbyte)ConfigSource.DynamicDefaultBrokerConfig, d.ConfigSource));
            brokerConfigs = await Describe(admin, ThisBroker);
            Assert.Equal("60000", brokerConfigs["log.retention.ms"].Value);
            // Kafka's synonym list: every layer that sets the key or a lower-priority synonym of it, highest first.
            Assert.Equal(
                [("log.retention.ms", ConfigSource.DynamicBrokerConfig), ("log.retention.ms", ConfigSource.DynamicDefaultBrokerConfig),
                 ("log.retention.hours", ConfigSource.StaticBrokerConfig), ("log.retention.hours", ConfigSource.DefaultConfig)],
                brokerConfigs["log.retention.ms"].Synonyms.Select(s => (s.Name, s.Source)));
            Assert.Equal(1048576, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.SegmentBytes);
        }

        await broker.RestartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            Assert.Equal(60000, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.RetentionMs);
            Assert.Equal(1048576, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.SegmentBytes);

            // Deleting the broker's value falls back to the cluster default, then to the static value.
            await Alter(admin, ThisBroker, new ConfigEntry { Name = "log.retention.ms", IncrementalOperation = AlterConfigOpType.Delete });
            Assert.Equal(120000, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.RetentionMs);
            Assert.Equal(0, RawAlter(broker, "", ("log.retention.ms", 1, null)).Error);
            Assert.Equal(24 * 3_600_000L, broker.Broker.Topics.Find("inherits")!.Partitions[0].Log.Config.RetentionMs);
        }
    }

    [Fact]
    public async Task Keys_that_cannot_change_at_run_time_and_bad_values_get_Kafkas_errors_and_change_nothing()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        async Task<Error> Refused(ConfigResource resource, params ConfigEntry[] entries)
        {
            var e = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => Alter(admin, resource, entries));
            return e.Results[0].Error;
        }

        var staticKey = await Refused(ThisBroker, Set("auto.create.topics.enable", "false"), Set("log.retention.ms", "1000"));
        Assert.Equal(ErrorCode.InvalidRequest, staticKey.Code);
        Assert.Equal("Cannot update these configs dynamically: Set(auto.create.topics.enable)", staticKey.Reason);
        Assert.Equal(ErrorCode.InvalidConfig, (await Refused(ThisBroker, Set("log.retention.ms", "soon"))).Code);
        Assert.Equal(ErrorCode.InvalidConfig, (await Refused(ThisBroker, Set("no.such.key", "1"))).Code);
        var otherBroker = RawAlter(broker, "7", ("log.retention.ms", 0, "1000"));
        Assert.Equal((short)ErrorCode.InvalidRequest, otherBroker.Error);
        Assert.Equal("Unexpected broker id, expected 1 or empty string, but received 7", otherBroker.Message);
        var perBrokerOnly = RawAlter(broker, "", ("listeners", 0, "PLAINTEXT://127.0.0.1:9999"));
        Assert.Equal((short)ErrorCode.InvalidRequest, perBrokerOnly.Error);

        var configs = await Describe(admin, ThisBroker);
        Assert.Equal(ConfigSource.DefaultConfig, configs["log.retention.ms"].Source);
        Assert.Equal("true", configs["auto.create.topics.enable"].Value);
        Assert.False(File.Exists(Path.Combine(broker.DataDirectory, "eddy-broker-configs.json")));

        // A dynamic Kafka key Eddy does not act on is stored and reported like any other.
        await Alter(admin, ThisBroker, Set("num.io.threads", "16"));
        Assert.Equal("16", (await Describe(admin, ThisBroker))["num.io.threads"].Value);
    }

    [Fact]
    public async Task A_dynamic_max_connections_per_ip_applies_to_the_next_connections_without_a_restart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await Alter(admin, ThisBroker, Set("max.connections.per.ip", "4"));

        var sockets = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(broker.Broker.LocalEndPoint);
                sockets.Add(socket);
            }
            // The admin client holds at least one of the four; every socket over the limit is closed at once.
            var closed = 0;
            foreach (var socket in sockets)
            {
                socket.ReceiveTimeout = 2000;
                try
                {
                    closed += socket.Receive(new byte[1]) == 0 ? 1 : 0;
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.TimedOut)
                {
                    // Still open: within the limit.
                }
                catch (System.Net.Sockets.SocketException)
                {
                    closed++;
                }
            }
            Assert.InRange(closed, 7, 10);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await Alter(admin, ThisBroker, new ConfigEntry { Name = "max.connections.per.ip", IncrementalOperation = AlterConfigOpType.Delete });
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, versions) = client.Call<Eddy.Protocol.Messages.ApiVersionsResponse>(new Eddy.Protocol.Messages.ApiVersionsRequest(), 0);
        Assert.Equal(0, versions.ErrorCode);
    }
}
