using Confluent.Kafka;
using Eddy.Cli.Configuration;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Builds the admin, producer and consumer clients from <see cref="ClientSettings"/>. Layering, lowest first:
/// client.id=eddy-cli and the verb's defaults, the --command-config file, -X properties, the verb's explicit flags.
/// bootstrap.servers is -b if given, else whatever the file or -X set, else EDDY_BOOTSTRAP, else 127.0.0.1:9092.
/// </summary>
public static class KafkaClientFactory
{
    public const string ClientId = "eddy-cli";

    public static Dictionary<string, string> BuildConfig(
        ClientSettings settings,
        IReadOnlyDictionary<string, string>? verbDefaults = null,
        IReadOnlyDictionary<string, string>? verbOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["client.id"] = ClientId };
        Overlay(config, verbDefaults);
        if (settings.CommandConfigFile is { } file)
        {
            Overlay(config, PropertiesFile.Read(file));
        }
        Overlay(config, KeyValue.ParseAll(settings.Properties, "-X"));

        if (!string.IsNullOrWhiteSpace(settings.Bootstrap))
        {
            config["bootstrap.servers"] = settings.Bootstrap;
        }
        else if (!config.TryGetValue("bootstrap.servers", out var configured) || string.IsNullOrWhiteSpace(configured))
        {
            config["bootstrap.servers"] = string.IsNullOrWhiteSpace(settings.EnvironmentBootstrap)
                ? ClientSettings.DefaultBootstrap
                : settings.EnvironmentBootstrap;
        }
        Overlay(config, verbOverrides);
        return config;
    }

    public static AdminConnection CreateAdmin(ClientSettings settings, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var config = BuildConfig(settings, verbOverrides: overrides);
        return Build(() => new AdminConnection(onError => new AdminClientBuilder(config)
            .SetErrorHandler((_, error) => onError(error))
            .SetLogHandler(LogHandler<IAdminClient>(config))
            .Build()));
    }

    public static IProducer<byte[], byte[]> CreateProducer(
        ClientSettings settings,
        IReadOnlyDictionary<string, string>? verbDefaults,
        IReadOnlyDictionary<string, string>? verbOverrides,
        Action<Error> onError)
    {
        var config = BuildConfig(settings, verbDefaults, verbOverrides);
        return Build(() => new ProducerBuilder<byte[], byte[]>(config)
            .SetKeySerializer(Serializers.ByteArray)
            .SetValueSerializer(Serializers.ByteArray)
            .SetErrorHandler((_, error) => onError(error))
            .SetLogHandler(LogHandler<IProducer<byte[], byte[]>>(config))
            .Build());
    }

    public static IConsumer<byte[], byte[]> CreateConsumer(
        ClientSettings settings,
        IReadOnlyDictionary<string, string>? verbDefaults,
        IReadOnlyDictionary<string, string>? verbOverrides,
        Action<Error> onError,
        Func<List<TopicPartition>, IEnumerable<TopicPartitionOffset>>? onPartitionsAssigned = null)
    {
        var config = BuildConfig(settings, verbDefaults, verbOverrides);
        return Build(() =>
        {
            var builder = new ConsumerBuilder<byte[], byte[]>(config)
                .SetKeyDeserializer(Deserializers.ByteArray)
                .SetValueDeserializer(Deserializers.ByteArray)
                .SetErrorHandler((_, error) => onError(error))
                .SetLogHandler(LogHandler<IConsumer<byte[], byte[]>>(config));
            if (onPartitionsAssigned is not null)
            {
                builder.SetPartitionsAssignedHandler((_, partitions) => onPartitionsAssigned(partitions));
            }
            return builder.Build();
        });
    }

    // librdkafka's log lines repeat what the error handler reports; they are shown only when -X debug=... asks for them.
    private static Action<T, LogMessage> LogHandler<T>(Dictionary<string, string> config)
    {
        if (!config.ContainsKey("debug"))
        {
            return static (_, _) => { };
        }
        return static (_, message) => Console.Error.WriteLine($"%{(int)message.Level}|{message.Facility}|{message.Name}| {message.Message}");
    }

    // An unknown or invalid property makes librdkafka refuse to build the client: that is the user's input, not a crash.
    private static T Build<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw CliException.Usage($"invalid client configuration: {e.Message}");
        }
    }

    private static void Overlay(Dictionary<string, string> config, IEnumerable<KeyValuePair<string, string>>? layer)
    {
        foreach (var (key, value) in layer ?? [])
        {
            config[key] = value;
        }
    }
}
