using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Client;

/// <summary>
/// A small Kafka admin client over raw protocol requests, for the APIs Confluent.Kafka's AdminClient lacks. It
/// bootstraps from a list of addresses, learns the brokers from Metadata, finds coordinators with FindCoordinator,
/// keeps one connection per broker, and asks again (with backoff, until the request timeout) when a broker answers
/// with a retriable error such as COORDINATOR_LOAD_IN_PROGRESS or NOT_COORDINATOR. Plaintext listeners only.
/// Failures are <see cref="KafkaClientException"/>s.
/// </summary>
public sealed class KafkaProtocolClient : IAsyncDisposable
{
    /// <summary>FindCoordinator key type for transactional ids.</summary>
    public const sbyte TransactionKeyType = 1;

    private readonly IReadOnlyList<BrokerAddress> _bootstrap;
    private readonly KafkaClientOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task<BrokerConnection>> _connections = new(StringComparer.Ordinal);
    private readonly List<BrokerAddress> _knownBrokers = [];

    /// <summary>A client that bootstraps from <paramref name="bootstrap"/> (at least one address); it connects on first use.</summary>
    public KafkaProtocolClient(IReadOnlyList<BrokerAddress> bootstrap, KafkaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(bootstrap);
        ArgumentNullException.ThrowIfNull(options);
        if (bootstrap.Count == 0)
        {
            throw new ArgumentException("no bootstrap server given", nameof(bootstrap));
        }
        _bootstrap = bootstrap;
        _options = options;
    }

    /// <summary>How long one request, and the retries of one operation, may take.</summary>
    public TimeSpan RequestTimeout => _options.RequestTimeout;

