using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.CompactedLog;

/// <summary>
/// A compacted topic of one partition used as a replicated key-value log, reached only through Confluent.Kafka so that
/// it works the same on Eddy's broker and any Kafka cluster: the design of Confluent's schema store on <c>_schemas</c>,
/// which the schema registry, the SQL catalog and the engine's job control topic share. Opening checks or creates the
/// topic and reads it to its end; a reader thread then follows it, handing every record (in offset order) to the
/// owner's apply function, so what other instances write arrives within a fetch. A write returns once the reader has
/// applied it (<see cref="AppendAsync"/>), so the writer reads its own write; <see cref="CatchUpAsync"/> waits until
/// everything written so far by anyone is applied.
/// </summary>
/// <remarks>
/// The owner keeps the state: the log only orders and delivers records. The apply function runs on the reader thread,
/// one record at a time; it returns null once it applied the record, or why it skipped it (logged as a warning naming
/// the offset), and a record it throws on is skipped the same way, so one bad record never stops the reader.
/// </remarks>
public sealed partial class CompactedTopicLog : IAsyncDisposable
{
    private readonly CompactedTopicLogOptions _options;
    private readonly Func<CompactedTopicRecord, string?> _apply;
    private readonly ILogger _logger;
    private readonly TopicPartition _partition;
    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly IConsumer<byte[], byte[]?> _consumer;

    // The end offset is asked on a connection of its own: on the reader's, the question would queue behind the
    // reader's long-polling fetch (a broker answers one connection's requests in order), adding fetch.wait.max.ms to
    // every write and catch-up.
    private readonly IConsumer<byte[], byte[]?> _endOffsets;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private readonly List<(long Position, TaskCompletionSource Done)> _waiters = [];
    private readonly Thread _reader;
    private long _position;
    private int _disposed;

