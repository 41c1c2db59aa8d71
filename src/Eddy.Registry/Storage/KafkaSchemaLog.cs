using System.Globalization;
using Confluent.Kafka;
using Eddy.CompactedLog;
using Microsoft.Extensions.Logging;

namespace Eddy.Registry.Storage;

/// <summary>
/// The registry's storage: the compacted topic of one partition (<see cref="CompactedTopicLog"/>, reached only through
/// Confluent.Kafka so that it works the same against Eddy's broker and any Kafka cluster) whose reader applies every
/// record to <see cref="RegistryState"/>. A write is acknowledged to the caller only once the reader has applied its
/// offset, so every read after a write sees it (Confluent's and Karapace's read-your-writes). This type words the
/// log's failures as Confluent's registry does.
/// </summary>
public sealed class KafkaSchemaLog : IAsyncDisposable
{
    private readonly RegistryOptions _options;
    private readonly CompactedTopicLog _log;

    private KafkaSchemaLog(RegistryOptions options, CompactedTopicLog log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>The next offset the reader will apply: every record below it is in the state.</summary>
    public long Position => _log.Position;

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
        var logOptions = new CompactedTopicLogOptions
        {
            KafkaConfig = options.KafkaConfig,
            Topic = options.Topic,
            Role = "schema topic",
            ClientId = "eddy-registry",
            ReaderGroupId = "eddy-registry-reader",
            InitTimeout = options.InitTimeout,
            StoreTimeout = options.StoreTimeout,
            // As Confluent's Java store reads it.
            IsolationLevel = IsolationLevel.ReadUncommitted,
        };
        try
        {
            var log = await CompactedTopicLog.OpenAsync(logOptions, record => Apply(state, record), logger, cancellationToken);
            return new KafkaSchemaLog(options, log);
        }
        catch (CompactedTopicLogException e)
        {
            throw StartupError(options, e);
        }
    }

    // Readers of the state take its lock, so a record is applied under it; RegistryState skips what it cannot read.
    private static string? Apply(RegistryState state, CompactedTopicRecord record)
    {
        lock (state.SyncRoot)
        {
            state.Apply(record.Key ?? [], record.Value, record.IsTombstone);
        }
        return null;
    }

    /// <summary>Waits until the reader has applied everything written to the topic so far (by anyone).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _log.CatchUpAsync(cancellationToken);
        }
        catch (CompactedTopicLogException e)
        {
            throw StoreError(e);
        }
    }

    /// <summary>Writes one record (a tombstone when <paramref name="value"/> is null) and returns once the reader applied it.</summary>
    public async Task<long> AppendAsync(RegistryKey key, byte[]? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return await _log.AppendAsync(key.ToBytes(), value, cancellationToken);
        }
        catch (CompactedTopicLogException e)
        {
            throw StoreError(e);
        }
    }

    private RegistryException StoreError(CompactedTopicLogException e) => e.Failure switch
    {
        CompactedTopicLogFailure.EndOffsetFailed =>
            RegistryErrors.StoreErrorOf($"Error while reading the end offset of the Kafka store topic {_options.Topic}: {e.Detail}", e),
        CompactedTopicLogFailure.WriteTimedOut =>
            RegistryErrors.TimeoutError("Write to the Kafka store timed out while waiting for the broker's acknowledgement", e),
        CompactedTopicLogFailure.WriteFailed =>
            RegistryErrors.StoreErrorOf($"Error while writing to the backend Kafka store: {e.Detail}", e),
        CompactedTopicLogFailure.ReadBackTimedOut => RegistryErrors.TimeoutError(string.Create(CultureInfo.InvariantCulture,
            $"Write to the Kafka store timed out while waiting for the reader to reach offset {e.Offset}"), e),
        CompactedTopicLogFailure.Closed => RegistryErrors.StoreErrorOf("The schema store is shutting down", e),
        _ => RegistryErrors.StoreErrorOf(e.Message, e),
    };

    private static RegistryStartupException StartupError(RegistryOptions options, CompactedTopicLogException e)
    {
        var topic = options.Topic;
        var message = e.Failure switch
        {
            CompactedTopicLogFailure.InvalidConfiguration => $"invalid Kafka client configuration for the schema store: {e.Detail}",
            CompactedTopicLogFailure.Unreachable => $"cannot reach Kafka at {options.BootstrapServers}: {e.Detail}",
            CompactedTopicLogFailure.CreateFailed => $"cannot create the schema topic {topic}: {e.Detail}",
            CompactedTopicLogFailure.TooManyPartitions => string.Create(CultureInfo.InvariantCulture,
                $"The schema topic {topic} should have only 1 partition but has {e.Partitions}."),
            CompactedTopicLogFailure.DescribeFailed => $"cannot read the configuration of the schema topic {topic}: {e.Detail}",
            CompactedTopicLogFailure.NotCompacted =>
                $"The retention policy of the schema topic {topic} is incorrect. Expected cleanup.policy to be 'compact' but it is {e.CleanupPolicy ?? "null"}",
            CompactedTopicLogFailure.InitTimedOut => string.Create(CultureInfo.InvariantCulture,
                $"could not read the schema topic {topic} to its end within {options.InitTimeout.TotalSeconds:0} s"),
            CompactedTopicLogFailure.EndOffsetFailed =>
                $"could not read the schema topic {topic} to its end: Error while reading the end offset of the Kafka store topic {topic}: {e.Detail}",
            _ => e.Message,
        };
        return new RegistryStartupException(message, e);
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
