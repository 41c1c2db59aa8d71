using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Protocol.Messages;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>
/// Exactly-once under faults (reliability.md T1): a consume-transform-produce copier using Kafka transactions copies
/// 100,000 records from a 2-partition topic to a 3-partition topic while its process is killed with SIGKILL three
/// times, the broker is killed with SIGKILL once, and the copier is paused (SIGSTOP) past its transaction timeout.
/// Afterwards the committed output holds every input record exactly once and no transaction is left open.
/// </summary>
public class TransactionalCopyKillTests
{
    private const string Input = "copy-in";
    private const string Output = "copy-out";
    private const string Group = "copier";
    private const string TransactionalId = "copier-1";
    private const int Total = 100_000;
    private const int TransactionTimeoutMs = 5000;

    [Fact]
    public async Task A_transactional_copier_killed_paused_and_outlived_by_a_broker_crash_copies_every_record_exactly_once()
    {
        using var data = new TempDirectory("eddy-chaos-eos");
        var port = BrokerProcess.FreePort();
        string[] brokerArgs = ["--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500", "--set", "group.initial.rebalance.delay.ms=0"];
        var broker = BrokerProcess.Start(data.Path, port, brokerArgs);
        CopierProcess? copier = null;
        var log = new StringBuilder();
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                await admin.CreateTopicsAsync([
                    new TopicSpecification { Name = Input, NumPartitions = 2, ReplicationFactor = 1 },
                    new TopicSpecification { Name = Output, NumPartitions = 3, ReplicationFactor = 1 }]);
            }
            // The input keeps arriving while the faults happen (about 40 s of it), from an idempotent producer that
            // rides out the broker's crash.
            using var stopProducing = new CancellationTokenSource();
            var producing = Task.Run(() => ProduceInput(broker.BootstrapServers, stopProducing.Token));

            var seen = new ConcurrentDictionary<string, int>();
            using var stopReading = new CancellationTokenSource();
            var reader = Task.Run(() => ReadCommittedOutput(broker.BootstrapServers, seen, stopReading.Token));

            CopierProcess StartCopier() => CopierProcess.Start(broker.BootstrapServers, Input, Output, Group, TransactionalId, 100, TransactionTimeoutMs);
            copier = StartCopier();
            var faults = new (double At, string Fault)[]
            {
                (0.10 + (Random.Shared.NextDouble() * 0.1), "kill copier"),
                (0.30 + (Random.Shared.NextDouble() * 0.1), "kill copier"),
                (0.45 + (Random.Shared.NextDouble() * 0.1), "kill copier"),
                (0.60 + (Random.Shared.NextDouble() * 0.05), "kill broker"),
                (0.75 + (Random.Shared.NextDouble() * 0.1), "pause copier"),
            };
            var next = 0;
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (seen.Count < Total && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                if (copier.HasExited)
                {
                    log.AppendLine(CultureInfo.InvariantCulture, $"copier exited at {seen.Count}; restarting. Its output:\n{Tail(copier.Output)}");
                    copier.Dispose();
                    copier = StartCopier();
                }
                if (next < faults.Length && seen.Count >= faults[next].At * Total)
                {
                    log.AppendLine(CultureInfo.InvariantCulture, $"{faults[next].Fault} at {seen.Count}");
                    switch (faults[next].Fault)
                    {
                        case "kill copier":
                            copier.Kill9();
                            copier.Dispose();
                            copier = StartCopier();
                            break;
                        case "kill broker":
                            broker.Kill9();
                            broker.Dispose();
                            broker = BrokerProcess.Start(data.Path, port, brokerArgs);
                            break;
                        case "pause copier":
                            // Past the transaction timeout and the coordinator's next check: the open transaction is
                            // aborted and the paused instance fenced; when it resumes it must not write anything.
                            copier.Signal("STOP");
                            await Task.Delay(TransactionTimeoutMs + 3000);
                            copier.Signal("CONT");
                            break;
                    }
                    next++;
                }
            }
            // Let a late duplicate, if the copier were to write one, show up before looking.
            await Task.Delay(2000);
            await stopProducing.CancelAsync();
            Assert.Equal(Total, await producing);
            await stopReading.CancelAsync();
            await reader;

            var missing = Enumerable.Range(0, Total).Select(i => i.ToString(CultureInfo.InvariantCulture)).Where(v => !seen.ContainsKey(v)).ToList();
            var duplicated = seen.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
            var context = $"faults applied: {next}/{faults.Length}\n{log}\nlast copier output:\n{Tail(copier.Output)}";
            Assert.True(next == faults.Length, $"not every fault was applied\n{context}");
            Assert.True(missing.Count == 0, $"{missing.Count} input records are missing from the committed output, e.g. {string.Join(", ", missing.Take(5))}\n{context}");
            Assert.True(duplicated.Count == 0, $"{duplicated.Count} records were copied twice, e.g. {string.Join(", ", duplicated.Take(5))}\n{context}");
            Assert.Equal(Total, seen.Count);

            // No transaction left open: on every output partition the last stable offset is the high watermark.
            copier.Kill9();
            await Task.Delay(TransactionTimeoutMs + 2000);
            using var raw = new RawKafkaClient(broker.BootstrapServers);
            for (var partition = 0; partition < 3; partition++)
            {
                var stable = LatestOffset(raw, Output, partition, readCommitted: true);
                var high = LatestOffset(raw, Output, partition, readCommitted: false);
                Assert.Equal(high, stable);
            }
        }
        finally
        {
            copier?.Dispose();
            broker.Dispose();
        }
    }

    /// <summary>Produces the values 0..Total-1 at about 2,500 records/s; returns how many were acknowledged.</summary>
    private static int ProduceInput(string bootstrap, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = 120_000,
        }).Build();
        var acknowledged = 0;
        for (var i = 0; i < Total && !stop.IsCancellationRequested; i++)
        {
            producer.Produce(new TopicPartition(Input, i % 2), new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) }, report =>
            {
                if (report.Error.Code == ErrorCode.NoError)
                {
                    Interlocked.Increment(ref acknowledged);
                }
            });
            if (i % 250 == 249)
            {
                Thread.Sleep(100);
            }
        }
        producer.Flush(TimeSpan.FromSeconds(120));
        return acknowledged;
    }

    /// <summary>Reads the output as a read_committed consumer would, counting each value; keeps going across broker restarts.</summary>
    private static void ReadCommittedOutput(string bootstrap, ConcurrentDictionary<string, int> seen, CancellationToken stop)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "verifier",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(Output, p, Offset.Beginning)));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is { } message)
                {
                    seen.AddOrUpdate(message.Value, 1, (_, n) => n + 1);
                }
            }
            catch (ConsumeException)
            {
                // The broker is being restarted.
            }
        }
    }

    private static long LatestOffset(RawKafkaClient raw, string topic, int partition, bool readCommitted)
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = (sbyte)(readCommitted ? 1 : 0),
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = -1 }] }],
        };
        var (_, response) = raw.Call<ListOffsetsResponse>(request, 5);
        var result = response.Topics[0].Partitions[0];
        Assert.Equal(0, result.ErrorCode);
        return result.Offset;
    }

    private static string Tail(string output) => output.Length <= 3000 ? output : output[^3000..];
}
