using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Eddy.Broker.Transactions;
using Eddy.Testing;
using Xunit.Abstractions;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent.Kafka's transactional producer and read_committed consumer against Eddy: commits and aborts, interleaved
/// transactions, zombie fencing, timeouts, a consume-transform-produce copier and a broker restart. Every check is
/// on the records themselves (partition, offset, value), not on counts alone.
/// </summary>
public class TransactionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string> NoInitialDelay = new() { ["group.initial.rebalance.delay.ms"] = "0" };

    /// <summary>A record as written (delivery report) or read (consumer).</summary>
    internal sealed record Rec(int Partition, long Offset, string Value);

    internal static async Task CreateTopic(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    private static IProducer<Null, string> TransactionalProducer(string bootstrap, string transactionalId, int? timeoutMs = null, int lingerMs = 5) =>
        new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = timeoutMs,
            LingerMs = lingerMs,
        }).Build();

    /// <summary>Collects delivery reports: what was written where.</summary>
    internal sealed class Deliveries
    {
        private readonly Lock _lock = new();
        private readonly List<Rec> _delivered = [];
        private readonly List<string> _failures = [];

        public void Handle(DeliveryReport<Null, string> report)
        {
            lock (_lock)
            {
                if (report.Error.IsError)
                {
                    _failures.Add($"{report.Message.Value}: {report.Error}");
                }
                else
                {
                    _delivered.Add(new Rec(report.Partition.Value, report.Offset.Value, report.Message.Value));
                }
            }
        }

        public List<Rec> Delivered
        {
            get
            {
                lock (_lock)
                {
                    return [.. _delivered.OrderBy(r => r.Partition).ThenBy(r => r.Offset)];
                }
            }
        }

        public List<string> Failures
        {
            get
            {
                lock (_lock)
                {
                    return [.. _failures];
                }
            }
        }
    }

    /// <summary>A consumer assigned to every partition of a topic from the beginning, reading up to the end.</summary>
    internal sealed class Reader : IDisposable
    {
        private readonly IConsumer<Null, string> _consumer;
        private readonly string _topic;
        private readonly int _partitions;

        public Reader(string bootstrap, string topic, int partitions, IsolationLevel isolation)
        {
            _topic = topic;
            _partitions = partitions;
            _consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = "reader-" + Guid.NewGuid().ToString("N"),
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnablePartitionEof = true,
                IsolationLevel = isolation,
            }).Build();
            _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            EofOffsets = new long[partitions];
        }

        /// <summary>Every record read so far, in the order read.</summary>
        public List<Rec> Records { get; } = [];

        /// <summary>Where each partition last reported its end (the fetch position at EOF).</summary>
        public long[] EofOffsets { get; }

        public IConsumer<Null, string> Consumer => _consumer;

        public List<Rec> Of(int partition) => [.. Records.Where(r => r.Partition == partition)];

        public List<string> Values(int partition) => [.. Of(partition).Select(r => r.Value)];

        /// <summary>Consumes until every partition has reported end of partition (again).</summary>
        public void ReadToEnd()
        {
            var atEnd = new HashSet<int>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (atEnd.Count < _partitions && DateTime.UtcNow < deadline)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null)
                {
                    continue;
                }
                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.Partition.Value);
                    EofOffsets[result.Partition.Value] = result.Offset.Value;
                    continue;
                }
                atEnd.Remove(result.Partition.Value);
                Records.Add(new Rec(result.Partition.Value, result.Offset.Value, result.Message.Value));
            }
            Assert.True(atEnd.Count == _partitions, $"{_topic}: only partitions [{string.Join(",", atEnd)}] reached their end; {Records.Count} records read");
        }

        /// <summary>Consumes for a while and returns whatever records arrived (none expected).</summary>
        public List<Rec> ReadFor(TimeSpan duration)
        {
            var read = new List<Rec>();
            var deadline = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < deadline)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is not null && !result.IsPartitionEOF)
                {
                    var rec = new Rec(result.Partition.Value, result.Offset.Value, result.Message.Value);
                    read.Add(rec);
                    Records.Add(rec);
                }
            }
            return read;
        }

        public long Position(int partition) => _consumer.Position(new TopicPartition(_topic, partition)).Value;

        public WatermarkOffsets Watermarks(int partition) => _consumer.QueryWatermarkOffsets(new TopicPartition(_topic, partition), Timeout);

        public void Dispose()
        {
            _consumer.Close();
            _consumer.Dispose();
        }
    }

    private static bool IsFencing(Error error) =>
        error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced || error.IsFatal;

    [Fact]
    public async Task Read_committed_sees_exactly_the_committed_transactions_and_read_uncommitted_sees_all()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "mixed";
        await CreateTopic(broker.BootstrapServers, topic, 3);
        var deliveries = new Deliveries();
        var committedValues = new HashSet<string>();
        const int transactions = 9;
        using (var producer = TransactionalProducer(broker.BootstrapServers, "mixer"))
        {
            producer.InitTransactions(Timeout);
            for (var t = 0; t < transactions; t++)
            {
                producer.BeginTransaction();
                var values = Enumerable.Range(0, 5 + t).Select(j => $"t{t}-{j}").ToList();
                for (var j = 0; j < values.Count; j++)
                {
                    producer.Produce(new TopicPartition(topic, (t + j) % 3), new Message<Null, string> { Value = values[j] }, deliveries.Handle);
                }
                // Flushed first so that aborted records are in the log too (abort purges what was not sent).
                producer.Flush(Timeout);
                if (t % 3 == 1)
                {
                    producer.AbortTransaction(Timeout);
                }
                else
                {
                    producer.CommitTransaction(Timeout);
                    committedValues.UnionWith(values);
                }
            }
        }
        Assert.Empty(deliveries.Failures);
        var written = deliveries.Delivered;
        Assert.Equal(Enumerable.Range(5, transactions).Sum(), written.Count);
        // Each transaction wrote at least one record to each partition, so each partition holds one marker per transaction.
        var ends = Enumerable.Range(0, 3).Select(p => written.Count(r => r.Partition == p) + transactions).ToArray();

        using (var committed = new Reader(broker.BootstrapServers, topic, 3, IsolationLevel.ReadCommitted))
        {
            committed.ReadToEnd();
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(written.Where(r => r.Partition == p && committedValues.Contains(r.Value)), committed.Of(p));
                Assert.Equal(ends[p], committed.EofOffsets[p]);
                Assert.Equal(ends[p], committed.Position(p));
                var watermarks = committed.Watermarks(p);
                Assert.Equal(0, watermarks.Low.Value);
                Assert.Equal(ends[p], watermarks.High.Value);
            }
            Assert.Equal(committedValues.Count, committed.Records.Count);
        }
        using (var all = new Reader(broker.BootstrapServers, topic, 3, IsolationLevel.ReadUncommitted))
        {
            all.ReadToEnd();
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(written.Where(r => r.Partition == p), all.Of(p));
                Assert.Equal(ends[p], all.Watermarks(p).High.Value);
            }
        }
    }

    [Fact]
    public async Task Interleaved_transactions_of_two_producers_on_one_partition_are_kept_apart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "interleaved";
        await CreateTopic(broker.BootstrapServers, topic, 1);
        var partition = new TopicPartition(topic, 0);
        using var p1 = TransactionalProducer(broker.BootstrapServers, "first", lingerMs: 0);
        using var p2 = TransactionalProducer(broker.BootstrapServers, "second", lingerMs: 0);
        p1.InitTransactions(Timeout);
        p2.InitTransactions(Timeout);
        var written = new List<Rec>();

        async Task Write(IProducer<Null, string> producer, string value)
        {
            var result = await producer.ProduceAsync(partition, new Message<Null, string> { Value = value });
            written.Add(new Rec(0, result.Offset.Value, value));
        }

        // Round 1: p1 begins, p2 begins, they alternate; p1 aborts, then p2 commits.
        p1.BeginTransaction();
        p2.BeginTransaction();
        for (var i = 0; i < 10; i++)
        {
            await Write(p1, $"a1-{i}");
            await Write(p2, $"b1-{i}");
        }
        p1.AbortTransaction(Timeout);
        p2.CommitTransaction(Timeout);

        // Round 2, the reverse: p2 writes first; p1 commits while p2's transaction is still open, then p2 aborts.
        p2.BeginTransaction();
        p1.BeginTransaction();
        for (var i = 0; i < 10; i++)
        {
            await Write(p2, $"b2-{i}");
            await Write(p1, $"a2-{i}");
        }
        p1.CommitTransaction(Timeout);
        // Round 1's records at 0–19, its two markers at 20 and 21, round 2's records from 22 on.
        Assert.Equal(Enumerable.Range(0, 20).Concat(Enumerable.Range(22, 20)).Select(i => (long)i), written.Select(r => r.Offset));
        var firstOfOpen = written.First(r => r.Value == "b2-0").Offset;

        using var committed = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadCommitted);
        committed.ReadToEnd();
        // p2's open transaction holds everything after its first record back, p1's committed records included.
        Assert.Equal(written.Where(r => r.Value.StartsWith("b1-", StringComparison.Ordinal)), committed.Records);
        Assert.Equal(firstOfOpen, committed.EofOffsets[0]);

        p2.AbortTransaction(Timeout);
        committed.ReadToEnd();
        Assert.Equal(
            written.Where(r => r.Value.StartsWith("b1-", StringComparison.Ordinal) || r.Value.StartsWith("a2-", StringComparison.Ordinal)),
            committed.Records);
        // 40 records and 4 markers.
        Assert.Equal(44, committed.EofOffsets[0]);
        Assert.Equal(44, committed.Watermarks(0).High.Value);

        using var all = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadUncommitted);
        all.ReadToEnd();
        Assert.Equal(written, all.Records);
    }

    [Fact]
    public async Task Read_committed_does_not_see_an_open_transaction_until_it_commits()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "open";
        await CreateTopic(broker.BootstrapServers, topic, 1);
        using (var plain = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await plain.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"plain-{i}" });
            }
        }
        var deliveries = new Deliveries();
        using var producer = TransactionalProducer(broker.BootstrapServers, "opener");
        producer.InitTransactions(Timeout);
        producer.BeginTransaction();
        for (var i = 0; i < 50; i++)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"tx-{i}" }, deliveries.Handle);
        }
        producer.Flush(Timeout);
        Assert.Empty(deliveries.Failures);
        Assert.Equal(Enumerable.Range(10, 50).Select(i => (long)i), deliveries.Delivered.Select(r => r.Offset));

        using var committed = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadCommitted);
        committed.ReadToEnd();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => new Rec(0, i, $"plain-{i}")), committed.Records);
        Assert.Equal(10, committed.EofOffsets[0]);
        Assert.Empty(committed.ReadFor(TimeSpan.FromSeconds(1.5)));

        using (var uncommitted = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadUncommitted))
        {
            uncommitted.ReadToEnd();
            Assert.Equal(60, uncommitted.Records.Count);
            Assert.Equal(60, uncommitted.EofOffsets[0]);
        }

        producer.CommitTransaction(Timeout);
        committed.ReadToEnd();
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => new Rec(0, i, $"plain-{i}")).Concat(deliveries.Delivered),
            committed.Records);
        Assert.Equal(61, committed.EofOffsets[0]);
        Assert.Equal(61, committed.Watermarks(0).High.Value);
    }

    [Fact]
    public async Task A_new_producer_with_the_same_transactional_id_fences_the_zombie()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "zombies";
        const string id = "shared-id";
        await CreateTopic(broker.BootstrapServers, topic, 1);
        var zombieDeliveries = new Deliveries();
        var zombie = TransactionalProducer(broker.BootstrapServers, id);
        try
        {
            zombie.InitTransactions(Timeout);
            var zombieEpoch = broker.Broker.Transactions.Describe(id)!.ProducerEpoch;
            zombie.BeginTransaction();
            for (var i = 0; i < 10; i++)
            {
                zombie.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"zombie-{i}" }, zombieDeliveries.Handle);
            }
            zombie.Flush(Timeout);
            Assert.Empty(zombieDeliveries.Failures);
            Assert.Equal(10, zombieDeliveries.Delivered.Count);

            using var successor = TransactionalProducer(broker.BootstrapServers, id);
            successor.InitTransactions(Timeout);
            var described = broker.Broker.Transactions.Describe(id)!;
            Assert.True(described.ProducerEpoch > zombieEpoch, $"epoch {described.ProducerEpoch} after {zombieEpoch}");
            Assert.Equal(TransactionState.Empty, described.State);

            var fenced = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(Timeout));
            Assert.True(IsFencing(fenced.Error), $"commit of the zombie failed with {fenced.Error.Code} ({fenced.Error.Reason}), not a fencing error");

            var deliveries = new Deliveries();
            successor.BeginTransaction();
            for (var i = 0; i < 5; i++)
            {
                successor.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"successor-{i}" }, deliveries.Handle);
            }
            successor.CommitTransaction(Timeout);
            Assert.Empty(deliveries.Failures);
            Assert.Equal(TransactionState.CompleteCommit, broker.Broker.Transactions.Describe(id)!.State);

            using var committed = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadCommitted);
            committed.ReadToEnd();
            Assert.Equal(deliveries.Delivered, committed.Records);
            // 10 zombie records, its ABORT marker, 5 records, the COMMIT marker.
            Assert.Equal(17, committed.EofOffsets[0]);
            using var all = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadUncommitted);
            all.ReadToEnd();
            Assert.Equal(zombieDeliveries.Delivered.Concat(deliveries.Delivered), all.Records);
        }
        finally
        {
            zombie.Dispose();
        }
    }

    [Fact]
    public async Task A_consume_transform_produce_copier_copies_every_record_exactly_once()
    {
        const int count = 100_000;
        const string input = "copy-in";
        const string outputTopic = "copy-out";
        const string group = "copier";
        await using var broker = await BrokerFixture.StartAsync(NoInitialDelay);
        await CreateTopic(broker.BootstrapServers, input, 2);
        await CreateTopic(broker.BootstrapServers, outputTopic, 3);
        var watch = Stopwatch.StartNew();

        var seedFailures = 0;
        using (var seeder = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) };
                while (true)
                {
                    try
                    {
                        seeder.Produce(new TopicPartition(input, i % 2), message, r =>
                        {
                            if (r.Error.IsError)
                            {
                                Interlocked.Increment(ref seedFailures);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        seeder.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
            seeder.Flush(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(0, seedFailures);
        output.WriteLine($"seeded {count} records in {watch.ElapsedMilliseconds} ms");

        // The copier: read_committed consumer, transactional producer, offsets committed in the transaction.
        // Every fifth transaction is aborted on purpose and the consumer rewound, as a copier does after an error.
        var transactions = 0;
        var aborts = 0;
        using (var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build())
        using (var producer = TransactionalProducer(broker.BootstrapServers, "copier-txn"))
        {
            producer.InitTransactions(Timeout);
            consumer.Subscribe(input);
            var committedPositions = new Dictionary<int, long>();
            var positions = new Dictionary<int, long>();
            var open = false;
            var pending = 0;
            var sinceBegin = new Stopwatch();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((committedPositions.GetValueOrDefault(0) < count / 2 || committedPositions.GetValueOrDefault(1) < count / 2) && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(50));
                if (result?.Message is not null)
                {
                    if (!open)
                    {
                        producer.BeginTransaction();
                        open = true;
                        pending = 0;
                        sinceBegin.Restart();
                    }
                    var value = result.Message.Value;
                    var target = new TopicPartition(outputTopic, int.Parse(value, CultureInfo.InvariantCulture) % 3);
                    while (true)
                    {
                        try
                        {
                            producer.Produce(target, new Message<Null, string> { Value = value });
                            break;
                        }
                        catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                        {
                            producer.Poll(TimeSpan.FromMilliseconds(10));
                        }
                    }
                    positions[result.Partition.Value] = result.Offset.Value + 1;
                    pending++;
                }
                if (!open || (result?.Message is not null && sinceBegin.ElapsedMilliseconds < 100 && pending < 2_000))
                {
                    continue;
                }
                transactions++;
                if (transactions % 5 == 0)
                {
                    // The copies are written (flushed) before the abort, so that read_committed has to skip them.
                    producer.Flush(Timeout);
                    producer.AbortTransaction(Timeout);
                    aborts++;
                    positions = new Dictionary<int, long>(committedPositions);
                    foreach (var assigned in consumer.Assignment)
                    {
                        consumer.Seek(new TopicPartitionOffset(assigned, committedPositions.GetValueOrDefault(assigned.Partition.Value)));
                    }
                }
                else
                {
                    producer.SendOffsetsToTransaction(
                        positions.Select(kv => new TopicPartitionOffset(input, kv.Key, kv.Value)),
                        consumer.ConsumerGroupMetadata,
                        Timeout);
                    producer.CommitTransaction(Timeout);
                    committedPositions = new Dictionary<int, long>(positions);
                }
                open = false;
            }
            Assert.Equal(count / 2, committedPositions.GetValueOrDefault(0));
            Assert.Equal(count / 2, committedPositions.GetValueOrDefault(1));
            consumer.Close();
        }
        output.WriteLine($"copied in {transactions} transactions ({aborts} aborted), {watch.ElapsedMilliseconds} ms so far");
        Assert.True(aborts >= 5, $"only {aborts} aborted transactions");

        using (var reader = new Reader(broker.BootstrapServers, outputTopic, 3, IsolationLevel.ReadCommitted))
        {
            reader.ReadToEnd();
            var copies = new int[count];
            foreach (var record in reader.Records)
            {
                var value = int.Parse(record.Value, CultureInfo.InvariantCulture);
                Assert.Equal(value % 3, record.Partition);
                copies[value]++;
            }
            var wrong = Enumerable.Range(0, count).Where(v => copies[v] != 1).Take(10).Select(v => $"{v}×{copies[v]}").ToList();
            Assert.True(wrong.Count == 0, $"values not copied exactly once: {string.Join(", ", wrong)}");
            Assert.Equal(count, reader.Records.Count);
            // No transaction is left open on the output.
            for (var p = 0; p < 3; p++)
            {
                var log = broker.Broker.Topics.Find(outputTopic)!.Partitions[p].Log;
                Assert.Equal(log.LogEndOffset, log.LastStableOffset);
                Assert.Equal(log.LogEndOffset, reader.EofOffsets[p]);
            }
        }

        // The group's committed offsets are the input's end offsets.
        using (var check = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = group,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build())
        {
            var committed = check.Committed([new TopicPartition(input, 0), new TopicPartition(input, 1)], Timeout);
            Assert.Equal([count / 2L, count / 2L], committed.OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value));
            for (var p = 0; p < 2; p++)
            {
                Assert.Equal(count / 2L, check.QueryWatermarkOffsets(new TopicPartition(input, p), Timeout).High.Value);
            }
        }
        output.WriteLine($"done in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task The_coordinator_aborts_a_transaction_open_past_its_timeout()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string>
        {
            ["transaction.abort.timed.out.transaction.cleanup.interval.ms"] = "200",
        });
        const string topic = "slow";
        const string id = "slowpoke";
        await CreateTopic(broker.BootstrapServers, topic, 1);
        using var producer = TransactionalProducer(broker.BootstrapServers, id, timeoutMs: 1000);
        producer.InitTransactions(Timeout);
        var initial = broker.Broker.Transactions.Describe(id)!;
        Assert.Equal(1000, initial.TimeoutMs);
        producer.BeginTransaction();
        var deliveries = new Deliveries();
        for (var i = 0; i < 5; i++)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"slow-{i}" }, deliveries.Handle);
        }
        producer.Flush(Timeout);
        Assert.Empty(deliveries.Failures);
        var ongoing = broker.Broker.Transactions.Describe(id)!;
        Assert.Equal(TransactionState.Ongoing, ongoing.State);

        var watch = Stopwatch.StartNew();
        while (broker.Broker.Transactions.Describe(id)!.State != TransactionState.CompleteAbort && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        var aborted = broker.Broker.Transactions.Describe(id)!;
        Assert.Equal(TransactionState.CompleteAbort, aborted.State);
        Assert.Equal(initial.ProducerEpoch + 1, aborted.ProducerEpoch);
        Assert.Equal(initial.ProducerId, aborted.ProducerId);
        // Not before its timeout, and not much after (the interval is 200 ms).
        Assert.InRange(aborted.LastUpdateTimestamp - ongoing.StartTimestamp, 1000, 5000);

        var log = broker.Broker.Topics.Find(topic)!.Partitions[0].Log;
        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(log.LogEndOffset, log.LastStableOffset);
        using (var committed = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadCommitted))
        {
            committed.ReadToEnd();
            Assert.Empty(committed.Records);
            Assert.Equal(6, committed.EofOffsets[0]);
        }
        using (var all = new Reader(broker.BootstrapServers, topic, 1, IsolationLevel.ReadUncommitted))
        {
            all.ReadToEnd();
            Assert.Equal(deliveries.Delivered, all.Records);
        }

        var failed = Assert.ThrowsAny<KafkaException>(() => producer.CommitTransaction(Timeout));
        output.WriteLine($"commit after the timeout: {failed.Error.Code} {failed.Error.Reason} (fatal: {failed.Error.IsFatal})");
        Assert.True(IsFencing(failed.Error), $"commit after the timeout failed with {failed.Error.Code} ({failed.Error.Reason}), not a fencing error");
        Assert.Equal(TransactionState.CompleteAbort, broker.Broker.Transactions.Describe(id)!.State);
        Assert.Equal(6, log.LogEndOffset);
    }

    [Fact]
    public async Task A_transaction_timeout_above_the_brokers_maximum_fails_InitTransactions()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["transaction.max.timeout.ms"] = "5000" });
        using (var tooLong = TransactionalProducer(broker.BootstrapServers, "too-long", timeoutMs: 6000))
        {
            var error = Assert.ThrowsAny<KafkaException>(() => tooLong.InitTransactions(Timeout));
            Assert.Equal(ErrorCode.InvalidTransactionTimeout, error.Error.Code);
        }
        Assert.Null(broker.Broker.Transactions.Describe("too-long"));
        using var justRight = TransactionalProducer(broker.BootstrapServers, "just-right", timeoutMs: 5000);
        justRight.InitTransactions(Timeout);
        Assert.Equal(5000, broker.Broker.Transactions.Describe("just-right")!.TimeoutMs);
    }

    [Fact]
    public async Task Committed_and_aborted_transactions_and_the_epoch_survive_a_broker_restart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        const string topic = "durable-txn";
        const string id = "durable";
        await CreateTopic(broker.BootstrapServers, topic, 2);
        var deliveries = new Deliveries();
        var committedValues = new HashSet<string>();
        using (var producer = TransactionalProducer(broker.BootstrapServers, id))
        {
            producer.InitTransactions(Timeout);
            foreach (var (name, commit) in new[] { ("c1", true), ("a2", false), ("c3", true), ("a4", false) })
            {
                producer.BeginTransaction();
                var values = Enumerable.Range(0, 20).Select(i => $"{name}-{i}").ToList();
                for (var i = 0; i < values.Count; i++)
                {
                    producer.Produce(new TopicPartition(topic, i % 2), new Message<Null, string> { Value = values[i] }, deliveries.Handle);
                }
                producer.Flush(Timeout);
                if (commit)
                {
                    producer.CommitTransaction(Timeout);
                    committedValues.UnionWith(values);
                }
                else
                {
                    producer.AbortTransaction(Timeout);
                }
            }
        }
        Assert.Empty(deliveries.Failures);
        var written = deliveries.Delivered;
        var before = broker.Broker.Transactions.Describe(id)!;
        Assert.Equal(TransactionState.CompleteAbort, before.State);

        await broker.RestartAsync();
        var after = broker.Broker.Transactions.Describe(id)!;
        Assert.Equal(before.ProducerId, after.ProducerId);
        Assert.Equal(before.ProducerEpoch, after.ProducerEpoch);
        Assert.Equal(TransactionState.CompleteAbort, after.State);
        for (var p = 0; p < 2; p++)
        {
            var log = broker.Broker.Topics.Find(topic)!.Partitions[p].Log;
            Assert.Equal(log.LogEndOffset, log.LastStableOffset);
            Assert.Equal(40 + 4, log.LogEndOffset);
        }
        using (var committed = new Reader(broker.BootstrapServers, topic, 2, IsolationLevel.ReadCommitted))
        {
            committed.ReadToEnd();
            for (var p = 0; p < 2; p++)
            {
                Assert.Equal(written.Where(r => r.Partition == p && committedValues.Contains(r.Value)), committed.Of(p));
                Assert.Equal(44, committed.EofOffsets[p]);
            }
        }

        // The same transactional id after the restart: a higher epoch, and it can commit.
        var more = new Deliveries();
        using (var producer = TransactionalProducer(broker.BootstrapServers, id))
        {
            producer.InitTransactions(Timeout);
            var reinitialised = broker.Broker.Transactions.Describe(id)!;
            Assert.Equal(before.ProducerId, reinitialised.ProducerId);
            Assert.True(reinitialised.ProducerEpoch > before.ProducerEpoch, $"epoch {reinitialised.ProducerEpoch} after {before.ProducerEpoch}");
            producer.BeginTransaction();
            for (var i = 0; i < 6; i++)
            {
                producer.Produce(new TopicPartition(topic, i % 2), new Message<Null, string> { Value = $"c5-{i}" }, more.Handle);
            }
            producer.CommitTransaction(Timeout);
        }
        Assert.Empty(more.Failures);
        using (var committed = new Reader(broker.BootstrapServers, topic, 2, IsolationLevel.ReadCommitted))
        {
            committed.ReadToEnd();
            for (var p = 0; p < 2; p++)
            {
                Assert.Equal(
                    written.Where(r => r.Partition == p && committedValues.Contains(r.Value)).Concat(more.Delivered.Where(r => r.Partition == p)),
                    committed.Of(p));
                Assert.Equal(44 + 3 + 1, committed.EofOffsets[p]);
            }
        }
    }
}
