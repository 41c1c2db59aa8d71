using System.Net;
using Eddy.Broker.Configuration;
using Eddy.Broker.Groups;
using Eddy.Broker.Handlers;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Broker.Transactions;
using Eddy.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Broker;

/// <summary>
/// An Eddy broker: the Kafka listener plus the partition logs under its data directory.
/// <c>await using var broker = await KafkaBroker.StartAsync(options);</c> runs one in-process (tests and <c>eddy up</c> both do).
/// </summary>
public sealed partial class KafkaBroker : IAsyncDisposable
{
    private readonly DataDirectory _dataDirectory;
    private readonly TopicManager _topics;
    private readonly OffsetStore _offsets;
    private readonly GroupCoordinator _groups;
    private readonly TransactionLog _transactionLog;
    private readonly TransactionCoordinator _transactions;
    private readonly LogCleanerService? _cleaner;
    private readonly KafkaListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _maintenance;
    private readonly ILogger _logger;
    private int _disposed;

    private KafkaBroker(BrokerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Options = options;
        _logger = loggerFactory.CreateLogger<KafkaBroker>();
        _dataDirectory = DataDirectory.Open(options.DataDirectory, options.ClusterId, options.NodeId);
        try
        {
            Configuration = new BrokerConfiguration(options);
            _topics = new TopicManager(options, Configuration.TopicDefaults, time, loggerFactory);
            Configuration.Changed += _ => _topics.ApplyTopicDefaults(Configuration.TopicDefaults);
            Configuration.Changed += _ => _listener?.UpdateLimits(
                (int)Configuration.GetLong(BrokerConfigs.MaxConnections), (int)Configuration.GetLong(BrokerConfigs.MaxConnectionsPerIp));
            _topics.Load();
            var endPoint = new IPEndPoint(ParseHost(options.ListenHost), options.ListenPort);
            _listener = new KafkaListener(endPoint, new ConnectionLimits(
                options.SocketRequestMaxBytes, options.MaxConnections, options.MaxConnectionsPerIp, options.ConnectionsMaxIdleMs, options.QueuedMaxRequestBytes), loggerFactory);
            LocalEndPoint = _listener.LocalEndPoint;
            // A listen port of 0 picks a free port (tests do this); Metadata must then advertise the real one.
            var identity = new BrokerIdentity(options, _dataDirectory.ClusterId, options.AdvertisedPort == 0 ? LocalEndPoint.Port : options.AdvertisedPort);
            BootstrapServers = $"{identity.Host}:{identity.Port}";
            var waiters = new AppendWaiters(_topics);
            _offsets = new OffsetStore(_topics.InternalLog(TopicNames.ConsumerOffsets), time);
            _groups = new GroupCoordinator(_offsets, options.GroupInitialRebalanceDelayMs, options.OffsetsRetentionMs, time, loggerFactory.CreateLogger<GroupCoordinator>());
            _transactionLog = new TransactionLog(_topics.InternalLog(TopicNames.TransactionState), time);
            _transactions = new TransactionCoordinator(
                _transactionLog,
                new ProducerIdManager(options.DataDirectory),
                new TransactionMarkerWriter(_topics, _offsets, time, loggerFactory.CreateLogger<TransactionMarkerWriter>()),
                options.TransactionMaxTimeoutMs,
                options.TransactionAbortTimedOutIntervalMs,
                options.TransactionalIdExpirationMs,
                time,
                loggerFactory.CreateLogger<TransactionCoordinator>());
            var dispatcher = new RequestDispatcher(new Dictionary<ApiKey, IRequestHandler>
            {
                [ApiKey.ApiVersions] = new ApiVersionsHandler(),
                [ApiKey.Metadata] = new MetadataHandler(_topics, identity),
                [ApiKey.Produce] = new ProduceHandler(_topics, _transactions, time),
                [ApiKey.Fetch] = new FetchHandler(_topics, waiters, time),
                [ApiKey.ListOffsets] = new ListOffsetsHandler(_topics),
                [ApiKey.OffsetForLeaderEpoch] = new OffsetForLeaderEpochHandler(_topics),
                [ApiKey.CreateTopics] = new CreateTopicsHandler(_topics, identity),
                [ApiKey.DeleteTopics] = new DeleteTopicsHandler(_topics),
                [ApiKey.CreatePartitions] = new CreatePartitionsHandler(_topics, identity),
                [ApiKey.DeleteRecords] = new DeleteRecordsHandler(_topics),
                [ApiKey.DescribeConfigs] = new DescribeConfigsHandler(_topics, Configuration),
                [ApiKey.AlterConfigs] = new AlterConfigsHandler(_topics, Configuration),
                [ApiKey.IncrementalAlterConfigs] = new IncrementalAlterConfigsHandler(_topics, Configuration),
                [ApiKey.DescribeCluster] = new DescribeClusterHandler(identity),
                [ApiKey.FindCoordinator] = new FindCoordinatorHandler(identity),
                [ApiKey.JoinGroup] = new JoinGroupHandler(_groups),
                [ApiKey.SyncGroup] = new SyncGroupHandler(_groups),
                [ApiKey.Heartbeat] = new HeartbeatHandler(_groups),
                [ApiKey.LeaveGroup] = new LeaveGroupHandler(_groups),
                [ApiKey.OffsetCommit] = new OffsetCommitHandler(_groups, _topics, time),
                [ApiKey.OffsetFetch] = new OffsetFetchHandler(_groups),
                [ApiKey.DescribeGroups] = new DescribeGroupsHandler(_groups),
                [ApiKey.ListGroups] = new ListGroupsHandler(_groups),
                [ApiKey.DeleteGroups] = new DeleteGroupsHandler(_groups),
                [ApiKey.OffsetDelete] = new OffsetDeleteHandler(_groups),
                [ApiKey.InitProducerId] = new InitProducerIdHandler(_transactions),
                [ApiKey.AddPartitionsToTxn] = new AddPartitionsToTxnHandler(_transactions, _topics),
                [ApiKey.AddOffsetsToTxn] = new AddOffsetsToTxnHandler(_transactions),
                [ApiKey.EndTxn] = new EndTxnHandler(_transactions),
                [ApiKey.TxnOffsetCommit] = new TxnOffsetCommitHandler(_groups, _transactions, _topics, time),
                [ApiKey.DescribeTransactions] = new DescribeTransactionsHandler(_transactions),
                [ApiKey.ListTransactions] = new ListTransactionsHandler(_transactions, time),
                [ApiKey.DescribeProducers] = new DescribeProducersHandler(_topics),
            });
            if (options.LogCleanerEnable)
            {
                _cleaner = new LogCleanerService(
                    _topics.AllPartitions,
                    () => TimeSpan.FromMilliseconds(Configuration.GetLong(BrokerConfigs.LogCleanerBackoffMs)), time, loggerFactory.CreateLogger<LogCleanerService>());
            }
            _listener.Start(dispatcher);
            _maintenance = RunMaintenanceAsync(time);
        }
        catch
        {
            _listener?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _cleaner?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _transactions?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _groups?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _topics?.Dispose();
            _dataDirectory.Dispose();
            throw;
        }
    }

