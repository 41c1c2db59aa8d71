using System.Globalization;
using System.Reflection;
using Eddy.Broker.Configuration;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Broker.Tests;

/// <summary>
/// The broker's defaults are written once, in <see cref="BrokerConfigs"/>: what a broker started without a key uses
/// (<see cref="BrokerOptions"/>) is what DescribeConfigs tells clients it uses.
/// </summary>
public class BrokerDefaultsTests
{
    // Each option with the key that sets it and the key's value that gives the option's value.
    private static readonly Dictionary<string, (string Key, Func<BrokerOptions, string> AsConfigValue)> OptionKeys = new(StringComparer.Ordinal)
    {
        [nameof(BrokerOptions.NodeId)] = (BrokerConfigs.NodeId, o => Text(o.NodeId)),
        [nameof(BrokerOptions.NumPartitions)] = (BrokerConfigs.NumPartitions, o => Text(o.NumPartitions)),
        [nameof(BrokerOptions.AutoCreateTopics)] = (BrokerConfigs.AutoCreateTopics, o => o.AutoCreateTopics ? "true" : "false"),
        [nameof(BrokerOptions.DeleteTopicEnable)] = (BrokerConfigs.DeleteTopicEnable, o => o.DeleteTopicEnable ? "true" : "false"),
        [nameof(BrokerOptions.SocketRequestMaxBytes)] = (BrokerConfigs.SocketRequestMaxBytes, o => Text(o.SocketRequestMaxBytes)),
        [nameof(BrokerOptions.MaxConnections)] = (BrokerConfigs.MaxConnections, o => Text(o.MaxConnections)),
        [nameof(BrokerOptions.MaxConnectionsPerIp)] = (BrokerConfigs.MaxConnectionsPerIp, o => Text(o.MaxConnectionsPerIp)),
        [nameof(BrokerOptions.ConnectionsMaxIdleMs)] = (BrokerConfigs.ConnectionsMaxIdleMs, o => Text(o.ConnectionsMaxIdleMs)),
        [nameof(BrokerOptions.QueuedMaxRequestBytes)] = (BrokerConfigs.QueuedMaxRequestBytes, o => Text(o.QueuedMaxRequestBytes)),
        [nameof(BrokerOptions.RetentionCheckIntervalMs)] = (BrokerConfigs.LogRetentionCheckIntervalMs, o => Text(o.RetentionCheckIntervalMs)),
        [nameof(BrokerOptions.GroupInitialRebalanceDelayMs)] = (BrokerConfigs.GroupInitialRebalanceDelayMs, o => Text(o.GroupInitialRebalanceDelayMs)),
        [nameof(BrokerOptions.OffsetsRetentionMs)] = (BrokerConfigs.OffsetsRetentionMinutes, o => Text(o.OffsetsRetentionMs / 60_000)),
        [nameof(BrokerOptions.LogCleanerEnable)] = (BrokerConfigs.LogCleanerEnable, o => o.LogCleanerEnable ? "true" : "false"),
        [nameof(BrokerOptions.LogCleanerBackoffMs)] = (BrokerConfigs.LogCleanerBackoffMs, o => Text(o.LogCleanerBackoffMs)),
        [nameof(BrokerOptions.TransactionMaxTimeoutMs)] = (BrokerConfigs.TransactionMaxTimeoutMs, o => Text(o.TransactionMaxTimeoutMs)),
        [nameof(BrokerOptions.TransactionAbortTimedOutIntervalMs)] = (BrokerConfigs.TransactionAbortTimedOutIntervalMs, o => Text(o.TransactionAbortTimedOutIntervalMs)),
        [nameof(BrokerOptions.TransactionalIdExpirationMs)] = (BrokerConfigs.TransactionalIdExpirationMs, o => Text(o.TransactionalIdExpirationMs)),
        [nameof(BrokerOptions.ProducerIdExpirationMs)] = (BrokerConfigs.ProducerIdExpirationMs, o => Text(o.ProducerIdExpirationMs)),
    };

    // Options a test broker must set itself (its own directory, a free port), have no default (cluster.id), or are
    // not settings (the properties as given); the second test covers their defaults.
    private static readonly string[] SetByTheFixture =
    [
        nameof(BrokerOptions.ListenHost), nameof(BrokerOptions.ListenPort), nameof(BrokerOptions.AdvertisedHost), nameof(BrokerOptions.AdvertisedPort),
        nameof(BrokerOptions.DataDirectory), nameof(BrokerOptions.ClusterId), nameof(BrokerOptions.Properties), nameof(BrokerOptions.TopicDefaults),
    ];

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<PropertyInfo> Options => typeof(BrokerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    [Fact]
    public async Task DescribeConfigs_reports_every_default_a_broker_options_instance_starts_with()
    {
        Assert.Empty(Options.Select(p => p.Name).Except(OptionKeys.Keys).Except(SetByTheFixture));
        await using var broker = await BrokerFixture.StartAsync();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (_, response) = client.Call<DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = 4, ResourceName = "1", ConfigurationKeys = null }],
        }, 4);
        var described = response.Results[0].Configs.ToDictionary(c => c.Name);

        var defaults = new BrokerOptions();
        foreach (var (option, (key, asConfigValue)) in OptionKeys)
        {
            Assert.True(described.TryGetValue(key, out var entry), $"{key} is not described");
            Assert.Equal((sbyte)ConfigSource.Default, entry.ConfigSource);
            Assert.True(asConfigValue(defaults) == entry.Value, $"{option}: BrokerOptions uses {asConfigValue(defaults)}, DescribeConfigs reports {key}={entry.Value}");
        }
    }

    [Fact]
    public void Options_built_in_code_and_options_parsed_from_no_properties_have_the_same_defaults()
    {
        var built = new BrokerOptions();
        var parsed = BrokerOptions.Parse(new Dictionary<string, string>());
        foreach (var option in Options.Where(p => p.Name is not (nameof(BrokerOptions.Properties) or nameof(BrokerOptions.TopicDefaults))))
        {
            Assert.True(Equals(option.GetValue(built), option.GetValue(parsed)), $"{option.Name}: {option.GetValue(built)} built, {option.GetValue(parsed)} parsed");
        }
        Assert.Equal("PLAINTEXT://127.0.0.1:9092", BrokerConfigs.FindBroker(BrokerConfigs.Listeners)!.Default);
        Assert.Equal(("127.0.0.1", 9092), (built.ListenHost, built.ListenPort));
    }
}
