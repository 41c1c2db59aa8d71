using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Eddy.Registry.Storage;

/// <summary>
/// The registry's storage: one partition of a compacted topic, reached only through Confluent.Kafka so that it works
/// the same against Eddy's broker and any Kafka cluster. A reader thread consumes the partition from the beginning
/// and applies every record to <see cref="RegistryState"/>; a write is acknowledged to the caller only once the
/// reader has applied its offset, so every read after a write sees it (Confluent's and Karapace's read-your-writes).
/// </summary>
public sealed class KafkaSchemaLog : IAsyncDisposable
{
    private readonly RegistryOptions _options;
    private readonly RegistryState _state;
    private readonly ILogger _logger;
    private readonly TopicPartition _partition;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly IConsumer<byte[], byte[]> _consumer;

    // Asks for the end offset on a connection of its own: on the reader's, the question would queue behind the reader's
    // long-polling fetch (a broker answers one connection's requests in order), adding fetch.wait.max.ms to every write.
    private readonly IConsumer<byte[], byte[]> _endOffsets;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long Position, TaskCompletionSource Done)> _waiters = [];
    private readonly Thread _reader;
    private long _position;
    private int _disposed;

    private KafkaSchemaLog(RegistryOptions options, RegistryState state, ILogger logger)
    {
        _options = options;
        _state = state;
        _logger = logger;
        _partition = new TopicPartition(options.Topic, 0);
        _producer = new ProducerBuilder<byte[], byte[]>(ClientConfig(options, new()
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            ["linger.ms"] = "0",
            ["message.timeout.ms"] = ((long)options.StoreTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }))
            .SetErrorHandler((_, error) => _logger.LogWarning("Schema store producer: {Reason}", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _consumer = new ConsumerBuilder<byte[], byte[]>(ClientConfig(options, new()
        {
            // Required by Confluent.Kafka; the reader only assigns the partition, so it never joins or commits to this group.
            ["group.id"] = "eddy-registry-reader",
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["enable.partition.eof"] = "true",
            ["isolation.level"] = "read_uncommitted",
            ["auto.offset.reset"] = "earliest",
            ["allow.auto.create.topics"] = "false",
            ["fetch.wait.max.ms"] = "100",
        }))
            .SetErrorHandler((_, error) => _logger.LogWarning("Schema store reader: {Reason}", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _endOffsets = new ConsumerBuilder<byte[], byte[]>(ClientConfig(options, new()
            {
                ["group.id"] = "eddy-registry-reader",
                ["enable.auto.commit"] = "false",
                ["allow.auto.create.topics"] = "false",
            }))
            .SetErrorHandler((_, error) => _logger.LogWarning("Schema store end-offset client: {Reason}", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "eddy-registry-reader" };
    }

    /// <summary>The next offset the reader will apply: every record below it is in the state.</summary>
    public long Position
    {
        get
        {
            lock (_state.SyncRoot)
            {
                return _position;
            }
        }
    }

    public string Topic => _options.Topic;

    /// <summary>
    /// Checks or creates the topic (one partition, cleanup.policy=compact), starts the reader and replays the topic to
    /// its end before returning, so the first request already sees everything stored.
    /// </summary>
    public static async Task<KafkaSchemaLog> OpenAsync(RegistryOptions options, RegistryState state, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(logger);
        await EnsureTopicAsync(options, logger, cancellationToken);
        KafkaSchemaLog log;
        try
        {
            log = new KafkaSchemaLog(options, state, logger);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new RegistryStartupException($"invalid Kafka client configuration for the schema store: {e.Message}", e);
        }
        try
        {
            log._consumer.Assign(new TopicPartitionOffset(log._partition, Offset.Beginning));
            log._reader.Start();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.InitTimeout);
            try
            {
                await log.CatchUpAsync(timeout.Token);
            }
            catch (RegistryException e)
            {
                throw new RegistryStartupException($"could not read the schema topic {options.Topic} to its end: {e.Message}", e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RegistryStartupException(
                    $"could not read the schema topic {options.Topic} to its end within {options.InitTimeout.TotalSeconds:0} s");
            }
            logger.LogInformation("Schema store {Topic} replayed up to offset {Offset}", options.Topic, log.Position);
            return log;
        }
        catch
        {
            await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the reader has applied everything written to the topic so far (by anyone).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        WatermarkOffsets watermarks;
        try
        {
            watermarks = await Task.Run(() => _endOffsets.QueryWatermarkOffsets(_partition, _options.StoreTimeout), cancellationToken);
        }
        catch (KafkaException e)
        {
            throw RegistryErrors.StoreErrorOf($"Error while reading the end offset of the Kafka store topic {_options.Topic}: {e.Error.Reason}", e);
        }
        await WaitForPositionAsync(watermarks.High.Value, cancellationToken);
    }

    /// <summary>Writes one record (a tombstone when <paramref name="value"/> is null) and returns once the reader applied it.</summary>
    public async Task<long> AppendAsync(RegistryKey key, byte[]? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        DeliveryResult<byte[], byte[]> delivery;
        try
        {
            delivery = await _producer.ProduceAsync(_partition, new Message<byte[], byte[]> { Key = key.ToBytes(), Value = value! }, cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_MsgTimedOut)
        {
            throw RegistryErrors.TimeoutError("Write to the Kafka store timed out while waiting for the broker's acknowledgement", e);
        }
        catch (KafkaException e)
        {
            throw RegistryErrors.StoreErrorOf($"Error while writing to the backend Kafka store: {e.Error.Reason}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StoreTimeout);
        try
        {
            await WaitForPositionAsync(delivery.Offset.Value + 1, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw RegistryErrors.TimeoutError(string.Create(CultureInfo.InvariantCulture,
                $"Write to the Kafka store timed out while waiting for the reader to reach offset {delivery.Offset.Value}"));
        }
        return delivery.Offset.Value;
    }

    private Task WaitForPositionAsync(long position, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_state.SyncRoot)
        {
            if (_position >= position)
            {
                return Task.CompletedTask;
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((position, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    private void ReadLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<byte[], byte[]> result;
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
                _logger.LogWarning("Schema store reader: {Reason}", e.Error.Reason);
                _stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            if (result is null)
            {
                continue;
            }
            lock (_state.SyncRoot)
            {
                long next;
                if (result.IsPartitionEOF)
                {
                    next = result.Offset.Value;
                }
                else
                {
                    var value = result.Message.Value;
                    _state.Apply(result.Message.Key ?? [], value, value is null);
                    next = result.Offset.Value + 1;
                }
                if (next > _position)
                {
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
        }
    }

    private static Dictionary<string, string> ClientConfig(RegistryOptions options, Dictionary<string, string> overrides)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["client.id"] = "eddy-registry" };
        foreach (var (key, value) in options.KafkaConfig)
        {
            config[key] = value;
        }
        foreach (var (key, value) in overrides)
        {
            config[key] = value;
        }
        return config;
    }

    // Confluent's KafkaStore.createOrVerifySchemaTopic: one partition, cleanup.policy=compact, created when missing with
    // replication factor min(3, live brokers). Topic metadata is read for all topics: asking for the one topic could make a
    // broker with auto.create.topics.enable create it with the wrong settings.
    private static async Task EnsureTopicAsync(RegistryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        IAdminClient admin;
        try
        {
            admin = new AdminClientBuilder(ClientConfig(options, []))
                .SetErrorHandler((_, error) => logger.LogDebug("Schema store admin: {Reason}", error.Reason))
                .SetLogHandler(static (_, _) => { })
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new RegistryStartupException($"invalid Kafka client configuration for the schema store: {e.Message}", e);
        }
        using (admin)
        {
            var topic = options.Topic;
            Metadata metadata;
            try
            {
                metadata = await Task.Run(() => admin.GetMetadata(options.InitTimeout), cancellationToken);
            }
            catch (KafkaException e)
            {
                throw new RegistryStartupException($"cannot reach Kafka at {options.BootstrapServers}: {e.Error.Reason}", e);
            }
            var existing = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart);
            if (existing is null)
            {
                var replication = (short)Math.Max(1, Math.Min(3, metadata.Brokers.Count));
                if (replication < 3)
                {
                    logger.LogInformation("Creating schema topic {Topic} with replication factor {Replication}: fewer than 3 brokers are available", topic, replication);
                }
                try
                {
                    await admin.CreateTopicsAsync(
                        [
                            new TopicSpecification
                            {
                                Name = topic,
                                NumPartitions = 1,
                                ReplicationFactor = replication,
                                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
                            },
                        ],
                        new CreateTopicsOptions { RequestTimeout = options.InitTimeout });
                    logger.LogInformation("Created schema topic {Topic} (1 partition, cleanup.policy=compact)", topic);
                }
                catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
                {
                    // Another registry created it first; check it like any existing topic.
                }
                catch (KafkaException e)
                {
                    throw new RegistryStartupException($"cannot create the schema topic {topic}: {Reason(e)}", e);
                }
            }
            else if (existing.Partitions.Count != 1)
            {
                throw new RegistryStartupException(string.Create(CultureInfo.InvariantCulture,
                    $"The schema topic {topic} should have only 1 partition but has {existing.Partitions.Count}."));
            }

            string? policy;
            try
            {
                var described = await admin.DescribeConfigsAsync(
                    [new ConfigResource { Type = ResourceType.Topic, Name = topic }],
                    new DescribeConfigsOptions { RequestTimeout = options.InitTimeout });
                policy = described[0].Entries.TryGetValue("cleanup.policy", out var entry) ? entry.Value : null;
            }
            catch (KafkaException e)
            {
                throw new RegistryStartupException($"cannot read the configuration of the schema topic {topic}: {Reason(e)}", e);
            }
            if (policy != "compact")
            {
                throw new RegistryStartupException(
                    $"The retention policy of the schema topic {topic} is incorrect. Expected cleanup.policy to be 'compact' but it is {policy ?? "null"}");
            }
        }
    }

    private static string Reason(KafkaException e) => e switch
    {
        CreateTopicsException c => string.Join("; ", c.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason)),
        DescribeConfigsException d => string.Join("; ", d.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason)),
        _ => e.Error.Reason,
    };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_reader.IsAlive)
        {
            await Task.Run(() => _reader.Join(TimeSpan.FromSeconds(10)));
        }
        lock (_state.SyncRoot)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetException(RegistryErrors.StoreErrorOf("The schema store is shutting down"));
            }
            _waiters.Clear();
        }
        _consumer.Dispose();
        _endOffsets.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        _stop.Dispose();
    }
}
