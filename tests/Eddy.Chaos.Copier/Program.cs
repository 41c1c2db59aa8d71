using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

// eddy-copier BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID COMMIT_INTERVAL_MS TRANSACTION_TIMEOUT_MS
//
// Copies every record of INPUT to OUTPUT exactly once, the way an exactly-once stream processor does (EOS v2): a
// read_committed consumer in GROUP, one transactional producer, and per commit interval one transaction holding the
// copies and the consumed offsets (SendOffsetsToTransaction). An abortable error aborts the transaction and rewinds
// the consumer to the committed offsets; a fatal one (fenced by a newer instance or by the coordinator's timeout)
// ends the process with exit code 2, and the test starts a new instance with the same transactional id.
// Prints "committed <records>" after each commit, for the test to follow progress. A watchdog ends the process
// (exit code 3) if one transaction takes far longer than its calls' timeouts: librdkafka can wait forever for a
// group coordinator that came back while it was not looking, and a supervisor restarting the copier is the cure a
// real deployment would use too.
if (args.Length != 7)
{
    await Console.Error.WriteLineAsync("usage: eddy-copier BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID COMMIT_INTERVAL_MS TRANSACTION_TIMEOUT_MS");
    return 64;
}
var (bootstrap, input, output, group, transactionalId) = (args[0], args[1], args[2], args[3], args[4]);
var commitInterval = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture));
var transactionTimeoutMs = int.Parse(args[6], CultureInfo.InvariantCulture);

// A rebalance moves the consumer to the committed offsets: the open transaction's copies must then be aborted.
var revoked = false;
using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
{
    BootstrapServers = bootstrap,
    GroupId = group,
    IsolationLevel = IsolationLevel.ReadCommitted,
    EnableAutoCommit = false,
    AutoOffsetReset = AutoOffsetReset.Earliest,
    SessionTimeoutMs = 6000,
    HeartbeatIntervalMs = 500,
})
.SetPartitionsRevokedHandler((_, _) => revoked = true)
.SetPartitionsLostHandler((_, _) => revoked = true)
.Build();
using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
{
    BootstrapServers = bootstrap,
    TransactionalId = transactionalId,
    TransactionTimeoutMs = transactionTimeoutMs,
    LingerMs = 5,
    // librdkafka's own trace of the transaction protocol, when a test run needs explaining.
    Debug = Environment.GetEnvironmentVariable("EDDY_COPIER_DEBUG"),
}).Build();

var transactionStarted = Stopwatch.StartNew();
using var watchdog = new Timer(_ =>
{
    if (transactionStarted.Elapsed > TimeSpan.FromSeconds(45))
    {
        Console.WriteLine($"watchdog: one transaction has taken {transactionStarted.Elapsed.TotalSeconds:F0} s; exiting");
        Environment.Exit(3);
    }
}, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

try
{
    producer.InitTransactions(TimeSpan.FromSeconds(30));
    transactionStarted.Restart();
    consumer.Subscribe(input);
    long copied = 0;
    while (true)
    {
        transactionStarted.Restart();
        producer.BeginTransaction();
        revoked = false;
        var inTransaction = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < commitInterval && !revoked)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(20));
            if (result?.Message is null || revoked)
            {
                continue;
            }
            producer.Produce(output, new Message<byte[], byte[]> { Key = result.Message.Key, Value = result.Message.Value });
            inTransaction++;
        }
        if (revoked)
        {
            Console.WriteLine("rebalanced: aborting");
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
            Rewind(consumer);
            continue;
        }
        try
        {
            var positions = consumer.Assignment
                .Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp)))
                .Where(tpo => tpo.Offset >= 0)
                .ToList();
            producer.SendOffsetsToTransaction(positions, consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            copied += inTransaction;
            Console.WriteLine($"committed {copied}");
        }
        catch (KafkaException e) when (e is KafkaTxnRequiresAbortException || (e.Error.Code != ErrorCode.Local_Fatal && !e.Error.IsFatal && e is not KafkaRetriableException))
        {
            Console.WriteLine($"aborting: {e.Error}");
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
            Rewind(consumer);
        }
        catch (KafkaRetriableException e)
        {
            // The outcome is unknown (e.g. the broker went away mid-commit): retrying the commit is what librdkafka asks.
            Console.WriteLine($"retrying commit: {e.Error}");
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            copied += inTransaction;
            Console.WriteLine($"committed {copied}");
        }
    }
}
catch (KafkaException e)
{
    Console.WriteLine($"fatal: {e.Error} (fatal={e.Error.IsFatal})");
    return 2;
}

// After an abort the consumer is ahead of what was committed: go back to the committed offsets.
static void Rewind(IConsumer<byte[], byte[]> consumer)
{
    foreach (var committed in consumer.Committed(consumer.Assignment, TimeSpan.FromSeconds(30)))
    {
        consumer.Seek(committed.Offset.Value >= 0 ? committed : new TopicPartitionOffset(committed.TopicPartition, Offset.Beginning));
    }
}
