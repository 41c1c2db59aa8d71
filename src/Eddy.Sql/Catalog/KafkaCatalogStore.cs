using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Sql.Catalog;

/// <summary>Where and how <see cref="SqlCatalog"/> keeps its definitions in Kafka.</summary>
public sealed class KafkaCatalogStoreOptions
{
    /// <summary>The catalog topic's default name.</summary>
    public const string DefaultTopic = "_eddy_sql_catalog";

    /// <summary>Confluent.Kafka client settings: at least <c>bootstrap.servers</c>; security settings go here too.</summary>
    public IReadOnlyDictionary<string, string> KafkaConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>The compacted topic holding the definitions (one partition).</summary>
    public string Topic { get; init; } = DefaultTopic;

    /// <summary>How long opening may take: checking or creating the topic and reading it to its end.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a write may take, from sending it to reading it back.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The catalog's definitions in a compacted topic of one partition, reached only through Confluent.Kafka (the design
/// of the schema registry's store on <c>_schemas</c>). A reader thread follows the partition from its beginning and
/// applies every record, so definitions another session writes appear here within a fetch; a write returns once the
/// reader has applied its offset, so the writer reads its own write; <see cref="CatchUpAsync"/> waits until the reader
/// has applied everything written so far, which a DDL does before it checks whether a name is taken. The latest
/// record of a key wins (compaction keeps only it); a tombstone removes the key. A record that cannot be read (not
/// JSON, an unknown kind, DDL that does not parse) is skipped with a warning.
/// </summary>
internal sealed partial class KafkaCatalogStore : ICatalogStore
{
    private readonly KafkaCatalogStoreOptions _options;
    private readonly CatalogDefinitions _definitions = new();
    private readonly ILogger _logger;
    private readonly TopicPartition _partition;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly IConsumer<byte[], byte[]> _consumer;

    // The end offset is asked on a connection of its own: on the reader's, the question would queue behind the
    // reader's long-polling fetch and add fetch.wait.max.ms to every catch-up.
    private readonly IConsumer<byte[], byte[]> _endOffsets;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private readonly List<(long Position, TaskCompletionSource Done)> _waiters = [];
    private readonly Thread _reader;
    private long _position;
    private int _disposed;

