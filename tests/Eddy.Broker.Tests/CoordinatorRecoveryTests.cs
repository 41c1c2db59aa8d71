using Eddy.Broker.Transactions;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Storage;
using Eddy.Testing;
using TxnState = Eddy.Broker.Transactions.TransactionState;

namespace Eddy.Broker.Tests;

/// <summary>
/// The transaction coordinator's durability: a decision (PrepareCommit/PrepareAbort) found in the transaction log at
/// start-up has its markers written and is completed; an open transaction survives a restart and is then aborted by
/// its timeout; transactional offsets follow their transaction across restarts.
/// </summary>
public class CoordinatorRecoveryTests
{
    private const string Topic = "recovered";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_decision_written_before_a_crash_gets_its_markers_at_start_up(bool commit)
    {
        await using var broker = await BrokerFixture.StartAsync();
        var (producerId, epoch) = OpenTransaction(broker, "decided", timeoutMs: 60_000, records: 3);
        var group = "decided-group";
        broker.Broker.Groups.Offsets.CommitTransactional(group, producerId, epoch, [(Topic, 0, new Groups.CommittedOffset(7, -1, "txn", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))]);
        await broker.Broker.DisposeAsync();

        // What a crash between the decision and the markers leaves: the Prepare record, no marker anywhere.
        using (var partition = PartitionLog.Open(Path.Combine(broker.DataDirectory, "__transaction_state-0"), new LogConfig { Compact = true, Delete = false }))
        {
            new TransactionLog(partition, TimeProvider.System).Write("decided", new TransactionRecord(producerId, epoch, 60_000, commit ? TxnState.PrepareCommit : TxnState.PrepareAbort,
                [(Topic, 0), (Topic, 1), TransactionMarkerWriter.OffsetsPartition], 1, 1));
        }
        await broker.RestartAsync();

        var state = broker.Broker.Transactions.Describe("decided");
        Assert.NotNull(state);
        Assert.Equal(commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, state.State);
        foreach (var partition in broker.Broker.Topics.Find(Topic)!.Partitions)
        {
            // 3 records and one marker on each partition; nothing open any more.
            Assert.Equal(4, partition.Log.LogEndOffset);
            Assert.Equal(partition.Log.LogEndOffset, partition.Log.LastStableOffset);
            var aborted = partition.Log.CollectAbortedTransactions(0, partition.Log.LogEndOffset);
            Assert.Equal(commit ? 0 : 1, aborted.Count);
        }
        var offset = broker.Broker.Groups.Offsets.Get(group, Topic, 0);
        Assert.Equal(commit ? 7 : null, offset?.Offset);
        Assert.False(broker.Broker.Groups.Offsets.HasPendingTransactionalOffset(group, Topic, 0));

        // And the state after completion is itself durable.
        await broker.RestartAsync();
        Assert.Equal(commit ? 7 : null, broker.Broker.Groups.Offsets.Get(group, Topic, 0)?.Offset);
        Assert.Equal(commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, broker.Broker.Transactions.Describe("decided")!.State);
    }

    [Fact]
    public async Task An_open_transaction_survives_a_restart_and_is_aborted_when_its_timeout_passes()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string>
        {
            ["transaction.abort.timed.out.transaction.cleanup.interval.ms"] = "100",
        });
        var (producerId, epoch) = OpenTransaction(broker, "hanging", timeoutMs: 2000, records: 2);
        await broker.RestartAsync();

        var partition = broker.Broker.Topics.Find(Topic)!.Partition(0)!;
        var state = broker.Broker.Transactions.Describe("hanging");
        Assert.Equal(TxnState.Ongoing, state!.State);
        Assert.Equal(0, partition.Log.LastStableOffset);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (broker.Broker.Transactions.Describe("hanging")!.State != TxnState.CompleteAbort && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        state = broker.Broker.Transactions.Describe("hanging")!;
        Assert.Equal(TxnState.CompleteAbort, state.State);
        Assert.Equal(producerId, state.ProducerId);
        Assert.True(state.ProducerEpoch > epoch, "the timeout must bump the epoch, fencing the producer that left the transaction open");
        Assert.Equal(partition.Log.LogEndOffset, partition.Log.LastStableOffset);
        Assert.Equal(ErrorCode.ProducerFenced, broker.Broker.Transactions.EndTransaction("hanging", producerId, epoch, commit: true));
    }

    /// <summary>InitProducerId, AddPartitionsToTxn for partitions 0 and 1 and the offsets partition, then transactional records on both.</summary>
    private static (long ProducerId, short Epoch) OpenTransaction(BrokerFixture broker, string transactionalId, int timeoutMs, int records)
    {
        broker.Broker.Topics.Create(Topic, 2, new Dictionary<string, string>(), validateOnly: false, out _);
        var transactions = broker.Broker.Transactions;
        var (error, producerId, epoch) = transactions.InitProducerId(transactionalId, timeoutMs);
        Assert.Equal(ErrorCode.None, error);
        Assert.Equal(ErrorCode.None, transactions.AddPartitions(transactionalId, producerId, epoch, [(Topic, 0), (Topic, 1), TransactionMarkerWriter.OffsetsPartition]));
        using var client = new RawKafkaClient(broker.BootstrapServers);
        for (var partition = 0; partition < 2; partition++)
        {
            var batch = RecordBatchBuilder.Build(
                [.. Enumerable.Range(0, records).Select(i => Eddy.Protocol.Record.Create(1000 + i, null, new byte[] { (byte)i }))],
                producerId: producerId, producerEpoch: epoch, baseSequence: 0, transactional: true);
            var request = new ProduceRequest
            {
                TransactionalId = transactionalId,
                Acks = -1,
                TimeoutMs = 5000,
                TopicData = [new ProduceRequest.TopicProduceData { Name = Topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = new MemoryRecords(batch) }] }],
            };
            var (_, response) = client.Call<ProduceResponse>(request, 9);
            Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
        }
        return (producerId, epoch);
    }
}
