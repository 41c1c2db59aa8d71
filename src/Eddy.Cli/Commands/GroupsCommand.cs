using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy groups list|describe|reset-offsets|delete</c>: kafka-consumer-groups.sh's operations through the Kafka
/// Admin API, with its output. The tables are built and formatted in <see cref="GroupDescriptionText"/>; this class
/// only asks the cluster.
/// </summary>
public static class GroupsCommand
{
    private static readonly TimeSpan AdminTimeout = TopicsCommand.AdminTimeout;

    // Kafka's warning, word for word (including its missing space after "missing.").
    internal const string NoExecuteWarning =
        "WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to " +
        "prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting " +
        "this command and want to keep the current default behavior without prompting.";

    private static readonly ConsumerGroupState[] ListableStates = [.. Enum.GetValues<ConsumerGroupState>().Where(s => s != ConsumerGroupState.Unknown)];

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var groups = new Command("groups", "List, describe, reset the offsets of and delete consumer groups (like kafka-consumer-groups.sh).");
        groups.Add(CreateList(console, environment));
        groups.Add(CreateDescribe(console, environment));
        groups.Add(CreateResetOffsets(console, environment));
        groups.Add(CreateDelete(console, environment));
        return groups;
    }

    public static Task<int> ListAsync(GroupsListOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var states = ParseStates(options.States);
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var listings = await ListGroupsAsync(admin, states, cancellationToken);
            if (options.WithState)
            {
                GroupDescriptionText.WriteListWithState(listings.Select(l => (l.GroupId, l.State.ToString())), stdout);
            }
            else
            {
                GroupDescriptionText.WriteList(listings.Select(l => l.GroupId), stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DescribeAsync(GroupsDescribeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Verbose && options.View != GroupsView.Members)
            {
                throw CliException.Usage("--verbose can only be used with --members");
            }
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var ids = options.Groups.Count > 0
                ? options.Groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
                : (await ListGroupsAsync(admin, [], cancellationToken)).Select(l => l.GroupId).ToList();
            var withOffsets = options.View == GroupsView.Offsets || options.Output == OutputFormat.Json;
            var groups = await CollectGroupsAsync(admin, ids, withOffsets, cancellationToken);
            if (withOffsets)
            {
                groups = await WithLagTimestampsAsync(options.Client, groups, cancellationToken);
            }
            var exitCode = ExitCodes.Success;
            var found = new List<ConsumerGroupInfo>();
            foreach (var group in groups)
            {
                if (group.State == ConsumerGroupInfo.Dead)
                {
                    await CommandRunner.Error(stderr, GroupDescriptionText.DoesNotExist(group.GroupId));
                    exitCode = ExitCodes.Failure;
                    continue;
                }
                found.Add(group);
                if (options.Output == OutputFormat.Json)
                {
                    continue;
                }
                if (GroupDescriptionText.Notice(group) is { } notice)
                {
                    await stdout.FlushAsync(cancellationToken);
                    await stderr.WriteAsync(notice + "\n");
                    await stderr.FlushAsync(cancellationToken);
                }
                switch (options.View)
                {
                    case GroupsView.Members:
                        GroupDescriptionText.WriteMembers(group, options.Verbose, stdout);
                        break;
                    case GroupsView.State:
                        GroupDescriptionText.WriteState(group, stdout);
                        break;
                    default:
                        GroupDescriptionText.WriteOffsets(GroupOffsetRows.Build(group), stdout);
                        break;
                }
            }
            if (options.Output == OutputFormat.Json)
            {
                GroupDescriptionJson.Write(found, stdout);
            }
            await stdout.FlushAsync(cancellationToken);
            return exitCode;
        }, cancellationToken);
    }

    public static Task<int> ResetOffsetsAsync(GroupsResetOffsetsOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var scenario = ParseScenario(options);
            var topics = ParseScope(options);
            if (options.DryRun && options.Execute)
            {
                throw CliException.Usage("give only one of --execute and --dry-run");
            }
            if (!options.DryRun && !options.Execute)
            {
                await stderr.WriteAsync(NoExecuteWarning + "\n");
                await stderr.FlushAsync(cancellationToken);
            }

            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            var group = (await CollectGroupsAsync(admin, [options.Group], withOffsets: false, cancellationToken))[0];
            if (group.State is not (ConsumerGroupInfo.Empty or ConsumerGroupInfo.Dead))
            {
                throw new CliException($"Assignments can only be reset if the group '{options.Group}' is inactive, but the current state is {group.State}.");
            }

            Dictionary<GroupPartition, long>? committed = null;
            List<GroupPartition> partitions;
            if (options.AllTopics)
            {
                committed = await CommittedOffsetsAsync(admin, options.Group, cancellationToken);
                partitions = [.. committed.Keys];
            }
            else
            {
                partitions = await ResolvePartitionsAsync(admin, topics, cancellationToken);
            }
            partitions = [.. partitions.Distinct().Order()];
            if (scenario.NeedsCommitted)
            {
                committed ??= await CommittedOffsetsAsync(admin, options.Group, cancellationToken);
            }

            var logStart = await LogOffsetsAsync(admin, partitions, OffsetSpec.Earliest(), required: true, cancellationToken);
            var logEnd = await LogOffsetsAsync(admin, partitions, OffsetSpec.Latest(), required: true, cancellationToken);
            var atTimestamp = scenario.Kind == ResetKind.ToDatetime
                ? await LogOffsetsAsync(admin, partitions, OffsetSpec.ForTimestamp(scenario.Value), required: true, cancellationToken)
                : null;

            var plan = new List<GroupOffsetReset>(partitions.Count);
            foreach (var partition in partitions)
            {
                var known = new PartitionOffsets(
                    logStart[partition],
                    logEnd[partition],
                    committed is not null && committed.TryGetValue(partition, out var c) ? c : null,
                    atTimestamp is not null && atTimestamp.TryGetValue(partition, out var t) && t >= 0 ? t : null);
                var (offset, warning) = OffsetReset.Compute(partition, scenario, known);
                if (warning is not null)
                {
                    await stderr.WriteAsync($"WARN: {warning}\n");
                }
                plan.Add(new GroupOffsetReset(options.Group, partition.Topic, partition.Partition, offset));
            }
            await stderr.FlushAsync(cancellationToken);

            if (options.Execute && plan.Count > 0)
            {
                var offsets = plan.Select(r => new TopicPartitionOffset(r.Topic, new Partition(r.Partition), new Offset(r.NewOffset))).ToList();
                await admin.RunAsync(c => c.AlterConsumerGroupOffsetsAsync(
                    [new ConsumerGroupTopicPartitionOffsets(options.Group, offsets)],
                    new AlterConsumerGroupOffsetsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
            }
            GroupDescriptionText.WriteResetPlan(plan, stdout);
            await stdout.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    public static Task<int> DeleteAsync(GroupsDeleteOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            var groups = options.Groups.Where(g => !string.IsNullOrEmpty(g)).Distinct(StringComparer.Ordinal).ToList();
            if (groups.Count == 0)
            {
                throw CliException.Usage("name at least one group to delete with --group");
            }
            using var admin = KafkaClientFactory.CreateAdmin(options.Client);
            List<DeleteGroupReport> failed;
            try
            {
                await admin.RunAsync(c => c.DeleteGroupsAsync(groups, new DeleteGroupsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
                failed = [];
            }
            catch (DeleteGroupsException e)
            {
                failed = e.Results.Where(r => r.Error.IsError).ToList();
            }
            var succeeded = groups.Where(g => failed.All(f => f.Group != g)).ToList();
            if (failed.Count == 0)
            {
                await stdout.WriteAsync($"Deletion of requested consumer groups ({Quoted(succeeded)}) was successful.\n");
                await stdout.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }
            if (succeeded.Count > 0)
            {
                await stdout.WriteAsync($"These consumer groups were deleted successfully: {Quoted(succeeded)}\n");
                await stdout.FlushAsync(cancellationToken);
            }
            foreach (var report in failed)
            {
                await CommandRunner.Error(stderr, $"Group '{report.Group}' could not be deleted due to: {KafkaErrors.Format(report.Error)}");
            }
            return ExitCodes.Failure;
        }, cancellationToken);
    }

    /// <summary>--state's filter: Kafka's state names, case-insensitive, comma-separated.</summary>
    internal static List<ConsumerGroupState> ParseStates(IReadOnlyList<string> states)
    {
        var parsed = new List<ConsumerGroupState>();
        foreach (var name in states.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Enum.TryParse<ConsumerGroupState>(name, ignoreCase: true, out var state) || state == ConsumerGroupState.Unknown
                || !Enum.IsDefined(state) || name.All(char.IsAsciiDigit))
            {
                throw CliException.Usage($"Invalid state list '{string.Join(',', states)}'. Valid states are: {string.Join(", ", ListableStates)}");
            }
            parsed.Add(state);
        }
        return parsed;
    }

    /// <summary>The one scenario given; none or several is a usage error.</summary>
    internal static ResetScenario ParseScenario(GroupsResetOffsetsOptions options)
    {
        var scenarios = new List<ResetScenario>();
        if (options.ToEarliest)
        {
            scenarios.Add(new ResetScenario(ResetKind.ToEarliest));
        }
        if (options.ToLatest)
        {
            scenarios.Add(new ResetScenario(ResetKind.ToLatest));
        }
        if (options.ToDatetime is { } datetime)
        {
            scenarios.Add(new ResetScenario(ResetKind.ToDatetime, TimestampParser.Parse(datetime, "--to-datetime")));
        }
        if (options.ShiftBy is { } shift)
        {
            scenarios.Add(new ResetScenario(ResetKind.ShiftBy, shift));
        }
        if (options.ToOffset is { } offset)
        {
            scenarios.Add(new ResetScenario(ResetKind.ToOffset, offset));
        }
        return scenarios.Count switch
        {
            1 => scenarios[0],
            0 => throw CliException.Usage("reset-offsets requires one of the scenarios: --to-earliest, --to-latest, --to-datetime, --shift-by, --to-offset"),
            _ => throw CliException.Usage("give only one of --to-earliest, --to-latest, --to-datetime, --shift-by and --to-offset"),
        };
    }

    private static List<(string Topic, IReadOnlyList<int>? Partitions)> ParseScope(GroupsResetOffsetsOptions options)
    {
        if (options.AllTopics && options.Topics.Count > 0)
        {
            throw CliException.Usage("give either --topic or --all-topics, not both");
        }
        if (!options.AllTopics && options.Topics.Count == 0)
        {
            throw CliException.Usage("One of the reset scopes should be defined: --all-topics, --topic.");
        }
        return [.. options.Topics.Select(OffsetReset.ParseTopic)];
    }

    private static async Task<List<ConsumerGroupListing>> ListGroupsAsync(AdminConnection admin, List<ConsumerGroupState> states, CancellationToken cancellationToken)
    {
        var result = await admin.RunAsync(c => c.ListConsumerGroupsAsync(new ListConsumerGroupsOptions
        {
            RequestTimeout = AdminTimeout,
            MatchStates = states.Count > 0 ? states : null,
        }), cancellationToken);
        return [.. result.Valid.OrderBy(l => l.GroupId, StringComparer.Ordinal)];
    }

    // Describes the groups; with offsets also their committed offsets and the log-end offset of every partition
    // shown. A group the coordinator does not know comes back Dead.
    internal static async Task<List<ConsumerGroupInfo>> CollectGroupsAsync(AdminConnection admin, List<string> ids, bool withOffsets, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        List<ConsumerGroupDescription> descriptions;
        try
        {
            var described = await admin.RunAsync(c => c.DescribeConsumerGroupsAsync(ids, new DescribeConsumerGroupsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
            descriptions = described.ConsumerGroupDescriptions;
        }
        catch (DescribeConsumerGroupsException e)
        {
            descriptions = e.Results.ConsumerGroupDescriptions;
            if (descriptions.FirstOrDefault(d => d.Error.IsError && d.Error.Code != ErrorCode.GroupIdNotFound) is { } failed)
            {
                throw new KafkaException(new Error(failed.Error.Code, $"{failed.Error.Reason} (group '{failed.GroupId}')"));
            }
        }
        var groups = new List<ConsumerGroupInfo>();
        foreach (var d in descriptions.OrderBy(d => d.GroupId, StringComparer.Ordinal))
        {
            var dead = d.Error.IsError || d.State == ConsumerGroupState.Dead;
            var members = (d.Members ?? []).Select(m => new GroupMember(
                m.ConsumerId ?? "",
                m.GroupInstanceId,
                m.Host ?? "",
                m.ClientId ?? "",
                [.. (m.Assignment?.TopicPartitions ?? []).Select(tp => new GroupPartition(tp.Topic, tp.Partition.Value))])).ToList();
            var committed = withOffsets && !dead ? await CommittedOffsetsAsync(admin, d.GroupId, cancellationToken) : [];
            var shown = committed.Keys.Concat(members.SelectMany(m => m.Assignment)).Distinct().ToList();
            var logEnd = withOffsets && !dead ? await LogOffsetsAsync(admin, shown, OffsetSpec.Latest(), required: false, cancellationToken) : [];
            groups.Add(new ConsumerGroupInfo(
                d.GroupId,
                dead ? ConsumerGroupInfo.Dead : d.State.ToString(),
                d.Coordinator is { } node ? new GroupCoordinatorNode(node.Id, node.Host, node.Port) : null,
                d.PartitionAssignor,
                members,
                committed,
                logEnd));
        }
        return groups;
    }

    // LAG-SECONDS: the timestamp of the oldest unconsumed record of every partition a group lags on, read once for all groups.
    internal static async Task<List<ConsumerGroupInfo>> WithLagTimestampsAsync(ClientSettings client, List<ConsumerGroupInfo> groups, CancellationToken cancellationToken)
    {
        // Several groups may lag at the same offset of one partition: one read serves them all.
        var lagging = groups
            .SelectMany(g => g.CommittedOffsets
                .Where(c => g.LogEndOffsets.TryGetValue(c.Key, out var end) && end > c.Value)
                .Select(c => (Partition: c.Key, Offset: c.Value)))
            .Distinct()
            .ToList();
        var observedAt = DateTimeOffset.UtcNow;
        var byPartition = new Dictionary<(GroupPartition, long), long>();
        // One consumer reads one offset per partition: groups at different offsets of one partition take one round each.
        foreach (var round in lagging.GroupBy(l => l.Partition).SelectMany(p => p.Select((l, i) => (Round: i, l))).GroupBy(x => x.Round))
        {
            var read = await GroupsLagTimestamps.ReadAsync(client, round.Select(x => x.l), cancellationToken);
            foreach (var (partition, offset) in round.Select(x => x.l))
            {
                if (read.TryGetValue(partition, out var timestamp))
                {
                    byPartition[(partition, offset)] = timestamp;
                }
            }
        }
        return [.. groups.Select(g => g with
        {
            ObservedAt = observedAt,
            OldestUnconsumedTimestamps = g.CommittedOffsets
                .Where(c => byPartition.ContainsKey((c.Key, c.Value)))
                .ToDictionary(c => c.Key, c => byPartition[(c.Key, c.Value)]),
        })];
    }

    private static async Task<Dictionary<GroupPartition, long>> CommittedOffsetsAsync(AdminConnection admin, string group, CancellationToken cancellationToken)
    {
        // Null partitions: every partition the group has committed an offset for.
        var results = await admin.RunAsync(c => c.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
        return results
            .SelectMany(r => r.Partitions)
            .Where(p => !p.Error.IsError && p.Offset.Value >= 0)
            .ToDictionary(p => new GroupPartition(p.Topic, p.Partition.Value), p => p.Offset.Value);
    }

    // ListOffsets for the partitions. When not required, partitions whose lookup failed are left out (shown as '-');
    // when required, the first failure is the command's error.
    private static async Task<Dictionary<GroupPartition, long>> LogOffsetsAsync(
        AdminConnection admin, List<GroupPartition> partitions, OffsetSpec spec, bool required, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }
        var specs = partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(p.Topic, new Partition(p.Partition)), OffsetSpec = spec }).ToList();
        List<ListOffsetsResultInfo> infos;
        try
        {
            var result = await admin.RunAsync(c => c.ListOffsetsAsync(specs, new ListOffsetsOptions
            {
                RequestTimeout = AdminTimeout,
                IsolationLevel = IsolationLevel.ReadUncommitted,
            }), cancellationToken);
            infos = result.ResultInfos;
        }
        catch (ListOffsetsException e)
        {
            infos = e.Result.ResultInfos;
            if (required)
            {
                var failed = infos.First(i => i.TopicPartitionOffsetError.Error.IsError).TopicPartitionOffsetError;
                throw new KafkaException(new Error(failed.Error.Code, $"{failed.Error.Reason} (partition {failed.Topic}-{failed.Partition.Value})"));
            }
        }
        return infos
            .Select(i => i.TopicPartitionOffsetError)
            .Where(o => !o.Error.IsError)
            .ToDictionary(o => new GroupPartition(o.Topic, o.Partition.Value), o => o.Offset.Value);
    }

    // --topic T (all of T's partitions, from DescribeTopics) and --topic T:0,1 (those partitions).
    private static async Task<List<GroupPartition>> ResolvePartitionsAsync(
        AdminConnection admin, List<(string Topic, IReadOnlyList<int>? Partitions)> topics, CancellationToken cancellationToken)
    {
        var partitions = topics
            .Where(t => t.Partitions is not null)
            .SelectMany(t => t.Partitions!.Select(p => new GroupPartition(t.Topic, p)))
            .ToList();
        var whole = topics.Where(t => t.Partitions is null).Select(t => t.Topic).Distinct(StringComparer.Ordinal).ToList();
        if (whole.Count > 0)
        {
            var described = await admin.RunAsync(
                c => c.DescribeTopicsAsync(TopicCollection.OfTopicNames(whole), new DescribeTopicsOptions { RequestTimeout = AdminTimeout }), cancellationToken);
            partitions.AddRange(described.TopicDescriptions.SelectMany(t => t.Partitions.Select(p => new GroupPartition(t.Name, p.Partition))));
        }
        return partitions;
    }

    private static string Quoted(IEnumerable<string> groups) => string.Join(", ", groups.Select(g => $"'{g}'"));

    private static Command CreateList(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var state = new Option<string>("--state")
        {
            Description = "Add the STATE column (like --list --state). Optionally list only groups in these states, comma-separated: "
                + "Stable, Empty, PreparingRebalance, CompletingRebalance, Dead.",
            HelpName = "states",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("list", "Print the consumer group ids, one per line, sorted; --state adds each group's state.") { state };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => ListAsync(
            new GroupsListOptions
            {
                Client = client.Read(parseResult),
                WithState = parseResult.GetResult(state) is not null,
                States = parseResult.GetValue(state) is { Length: > 0 } states ? [states] : [],
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDescribe(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var groups = new Argument<string[]>("group") { Description = "Groups to describe; all groups when none is named.", Arity = ArgumentArity.ZeroOrMore };
        var offsets = new Option<bool>("--offsets")
        {
            Description = "The offsets view (the default): GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG LAG-SECONDS CONSUMER-ID HOST CLIENT-ID, one row per partition; LAG-SECONDS is the age of the oldest unconsumed record.",
        };
        var members = new Option<bool>("--members") { Description = "The members view: GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS, one row per member." };
        var verbose = new Option<bool>("--verbose") { Description = "With --members: add the ASSIGNMENT column, topic(partitions)." };
        var state = new Option<bool>("--state") { Description = "The state view: GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS." };
        var output = TopicsCommand.OutputOption("text: kafka-consumer-groups.sh --describe tables; json: one document with every group's state, coordinator, members and offsets.");
        var command = new Command("describe",
            "Show consumer groups as kafka-consumer-groups.sh --describe does: committed offsets, log-end offsets and lag per partition in records and in seconds (default), members, or state.")
        {
            groups, offsets, members, verbose, state, output,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) =>
        {
            var views = new List<GroupsView>();
            if (parseResult.GetValue(offsets))
            {
                views.Add(GroupsView.Offsets);
            }
            if (parseResult.GetValue(members))
            {
                views.Add(GroupsView.Members);
            }
            if (parseResult.GetValue(state))
            {
                views.Add(GroupsView.State);
            }
            if (views.Count > 1)
            {
                return CommandRunner.RunAsync(console.Error, () => throw CliException.Usage("give only one of --offsets, --members and --state"), ct);
            }
            return DescribeAsync(
                new GroupsDescribeOptions
                {
                    Client = client.Read(parseResult),
                    Groups = parseResult.GetValue(groups) ?? [],
                    View = views.Count == 1 ? views[0] : GroupsView.Offsets,
                    Verbose = parseResult.GetValue(verbose),
                    Output = parseResult.GetValue(output),
                },
                console.Out, console.Error, ct);
        });
        return command;
    }

    private static Command CreateResetOffsets(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var group = new Option<string>("--group") { Description = "The consumer group whose offsets to reset; it must have no active members.", HelpName = "group", Required = true };
        var topic = new Option<string[]>("--topic")
        {
            Description = "A topic to reset (repeatable): all its partitions, or only those listed as topic:0,1,2.",
            HelpName = "topic[:p,p]",
            Arity = ArgumentArity.OneOrMore,
        };
        var allTopics = new Option<bool>("--all-topics") { Description = "Reset every partition the group has a committed offset for." };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "Scenario: the earliest offset still in the log (log start)." };
        var toLatest = new Option<bool>("--to-latest") { Description = "Scenario: the log-end offset." };
        var toDatetime = new Option<string>("--to-datetime")
        {
            Description = "Scenario: the first offset at or after this time, ISO 8601 (UTC unless a zone is given, e.g. 2024-05-01T12:00:00.000Z) or epoch ms; the log end when no record is that recent.",
            HelpName = "datetime",
        };
        var shiftBy = new Option<long?>("--shift-by") { Description = "Scenario: move the committed offset by n (negative moves back), kept within the log.", HelpName = "n" };
        var toOffset = new Option<long?>("--to-offset") { Description = "Scenario: this offset, kept within [log start, log end].", HelpName = "n" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print the new offsets (the default, with a warning, when neither --dry-run nor --execute is given)." };
        var execute = new Option<bool>("--execute") { Description = "Commit the new offsets for the group (AlterConsumerGroupOffsets)." };
        var command = new Command("reset-offsets",
            "Move an inactive group's committed offsets, like kafka-consumer-groups.sh --reset-offsets; prints GROUP TOPIC PARTITION NEW-OFFSET.")
        {
            group, topic, allTopics, toEarliest, toLatest, toDatetime, shiftBy, toOffset, dryRun, execute,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => ResetOffsetsAsync(
            new GroupsResetOffsetsOptions
            {
                Client = client.Read(parseResult),
                Group = parseResult.GetRequiredValue(group),
                Topics = parseResult.GetValue(topic) ?? [],
                AllTopics = parseResult.GetValue(allTopics),
                ToEarliest = parseResult.GetValue(toEarliest),
                ToLatest = parseResult.GetValue(toLatest),
                ToDatetime = parseResult.GetValue(toDatetime),
                ShiftBy = parseResult.GetValue(shiftBy),
                ToOffset = parseResult.GetValue(toOffset),
                DryRun = parseResult.GetValue(dryRun),
                Execute = parseResult.GetValue(execute),
            },
            console.Out, console.Error, ct));
        return command;
    }

    private static Command CreateDelete(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var group = new Option<string[]>("--group")
        {
            Description = "A consumer group to delete (repeatable). Only groups without active members can be deleted.",
            HelpName = "group",
            Arity = ArgumentArity.OneOrMore,
            Required = true,
        };
        var command = new Command("delete", "Delete consumer groups and their committed offsets; prints Kafka's 'Deletion of requested consumer groups (...) was successful.'.") { group };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => DeleteAsync(
            new GroupsDeleteOptions { Client = client.Read(parseResult), Groups = parseResult.GetValue(group) ?? [] },
            console.Out, console.Error, ct));
        return command;
    }
}
