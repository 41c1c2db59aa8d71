using System.CommandLine;
using System.Globalization;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;
using Eddy.Protocol;
using Eddy.Protocol.Client;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy transactions list|describe|describe-producers|find-hanging</c>: kafka-transactions.sh's read-only
/// operations, with its tables. Confluent.Kafka's AdminClient has no transaction APIs, so these speak the Kafka
/// protocol directly (<see cref="KafkaProtocolClient"/>) and work against any Kafka 3.0+ cluster on a plaintext
/// listener.
/// </summary>
public static class TransactionsCommand
{
    /// <summary>Kafka's transaction states, as ListTransactions filters on them and the tools print them.</summary>
    public static readonly IReadOnlyList<string> States =
        ["Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"];

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var transactions = new Command("transactions",
            "List and describe transactions, the producer state of partitions, and find hanging transactions (like kafka-transactions.sh). "
            + "Speaks the Kafka protocol directly: any Kafka 3.0+ cluster on a plaintext listener.");
        transactions.Add(CreateList(console, environment));
        transactions.Add(CreateDescribe(console, environment));
        transactions.Add(CreateDescribeProducers(console, environment));
        transactions.Add(CreateFindHanging(console, environment));
        return transactions;
    }

    public static Task<int> ListAsync(TransactionsListOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var states = ParseStates(options.States);
            if (options.DurationMs is < 0)
            {
                throw CliException.Usage("--duration-ms must be 0 or more");
            }
            await using var client = ProtocolClientFactory.Create(options.Client, TopicsCommand.AdminTimeout);
            var result = await new CliTransactionsAdmin(client).ListTransactionsAsync(states, options.ProducerIds, options.DurationMs ?? -1, cancellationToken);
            if (options.Output == OutputFormat.Json)
            {
                TransactionsJson.WriteList(result.Listings, stdout);
            }
            else
            {
                TransactionsText.WriteList(result.Listings, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            if (result.UnknownStates.Count > 0)
            {
                await stderr.WriteAsync($"warning: the coordinators do not know the state filter(s) {string.Join(", ", result.UnknownStates)}\n");
            }
            foreach (var error in result.Errors)
            {
                await CommandRunner.Error(stderr, $"Failed to list transactions on {error}");
            }
            return result.Errors.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DescribeAsync(TransactionsDescribeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        time ??= TimeProvider.System;
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (string.IsNullOrEmpty(options.TransactionalId))
            {
                throw CliException.Usage("--transactional-id must not be empty");
            }
            await using var client = ProtocolClientFactory.Create(options.Client, TopicsCommand.AdminTimeout);
            var descriptions = await new CliTransactionsAdmin(client).DescribeTransactionsAsync([options.TransactionalId], cancellationToken);
            var description = descriptions[options.TransactionalId]
                ?? throw new CliException(TransactionsAdmin.DescribeFailure(options.TransactionalId, (short)ErrorCode.TransactionalIdNotFound));
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (options.Output == OutputFormat.Json)
            {
                TransactionsJson.WriteDescription(description, now, stdout);
            }
            else
            {
                TransactionsText.WriteDescription(description, now, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DescribeProducersAsync(TransactionsDescribeProducersOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Partition < 0)
            {
                throw CliException.Usage("--partition must be 0 or more");
            }
            var partition = new TopicPartitionKey(options.Topic, options.Partition);
            await using var client = ProtocolClientFactory.Create(options.Client, TopicsCommand.AdminTimeout);
            var result = (await new CliTransactionsAdmin(client).DescribeProducersAsync([partition], options.BrokerId, cancellationToken))[partition];
            if (result.Error is { } error)
            {
                var on = options.BrokerId is { } broker ? $"broker {broker.ToString(CultureInfo.InvariantCulture)}" : "leader";
                throw new CliException($"Failed to describe producers for partition {partition} on {on}: {error}");
            }
            if (options.Output == OutputFormat.Json)
            {
                TransactionsJson.WriteProducers(partition, result.Producers, stdout);
            }
            else
            {
                TransactionsText.WriteProducers(result.Producers, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> FindHangingAsync(TransactionsFindHangingOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        time ??= TimeProvider.System;
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Partition is not null && options.Topic is null)
            {
                throw CliException.Usage("The --partition argument requires --topic to be provided");
            }
            if (options.Partition is < 0)
            {
                throw CliException.Usage("--partition must be 0 or more");
            }
            if (options.MaxTransactionTimeoutMinutes < 0)
            {
                throw CliException.Usage("--max-transaction-timeout must be 0 or more minutes");
            }
            await using var client = ProtocolClientFactory.Create(options.Client, TopicsCommand.AdminTimeout);
            var admin = new CliTransactionsAdmin(client);
            var partitions = await PartitionsToSearchAsync(client, options, cancellationToken);
            var producers = await admin.DescribeProducersAsync(partitions, options.BrokerId, cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var described = producers.Where(p => p.Value.Error is null).Select(p => KeyValuePair.Create(p.Key, p.Value.Producers));
            var candidates = HangingTransactions.Candidates(described, now, (long)options.MaxTransactionTimeoutMinutes * 60_000);
            var hanging = candidates.Count == 0 ? candidates : await ConfirmAsync(admin, candidates, cancellationToken);
            if (options.Output == OutputFormat.Json)
            {
                TransactionsJson.WriteHanging(hanging, now, stdout);
            }
            else
            {
                TransactionsText.WriteHanging(hanging, now, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            // Partitions that could not be searched: one line per distinct error (a broker down fails all its partitions).
            var failed = producers
                .Where(p => p.Value.Error is not null)
                .GroupBy(p => p.Value.Error!, StringComparer.Ordinal)
                .Select(g => (Partitions: g.Select(p => p.Key).Order().ToList(), Error: g.Key))
                .OrderBy(f => f.Partitions[0])
                .ToList();
            foreach (var (failedPartitions, error) in failed)
            {
                var which = failedPartitions.Count == 1 ? $"partition {failedPartitions[0]}" : $"{failedPartitions.Count} partitions ({string.Join(", ", failedPartitions)})";
                await CommandRunner.Error(stderr, $"Failed to describe producers for {which}, not searched: {error}");
            }
            return failed.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>--state's values: Kafka's state names in any case, comma-separated or repeated, as Kafka spells them.</summary>
    internal static List<string> ParseStates(IReadOnlyList<string> states)
    {
        var parsed = new List<string>();
        foreach (var name in states.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var state = States.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase))
                ?? throw CliException.Usage($"Invalid transaction state '{name}'. Valid states are: {string.Join(", ", States)}");
            if (!parsed.Contains(state, StringComparer.Ordinal))
            {
                parsed.Add(state);
            }
        }
        return parsed;
    }

    // The partitions find-hanging searches: --topic [--partition], else every topic's, internal ones included (a
    // transactional offset commit can hang in __consumer_offsets), as Kafka's tool does since 3.x; with --broker-id
    // only those with a replica on that broker.
    private static async Task<List<TopicPartitionKey>> PartitionsToSearchAsync(KafkaProtocolClient client, TransactionsFindHangingOptions options, CancellationToken cancellationToken)
    {
        if (options.Topic is { } named && options.Partition is { } partition)
        {
            return [new TopicPartitionKey(named, partition)];
        }
        var metadata = await client.MetadataAsync(options.Topic is null ? null : [options.Topic], cancellationToken);
        if (options.BrokerId is { } brokerId && metadata.Broker(brokerId) is null)
        {
            throw new CliException($"broker {brokerId} is not in the cluster (brokers: {string.Join(", ", metadata.Brokers.Select(b => b.NodeId))})");
        }
        var partitions = new List<TopicPartitionKey>();
        foreach (var topic in metadata.Topics)
        {
            if (topic.ErrorCode == (short)ErrorCode.UnknownTopicOrPartition)
            {
                throw new CliException($"Topic '{topic.Name}' does not exist");
            }
            if (topic.ErrorCode != 0)
            {
                throw new CliException($"Failed to describe topic '{topic.Name}': {ProtocolErrors.Format(topic.ErrorCode, null)}");
            }
            partitions.AddRange(topic.Partitions
                .Where(p => options.BrokerId is not { } id || p.Replicas.Contains(id))
                .Select(p => new TopicPartitionKey(topic.Name, p.Partition)));
        }
        if (options.Topic is not null && metadata.Topics.All(t => t.Name != options.Topic))
        {
            throw new CliException($"Topic '{options.Topic}' does not exist");
        }
        return [.. partitions.Order()];
    }

    // Kafka's cross-check: the coordinator of each candidate's transactional id (ListTransactions by producer id)
    // must still count the partition in the open transaction (DescribeTransactions), or nobody will close it.
    private static async Task<List<OpenTransaction>> ConfirmAsync(CliTransactionsAdmin admin, List<OpenTransaction> candidates, CancellationToken cancellationToken)
    {
        var producerIds = candidates.Select(c => c.Producer.ProducerId).Distinct().Order().ToList();
        var listed = await admin.ListTransactionsAsync([], producerIds, -1, cancellationToken);
        if (listed.Errors.Count > 0)
        {
            throw new CliException($"Failed to list transactions for {producerIds.Count} producers: {listed.Errors[0]}");
        }
        var transactionalIds = listed.Listings
            .Where(l => producerIds.Contains(l.ProducerId))
            .GroupBy(l => l.ProducerId)
            .ToDictionary(g => g.Key, g => g.First().TransactionalId);
        var descriptions = await admin.DescribeTransactionsAsync([.. transactionalIds.Values], cancellationToken);
        return HangingTransactions.Confirm(candidates, transactionalIds, descriptions);
    }

    // The shared connection options, with help that says what this verb's own protocol client reads from them.
    private static ClientOptions ClientOptionsFor(IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        const string used = "bootstrap.servers, client.id and socket.timeout.ms (the request timeout) are used; only plaintext listeners are supported, "
            + "so a security.protocol other than PLAINTEXT is refused.";
        client.CommandConfig.Description = $"A client properties file (key=value lines, as kafka-transactions.sh --command-config takes): {used}";
        client.Properties.Description = $"A client property, key=value (repeatable): {used}";
        return client;
    }

    private static Option<int?> BrokerIdOption(string description) => new("--broker-id") { Description = description, HelpName = "id" };

    private static Command CreateList(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = ClientOptionsFor(environment);
        var state = new Option<string[]>("--state")
        {
            Description = $"Only transactions in these states (repeatable or comma-separated): {string.Join(", ", States)}.",
            HelpName = "state",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var producerId = new Option<long[]>("--producer-id")
        {
            Description = "Only the transactions of these producer ids (repeatable).",
            HelpName = "id",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var duration = new Option<long?>("--duration-ms", "--duration-filter")
        {
            Description = "Only transactions open for longer than this many milliseconds (brokers with ListTransactions v1: Kafka 3.8 or later, Eddy).",
            HelpName = "ms",
        };
        var output = TopicsCommand.OutputOption("text: kafka-transactions.sh list's table; json: {\"transactions\":[...]}.");
        var command = new Command("list",
            "List the transactions every broker coordinates: TransactionalId, Coordinator (broker id), ProducerId, TransactionState. Asks each broker (ListTransactions).")
        {
            state, producerId, duration, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => ListAsync(
            new TransactionsListOptions
            {
                Client = client.Read(parseResult),
                States = parseResult.GetValue(state) ?? [],
                ProducerIds = parseResult.GetValue(producerId) ?? [],
                DurationMs = parseResult.GetValue(duration),
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDescribe(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = ClientOptionsFor(environment);
        var id = new Option<string>("--transactional-id") { Description = "The transactional id (the producer's transactional.id) to describe.", HelpName = "id", Required = true };
        var output = TopicsCommand.OutputOption("text: kafka-transactions.sh describe's table; json: one object.");
        var command = new Command("describe",
            "Describe a transactional id as its coordinator sees it: producer id and epoch, state, timeout, when the open transaction started, "
            + "how long it has been open and its partitions. Exits 1 when the coordinator does not know the id.")
        {
            id, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DescribeAsync(
            new TransactionsDescribeOptions
            {
                Client = client.Read(parseResult),
                TransactionalId = parseResult.GetRequiredValue(id),
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDescribeProducers(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = ClientOptionsFor(environment);
        var topic = new Option<string>("--topic") { Description = "The topic.", HelpName = "topic", Required = true };
        var partition = new Option<int>("--partition") { Description = "The partition number.", HelpName = "n", Required = true };
        var brokerId = BrokerIdOption("Ask this replica instead of the partition's leader.");
        var output = TopicsCommand.OutputOption("text: kafka-transactions.sh describe-producers' table; json: one object.");
        var command = new Command("describe-producers",
            "Show the producers a partition remembers: ProducerId, ProducerEpoch, LatestCoordinatorEpoch, LastSequence, LastTimestamp and "
            + "CurrentTransactionStartOffset (the first offset of its open transaction, None when it has none).")
        {
            topic, partition, brokerId, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DescribeProducersAsync(
            new TransactionsDescribeProducersOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetRequiredValue(topic),
                Partition = parseResult.GetValue(partition),
                BrokerId = parseResult.GetValue(brokerId),
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateFindHanging(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = ClientOptionsFor(environment);
        var topic = new Option<string>("--topic") { Description = "Search this topic only (default: every topic, internal ones such as __consumer_offsets included).", HelpName = "topic" };
        var partition = new Option<int?>("--partition") { Description = "With --topic: search this partition only.", HelpName = "n" };
        var brokerId = BrokerIdOption("Search only the partitions with a replica on this broker, asking that broker.");
        var maxTimeout = new Option<int>("--max-transaction-timeout")
        {
            Description = "The largest transaction timeout in minutes (the brokers' transaction.max.timeout.ms): a transaction whose producer "
                + "last wrote longer ago than this is a candidate.",
            HelpName = "minutes",
            DefaultValueFactory = _ => TransactionsFindHangingOptions.DefaultMaxTransactionTimeoutMinutes,
        };
        var output = TopicsCommand.OutputOption("text: kafka-transactions.sh find-hanging's table; json: {\"hangingTransactions\":[...]}.");
        var command = new Command("find-hanging",
            "Find hanging transactions: open on a partition (DescribeProducers) for longer than --max-transaction-timeout, and not in an open "
            + "transaction of any coordinator (ListTransactions, DescribeTransactions), so no marker will ever close them and they hold back "
            + "read_committed consumers. Prints Topic, Partition, ProducerId, ProducerEpoch, CoordinatorEpoch, StartOffset, LastTimestamp, Duration(min).")
        {
            topic, partition, brokerId, maxTimeout, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => FindHangingAsync(
            new TransactionsFindHangingOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetValue(topic),
                Partition = parseResult.GetValue(partition),
                BrokerId = parseResult.GetValue(brokerId),
                MaxTransactionTimeoutMinutes = parseResult.GetValue(maxTimeout),
                Output = parseResult.GetValue(output),
            },
            console.Out, console.Error, ct));
        return command;
    }
}
