using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Cli.Configuration;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy topics list|create|describe|alter|delete</c>: kafka-topics.sh's operations through the Kafka Admin API,
/// with its output where it has one.
/// </summary>
public static class TopicsCommand
{
    /// <summary>How long one admin request may take before the verb gives up with a timeout error.</summary>
    public static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(30);

    // Kafka's Topic.isInternal: the names the brokers reserve for their own state.
    private static readonly HashSet<string> InternalTopics = new(StringComparer.Ordinal) { "__consumer_offsets", "__transaction_state" };

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var topics = new Command("topics", "List, create, describe, alter and delete topics (like kafka-topics.sh).");
        topics.Add(CreateList(console, environment));
        topics.Add(CreateCreate(console, environment));
        topics.Add(CreateDescribe(console, environment));
        topics.Add(CreateAlter(console, environment));
        topics.Add(CreateDelete(console, environment));
        return topics;
    }

    public static Task<int> ListAsync(TopicsListOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var names = await ListNamesAsync(admin, options.ExcludeInternal, cancellationToken);
            foreach (var name in names)
            {
                await stdout.WriteAsync(name + "\n");
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> CreateAsync(TopicsCreateOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Partitions is < 1)
            {
                throw CliException.Usage("The partitions must be greater than 0");
            }
            if (options.ReplicationFactor is < 1 or > short.MaxValue)
            {
                throw CliException.Usage($"The replication factor must be between 1 and {short.MaxValue} inclusive");
            }
            var configs = KeyValue.ParseAll(options.Configs, "--config");
            if (options.Topic.Contains('.', StringComparison.Ordinal) && options.Topic.Contains('_', StringComparison.Ordinal))
            {
                // kafka-topics.sh prints this to stdout; stderr keeps stdout to the one result line.
                await stderr.WriteAsync("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
            }
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var specification = new TopicSpecification
            {
                Name = options.Topic,
                // -1 asks the broker for its num.partitions / default.replication.factor (CreateTopics v4+).
                NumPartitions = options.Partitions ?? -1,
                ReplicationFactor = (short)(options.ReplicationFactor ?? -1),
                Configs = configs.Count > 0 ? configs : null,
            };
            try
            {
                await admin.RunAsync(c => c.CreateTopicsAsync([specification], new CreateTopicsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
            }
            catch (CreateTopicsException e) when (options.IfNotExists
                && e.Results.All(r => !r.Error.IsError || r.Error.Code == ErrorCode.TopicAlreadyExists))
            {
                return ExitCodes.Success;
            }
            await stdout.WriteAsync($"Created topic {options.Topic}.\n");
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DescribeAsync(TopicsDescribeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var topics = await DescribeTopicsAsync(admin, options, cancellationToken);
            if (options.Output == OutputFormat.Json)
            {
                TopicDescriptionJson.Write(topics, stdout);
            }
            else
            {
                foreach (var topic in topics)
                {
                    TopicDescriptionText.Write(topic, stdout);
                }
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> AlterAsync(TopicsAlterOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Partitions is null && options.Configs.Count == 0 && options.DeleteConfigs.Count == 0)
            {
                throw CliException.Usage("nothing to alter: give --partitions, --config or --delete-config");
            }
            if (options.Partitions is < 1)
            {
                throw CliException.Usage("The partitions must be greater than 0");
            }
            var entries = KeyValue.ParseAll(options.Configs, "--config")
                .Select(c => new ConfigEntry { Name = c.Key, Value = c.Value, IncrementalOperation = AlterConfigOpType.Set })
                .Concat(options.DeleteConfigs.Select(key => new ConfigEntry { Name = key.Trim(), Value = "", IncrementalOperation = AlterConfigOpType.Delete }))
                .ToList();

            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            if (options.Partitions is { } partitions)
            {
                await admin.RunAsync(c => c.CreatePartitionsAsync(
                    [new PartitionsSpecification { Topic = options.Topic, IncreaseTo = partitions }],
                    new CreatePartitionsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
            }
            if (entries.Count > 0)
            {
                var resource = new ConfigResource { Type = ResourceType.Topic, Name = options.Topic };
                await admin.RunAsync(c => c.IncrementalAlterConfigsAsync(
                    new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries },
                    new IncrementalAlterConfigsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
                // kafka-configs.sh's confirmation; a partition increase alone is silent, as in kafka-topics.sh.
                await stdout.WriteAsync($"Completed updating config for topic {options.Topic}.\n");
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DeleteAsync(TopicsDeleteOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = stdout; // like kafka-topics.sh --delete, success is silent
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Topics.Count == 0)
            {
                throw CliException.Usage("name at least one topic to delete");
            }
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            try
            {
                await admin.RunAsync(c => c.DeleteTopicsAsync(options.Topics.Distinct(StringComparer.Ordinal), new DeleteTopicsOptions { RequestTimeout = AdminTimeout }),
                    cancellationToken);
            }
            catch (DeleteTopicsException e) when (options.IfExists
                && e.Results.All(r => !r.Error.IsError || r.Error.Code == ErrorCode.UnknownTopicOrPart))
            {
                return ExitCodes.Success;
            }
            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static async Task<List<string>> ListNamesAsync(AdminConnection admin, bool excludeInternal, CancellationToken cancellationToken)
    {
        var metadata = await admin.GetMetadataAsync(null, AdminTimeout, cancellationToken);
        return metadata.Topics
            .Select(t => t.Topic)
            .Where(name => !(excludeInternal && InternalTopics.Contains(name)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<List<TopicInfo>> DescribeTopicsAsync(AdminConnection admin, TopicsDescribeOptions options, CancellationToken cancellationToken)
    {
        var names = options.Topics.Count > 0
            ? options.Topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : await ListNamesAsync(admin, options.ExcludeInternal, cancellationToken);
        if (names.Count == 0)
        {
            return [];
        }
        var described = await admin.RunAsync(
            c => c.DescribeTopicsAsync(TopicCollection.OfTopicNames(names), new DescribeTopicsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
        var descriptions = described.TopicDescriptions
            .Where(t => !(options.ExcludeInternal && t.IsInternal))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        if (descriptions.Count == 0)
        {
            return [];
        }
        var configResults = await admin.RunAsync(c => c.DescribeConfigsAsync(
                descriptions.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t.Name }),
                new DescribeConfigsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
        var configsByTopic = configResults.ToDictionary(r => r.ConfigResource.Name, StringComparer.Ordinal);

        return descriptions.Select(t => new TopicInfo(
            t.Name,
            t.TopicId is { } id ? TopicIds.Format(id.MostSignificantBits, id.LeastSignificantBits) : null,
            t.IsInternal,
            t.Partitions.Select(p => new PartitionInfo(
                p.Partition,
                p.Leader?.Id,
                p.Replicas.Select(n => n.Id).ToList(),
                p.ISR.Select(n => n.Id).ToList())).ToList(),
            NonDefaultConfigs(configsByTopic.GetValueOrDefault(t.Name)))).ToList();
    }

    // kafka-topics.sh lists the entries whose source is not the default (topic overrides and broker settings).
    private static List<KeyValuePair<string, string?>> NonDefaultConfigs(DescribeConfigsResult? result) =>
        result is null
            ? []
            : result.Entries.Values.Where(e => !e.IsDefault).Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)).ToList();

    private static Command CreateList(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var excludeInternal = ExcludeInternalOption();
        var command = new Command("list", "Print the names of all topics, one per line, sorted.") { excludeInternal };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => ListAsync(
            new TopicsListOptions { Client = client.Read(parseResult), ExcludeInternal = parseResult.GetValue(excludeInternal) },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateCreate(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topic = new Argument<string>("topic") { Description = "The topic to create." };
        var partitions = new Option<int?>("--partitions") { Description = "Number of partitions. Default: the broker's num.partitions.", HelpName = "n" };
        var replicationFactor = new Option<int?>("--replication-factor") { Description = "Replication factor. Default: the broker's default.replication.factor.", HelpName = "n" };
        var config = ConfigOption("A topic config override, key=value (repeatable), e.g. --config retention.ms=60000.");
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Succeed silently if the topic already exists." };
        var command = new Command("create", "Create a topic; prints 'Created topic NAME.'.") { topic, partitions, replicationFactor, config, ifNotExists };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => CreateAsync(
            new TopicsCreateOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetRequiredValue(topic),
                Partitions = parseResult.GetValue(partitions),
                ReplicationFactor = parseResult.GetValue(replicationFactor),
                Configs = parseResult.GetValue(config) ?? [],
                IfNotExists = parseResult.GetValue(ifNotExists),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDescribe(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topics = new Argument<string[]>("topic") { Description = "Topics to describe; all topics when none is named.", Arity = ArgumentArity.ZeroOrMore };
        var excludeInternal = ExcludeInternalOption();
        var output = OutputOption("text: kafka-topics.sh --describe lines; json: an array of topic objects.");
        var command = new Command("describe", "Show partitions, leaders, replicas, ISR and non-default configs, in kafka-topics.sh --describe format.")
        {
            topics, excludeInternal, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DescribeAsync(
            new TopicsDescribeOptions
            {
                Client = client.Read(parseResult),
                Topics = parseResult.GetValue(topics) ?? [],
                ExcludeInternal = parseResult.GetValue(excludeInternal),
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateAlter(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topic = new Argument<string>("topic") { Description = "The topic to alter." };
        var partitions = new Option<int?>("--partitions") { Description = "Increase the partition count to n (CreatePartitions; partitions cannot be removed).", HelpName = "n" };
        var config = ConfigOption("Set a topic config, key=value (repeatable; IncrementalAlterConfigs SET).");
        var deleteConfig = new Option<string[]>("--delete-config")
        {
            Description = "Remove a topic config override so the default applies again (repeatable; IncrementalAlterConfigs DELETE).",
            HelpName = "key",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("alter", "Add partitions to a topic or change its configs.") { topic, partitions, config, deleteConfig };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => AlterAsync(
            new TopicsAlterOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetRequiredValue(topic),
                Partitions = parseResult.GetValue(partitions),
                Configs = parseResult.GetValue(config) ?? [],
                DeleteConfigs = parseResult.GetValue(deleteConfig) ?? [],
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDelete(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topics = new Argument<string[]>("topic") { Description = "The topics to delete.", Arity = ArgumentArity.OneOrMore };
        var ifExists = new Option<bool>("--if-exists") { Description = "Succeed silently for topics that do not exist." };
        var command = new Command("delete", "Delete topics and all their records.") { topics, ifExists };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DeleteAsync(
            new TopicsDeleteOptions
            {
                Client = client.Read(parseResult),
                Topics = parseResult.GetValue(topics) ?? [],
                IfExists = parseResult.GetValue(ifExists),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Option<bool> ExcludeInternalOption() =>
        new("--exclude-internal") { Description = "Leave out internal topics (__consumer_offsets, __transaction_state)." };

    private static Option<string[]> ConfigOption(string description) =>
        new("--config") { Description = description, HelpName = "key=value", Arity = ArgumentArity.OneOrMore };

    internal static Option<OutputFormat> OutputOption(string description) =>
        new("--output") { Description = description, HelpName = "text|json", DefaultValueFactory = _ => OutputFormat.Text };
}
