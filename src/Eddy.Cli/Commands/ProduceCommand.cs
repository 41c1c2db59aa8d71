using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Eddy.Cli.Avro;
using Eddy.Cli.Configuration;
using Eddy.Cli.Input;
using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy produce TOPIC</c>: kafka-console-producer's job. Records are handed to the producer without waiting for
/// each acknowledgement (delivery reports are counted as they arrive), so large inputs stream at batch speed; the
/// producer is flushed at the end and any failed delivery makes the exit code nonzero.
/// </summary>
public static class ProduceCommand
{
    private static readonly string[] AcksValues = ["all", "-1", "1", "0"];
    private static readonly string[] CompressionValues = ["none", "gzip", "snappy", "lz4", "zstd"];

    /// <summary>kafka-console-producer's acks=all unless the command-config file, -X or --acks say otherwise.</summary>
    private static readonly Dictionary<string, string> ProducerDefaults = new(StringComparer.Ordinal) { ["acks"] = "all" };

    /// <summary>How long the final flush may wait for outstanding deliveries after Ctrl-C.</summary>
    private static readonly TimeSpan InterruptedFlushTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long it may wait after a fatal error, for reports already on their way.</summary>
    private static readonly TimeSpan FatalFlushTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FlushSlice = TimeSpan.FromMilliseconds(200);

    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var topic = new Argument<string>("topic") { Description = "The topic to write to." };
        var file = new Option<string>("--file", "-f") { Description = "Read records from this file instead of standard input.", HelpName = "path" };
        var keySeparator = new Option<string>("--key-separator", "-K")
        {
            Description = "Parse a key from each line: the text before the first separator is the key, the rest the value (kafka-console-producer's parse.key/key.separator; \\t allowed). A line without it is an error.",
            HelpName = "sep",
        };
        var header = new Option<string[]>("--header", "-H") { Description = "A header added to every record, key=value (repeatable).", HelpName = "key=value", Arity = ArgumentArity.OneOrMore };
        var partition = new Option<int?>("--partition", "-p") { Description = "Write all records to this partition. Default: the partitioner picks by key.", HelpName = "n" };
        var acks = new Option<string>("--acks") { Description = "Acknowledgements to wait for: all, 1 or 0. Default: all.", HelpName = "all|1|0" };
        acks.AcceptOnlyFromAmong(AcksValues);
        var compression = new Option<string>("--compression", "-z") { Description = "Batch compression: none, gzip, snappy, lz4 or zstd. Default: the client's (none).", HelpName = "codec" };
        compression.AcceptOnlyFromAmong(CompressionValues);
        var lingerMs = new Option<int?>("--linger-ms") { Description = "Milliseconds to wait for more records before sending a batch (librdkafka linger.ms, default 5).", HelpName = "ms" };