    private CompactedTopicLog(CompactedTopicLogOptions options, Func<CompactedTopicRecord, string?> apply, ILogger logger)
    {
        _options = options;
        _apply = apply;
        _logger = logger;
        _partition = new TopicPartition(options.Topic, 0);
        var group = options.ReaderGroupId ?? options.Topic + "-reader";
        _producer = new ProducerBuilder<byte[], byte[]?>(ClientConfig(options, new()
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            ["linger.ms"] = "0",
            ["message.timeout.ms"] = ((long)options.StoreTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, _options.Role, _options.Topic, "producer", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _consumer = new ConsumerBuilder<byte[], byte[]?>(ClientConfig(options, new()
        {
            // Required by Confluent.Kafka; the reader only assigns the partition, so it never joins or commits to the group.
            ["group.id"] = group,
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            // The end of the partition moves the position even when compaction removed the last records below it.
            ["enable.partition.eof"] = "true",
            ["isolation.level"] = options.IsolationLevel == IsolationLevel.ReadUncommitted ? "read_uncommitted" : "read_committed",
            ["auto.offset.reset"] = "earliest",
            ["allow.auto.create.topics"] = "false",
            ["fetch.wait.max.ms"] = "100",
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, _options.Role, _options.Topic, "reader", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _endOffsets = new ConsumerBuilder<byte[], byte[]?>(ClientConfig(options, new()
        {
            ["group.id"] = group,
            ["enable.auto.commit"] = "false",
            ["allow.auto.create.topics"] = "false",
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, _options.Role, _options.Topic, "end-offset client", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"eddy-log-{options.Topic}" };
    }

    /// <summary>The topic.</summary>
    public string Topic => _options.Topic;

    /// <summary>The next offset the reader will apply: every record below it has been handed to the apply function.</summary>
    public long Position
    {
        get
        {
            lock (_sync)
            {
                return _position;
            }
        }
    }

    /// <summary>
    /// Checks the topic (one partition, <c>cleanup.policy=compact</c>) or creates it, starts the reader and returns once
    /// it has read the topic to its end, so the owner's first request already sees everything stored.
    /// </summary>
    /// <param name="options">The topic and the clients' settings.</param>
    /// <param name="apply">Called on the reader thread for each record in offset order; returns null once applied, or why the record was skipped.</param>
    /// <param name="logger">Where the clients' errors, skipped records and the topic's creation are logged.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="CompactedTopicLogException">Kafka cannot be reached, the topic is missing or wrong, or it was not read in time.</exception>
    public static async Task<CompactedTopicLog> OpenAsync(CompactedTopicLogOptions options, Func<CompactedTopicRecord, string?> apply, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apply);
        logger ??= NullLogger.Instance;
        await EnsureTopicAsync(options, logger, cancellationToken).ConfigureAwait(false);
        CompactedTopicLog log;
        try
        {
            log = new CompactedTopicLog(options, apply, logger);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw InvalidConfiguration(options, e);
        }
        try
        {
            log._consumer.Assign(new TopicPartitionOffset(log._partition, Offset.Beginning));
            log._reader.Start();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.InitTimeout);
            try
            {
                await log.CatchUpAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CompactedTopicLogException(CompactedTopicLogFailure.InitTimedOut, options.Topic, string.Create(CultureInfo.InvariantCulture,
                    $"Could not read the {options.Role} {options.Topic} to its end within {options.InitTimeout.TotalSeconds:0} s."));
            }
            LogReplayed(logger, options.Role, options.Topic, log.Position);
            return log;
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until the reader has applied everything written to the topic so far, by anyone.</summary>
    /// <exception cref="CompactedTopicLogException">The end offset could not be read, or the log closed.</exception>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        WatermarkOffsets watermarks;
        try
        {
            watermarks = await Task.Run(() => _endOffsets.QueryWatermarkOffsets(_partition, _options.StoreTimeout), cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            throw new CompactedTopicLogException(CompactedTopicLogFailure.EndOffsetFailed, Topic,
                $"Could not read the end offset of the {_options.Role} {Topic}: {e.Error.Reason}", e.Error.Reason, e);
        }
        catch (ObjectDisposedException e)
        {
            throw Closed(e);
        }
        await WaitForPositionAsync(watermarks.High.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one record (a tombstone when <paramref name="value"/> is null) and returns its offset once the reader
    /// has applied it: the apply function has seen it, and so has every read the owner answers afterwards.
    /// </summary>
    /// <exception cref="CompactedTopicLogException">The write failed or timed out, it was not read back in time, or the log closed.</exception>
    public async Task<long> AppendAsync(byte[] key, byte[]? value, CancellationToken cancellationToken)
    {
        var offset = await ProduceAsync(key, value, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StoreTimeout);
        try
        {
            await WaitForPositionAsync(offset + 1, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CompactedTopicLogException(CompactedTopicLogFailure.ReadBackTimedOut, Topic, string.Create(CultureInfo.InvariantCulture,
                $"The {_options.Role} {Topic} was not read back up to offset {offset} within {_options.StoreTimeout.TotalSeconds:0} s."))
            {
                Offset = offset,
            };
        }
        return offset;
    }

    /// <summary>
    /// Writes one record (a tombstone when <paramref name="value"/> is null) and returns its offset once the broker
    /// has acknowledged it, without waiting for the reader: for a write nobody here needs to read back (a heartbeat).
    /// </summary>
    /// <exception cref="CompactedTopicLogException">The write failed or timed out, or the log closed.</exception>
    public async Task<long> ProduceAsync(byte[] key, byte[]? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Volatile.Read(ref _disposed) != 0)
            throw Closed(null);
        try
        {
            var delivery = await _producer.ProduceAsync(_partition, new Message<byte[], byte[]?> { Key = key, Value = value }, cancellationToken).ConfigureAwait(false);
            return delivery.Offset.Value;
        }
        catch (ProduceException<byte[], byte[]?> e) when (e.Error.Code == ErrorCode.Local_MsgTimedOut)
        {
            throw new CompactedTopicLogException(CompactedTopicLogFailure.WriteTimedOut, Topic,
                $"The write to the {_options.Role} {Topic} was not acknowledged within {_options.StoreTimeout.TotalSeconds:0} s.", e.Error.Reason, e);
        }
        catch (KafkaException e)
        {
            throw new CompactedTopicLogException(CompactedTopicLogFailure.WriteFailed, Topic,
                $"Could not write to the {_options.Role} {Topic}: {e.Error.Reason}", e.Error.Reason, e);
        }
        catch (ObjectDisposedException e)
        {
            throw Closed(e);
        }
    }

    private Task WaitForPositionAsync(long position, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_sync)
        {
            if (_position >= position)
                return Task.CompletedTask;
            if (_disposed != 0)
                throw Closed(null);
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((position, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    private void ReadLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<byte[], byte[]?>? result;
            try
            {
                result = _consumer.Consume(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ConsumeException e)
            {
                LogClientError(_logger, _options.Role, Topic, "reader", e.Error.Reason);
                _stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            if (result is null)
                continue;
            long next;
            if (result.IsPartitionEOF)
            {
                next = result.Offset.Value;
            }
            else
            {
                Apply(new CompactedTopicRecord(result.Offset.Value, result.Message.Key, result.Message.Value));
                next = result.Offset.Value + 1;
            }
            Advance(next);
        }
    }

    private void Apply(CompactedTopicRecord record)
    {
        string? skipped;
        try
        {
            skipped = _apply(record);
        }
        catch (Exception e)
        {
            // The reader must outlive a record its owner cannot handle: every later write waits for it.
            skipped = e.Message;
        }
        if (skipped is not null)
            LogSkipped(_logger, record.Offset, _options.Role, Topic, skipped);
    }

    private void Advance(long next)
    {
        lock (_sync)
        {
            if (next <= _position)
                return;
            _position = next;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Position <= _position)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private CompactedTopicLogException Closed(Exception? inner) =>
        new(CompactedTopicLogFailure.Closed, Topic, $"The {_options.Role} {Topic} is closed.", innerException: inner);

    private static CompactedTopicLogException InvalidConfiguration(CompactedTopicLogOptions options, Exception e) =>
        new(CompactedTopicLogFailure.InvalidConfiguration, options.Topic,
            $"Invalid Kafka client configuration for the {options.Role} {options.Topic}: {e.Message}", e.Message, e);

    private static Dictionary<string, string> ClientConfig(CompactedTopicLogOptions options, Dictionary<string, string> overrides)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["client.id"] = options.ClientId };
        foreach (var (key, value) in options.KafkaConfig)
            config[key] = value;
        foreach (var (key, value) in overrides)
            config[key] = value;
        return config;
    }

    // Confluent's KafkaStore.createOrVerifySchemaTopic: one partition, cleanup.policy=compact, created when missing with
    // replication factor min(3, live brokers) unless the owner sets one. Metadata is read for all topics: asking for the
    // one topic could make a broker with auto.create.topics.enable create it with the wrong settings.
    private static async Task EnsureTopicAsync(CompactedTopicLogOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        IAdminClient admin;
        try
        {
            admin = new AdminClientBuilder(ClientConfig(options, []))
                .SetErrorHandler((_, error) => LogAdminError(logger, options.Role, options.Topic, error.Reason))
                .SetLogHandler(static (_, _) => { })
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw InvalidConfiguration(options, e);
        }
        using (admin)
        {
            var topic = options.Topic;
            Metadata metadata;
            try
            {
                metadata = await Task.Run(() => admin.GetMetadata(options.InitTimeout), cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                throw new CompactedTopicLogException(CompactedTopicLogFailure.Unreachable, topic,
                    $"Cannot reach Kafka for the {options.Role} {topic}: {e.Error.Reason}", e.Error.Reason, e);
            }
            var existing = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart);
            if (existing is null)
            {
                if (!options.CreateIfMissing)
                    throw new CompactedTopicLogException(CompactedTopicLogFailure.TopicMissing, topic, $"The {options.Role} {topic} does not exist.");
                await CreateAsync(admin, options, metadata.Brokers.Count, logger).ConfigureAwait(false);
            }
            else if (options.VerifyTopic && existing.Partitions.Count != 1)
            {
                throw new CompactedTopicLogException(CompactedTopicLogFailure.TooManyPartitions, topic, string.Create(CultureInfo.InvariantCulture,
                    $"The {options.Role} {topic} should have only 1 partition but has {existing.Partitions.Count}."))
                {
                    Partitions = existing.Partitions.Count,
                };
            }
            if (options.VerifyTopic)
                await VerifyCompactedAsync(admin, options).ConfigureAwait(false);
        }
    }

    private static async Task CreateAsync(IAdminClient admin, CompactedTopicLogOptions options, int brokers, ILogger logger)
    {
        var replication = options.ReplicationFactor ?? (short)Math.Max(1, Math.Min(3, brokers));
        try
        {
            await admin.CreateTopicsAsync(
                [
                    new TopicSpecification
                    {
                        Name = options.Topic,
                        NumPartitions = 1,
                        ReplicationFactor = replication,
                        Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
                    },
                ],
                new CreateTopicsOptions { RequestTimeout = options.InitTimeout }).ConfigureAwait(false);
            LogCreated(logger, options.Role, options.Topic, replication);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created it first; it is checked like any existing topic.
        }
        catch (KafkaException e)
        {
            var reason = Reason(e);
            throw new CompactedTopicLogException(CompactedTopicLogFailure.CreateFailed, options.Topic,
                $"Cannot create the {options.Role} {options.Topic}: {reason}", reason, e);
        }
    }

    private static async Task VerifyCompactedAsync(IAdminClient admin, CompactedTopicLogOptions options)
    {
        string? policy;
        try
        {
            var described = await admin.DescribeConfigsAsync(
                [new ConfigResource { Type = ResourceType.Topic, Name = options.Topic }],
                new DescribeConfigsOptions { RequestTimeout = options.InitTimeout }).ConfigureAwait(false);
            policy = described[0].Entries.TryGetValue("cleanup.policy", out var entry) ? entry.Value : null;
        }
        catch (KafkaException e)
        {
            var reason = Reason(e);
            throw new CompactedTopicLogException(CompactedTopicLogFailure.DescribeFailed, options.Topic,
                $"Cannot read the configuration of the {options.Role} {options.Topic}: {reason}", reason, e);
        }
        if (policy != "compact")
        {
            throw new CompactedTopicLogException(CompactedTopicLogFailure.NotCompacted, options.Topic,
                $"The retention policy of the {options.Role} {options.Topic} is incorrect. Expected cleanup.policy to be 'compact' but it is {policy ?? "null"}.")
            {
                CleanupPolicy = policy,
            };
        }
    }

    private static string Reason(KafkaException e) => e switch
    {
        CreateTopicsException c => string.Join("; ", c.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason)),
        DescribeConfigsException d => string.Join("; ", d.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason)),
        _ => e.Error.Reason,
    };

    /// <summary>
    /// Stops the reader, fails the writes and catch-ups still waiting (<see cref="CompactedTopicLogFailure.Closed"/>),
    /// flushes the producer (5 s at most) and closes the clients. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_reader.IsAlive)
            await Task.Run(() => _reader.Join(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        lock (_sync)
        {
            foreach (var (_, done) in _waiters)
                done.TrySetException(Closed(null));
            _waiters.Clear();
        }
        _consumer.Dispose();
        _endOffsets.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The {Role} {Topic}'s {Client}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string role, string topic, string client, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Skipped the record at offset {Offset} of the {Role} {Topic}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, long offset, string role, string topic, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "The {Role} {Topic} read up to offset {Offset}")]
    private static partial void LogReplayed(ILogger logger, string role, string topic, long offset);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Created the {Role} {Topic} (1 partition, cleanup.policy=compact, replication factor {Replication})")]
    private static partial void LogCreated(ILogger logger, string role, string topic, short replication);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "The {Role} {Topic}'s admin client: {Reason}")]
    private static partial void LogAdminError(ILogger logger, string role, string topic, string reason);
}
