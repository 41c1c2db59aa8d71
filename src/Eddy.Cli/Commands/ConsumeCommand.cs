using System.CommandLine;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Eddy.Cli.Avro;
using Eddy.Cli.Input;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy consume TOPIC</c>: kafka-console-consumer / kcat -C. Without --group the partitions are assigned directly
/// (no group join, nothing committed); with --group the consumer subscribes and commits like any group member.
/// </summary>
public static class ConsumeCommand
{
    /// <summary>How long the metadata and offset lookups before consuming may take.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The poll interval: also the latency of noticing Ctrl-C, timeouts and flushing idle output.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan OutputFlushInterval = TimeSpan.FromMilliseconds(200);

    private static readonly string[] IsolationLevels = ["read_committed", "read_uncommitted"];

    // The admin client is a producer-type handle, which would let the lookup auto-create a misspelt topic.
    private static readonly Dictionary<string, string> NoAutoCreate = new(StringComparer.Ordinal) { ["allow.auto.create.topics"] = "false" };

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topic = new Argument<string>("topic") { Description = "The topic to read." };
        var group = new Option<string>("--group", "-G") { Description = "Consume as a member of this consumer group (subscribe and commit). Without it partitions are assigned directly and nothing is committed.", HelpName = "group" };
        var partition = new Option<int?>("--partition", "-p") { Description = "Read only this partition.", HelpName = "n" };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the earliest record (with --group: when the group has no committed offset)." };
        var offset = new Option<string>("--offset") { Description = "Start every partition at this offset: a number, earliest or latest.", HelpName = "n|earliest|latest" };
        var fromTimestamp = new Option<string>("--from-timestamp") { Description = "Start at the first record at or after this time: epoch milliseconds or ISO 8601 (UTC unless a zone is given).", HelpName = "ms|iso8601" };
        var maxMessages = new Option<long?>("--max-messages", "-c") { Description = "Stop after this many records.", HelpName = "n" };
        var timeoutMs = new Option<int?>("--timeout-ms") { Description = "Stop when no record arrives for this many milliseconds.", HelpName = "ms" };
        var exitAtEnd = new Option<bool>("--exit-at-end", "-e") { Description = "Stop once every assigned partition has been read to its end." };
        var isolation = new Option<string>("--isolation-level") { Description = "read_committed (skip aborted transactional records; librdkafka's default) or read_uncommitted.", HelpName = "level" };
        isolation.AcceptOnlyFromAmong(IsolationLevels);
        var format = new Option<string>("--format", "-f")
        {
            Description = "kcat-style output template: %t topic, %p partition, %o offset, %k key, %s value, %T timestamp (ms), %h headers, %K/%S key/value length, %% percent; \\n \\t escapes. Default: %s\\n.",
            HelpName = "template",
        };
        var printKey = new Option<bool>("--print-key") { Description = "Print the key before the value (kafka-console-consumer print.key)." };
        var printHeaders = new Option<bool>("--print-headers") { Description = "Print the headers as k:v,k:v or NO_HEADERS (print.headers)." };
        var printTimestamp = new Option<bool>("--print-timestamp") { Description = "Print CreateTime:ms or LogAppendTime:ms (print.timestamp)." };
        var printOffset = new Option<bool>("--print-offset") { Description = "Print Offset:n (print.offset)." };
        var printPartition = new Option<bool>("--print-partition") { Description = "Print Partition:n (print.partition)." };
        var keySeparator = new Option<string>("--key-separator") { Description = "The separator between the printed columns (key.separator; default a tab; \\t allowed).", HelpName = "sep" };
        var output = TopicsCommand.OutputOption("text, or json: one kcat -J style object per record (topic, partition, offset, tstype, ts, headers, key, payload).");
        var valueFormat = ValueFormats.ValueFormatOption("values are Confluent wire-format Avro (magic byte, schema id, Avro binary), printed as Avro JSON with the writer's schema from the registry; a value that is not is reported on stderr with its partition and offset.");
        var registryUrl = ValueFormats.RegistryUrlOption();