    public BrokerOptions Options { get; }

    /// <summary>The configuration in force: <see cref="Options"/>' static values under the dynamic ones set since.</summary>
    public BrokerConfiguration Configuration { get; }

    public string ClusterId => _dataDirectory.ClusterId;

    /// <summary>The endpoint the listener is bound to (the actual port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>host:port as clients should use it for bootstrap.servers.</summary>
    public string BootstrapServers { get; }

    public TopicManager Topics => _topics;

    /// <summary>Open client connections (for tests of the connection limits).</summary>
    internal int ConnectionCount => _listener.ConnectionCount;

    /// <summary>Requests whose handler is running, a parked Fetch or JoinGroup included (for tests).</summary>
    internal int InFlightRequests => _listener.InFlightRequests;

    /// <summary>queued.max.request.bytes' pool (for tests).</summary>
    internal RequestMemoryPool RequestMemory => _listener.RequestMemory;

    public GroupCoordinator Groups => _groups;

    public TransactionCoordinator Transactions => _transactions;

    public static Task<KafkaBroker> StartAsync(BrokerOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new KafkaBroker(options, loggerFactory ?? NullLoggerFactory.Instance, TimeProvider.System));
    }

    private static IPAddress ParseHost(string host) =>
        host.Length == 0 || host == "0.0.0.0" ? IPAddress.Any
        : host == "::" ? IPAddress.IPv6Any
        : IPAddress.TryParse(host, out var address) ? address
        : host == "localhost" ? IPAddress.Loopback
        : Dns.GetHostAddresses(host)[0];

    private async Task RunMaintenanceAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, Options.RetentionCheckIntervalMs)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var partition in _topics.AllPartitions())
                {
                    try
                    {
                        partition.Log.ExpireProducers(now, Configuration.GetLong(BrokerConfigs.ProducerIdExpirationMs));
                    }
                    catch (ObjectDisposedException) when (partition.IsDeleted)
                    {
                        // The topic was deleted meanwhile.
                    }
                }
                var deleted = _topics.EnforceRetention();
                if (deleted > 0)
                {
                    LogRetention(deleted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Stops accepting connections, closes those open, and closes every log cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _listener.DisposeAsync();
        await _maintenance;
        if (_cleaner is not null)
        {
            await _cleaner.DisposeAsync();
        }
        await _transactions.DisposeAsync();
        await _groups.DisposeAsync();
        _topics.Dispose();
        _dataDirectory.Dispose();
        _stopping.Dispose();
        LogStopped();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} segments")]
    private partial void LogRetention(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopped")]
    private partial void LogStopped();
}
