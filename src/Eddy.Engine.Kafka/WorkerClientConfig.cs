using Confluent.Kafka;

namespace Eddy.Engine.Kafka;

/// <summary>
/// The configurations of a worker's clients (a stream thread's consumer and producer, the restore consumers), with a
/// user's client properties (<see cref="JobWorkerOptions.ClientConfig"/>) laid over them. Stateless: safe from any thread.
/// </summary>
internal static class WorkerClientConfig
{
    /// <summary>Kafka Streams' EOS choice: a dead worker's open transaction blocks its partitions' successors this long at most.</summary>
    public const int TransactionTimeoutMs = 10_000;

    /// <summary>
    /// No KIP-1102 re-bootstrap when every broker is down (as when a single broker restarts): librdkafka 2.16 then
    /// decommissions the broker it cached as group coordinator and SendOffsetsToTransaction waits for it forever
    /// (librdkafka issue #5511). Without re-bootstrap the client reconnects to the brokers it knows.
    /// </summary>
    public const MetadataRecoveryStrategy NoRebootstrap = MetadataRecoveryStrategy.None;

    /// <summary>
    /// What the worker decides itself: where and as whom it connects to the job's group and transactions, how it reads
    /// (read_committed, no auto-commit, from the earliest offset) and assigns partitions (range: co-partitioned inputs
    /// of a task stay together), and whether records get delivery reports and what these carry.
    /// </summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "metadata.broker.list", "group.id", "group.instance.id", "transactional.id", "enable.idempotence",
        "isolation.level", "enable.auto.commit", "enable.auto.offset.store", "auto.offset.reset", "partition.assignment.strategy",
        "group.protocol", "enable.partition.eof", "delivery.report.fields", "transaction.timeout.ms",
        "dotnet.producer.enable.delivery.reports",
    };

    /// <summary>A stream thread's producer: transactional (<paramref name="transactionalId"/>) when exactly once.</summary>
    public static ProducerConfig StreamProducer(JobWorkerOptions options, string transactionalId)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            EnableIdempotence = true,
            // Batches of 20 ms rather than 5: a quarter of the produce requests for the same records (less CPU in the client
            // and the broker per record), while the commit every 100 ms still has little left to flush.
            LingerMs = 20,
            // A commit interval's outputs may outnumber its inputs (flatMap, windows firing): room for them.
            QueueBufferingMaxMessages = 1_000_000,
            MetadataRecoveryStrategy = NoRebootstrap,
        }.Overlay(options.ClientConfig);
        if (options.Guarantee == ProcessingGuarantee.ExactlyOnce)
        {
            config.TransactionalId = transactionalId;
            config.TransactionTimeoutMs = TransactionTimeoutMs;
            // A failed delivery fails the commit, so no record needs its report: without them librdkafka calls back
            // into .NET for none of the records (Confluent.Kafka marshals every report it is called back with, handler
            // or not: an allocation and a native-to-managed transition per record on the producer's poll thread).
            config.EnableDeliveryReports = false;
        }

        return config;
    }

    /// <summary>A stream thread's consumer in the job's group <paramref name="groupId"/>.</summary>
    public static ConsumerConfig StreamConsumer(JobWorkerOptions options, string groupId) => new ConsumerConfig
    {
        BootstrapServers = options.BootstrapServers,
        GroupId = groupId,
        EnableAutoCommit = false,
        IsolationLevel = IsolationLevel.ReadCommitted,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
        SessionTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds,
        // A member learns that the group is rebalancing from its next heartbeat: librdkafka's 3 s default left
        // a worker's first thread owning every partition for up to 3 s while its other threads waited to join.
        HeartbeatIntervalMs = Math.Max(100, (int)options.SessionTimeout.TotalMilliseconds / 20),
        // Larger fetches than librdkafka's defaults: the thread reads many small records per interval.
        FetchMaxBytes = 32 * 1024 * 1024,
        MaxPartitionFetchBytes = 8 * 1024 * 1024,
        QueuedMaxMessagesKbytes = 64 * 1024,
        MetadataRecoveryStrategy = NoRebootstrap,
        // A stream–table join's stream waits until its table partition reaches its end (TableBootstrap).
        EnablePartitionEof = true,
    }.Overlay(options.ClientConfig);

    /// <summary>A consumer that replays changelogs (assigned partitions, never subscribed) with the given isolation.</summary>
    public static ConsumerConfig RestoreConsumer(string bootstrapServers, IReadOnlyDictionary<string, string> clientConfig, string jobName,
        IsolationLevel isolation) => new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = $"{jobName}-restore",
        EnableAutoCommit = false,
        IsolationLevel = isolation,
        EnablePartitionEof = true,
        // Restores end on an empty fetch at the log end: do not let the broker hold it for long.
        FetchWaitMaxMs = 20,
    }.Overlay(clientConfig);

    /// <summary>Sets every property of <paramref name="user"/> on <paramref name="config"/> except the reserved ones; returns it.</summary>
    public static T Overlay<T>(this T config, IReadOnlyDictionary<string, string> user)
        where T : ClientConfig
    {
        foreach (var (key, value) in user)
        {
            if (!Reserved.Contains(key))
            {
                config.Set(key, value);
            }
        }
        return config;
    }
}