    private KafkaCatalogStore(KafkaCatalogStoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _partition = new TopicPartition(options.Topic, 0);
        _producer = new ProducerBuilder<byte[], byte[]>(ClientConfig(options, new()
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            ["linger.ms"] = "0",
            ["message.timeout.ms"] = ((long)options.StoreTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, "producer", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _consumer = new ConsumerBuilder<byte[], byte[]>(ClientConfig(options, new()
        {
            // Required by Confluent.Kafka; the reader only assigns the partition, so it never joins or commits to the group.
            ["group.id"] = "eddy-sql-catalog-reader",
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["enable.partition.eof"] = "true",
            ["auto.offset.reset"] = "earliest",
            ["allow.auto.create.topics"] = "false",
            ["fetch.wait.max.ms"] = "100",
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, "reader", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _endOffsets = new ConsumerBuilder<byte[], byte[]>(ClientConfig(options, new()
        {
            ["group.id"] = "eddy-sql-catalog-reader",
            ["enable.auto.commit"] = "false",
            ["allow.auto.create.topics"] = "false",
        }))
            .SetErrorHandler((_, error) => LogClientError(_logger, "end-offset client", error.Reason))
            .SetLogHandler(static (_, _) => { })
            .Build();
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "eddy-sql-catalog-reader" };
    }

    /// <summary>The topic.</summary>
    public string Topic => _options.Topic;

    /// <summary>The next offset the reader will apply: every record below it is applied.</summary>
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
    /// it has read the topic to its end, so the first statement already sees every stored definition.
    /// </summary>
    /// <exception cref="CatalogException">Kafka cannot be reached, the topic is wrong, or it was not read in time.</exception>
    public static async Task<KafkaCatalogStore> OpenAsync(KafkaCatalogStoreOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        await EnsureTopicAsync(options, logger, cancellationToken);
        KafkaCatalogStore store;
        try
        {
            store = new KafkaCatalogStore(options, logger);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new CatalogException($"Invalid Kafka client configuration for the catalog store: {e.Message}", e);
        }
        try
        {
            store._consumer.Assign(new TopicPartitionOffset(store._partition, Offset.Beginning));
            store._reader.Start();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.InitTimeout);
            try
            {
                await store.CatchUpAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CatalogException(string.Create(CultureInfo.InvariantCulture,
                    $"Could not read the catalog topic {options.Topic} to its end within {options.InitTimeout.TotalSeconds:0} s."));
            }
            LogReplayed(logger, options.Topic, store.Position);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public StoredDefinition? Find(CatalogKey key) => _definitions.Find(key);

    public IReadOnlyList<StoredDefinition> Definitions() => _definitions.Snapshot();

    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        WatermarkOffsets watermarks;
        try
        {
            watermarks = await Task.Run(() => _endOffsets.QueryWatermarkOffsets(_partition, _options.StoreTimeout), cancellationToken);
        }
        catch (KafkaException e)
        {
            throw new CatalogException($"Could not read the end offset of the catalog topic {_options.Topic}: {e.Error.Reason}", e);
        }
        await WaitForPositionAsync(watermarks.High.Value, cancellationToken);
    }

    public Task PutAsync(StoredDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return AppendAsync(definition.Key, CatalogRecordCodec.EncodeValue(definition), cancellationToken);
    }

    public Task RemoveAsync(CatalogKey key, CancellationToken cancellationToken) => AppendAsync(key, null, cancellationToken);

    // Writes one record (a tombstone when value is null) and returns once the reader has applied it.
    private async Task AppendAsync(CatalogKey key, byte[]? value, CancellationToken cancellationToken)
    {
        DeliveryResult<byte[], byte[]> delivery;
        try
        {
            delivery = await _producer.ProduceAsync(_partition, new Message<byte[], byte[]> { Key = CatalogRecordCodec.EncodeKey(key), Value = value! }, cancellationToken);
        }
        catch (KafkaException e)
        {
            throw new CatalogException($"Could not write to the catalog topic {_options.Topic}: {e.Error.Reason}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StoreTimeout);
        try
        {
            await WaitForPositionAsync(delivery.Offset.Value + 1, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CatalogException(string.Create(CultureInfo.InvariantCulture,
                $"The catalog topic {_options.Topic} was not read back up to offset {delivery.Offset.Value} within {_options.StoreTimeout.TotalSeconds:0} s."));
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
                throw new CatalogException("The catalog store is closed.");
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((position, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    private void ReadLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<byte[], byte[]>? result;
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
                LogClientError(_logger, "reader", e.Error.Reason);
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
                Apply(result.Message.Key, result.Message.Value, result.Offset.Value);
                next = result.Offset.Value + 1;
            }
            lock (_sync)
            {
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

    // Last writer wins per key; a tombstone removes; anything unreadable is skipped (the previous definition, if any,
    // stays), so one bad record never stops a session from starting.
    private void Apply(byte[]? keyBytes, byte[]? value, long offset)
    {
        if (keyBytes is null)
        {
            LogSkipped(_logger, _options.Topic, offset, "it has no key");
            return;
        }
        if (!CatalogRecordCodec.TryDecodeKey(keyBytes, out var key, out var keyError))
        {
            LogSkipped(_logger, _options.Topic, offset, keyError);
            return;
        }
        if (value is null)
        {
            _definitions.Remove(key);
            return;
        }
        if (!CatalogRecordCodec.TryDecodeValue(key, value, out var definition, out var error))
        {
            LogSkipped(_logger, _options.Topic, offset, error);
            return;
        }
        _definitions.Put(definition!);
    }

    private static Dictionary<string, string> ClientConfig(KafkaCatalogStoreOptions options, Dictionary<string, string> overrides)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["client.id"] = "eddy-sql-catalog" };
        foreach (var (key, value) in options.KafkaConfig)
            config[key] = value;
        foreach (var (key, value) in overrides)
            config[key] = value;
        return config;
    }

    // As the registry's store: one partition, cleanup.policy=compact, created when missing with replication factor
    // min(3, live brokers). Metadata is read for all topics, since asking for the one topic could make a broker with
    // auto.create.topics.enable create it with the wrong settings.
    private static async Task EnsureTopicAsync(KafkaCatalogStoreOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        IAdminClient admin;
        try
        {
            admin = new AdminClientBuilder(ClientConfig(options, []))
                .SetLogHandler(static (_, _) => { })
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new CatalogException($"Invalid Kafka client configuration for the catalog store: {e.Message}", e);
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
                throw new CatalogException($"Cannot reach Kafka for the catalog store: {e.Error.Reason}", e);
            }
            var existing = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart);
            if (existing is null)
            {
                var replication = (short)Math.Max(1, Math.Min(3, metadata.Brokers.Count));
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
                    LogCreated(logger, topic, replication);
                }
                catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
                {
                    // Another session created it first; it is checked below like any existing topic.
                }
                catch (KafkaException e)
                {
                    throw new CatalogException($"Cannot create the catalog topic {topic}: {Reason(e)}", e);
                }
            }
            else if (existing.Partitions.Count != 1)
            {
                throw new CatalogException(string.Create(CultureInfo.InvariantCulture,
                    $"The catalog topic {topic} should have only 1 partition but has {existing.Partitions.Count}."));
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
                throw new CatalogException($"Cannot read the configuration of the catalog topic {topic}: {Reason(e)}", e);
            }
            if (policy != "compact")
            {
                throw new CatalogException(
                    $"The retention policy of the catalog topic {topic} is incorrect. Expected cleanup.policy to be 'compact' but it is {policy ?? "null"}.");
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
            return;
        await _stop.CancelAsync();
        if (_reader.IsAlive)
            await Task.Run(() => _reader.Join(TimeSpan.FromSeconds(10)));
        lock (_sync)
        {
            foreach (var (_, done) in _waiters)
                done.TrySetException(new CatalogException("The catalog store is closing."));
            _waiters.Clear();
        }
        _consumer.Dispose();
        _endOffsets.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Catalog store {Client}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string client, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Skipped the record at offset {Offset} of the catalog topic {Topic}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string topic, long offset, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Catalog topic {Topic} read up to offset {Offset}")]
    private static partial void LogReplayed(ILogger logger, string topic, long offset);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Created the catalog topic {Topic} (1 partition, cleanup.policy=compact, replication factor {Replication})")]
    private static partial void LogCreated(ILogger logger, string topic, short replication);
}
