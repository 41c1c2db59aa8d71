using Eddy.CompactedLog;
using Microsoft.Extensions.Logging;

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
/// The catalog's definitions in a compacted topic of one partition (<see cref="CompactedTopicLog"/>, reached only
/// through Confluent.Kafka: the design of the schema registry's store on <c>_schemas</c>). The log's reader follows the
/// partition from its beginning and applies every record, so definitions another session writes appear here within a
/// fetch; a write returns once the reader has applied its offset, so the writer reads its own write;
/// <see cref="CatchUpAsync"/> waits until the reader has applied everything written so far, which a DDL does before it
/// checks whether a name is taken. The latest record of a key wins (compaction keeps only it); a tombstone removes the
/// key. A record that cannot be read (not JSON, an unknown kind, DDL that does not parse) is skipped with a warning.
/// </summary>
internal sealed class KafkaCatalogStore : ICatalogStore
{
    private readonly CatalogDefinitions _definitions;
    private readonly CompactedTopicLog _log;

    private KafkaCatalogStore(CatalogDefinitions definitions, CompactedTopicLog log)
    {
        _definitions = definitions;
        _log = log;
    }

    /// <summary>The topic.</summary>
    public string Topic => _log.Topic;

    /// <summary>The next offset the reader will apply: every record below it is applied.</summary>
    public long Position => _log.Position;

    /// <summary>
    /// Checks the topic (one partition, <c>cleanup.policy=compact</c>) or creates it, starts the reader and returns once
    /// it has read the topic to its end, so the first statement already sees every stored definition.
    /// </summary>
    /// <exception cref="CatalogException">Kafka cannot be reached, the topic is wrong, or it was not read in time.</exception>
    public static async Task<KafkaCatalogStore> OpenAsync(KafkaCatalogStoreOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var definitions = new CatalogDefinitions();
        var logOptions = new CompactedTopicLogOptions
        {
            KafkaConfig = options.KafkaConfig,
            Topic = options.Topic,
            Role = "catalog topic",
            ClientId = "eddy-sql-catalog",
            ReaderGroupId = "eddy-sql-catalog-reader",
            InitTimeout = options.InitTimeout,
            StoreTimeout = options.StoreTimeout,
        };
        try
        {
            return new KafkaCatalogStore(definitions, await CompactedTopicLog.OpenAsync(logOptions, record => Apply(definitions, record), logger, cancellationToken));
        }
        catch (CompactedTopicLogException e)
        {
            throw Error(e);
        }
    }

    public StoredDefinition? Find(CatalogKey key) => _definitions.Find(key);

    public IReadOnlyList<StoredDefinition> Definitions() => _definitions.Snapshot();

    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _log.CatchUpAsync(cancellationToken);
        }
        catch (CompactedTopicLogException e)
        {
            throw Error(e);
        }
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
        try
        {
            await _log.AppendAsync(CatalogRecordCodec.EncodeKey(key), value, cancellationToken);
        }
        catch (CompactedTopicLogException e)
        {
            throw Error(e);
        }
    }

    // Last writer wins per key; a tombstone removes; anything unreadable is skipped (the previous definition, if any,
    // stays) and the log warns with the reason, so one bad record never stops a session from starting.
    private static string? Apply(CatalogDefinitions definitions, CompactedTopicRecord record)
    {
        if (record.Key is null)
            return "it has no key";
        if (!CatalogRecordCodec.TryDecodeKey(record.Key, out var key, out var keyError))
            return keyError;
        if (record.Value is null)
        {
            definitions.Remove(key);
            return null;
        }
        if (!CatalogRecordCodec.TryDecodeValue(key, record.Value, out var definition, out var error))
            return error;
        definitions.Put(definition!);
        return null;
    }

    // The log words most failures as the catalog always has ("the catalog topic ..."); these are the catalog's own.
    private static CatalogException Error(CompactedTopicLogException e) => new(e.Failure switch
    {
        CompactedTopicLogFailure.InvalidConfiguration => $"Invalid Kafka client configuration for the catalog store: {e.Detail}",
        CompactedTopicLogFailure.Unreachable => $"Cannot reach Kafka for the catalog store: {e.Detail}",
        CompactedTopicLogFailure.WriteTimedOut => $"Could not write to the catalog topic {e.Topic}: {e.Detail}",
        CompactedTopicLogFailure.Closed => "The catalog store is closed.",
        _ => e.Message,
    }, e);

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