        var command = new Command("consume", "Read records from a topic and print them. Prints 'Processed a total of N messages' on stderr at the end.")
        {
            topic, group, partition, fromBeginning, offset, fromTimestamp, maxMessages, timeoutMs, exitAtEnd, isolation,
            format, printKey, printHeaders, printTimestamp, printOffset, printPartition, keySeparator, output, valueFormat, registryUrl,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => RunAsync(
            new ConsumeOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetRequiredValue(topic),
                Group = parseResult.GetValue(group),
                Partition = parseResult.GetValue(partition),
                FromBeginning = parseResult.GetValue(fromBeginning),
                Offset = parseResult.GetValue(offset),
                FromTimestamp = parseResult.GetValue(fromTimestamp),
                MaxMessages = parseResult.GetValue(maxMessages),
                TimeoutMs = parseResult.GetValue(timeoutMs),
                ExitAtEnd = parseResult.GetValue(exitAtEnd),
                IsolationLevel = parseResult.GetValue(isolation),
                Format = parseResult.GetValue(format),
                PrintKey = parseResult.GetValue(printKey),
                PrintHeaders = parseResult.GetValue(printHeaders),
                PrintTimestamp = parseResult.GetValue(printTimestamp),
                PrintOffset = parseResult.GetValue(printOffset),
                PrintPartition = parseResult.GetValue(printPartition),
                KeySeparator = parseResult.GetValue(keySeparator),
                Output = parseResult.GetValue(output),
                ValueFormat = parseResult.GetValue(valueFormat),
                RegistryUrl = parseResult.GetValue(registryUrl),
            },
            console.Out, console.Error, ct));
        return command;
    }

    /// <summary>Consumes until a stop condition (or cancellation) and returns the exit code.</summary>
    public static Task<int> RunAsync(ConsumeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        // The consume loop blocks in librdkafka polls; keep it off the caller's thread.
        return CommandRunner.RunAsync(stderr, () => Task.Run(() => ConsumeAsync(options, stdout, stderr, cancellationToken), CancellationToken.None), cancellationToken);
    }

    /// <summary>The formatter the output options select; conflicting choices are a usage error.</summary>
    public static IRecordFormatter CreateFormatter(ConsumeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var printOptions = options.PrintKey || options.PrintHeaders || options.PrintTimestamp || options.PrintOffset || options.PrintPartition || options.KeySeparator is not null;
        if (options.Output == OutputFormat.Json)
        {
            if (options.Format is not null || printOptions)
            {
                throw CliException.Usage("--output json cannot be combined with --format or the --print-* options");
            }
            return new KcatJsonFormatter();
        }
        if (options.Format is { } template)
        {
            if (printOptions)
            {
                throw CliException.Usage("--format cannot be combined with the --print-* options or --key-separator");
            }
            return KcatFormat.Parse(template);
        }
        if (printOptions)
        {
            return new ConsoleConsumerFormatter(new ConsoleConsumerFormatOptions
            {
                PrintKey = options.PrintKey,
                PrintHeaders = options.PrintHeaders,
                PrintTimestamp = options.PrintTimestamp,
                PrintOffset = options.PrintOffset,
                PrintPartition = options.PrintPartition,
                KeySeparator = options.KeySeparator is { } sep ? TextEscapes.Unescape(sep) : "\t",
            });
        }
        return KcatFormat.Parse(KcatFormat.DefaultTemplate);
    }

    /// <summary>--from-beginning, --offset and --from-timestamp are alternatives; at most one may be given.</summary>
    public static StartPosition ParseStartPosition(ConsumeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var given = (options.FromBeginning ? 1 : 0) + (options.Offset is null ? 0 : 1) + (options.FromTimestamp is null ? 0 : 1);
        if (given > 1)
        {
            throw CliException.Usage("give only one of --from-beginning, --offset and --from-timestamp");
        }
        if (options.Offset is { } offset)
        {
            return StartPosition.ParseOffset(offset);
        }
        if (options.FromTimestamp is { } timestamp)
        {
            return StartPosition.FromTimestamp(timestamp);
        }
        // With a group, --from-beginning only sets auto.offset.reset (committed offsets still win), as in Kafka.
        return options.FromBeginning && options.Group is null ? new StartPosition(StartKind.Beginning) : StartPosition.Default;
    }

    /// <summary>The consumer settings the options imply (group, offset reset, EOF events, isolation).</summary>
    public static Dictionary<string, string> ConsumerOverrides(ConsumeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["enable.partition.eof"] = options.ExitAtEnd ? "true" : "false",
            ["auto.offset.reset"] = options.FromBeginning ? "earliest" : "latest",
        };
        if (options.Group is { } group)
        {
            overrides["group.id"] = group;
        }
        else
        {
            // The client insists on a group.id, but with Assign and no commits the group is never contacted.
            overrides["group.id"] = KafkaClientFactory.ClientId;
            overrides["enable.auto.commit"] = "false";
            overrides["enable.auto.offset.store"] = "false";
        }
        if (options.IsolationLevel is { } isolation)
        {
            if (!IsolationLevels.Contains(isolation, StringComparer.Ordinal))
            {
                throw CliException.Usage($"--isolation-level must be read_committed or read_uncommitted, got '{isolation}'");
            }
            overrides["isolation.level"] = isolation;
        }
        return overrides;
    }

    private static async Task<int> ConsumeAsync(ConsumeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.Partition is < 0)
        {
            throw CliException.Usage("--partition must not be negative");
        }
        if (options.MaxMessages is < 0 || options.TimeoutMs is < 0)
        {
            throw CliException.Usage("--max-messages and --timeout-ms must not be negative");
        }
        var formatter = CreateFormatter(options);
        using var ownedFormatter = formatter as IDisposable;
        var start = ParseStartPosition(options);
        var overrides = ConsumerOverrides(options);
        var partitions = await PartitionsAsync(options, cancellationToken);
        var warnings = new WarningPrinter(stderr);
        Error? fatal = null;
        var subscribe = options.Group is not null && options.Partition is null;
        // Explicit start offsets for a group member: used the first time each partition is assigned to it, so a later
        // rebalance resumes from the committed position instead of rewinding.
        Dictionary<TopicPartition, Offset>? pendingStarts = null;

        using var consumer = KafkaClientFactory.CreateConsumer(options.Client, null, overrides, error =>
        {
            if (error.IsFatal)
            {
                fatal ??= error;
            }
            warnings.Warn(error);
        }, subscribe ? partitions => AssignedOffsets(partitions, pendingStarts) : null);

        using var avro = options.ValueFormat == ValueFormats.Avro ? new AvroValueDecoder(ValueFormats.RegistryUrl(options.RegistryUrl)) : null;
        long unreadable = 0;
        Func<ConsumeResult<byte[], byte[]>, ValueTask<bool>> decode = avro is null ? _ => ValueTask.FromResult(true) : async result =>
        {
            try
            {
                result.Message.Value = await avro.ToJsonAsync(result.Message.Value);
                return true;
            }
            catch (InvalidDataException e)
            {
                unreadable++;
                stderr.Write($"error: {result.Topic} [{result.Partition.Value}] at offset {result.Offset.Value}: not readable as Avro: {e.Message}\n");
                return false;
            }
        };
        var count = new StrongBox<long>();
        try
        {
            if (subscribe)
            {
                if (start.Kind != StartKind.Default)
                {
                    pendingStarts = StartOffsets(consumer, partitions, options, start).ToDictionary(o => o.TopicPartition, o => o.Offset);
                }
                consumer.Subscribe(options.Topic);
            }
            else
            {
                consumer.Assign(StartOffsets(consumer, partitions, options, start));
            }
            try
            {
                await PollAsync(consumer, formatter, decode, options, stdout, warnings, () => fatal, count, cancellationToken);
            }
            catch (IOException e) when (IsBrokenPipe(e))
            {
                // The reader went away (`eddy consume ... | head`): that ends the command as a normal stop.
            }
        }
        finally
        {
            // Close leaves the group and commits the final offsets; an assign-only consumer just stops fetching.
            consumer.Close();
            stderr.Write($"Processed a total of {count.Value} messages\n");
            stderr.Flush();
        }
        if (fatal is not null)
        {
            throw new KafkaException(fatal);
        }
        return unreadable == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    // EPIPE: the errno .NET puts in an IOException's HResult on Unix when the other end of a pipe has closed.
    private static bool IsBrokenPipe(IOException e) => !OperatingSystem.IsWindows() && e.HResult == 32;

    // count is the caller's so it stays right when a write fails half-way through. Consume blocks for up to a poll
    // interval (librdkafka has no asynchronous consume): this loop runs on the thread pool (RunAsync's Task.Run), never
    // on the caller's thread; only a value whose schema is not yet known awaits, for the registry.
    private static async Task PollAsync(IConsumer<byte[], byte[]> consumer, IRecordFormatter formatter, Func<ConsumeResult<byte[], byte[]>, ValueTask<bool>> decode,
        ConsumeOptions options, TextWriter stdout, WarningPrinter warnings, Func<Error?> fatal, StrongBox<long> count, CancellationToken cancellationToken)
    {
        var atEnd = new HashSet<TopicPartition>();
        var sinceRecord = Stopwatch.StartNew();
        var sinceFlush = Stopwatch.StartNew();
        var unflushed = false;
        while (!cancellationToken.IsCancellationRequested && fatal() is null)
        {
            if (options.MaxMessages is { } max && count.Value >= max)
            {
                break;
            }
            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(PollInterval);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // Per-partition errors (topic not there yet, leader moving, ...) are retried by the client.
                warnings.Warn(e.Error);
                continue;
            }
            if (result is null || result.IsPartitionEOF)
            {
                if (unflushed)
                {
                    stdout.Flush();
                    unflushed = false;
                    sinceFlush.Restart();
                }
                if (result is not null)
                {
                    atEnd.Add(result.TopicPartition);
                    if (options.ExitAtEnd && AllAtEnd(consumer, atEnd))
                    {
                        break;
                    }
                }
                if (options.TimeoutMs is { } timeout && sinceRecord.ElapsedMilliseconds >= timeout)
                {
                    break;
                }
                continue;
            }
            atEnd.Remove(result.TopicPartition);
            sinceRecord.Restart();
            if (!await decode(result))
            {
                continue;
            }
            formatter.Write(result, stdout);
            count.Value++;
            unflushed = true;
            if (sinceFlush.Elapsed >= OutputFlushInterval)
            {
                stdout.Flush();
                unflushed = false;
                sinceFlush.Restart();
            }
        }
        stdout.Flush();
    }

    private static bool AllAtEnd(IConsumer<byte[], byte[]> consumer, HashSet<TopicPartition> atEnd)
    {
        var assignment = consumer.Assignment;
        return assignment.Count > 0 && assignment.All(atEnd.Contains);
    }

    // Offset.Unset lets the client use the committed offset (or auto.offset.reset) for partitions without an explicit start.
    private static List<TopicPartitionOffset> AssignedOffsets(List<TopicPartition> partitions, Dictionary<TopicPartition, Offset>? pendingStarts)
    {
        var offsets = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var partition in partitions)
        {
            var offset = Offset.Unset;
            if (pendingStarts is not null && pendingStarts.Remove(partition, out var explicitStart))
            {
                offset = explicitStart;
            }
            offsets.Add(new TopicPartitionOffset(partition, offset));
        }
        return offsets;
    }

    // The partitions to read (all, or --partition) with the offset each starts at.
    private static List<TopicPartitionOffset> StartOffsets(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, ConsumeOptions options, StartPosition start)
    {
        if (start.Kind == StartKind.Timestamp)
        {
            var timestamp = new Timestamp(start.Value, TimestampType.CreateTime);
            // No record at or after the time gives offset -1, which is Offset.End: wait for new records.
            return consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, timestamp)), LookupTimeout);
        }
        // Without a group there is no committed offset to fall back on: start at the end, like kafka-console-consumer.
        var whenDefault = options.Group is null ? Offset.End : Offset.Stored;
        return partitions.Select(p => new TopicPartitionOffset(p, start.ToOffset(whenDefault))).ToList();
    }

    // Checks the topic (and --partition) exist before consuming: a clear error instead of waiting for a topic that is
    // not there, and a fast one when the cluster cannot be reached.
    private static async Task<List<TopicPartition>> PartitionsAsync(ConsumeOptions options, CancellationToken cancellationToken)
    {
        using var admin = KafkaClientFactory.CreateAdmin(options.Client, NoAutoCreate);
        var metadata = await admin.GetMetadataAsync(options.Topic, LookupTimeout, cancellationToken);
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == options.Topic);
        if (topic is null)
        {
            throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"Topic '{options.Topic}' does not exist"));
        }
        if (topic.Error.IsError)
        {
            throw new KafkaException(new Error(topic.Error.Code, $"{topic.Error.Reason} (topic '{options.Topic}')"));
        }
        var ids = topic.Partitions.Select(p => p.PartitionId).Order().ToList();
        if (options.Partition is { } only)
        {
            if (!ids.Contains(only))
            {
                throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart,
                    $"Partition {only} does not exist in topic '{options.Topic}', which has {ids.Count} partitions"));
            }
            ids = [only];
        }
        return ids.Select(id => new TopicPartition(options.Topic, new Partition(id))).ToList();
    }
}