    /// <summary>Cluster metadata: every broker, and the topics asked for (null: all topics; empty: none).</summary>
    public async Task<ClusterMetadata> MetadataAsync(IReadOnlyList<string>? topics, CancellationToken cancellationToken)
    {
        var connection = await AnyConnectionAsync(cancellationToken);
        var version = connection.RequireVersion(ApiKey.Metadata, "Metadata");
        var request = new MetadataRequest { AllowAutoTopicCreation = false };
        if (topics is null)
        {
            // v0 has no null array: an empty list meant "all topics" then.
            request.Topics = version >= 1 ? null : [];
        }
        else
        {
            request.Topics = [.. topics.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t })];
        }
        var response = await connection.SendAsync<MetadataResponse>(request, version, cancellationToken);
        var brokers = response.Brokers.Select(b => new BrokerAddress(b.Host, b.Port, b.NodeId)).OrderBy(b => b.NodeId).ToList();
        lock (_lock)
        {
            _knownBrokers.Clear();
            _knownBrokers.AddRange(brokers);
        }
        var described = response.Topics
            .Where(t => t.Name is not null)
            .Select(t => new TopicMetadata(
                t.Name!,
                t.ErrorCode,
                t.IsInternal,
                [.. t.Partitions.OrderBy(p => p.PartitionIndex).Select(p => new PartitionMetadata(p.PartitionIndex, p.ErrorCode, p.LeaderId, [.. p.ReplicaNodes]))]))
            .ToList();
        return new ClusterMetadata(brokers, described);
    }

    /// <summary>The coordinator of <paramref name="key"/> (a transactional id with <see cref="TransactionKeyType"/>).</summary>
    public async Task<BrokerAddress> FindCoordinatorAsync(string key, sbyte keyType, CancellationToken cancellationToken)
    {
        var retry = new RetryBackoff(RequestTimeout);
        while (true)
        {
            var connection = await AnyConnectionAsync(cancellationToken);
            // Key types other than groups came with v1.
            var version = connection.RequireVersion(ApiKey.FindCoordinator, "FindCoordinator for transactional ids", minimum: keyType == 0 ? (short)0 : (short)1);
            var request = new FindCoordinatorRequest { KeyType = keyType };
            if (version >= 4)
            {
                request.CoordinatorKeys = [key];
            }
            else
            {
                request.Key = key;
            }
            var response = await connection.SendAsync<FindCoordinatorResponse>(request, version, cancellationToken);
            var (error, message, nodeId, host, port) = version >= 4
                ? response.Coordinators.FirstOrDefault(c => c.Key == key) is { } c
                    ? (c.ErrorCode, c.ErrorMessage, c.NodeId, c.Host, c.Port)
                    : ((short)ErrorCode.CoordinatorNotAvailable, "the answer did not name the key", -1, "", -1)
                : (response.ErrorCode, response.ErrorMessage, response.NodeId, response.Host, response.Port);
            if (error == 0)
            {
                return new BrokerAddress(host, port, nodeId);
            }
            var failure = $"could not find the coordinator of '{key}': {ProtocolErrors.Format(error, message)}";
            if (!ProtocolErrors.IsRetriable(error) || !await retry.WaitAsync(cancellationToken))
            {
                throw new KafkaClientException((ErrorCode)error, failure);
            }
        }
    }

    /// <summary>A connection to <paramref name="address"/>, reused while it is healthy.</summary>
    public async Task<BrokerConnection> ConnectAsync(BrokerAddress address, CancellationToken cancellationToken)
    {
        var key = address.ToString();
        Task<BrokerConnection> task;
        lock (_lock)
        {
            if (!_connections.TryGetValue(key, out task!) || task.IsFaulted || task.IsCanceled || (task.IsCompletedSuccessfully && !task.Result.IsUsable))
            {
                if (task is { IsCompletedSuccessfully: true })
                {
                    task.Result.Dispose();
                }
                task = BrokerConnection.ConnectAsync(address, _options, cancellationToken);
                _connections[key] = task;
            }
        }
        return await task;
    }

    /// <summary>A connection to any broker: a known one or the first bootstrap server that answers.</summary>
    public async Task<BrokerConnection> AnyConnectionAsync(CancellationToken cancellationToken)
    {
        List<BrokerAddress> candidates;
        lock (_lock)
        {
            var healthy = _connections.Values.FirstOrDefault(t => t.IsCompletedSuccessfully && t.Result.IsUsable);
            if (healthy is not null)
            {
                return healthy.Result;
            }
            candidates = [.. _bootstrap, .. _knownBrokers];
        }
        var failures = new List<KafkaClientException>();
        foreach (var address in candidates.DistinctBy(a => a.ToString()))
        {
            try
            {
                return await ConnectAsync(address, cancellationToken);
            }
            catch (KafkaClientException e)
            {
                failures.Add(e);
            }
        }
        throw failures.Count == 1
            ? failures[0]
            : new KafkaClientException(ErrorCode.NetworkException, $"no broker could be reached: {string.Join("; ", failures.Select(f => f.Message))}");
    }

    /// <summary>Closes every connection.</summary>
    public ValueTask DisposeAsync()
    {
        List<Task<BrokerConnection>> connections;
        lock (_lock)
        {
            connections = [.. _connections.Values];
            _connections.Clear();
        }
        foreach (var task in connections)
        {
            if (task.IsCompletedSuccessfully)
            {
                task.Result.Dispose();
            }
            else
            {
                // Still connecting or failed: observe it so a late failure is not reported as unobserved.
                _ = task.ContinueWith(static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }
                    _ = t.Exception;
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>What Metadata said: the brokers (with node ids) and the topics asked for.</summary>
/// <param name="Brokers">Every broker, by node id.</param>
/// <param name="Topics">The topics asked for.</param>
public sealed record ClusterMetadata(IReadOnlyList<BrokerAddress> Brokers, IReadOnlyList<TopicMetadata> Topics)
{
    /// <summary>The broker with node id <paramref name="nodeId"/>, or null.</summary>
    public BrokerAddress? Broker(int nodeId) => Brokers.FirstOrDefault(b => b.NodeId == nodeId);
}

/// <summary>One topic in Metadata: its error (0 when none), whether it is internal, its partitions by index.</summary>
public sealed record TopicMetadata(string Name, short ErrorCode, bool IsInternal, IReadOnlyList<PartitionMetadata> Partitions);

/// <summary>One partition in Metadata: its error (0 when none), its leader's node id (-1: none) and its replicas.</summary>
public sealed record PartitionMetadata(int Partition, short ErrorCode, int Leader, IReadOnlyList<int> Replicas);
