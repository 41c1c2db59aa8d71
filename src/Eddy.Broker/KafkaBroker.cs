using System.Net;
using Eddy.Broker.Configuration;
using Eddy.Broker.Groups;
using Eddy.Broker.Handlers;
using Eddy.Broker.Metrics;
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
    private readonly BrokerMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private Task _maintenance = Task.CompletedTask;
    private readonly ILogger _logger;
    private int _disposed;

    // Only assigns: everything it is given was opened (and recovered) by OpenAsync.
    private KafkaBroker(BrokerOptions options, Parts parts, ILoggerFactory loggerFactory)
    {
        Options = options;
        _logger = loggerFactory.CreateLogger<KafkaBroker>();
        _dataDirectory = parts.DataDirectory;
        Configuration = parts.Configuration;
        _topics = parts.Topics;
        _offsets = parts.Offsets;
        _groups = parts.Groups;
        _transactionLog = parts.TransactionLog;
        _transactions = parts.Transactions;
        _cleaner = parts.Cleaner;
        _listener = parts.Listener;
        _metrics = parts.Metrics;
        Lag = parts.Lag;
        LocalEndPoint = parts.Listener.LocalEndPoint;
        BootstrapServers = parts.BootstrapServers;
    }

    /// <summary>What <see cref="OpenAsync"/> brings up, handed to the constructor.</summary>
    private sealed record Parts(
        DataDirectory DataDirectory,
        BrokerConfiguration Configuration,
        TopicManager Topics,
        OffsetStore Offsets,
        GroupCoordinator Groups,
        TransactionLog TransactionLog,
        TransactionCoordinator Transactions,
        LogCleanerService? Cleaner,
        KafkaListener Listener,
        RequestDispatcher Dispatcher,
        BrokerMetrics Metrics,
        GroupLagCalculator Lag,
        string BootstrapServers);

    /// <summary>
    /// Opens the data directory and every log (recovering them), reloads the groups and transactions, binds the
    /// listener: synchronous disk I/O, done by <see cref="StartAsync"/> before the broker exists. Cancellation is
    /// honoured between the steps; whatever was opened is closed again when a step fails or is cancelled.
    /// </summary>
    private static async Task<Parts> OpenAsync(BrokerOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataDirectory = DataDirectory.Open(options.DataDirectory, options.ClusterId, options.NodeId);
        TopicManager? topics = null;
        GroupCoordinator? groups = null;
        TransactionCoordinator? transactions = null;
        LogCleanerService? cleaner = null;
        KafkaListener? listener = null;
        var metrics = new BrokerMetrics();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var configuration = new BrokerConfiguration(options);
            topics = new TopicManager(options, configuration.TopicDefaults, time, loggerFactory);
            var topicManager = topics;
            configuration.Changed += _ => topicManager.ApplyTopicDefaults(configuration.TopicDefaults);
            topics.Load();
            cancellationToken.ThrowIfCancellationRequested();
            var endPoint = new IPEndPoint(ParseHost(options.ListenHost), options.ListenPort);
            listener = new KafkaListener(endPoint, new ConnectionLimits(
                options.SocketRequestMaxBytes, options.MaxConnections, options.MaxConnectionsPerIp, options.ConnectionsMaxIdleMs, options.QueuedMaxRequestBytes), loggerFactory, metrics);
            var boundListener = listener;
            configuration.Changed += _ => boundListener.UpdateLimits(
                (int)configuration.GetLong(BrokerConfigs.MaxConnections), (int)configuration.GetLong(BrokerConfigs.MaxConnectionsPerIp));
            // A listen port of 0 picks a free port (tests do this); Metadata must then advertise the real one.
            var identity = new BrokerIdentity(options, dataDirectory.ClusterId, options.AdvertisedPort == 0 ? listener.LocalEndPoint.Port : options.AdvertisedPort);
            var waiters = new AppendWaiters(topics);
            var offsets = new OffsetStore(topics.InternalLog(TopicNames.ConsumerOffsets), time);
            groups = new GroupCoordinator(offsets, options.GroupInitialRebalanceDelayMs, options.OffsetsRetentionMs, time, loggerFactory.CreateLogger<GroupCoordinator>());
            cancellationToken.ThrowIfCancellationRequested();
            var transactionLog = new TransactionLog(topics.InternalLog(TopicNames.TransactionState), time);
            transactions = new TransactionCoordinator(
                transactionLog,
                new ProducerIdManager(options.DataDirectory),
                new TransactionMarkerWriter(topics, offsets, time, loggerFactory.CreateLogger<TransactionMarkerWriter>()),
                options.TransactionMaxTimeoutMs,
                options.TransactionAbortTimedOutIntervalMs,
                options.TransactionalIdExpirationMs,
                time,
                loggerFactory.CreateLogger<TransactionCoordinator>());
            var dispatcher = new RequestDispatcher(new Dictionary<ApiKey, IRequestHandler>
            {
                [ApiKey.ApiVersions] = new ApiVersionsHandler(),
                [ApiKey.Metadata] = new MetadataHandler(topics, identity),
                [ApiKey.Produce] = new ProduceHandler(topics, transactions, time),
                [ApiKey.Fetch] = new FetchHandler(topics, waiters, time),
                [ApiKey.ListOffsets] = new ListOffsetsHandler(topics),
                [ApiKey.OffsetForLeaderEpoch] = new OffsetForLeaderEpochHandler(topics),
                [ApiKey.CreateTopics] = new CreateTopicsHandler(topics, identity),
                [ApiKey.DeleteTopics] = new DeleteTopicsHandler(topics),
                [ApiKey.CreatePartitions] = new CreatePartitionsHandler(topics, identity),
                [ApiKey.DeleteRecords] = new DeleteRecordsHandler(topics),
                [ApiKey.DescribeConfigs] = new DescribeConfigsHandler(topics, configuration),
                [ApiKey.AlterConfigs] = new AlterConfigsHandler(topics, configuration),
                [ApiKey.IncrementalAlterConfigs] = new IncrementalAlterConfigsHandler(topics, configuration),
                [ApiKey.DescribeCluster] = new DescribeClusterHandler(identity),
                [ApiKey.FindCoordinator] = new FindCoordinatorHandler(identity),
                [ApiKey.JoinGroup] = new JoinGroupHandler(groups),
                [ApiKey.SyncGroup] = new SyncGroupHandler(groups),
                [ApiKey.Heartbeat] = new HeartbeatHandler(groups),
                [ApiKey.LeaveGroup] = new LeaveGroupHandler(groups),
                [ApiKey.OffsetCommit] = new OffsetCommitHandler(groups, topics, time),
                [ApiKey.OffsetFetch] = new OffsetFetchHandler(groups),
                [ApiKey.DescribeGroups] = new DescribeGroupsHandler(groups),
                [ApiKey.ListGroups] = new ListGroupsHandler(groups),
                [ApiKey.DeleteGroups] = new DeleteGroupsHandler(groups),
                [ApiKey.OffsetDelete] = new OffsetDeleteHandler(groups),
                [ApiKey.InitProducerId] = new InitProducerIdHandler(transactions),
                [ApiKey.AddPartitionsToTxn] = new AddPartitionsToTxnHandler(transactions, topics),
                [ApiKey.AddOffsetsToTxn] = new AddOffsetsToTxnHandler(transactions),
                [ApiKey.EndTxn] = new EndTxnHandler(transactions),
                [ApiKey.TxnOffsetCommit] = new TxnOffsetCommitHandler(groups, transactions, topics, time),
                [ApiKey.DescribeTransactions] = new DescribeTransactionsHandler(transactions),
                [ApiKey.ListTransactions] = new ListTransactionsHandler(transactions, time),
                [ApiKey.DescribeProducers] = new DescribeProducersHandler(topics),
            });
            if (options.LogCleanerEnable)
            {
                cleaner = new LogCleanerService(
                    topicManager.AllPartitions,
                    () => TimeSpan.FromMilliseconds(configuration.GetLong(BrokerConfigs.LogCleanerBackoffMs)), time, loggerFactory.CreateLogger<LogCleanerService>());
            }
            cancellationToken.ThrowIfCancellationRequested();
            var lag = new GroupLagCalculator(topics, offsets, time);
            metrics.Observe(listener, topics, groups, lag, transactions, cleaner, options.DataDirectory, time);
            return new Parts(dataDirectory, configuration, topics, offsets, groups, transactionLog, transactions, cleaner, listener, dispatcher,
                metrics, lag, $"{identity.Host}:{identity.Port}");
        }
        catch
        {
            if (listener is not null)
            {
                await listener.DisposeAsync();
            }
            if (cleaner is not null)
            {
                await cleaner.DisposeAsync();
            }
            if (transactions is not null)
            {
                await transactions.DisposeAsync();
            }
            if (groups is not null)
            {
                await groups.DisposeAsync();
            }
            metrics.Dispose();
            topics?.Dispose();
            dataDirectory.Dispose();
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

    /// <summary>The broker's instruments (for a metrics endpoint such as <c>eddy up</c>'s).</summary>
    public BrokerMetrics Metrics => _metrics;

    /// <summary>Every group's lag per partition, in records and seconds, as the metrics endpoint reports it.</summary>
    public GroupLagCalculator Lag { get; }

    public TransactionCoordinator Transactions => _transactions;

    /// <summary>
    /// Opens the data directory and its logs (recovering them after a crash), then starts listening, on the thread pool
    /// rather than on the caller's thread; cancellation is honoured between the opening's steps.
    /// </summary>
    public static async Task<KafkaBroker> StartAsync(BrokerOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        loggerFactory ??= NullLoggerFactory.Instance;
        var time = TimeProvider.System;
        // Opened and started on the thread pool: the opening is synchronous disk I/O (recovery can take a while), and the
        // broker's loops must not run on the caller's synchronization context, which may be single-threaded or busy.
        // A caller that then blocks pool threads itself can starve them (Parallel.ForEach over blocking librdkafka
        // Consume calls on a pool thread kept the pool from adding threads for seconds), as it would any async server.
        return await Task.Run(async () =>
        {
            var parts = await OpenAsync(options, loggerFactory, time, cancellationToken);
            var broker = new KafkaBroker(options, parts, loggerFactory);
            try
            {
                broker.Start(parts.Dispatcher, time);
            }
            catch
            {
                await broker.DisposeAsync();
                throw;
            }
            return broker;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Accepts connections and starts the periodic maintenance (producer expiry, retention).</summary>
    private void Start(RequestDispatcher dispatcher, TimeProvider time)
    {
        _listener.Start(dispatcher);
        _maintenance = RunMaintenanceAsync(time);
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
        // The instruments go first: a scrape must not read logs that are being closed.
        _metrics.Dispose();
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