        var valueFormat = ValueFormats.ValueFormatOption("each line's value is a record in Avro's JSON encoding for --schema-file, written in Confluent's wire format under the schema's registry id (registered under TOPIC-value).");
        var schemaFile = new Option<string>("--schema-file") { Description = "With --value-format avro: the Avro schema (.avsc) of the values.", HelpName = "path" };
        var registryUrl = ValueFormats.RegistryUrlOption();
        var command = new Command("produce", "Write records to a topic: one record per line of standard input (or --file). Prints 'Produced N records to TOPIC' on stderr.")
        {
            topic, file, keySeparator, header, partition, acks, compression, lingerMs, valueFormat, schemaFile, registryUrl,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => RunAsync(
            new ProduceOptions
            {
                Client = client.Read(parseResult),
                Topic = parseResult.GetRequiredValue(topic),
                File = parseResult.GetValue(file),
                KeySeparator = parseResult.GetValue(keySeparator),
                Headers = parseResult.GetValue(header) ?? [],
                Partition = parseResult.GetValue(partition),
                Acks = parseResult.GetValue(acks),
                Compression = parseResult.GetValue(compression),
                LingerMs = parseResult.GetValue(lingerMs),
                ValueFormat = parseResult.GetValue(valueFormat),
                SchemaFile = parseResult.GetValue(schemaFile),
                RegistryUrl = parseResult.GetValue(registryUrl),
            },
            console.In, console.Out, console.Error, ct));
        return command;
    }

    /// <summary>Produces every line of <paramref name="stdin"/> (or the file) and returns the exit code.</summary>
    public static Task<int> RunAsync(ProduceOptions options, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdin);
        _ = stdout; // produce reports on stderr only, so that stdout stays free for pipelines
        return CommandRunner.RunAsync(stderr, () => ProduceAsync(options, stdin, stderr, cancellationToken), cancellationToken);
    }

    /// <summary>The producer settings the flags set; only flags actually given override the command-config and -X layers.</summary>
    public static Dictionary<string, string> ProducerOverrides(ProduceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Acks is { } acks)
        {
            if (!AcksValues.Contains(acks, StringComparer.Ordinal))
            {
                throw CliException.Usage($"--acks must be all, 1 or 0, got '{acks}'");
            }
            overrides["acks"] = acks;
        }
        if (options.Compression is { } compression)
        {
            if (!CompressionValues.Contains(compression, StringComparer.Ordinal))
            {
                throw CliException.Usage($"--compression must be one of {string.Join(", ", CompressionValues)}, got '{compression}'");
            }
            overrides["compression.type"] = compression;
        }
        if (options.LingerMs is { } linger)
        {
            if (linger < 0)
            {
                throw CliException.Usage("--linger-ms must not be negative");
            }
            overrides["linger.ms"] = linger.ToString(CultureInfo.InvariantCulture);
        }
        return overrides;
    }

    private static async Task<int> ProduceAsync(ProduceOptions options, TextReader stdin, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.Partition is < 0)
        {
            throw CliException.Usage("--partition must not be negative");
        }
        var avro = options.ValueFormat == ValueFormats.Avro;
        if (avro != options.SchemaFile is not null)
        {
            throw CliException.Usage(avro ? "--value-format avro needs --schema-file" : "--schema-file goes with --value-format avro");
        }
        var parser = new LineRecordParser(options.KeySeparator is { } sep ? TextEscapes.Unescape(sep) : null);
        var headers = BuildHeaders(options.Headers);
        var overrides = ProducerOverrides(options);
        var target = new TopicPartition(options.Topic, options.Partition is { } p ? new Partition(p) : Partition.Any);
        var deliveries = new DeliveryTracker();
        var warnings = new WarningPrinter(stderr);

        // Open the input first: a wrong path is reported before any connection is made.
        TextReader input = stdin;
        StreamReader? fileReader = null;
        if (options.File is { } path)
        {
            try
            {
                fileReader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw CliException.Usage($"cannot read {path}: {e.Message}");
            }
            input = fileReader;
        }
        using var ownedReader = fileReader;
        using var avroEncoder = avro
            ? await AvroValueEncoder.CreateAsync(ValueFormats.RegistryUrl(options.RegistryUrl), options.Topic, options.SchemaFile!, cancellationToken)
            : null;

        Error? lastError = null;
        using var producer = KafkaClientFactory.CreateProducer(options.Client, ProducerDefaults, overrides, error =>
        {
            if (error.IsFatal)
            {
                deliveries.Fatal(error);
            }
            else if (error.Code == ErrorCode.Local_AllBrokersDown && deliveries.Delivered == 0)
            {
                // Never connected: librdkafka would retry until every record times out (minutes); stop now instead.
                var reason = lastError is { } last ? $"{error.Reason} (last error: {last.Reason})" : error.Reason;
                deliveries.Fatal(new Error(error.Code, reason));
            }
            else
            {
                lastError = error;
                warnings.Warn(error);
            }
        });

        CliException? inputError = null;
        var interrupted = false;
        long lineNumber = 0;
        while (deliveries.FatalError is null)
        {
            string? line;
            try
            {
                line = await ReadLineAsync(input, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C ends an interactive session the way end-of-input does: deliver what was read.
                interrupted = true;
                break;
            }
            if (line is null)
            {
                break;
            }
            lineNumber++;
            (string? Key, string Value) record;
            byte[] value;
            try
            {
                record = parser.Parse(line, lineNumber);
                value = avroEncoder is null ? Encoding.UTF8.GetBytes(record.Value) : avroEncoder.Encode(record.Value, lineNumber);
            }
            catch (CliException e)
            {
                inputError = e; // deliver the records read so far, then report the bad line
                break;
            }
            var message = new Message<byte[], byte[]>
            {
                Key = record.Key is null ? null! : Encoding.UTF8.GetBytes(record.Key),
                Value = value,
                Headers = headers,
            };
            await ProduceOneAsync(producer, target, message, deliveries, cancellationToken);
        }

        await FlushAsync(producer, deliveries, interrupted, cancellationToken);

        await stderr.WriteAsync($"Produced {deliveries.Delivered} records to {options.Topic}\n");
        var exitCode = ExitCodes.Success;
        var notDelivered = deliveries.Sent - deliveries.Delivered;
        var lost = notDelivered > 0 ? $" ({notDelivered} records not delivered)" : "";
        if ((deliveries.FatalError ?? deliveries.FirstFailure) is { } error)
        {
            await CommandRunner.Error(stderr, KafkaErrors.Format(error) + lost);
            exitCode = ExitCodes.Failure;
        }
        else if (notDelivered > 0)
        {
            await CommandRunner.Error(stderr, $"{notDelivered} records were not delivered before the producer stopped");
            exitCode = ExitCodes.Failure;
        }
        if (inputError is not null)
        {
            await CommandRunner.Error(stderr, inputError.Message);
            exitCode = inputError.ExitCode;
        }
        await stderr.FlushAsync(CancellationToken.None);
        return exitCode;
    }

    // Produce() only enqueues; when librdkafka's queue is full, wait for deliveries to drain it and try again.
    private static async Task ProduceOneAsync(IProducer<byte[], byte[]> producer, TopicPartition target, Message<byte[], byte[]> message,
        DeliveryTracker deliveries, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, deliveries.OnDelivery);
                deliveries.OnSent();
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return; // interrupted while the queue is full: this record was never sent
                }
                await Task.Delay(5, CancellationToken.None);
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                // Refused before sending (unknown partition, record too large, ...): a failed record like any other.
                deliveries.OnSent();
                deliveries.OnRejected(e.Error);
                return;
            }
        }
    }

    // Waits for every delivery report, in short slices so that a fatal error (nothing more will be delivered) or
    // Ctrl-C bounds the wait instead of leaving it to message.timeout.ms (minutes).
    private static Task FlushAsync(IProducer<byte[], byte[]> producer, DeliveryTracker deliveries, bool interrupted, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            DateTime? deadline = null;
            while (producer.Flush(FlushSlice) > 0)
            {
                if (deliveries.FatalError is not null)
                {
                    deadline ??= DateTime.UtcNow + FatalFlushTimeout;
                }
                else if (interrupted || cancellationToken.IsCancellationRequested)
                {
                    deadline ??= DateTime.UtcNow + InterruptedFlushTimeout;
                }
                if (DateTime.UtcNow >= deadline)
                {
                    return;
                }
            }
        }, CancellationToken.None);

    // Console streams do not observe cancellation while blocked in a read, so race the read against the token.
    private static async Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken)
    {
        var read = input.ReadLineAsync(cancellationToken);
        if (read.IsCompleted)
        {
            return await read;
        }
        return await read.AsTask().WaitAsync(cancellationToken);
    }

    private static Headers? BuildHeaders(IReadOnlyList<string> headerArguments)
    {
        if (headerArguments.Count == 0)
        {
            return null;
        }
        // One instance for every record: the producer copies headers when it enqueues a record.
        var headers = new Headers();
        foreach (var argument in headerArguments)
        {
            var (key, value) = KeyValue.Parse(argument, "--header");
            headers.Add(key, Encoding.UTF8.GetBytes(value));
        }
        return headers;
    }
}
