using Eddy.Broker.Configuration;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using static Eddy.Broker.Tests.TxnRequests;

namespace Eddy.Broker.Tests;

/// <summary>
/// Transactions by hand, request by request (KIP-98, KIP-447, KIP-890 part 1 verification): the coordinator's answers,
/// what read_committed fetches see while a transaction is open and after it ends, transactional offset commits, and
/// the admin APIs that describe transactions and producers.
/// </summary>
public class TransactionProtocolTests
{
    private const string Txn = "tx";

    private static async Task<BrokerFixture> StartWithTopic(IReadOnlyDictionary<string, string>? props = null)
    {
        var broker = await BrokerFixture.StartAsync(props);
        var result = broker.Broker.Topics.Create("t", 2, new Dictionary<string, string>(), false, out _);
        Assert.Equal(ErrorCode.None, result.Error);
        return broker;
    }

    private static List<(string Id, long ProducerId, string State)> ListTransactions(RawKafkaClient client, out List<string> unknownStates,
        List<string>? states = null, List<long>? producerIds = null, long durationMs = -1, short version = 1)
    {
        var response = client.Call<ListTransactionsResponse>(new ListTransactionsRequest
        {
            StateFilters = states ?? [],
            ProducerIdFilters = producerIds ?? [],
            DurationFilter = durationMs,
        }, version).Response;
        Assert.Equal(0, response.ErrorCode);
        unknownStates = response.UnknownStateFilters;
        return [.. response.TransactionStates.Select(s => (s.TransactionalId, s.ProducerId, s.TransactionStateValue))];
    }

    private static List<(string Id, long ProducerId, string State)> ListTransactions(RawKafkaClient client, List<string>? states = null,
        List<long>? producerIds = null, long durationMs = -1) => ListTransactions(client, out _, states, producerIds, durationMs);

    private static List<(string Topic, int Partition)> PartitionsOf(DescribeTransactionsResponse.TransactionState state) =>
        [.. state.Topics.SelectMany(t => t.Partitions.Select(p => (t.Topic, p))).OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.p)];

    [Fact]
    public async Task FindCoordinator_answers_for_transactional_ids()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var group = client.Call<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "g", KeyType = 0 }, 3).Response;
        Assert.Equal(0, group.ErrorCode);

        var txn = client.Call<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = Txn, KeyType = 1 }, 3).Response;
        Assert.Equal(0, txn.ErrorCode);
        Assert.Equal(group.NodeId, txn.NodeId);
        Assert.Equal(group.Host, txn.Host);
        Assert.Equal(broker.Broker.LocalEndPoint.Port, txn.Port);

        // v4 batches keys.
        var batched = client.Call<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = ["a", "b"] }, 4).Response;
        Assert.Equal(["a", "b"], batched.Coordinators.Select(c => c.Key));
        Assert.All(batched.Coordinators, c =>
        {
            Assert.Equal(0, c.ErrorCode);
            Assert.Equal(group.NodeId, c.NodeId);
            Assert.Equal(broker.Broker.LocalEndPoint.Port, c.Port);
        });

        // Key types other than group (0) and transaction (1) are not Kafka's.
        var unknown = client.Call<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "x", KeyType = 5 }, 3).Response;
        Assert.Equal((short)ErrorCode.InvalidRequest, unknown.ErrorCode);
    }

    [Fact]
    public async Task A_transaction_by_hand_from_InitProducerId_to_abort_and_commit()
    {
        await using var broker = await StartWithTopic();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        // Four plain records, then a transactional producer.
        Assert.Equal(0, Produce(client, "t", 0, Batch("plain", 4)).ErrorCode);
        var (producerId, epoch) = Init(client, Txn, timeoutMs: 60_000);
        var described = Describe(client, Txn);
        Assert.Equal(0, described.ErrorCode);
        Assert.Equal("Empty", described.TransactionStateValue);
        Assert.Equal(producerId, described.ProducerId);
        Assert.Equal(epoch, described.ProducerEpoch);
        Assert.Equal(60_000, described.TransactionTimeoutMs);
        Assert.Empty(described.Topics);

        // A transactional batch for a partition not added to the transaction is refused (KIP-890 verification).
        var firstBatch = Batch("tx1", 3, producerId, epoch, 0, transactional: true);
        var refused = Produce(client, "t", 0, firstBatch, Txn);
        Assert.Equal((short)ErrorCode.InvalidTxnState, refused.ErrorCode);
        Assert.Equal(4, log.LogEndOffset);

        Add(client, Txn, producerId, epoch, ("t", 0), ("t", 1));
        var accepted = Produce(client, "t", 0, firstBatch, Txn);
        Assert.Equal(0, accepted.ErrorCode);
        Assert.Equal(4, accepted.BaseOffset);
        // Plain records after the open transaction's.
        Assert.Equal(7, Produce(client, "t", 0, Batch("after", 3)).BaseOffset);
        // The transactional producer itself may not write outside its open transaction.
        var outside = Produce(client, "t", 0, Batch("outside", 1, producerId, epoch, 3));
        Assert.Equal((short)ErrorCode.InvalidTxnState, outside.ErrorCode);
        Assert.Equal(10, log.LogEndOffset);

        // read_committed stops at the first offset of the open transaction; read_uncommitted reads everything.
        var committedRead = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal(0, committedRead.ErrorCode);
        Assert.Equal(10, committedRead.HighWatermark);
        Assert.Equal(4, committedRead.LastStableOffset);
        Assert.Empty(committedRead.AbortedTransactions ?? []);
        Assert.Equal(["plain-0", "plain-1", "plain-2", "plain-3"], Records(committedRead).Select(r => r.Value));
        Assert.All(Records(committedRead), r => Assert.True(r.Offset < 4, $"offset {r.Offset} at or past the LSO"));
        var atLso = Fetch(client, "t", 0, 4, readCommitted: true);
        Assert.Equal(0, atLso.ErrorCode);
        Assert.Empty(Records(atLso));
        Assert.Equal(4, atLso.LastStableOffset);
        var uncommittedRead = Fetch(client, "t", 0, 0, readCommitted: false);
        Assert.Equal(10, uncommittedRead.HighWatermark);
        Assert.Equal(4, uncommittedRead.LastStableOffset);
        Assert.Equal(
            ["plain-0", "plain-1", "plain-2", "plain-3", "tx1-0", "tx1-1", "tx1-2", "after-0", "after-1", "after-2"],
            Records(uncommittedRead).Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Records(uncommittedRead).Select(r => r.Offset));
        Assert.Equal(4, ListLatest(client, "t", 0, readCommitted: true));
        Assert.Equal(10, ListLatest(client, "t", 0, readCommitted: false));
        // A partition added but not written to holds nothing back.
        Assert.Equal(0, Fetch(client, "t", 1, 0, readCommitted: true).LastStableOffset);

        // What the partition and the coordinator say of the open transaction.
        var producer = Assert.Single(Producers(client, "t", 0), p => p.ProducerId == producerId);
        Assert.Equal(epoch, producer.ProducerEpoch);
        Assert.Equal(2, producer.LastSequence);
        Assert.Equal(4, producer.CurrentTxnStartOffset);
        Assert.DoesNotContain(Producers(client, "t", 1), p => p.ProducerId == producerId && p.CurrentTxnStartOffset >= 0);
        described = Describe(client, Txn);
        Assert.Equal("Ongoing", described.TransactionStateValue);
        Assert.Equal([("t", 0), ("t", 1)], PartitionsOf(described));
        Assert.Equal(producerId, described.ProducerId);
        Assert.Equal(epoch, described.ProducerEpoch);
        Assert.InRange(described.TransactionStartTimeMs, before, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());

        Assert.Contains((Txn, producerId, "Ongoing"), ListTransactions(client));
        Assert.Contains((Txn, producerId, "Ongoing"), ListTransactions(client, states: ["Ongoing"]));
        Assert.DoesNotContain(ListTransactions(client, out var unknownStates, states: ["CompleteCommit", "Bogus"]), t => t.Id == Txn);
        Assert.Equal(["Bogus"], unknownStates);
        Assert.Contains((Txn, producerId, "Ongoing"), ListTransactions(client, producerIds: [producerId]));
        Assert.DoesNotContain(ListTransactions(client, producerIds: [producerId + 1000]), t => t.Id == Txn);
        Assert.Contains((Txn, producerId, "Ongoing"), ListTransactions(client, durationMs: 0));
        Assert.DoesNotContain(ListTransactions(client, durationMs: 3_600_000), t => t.Id == Txn);
        Assert.Contains((Txn, producerId, "Ongoing"), ListTransactions(client, out _, version: 0));

        // Abort: an ABORT marker on both partitions; the transaction is listed as aborted for read_committed readers.
        Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: false));
        Assert.Equal(11, log.LogEndOffset);
        committedRead = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal(11, committedRead.HighWatermark);
        Assert.Equal(11, committedRead.LastStableOffset);
        var aborted = Assert.Single(committedRead.AbortedTransactions ?? []);
        Assert.Equal(producerId, aborted.ProducerId);
        Assert.Equal(4, aborted.FirstOffset);
        var marker = Records(committedRead)[^1];
        Assert.Equal(10, marker.Offset);
        Assert.True(marker.Control);
        Assert.Equal(producerId, marker.ProducerId);
        Assert.Equal(epoch, marker.ProducerEpoch);
        Assert.Equal(["plain-0", "plain-1", "plain-2", "plain-3", "after-0", "after-1", "after-2"], CommittedValues(committedRead));
        // A fetch from the middle of the aborted transaction is told of it too.
        var middle = FetchOnce(client, "t", 0, 5, readCommitted: true);
        Assert.Equal([(producerId, 4L)], (middle.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
        Assert.Equal(["after-0", "after-1", "after-2"], CommittedValues(middle));
        // So is a fetch past its data but not past its ABORT marker (Kafka's range runs from the first offset to the marker).
        var afterData = FetchOnce(client, "t", 0, 7, readCommitted: true);
        Assert.Equal([(producerId, 4L)], (afterData.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
        Assert.Equal(["after-0", "after-1", "after-2"], CommittedValues(afterData));
        var otherPartition = Fetch(client, "t", 1, 0, readCommitted: true);
        Assert.Equal(1, otherPartition.HighWatermark);
        Assert.Equal(1, otherPartition.LastStableOffset);
        Assert.True(Assert.Single(Records(otherPartition)).Control);
        Assert.Equal(11, ListLatest(client, "t", 0, readCommitted: true));
        Assert.Equal(-1, Assert.Single(Producers(client, "t", 0), p => p.ProducerId == producerId).CurrentTxnStartOffset);
        described = Describe(client, Txn);
        Assert.Equal("CompleteAbort", described.TransactionStateValue);
        Assert.Empty(described.Topics);
        Assert.Equal(epoch, described.ProducerEpoch);
        Assert.Contains((Txn, producerId, "CompleteAbort"), ListTransactions(client, states: ["CompleteAbort"]));
        Assert.DoesNotContain(ListTransactions(client, states: ["Ongoing"]), t => t.Id == Txn);
        // No transaction is open: nothing to list by duration.
        Assert.DoesNotContain(ListTransactions(client, durationMs: 0), t => t.Id == Txn);

        // A second transaction, committed. The sequence goes on from the aborted batch's.
        Add(client, Txn, producerId, epoch, ("t", 0));
        var second = Produce(client, "t", 0, Batch("tx2", 2, producerId, epoch, 3, transactional: true), Txn);
        Assert.Equal(0, second.ErrorCode);
        Assert.Equal(11, second.BaseOffset);
        described = Describe(client, Txn);
        Assert.Equal("Ongoing", described.TransactionStateValue);
        Assert.Equal([("t", 0)], PartitionsOf(described));
        Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
        Assert.Equal(14, log.LogEndOffset);
        // A retry of the same decision succeeds and writes nothing; the other decision is refused.
        Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
        Assert.Equal(14, log.LogEndOffset);
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(client, Txn, producerId, epoch, commit: false));
        Assert.Equal(14, log.LogEndOffset);
        Assert.Equal("CompleteCommit", Describe(client, Txn).TransactionStateValue);

        var tail = Fetch(client, "t", 0, 11, readCommitted: true);
        Assert.Equal(14, tail.HighWatermark);
        Assert.Equal(14, tail.LastStableOffset);
        Assert.Empty(tail.AbortedTransactions ?? []);
        Assert.Equal(["tx2-0", "tx2-1", null], Records(tail).Select(r => r.Value));
        Assert.True(Records(tail)[2].Control);
        var whole = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal([(producerId, 4L)], (whole.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
        Assert.Equal(["plain-0", "plain-1", "plain-2", "plain-3", "after-0", "after-1", "after-2", "tx2-0", "tx2-1"], CommittedValues(whole));

        // Unknown ids.
        Assert.Equal((short)ErrorCode.TransactionalIdNotFound, Describe(client, "nobody").ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, EndTxn(client, "nobody", producerId, epoch, commit: true));
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, EndTxn(client, Txn, producerId + 1000, epoch, commit: true));
    }

    [Fact]
    public async Task Transaction_timeouts_above_the_maximum_are_refused()
    {
        await using var broker = await StartWithTopic(new Dictionary<string, string> { [BrokerConfigs.TransactionMaxTimeoutMs] = "10000" });
        using var client = new RawKafkaClient(broker.BootstrapServers);
        foreach (var version in new short[] { 0, 2, 4 })
        {
            var tooLong = InitProducerId(client, Txn, timeoutMs: 10_001, version: version);
            Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, tooLong.ErrorCode);
            Assert.Equal(-1, tooLong.ProducerId);
        }
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, InitProducerId(client, Txn, timeoutMs: 0).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, InitProducerId(client, Txn, timeoutMs: -5).ErrorCode);
        Assert.Equal((short)ErrorCode.TransactionalIdNotFound, Describe(client, Txn).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidRequest, InitProducerId(client, "", timeoutMs: 1000).ErrorCode);

        var (producerId, epoch) = Init(client, Txn, timeoutMs: 10_000);
        var described = Describe(client, Txn);
        Assert.Equal(10_000, described.TransactionTimeoutMs);
        Assert.Equal(producerId, described.ProducerId);
        // No transaction is open: there is nothing to end.
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(client, Txn, producerId, epoch, commit: true));
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(client, Txn, producerId, epoch, commit: false));
        Assert.Equal("Empty", Describe(client, Txn).TransactionStateValue);
        // The timeout is only checked for transactional producers.
        Assert.Equal(0, InitProducerId(client, null, timeoutMs: 1_000_000).ErrorCode);
    }

    [Fact]
    public async Task A_new_instance_fences_the_old_epoch_and_aborts_its_open_transaction()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, oldEpoch) = Init(client, Txn);
        Add(client, Txn, producerId, oldEpoch, ("t", 0));
        Assert.Equal(0, Produce(client, "t", 0, Batch("zombie", 3, producerId, oldEpoch, 0, transactional: true), Txn).BaseOffset);

        // A second instance with the same transactional id.
        var (sameId, epoch) = Init(client, Txn);
        Assert.Equal(producerId, sameId);
        Assert.True(epoch > oldEpoch, $"epoch {epoch} after {oldEpoch}");
        var described = Describe(client, Txn);
        Assert.Equal("Empty", described.TransactionStateValue);
        Assert.Equal(epoch, described.ProducerEpoch);

        // The zombie's open transaction was aborted: invisible, and it holds the LSO back no more.
        var read = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal(4, read.HighWatermark);
        Assert.Equal(4, read.LastStableOffset);
        Assert.Equal([(producerId, 0L)], (read.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
        Assert.Empty(CommittedValues(read));
        Assert.True(Records(read)[^1].Control);

        // Every coordinator request of the old epoch is fenced: PRODUCER_FENCED where the version knows it.
        foreach (var version in new short[] { 0, 1 })
        {
            Assert.Equal((short)ErrorCode.InvalidProducerEpoch, EndTxn(client, Txn, producerId, oldEpoch, commit: true, version));
            Assert.All(AddPartitions(client, Txn, producerId, oldEpoch, [("t", 1)], version), r => Assert.Equal((short)ErrorCode.InvalidProducerEpoch, r.Error));
            Assert.Equal((short)ErrorCode.InvalidProducerEpoch, AddOffsets(client, Txn, producerId, oldEpoch, "g", version));
        }
        foreach (var version in new short[] { 2, 3 })
        {
            Assert.Equal((short)ErrorCode.ProducerFenced, EndTxn(client, Txn, producerId, oldEpoch, commit: true, version));
            Assert.All(AddPartitions(client, Txn, producerId, oldEpoch, [("t", 1)], version), r => Assert.Equal((short)ErrorCode.ProducerFenced, r.Error));
            Assert.Equal((short)ErrorCode.ProducerFenced, AddOffsets(client, Txn, producerId, oldEpoch, "g", version));
        }
        // KIP-360: an instance that asks to bump an epoch it no longer holds is fenced too.
        var stale = new InitProducerIdRequest { TransactionalId = Txn, TransactionTimeoutMs = 60_000, ProducerId = producerId, ProducerEpoch = oldEpoch };
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, client.Call<InitProducerIdResponse>(stale, 3).Response.ErrorCode);
        Assert.Equal((short)ErrorCode.ProducerFenced, client.Call<InitProducerIdResponse>(stale, 4).Response.ErrorCode);
        Assert.Equal(epoch, Describe(client, Txn).ProducerEpoch);

        // The new instance's transaction works; a zombie batch in the middle of it is refused (produce path: 47).
        Add(client, Txn, producerId, epoch, ("t", 0));
        var zombie = Produce(client, "t", 0, Batch("zombie2", 1, producerId, oldEpoch, 3, transactional: true), Txn);
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, zombie.ErrorCode);
        var fresh = Produce(client, "t", 0, Batch("new", 2, producerId, epoch, 0, transactional: true), Txn);
        Assert.Equal(0, fresh.ErrorCode);
        Assert.Equal(4, fresh.BaseOffset);
        Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
        read = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal(7, read.HighWatermark);
        Assert.Equal(7, read.LastStableOffset);
        Assert.Equal(["new-0", "new-1"], CommittedValues(read));
        Assert.Equal("CompleteCommit", Describe(client, Txn).TransactionStateValue);
    }

    [Fact]
    public async Task A_producer_may_bump_its_own_epoch_and_a_lost_answer_is_answered_again()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, Txn);
        InitProducerIdResponse Bump(long id, short current) => client.Call<InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = Txn, TransactionTimeoutMs = 60_000, ProducerId = id, ProducerEpoch = current }, 4).Response;

        // KIP-360: the producer names its id and epoch and gets the next epoch.
        var bumped = Bump(producerId, epoch);
        Assert.Equal(0, bumped.ErrorCode);
        Assert.Equal(producerId, bumped.ProducerId);
        Assert.Equal(epoch + 1, bumped.ProducerEpoch);
        // The answer was lost: the same request again gets the same epoch, not another bump.
        var retried = Bump(producerId, epoch);
        Assert.Equal(0, retried.ErrorCode);
        Assert.Equal(epoch + 1, retried.ProducerEpoch);
        Assert.Equal(epoch + 1, Describe(client, Txn).ProducerEpoch);
        // From the new epoch on, the next bump.
        var next = Bump(producerId, (short)(epoch + 1));
        Assert.Equal(0, next.ErrorCode);
        Assert.Equal(epoch + 2, next.ProducerEpoch);
        // Another producer id is not this transactional id's.
        Assert.Equal((short)ErrorCode.ProducerFenced, Bump(producerId + 1000, (short)(epoch + 2)).ErrorCode);
        Assert.Equal(epoch + 2, Describe(client, Txn).ProducerEpoch);
    }

    [Fact]
    public async Task An_exhausted_epoch_moves_the_transactional_id_to_a_new_producer_id()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, Txn);
        Assert.Equal(0, epoch);
        // Every InitProducerId bumps the epoch; at Short.MaxValue - 1 the next one rotates to a new producer id.
        var frames = Enumerable.Range(0, short.MaxValue - 2).Select(_ => client.Frame(new InitProducerIdRequest { TransactionalId = Txn, TransactionTimeoutMs = 60_000 }, 4)).ToList();
        foreach (var chunk in frames.Chunk(256))
        {
            client.Send([.. chunk.SelectMany(f => f)]);
            foreach (var _ in chunk)
            {
                var (_, response) = RawKafkaClient.Decode<InitProducerIdResponse>(client.ReceiveFrame()!, ApiKey.InitProducerId, 4);
                Assert.Equal(0, response.ErrorCode);
                Assert.Equal(producerId, response.ProducerId);
            }
        }
        Assert.Equal(short.MaxValue - 2, Describe(client, Txn).ProducerEpoch);
        var last = Init(client, Txn);
        Assert.Equal((producerId, (short)(short.MaxValue - 1)), last);
        var rotated = Init(client, Txn);
        Assert.NotEqual(producerId, rotated.ProducerId);
        Assert.Equal(0, rotated.Epoch);

        // The new producer id works; the old one is no longer this id's.
        Add(client, Txn, rotated.ProducerId, rotated.Epoch, ("t", 0));
        Assert.Equal(0, Produce(client, "t", 0, Batch("rotated", 2, rotated.ProducerId, rotated.Epoch, 0, transactional: true), Txn).ErrorCode);
        Assert.Equal(0, EndTxn(client, Txn, rotated.ProducerId, rotated.Epoch, commit: true));
        Assert.Equal(["rotated-0", "rotated-1"], CommittedValues(Fetch(client, "t", 0, 0, readCommitted: true)));
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, EndTxn(client, Txn, producerId, (short)(short.MaxValue - 1), commit: true));
    }

    [Fact]
    public async Task A_transaction_open_past_its_timeout_is_aborted_with_a_bumped_epoch()
    {
        // The ticker is slowed down so that the test decides when the coordinator looks.
        await using var broker = await StartWithTopic(new Dictionary<string, string> { [BrokerConfigs.TransactionAbortTimedOutIntervalMs] = "3600000" });
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, Txn, timeoutMs: 1000);
        Add(client, Txn, producerId, epoch, ("t", 0));
        Assert.Equal(0, Produce(client, "t", 0, Batch("slow", 2, producerId, epoch, 0, transactional: true), Txn).ErrorCode);
        Assert.Equal(0, broker.Broker.Transactions.AbortTimedOutTransactions());
        Assert.Equal("Ongoing", Describe(client, Txn).TransactionStateValue);
        Assert.Equal(0, Fetch(client, "t", 0, 0, readCommitted: true).LastStableOffset);

        await Task.Delay(1300);
        Assert.Equal(1, broker.Broker.Transactions.AbortTimedOutTransactions());
        var described = Describe(client, Txn);
        Assert.Equal("CompleteAbort", described.TransactionStateValue);
        Assert.Equal(epoch + 1, described.ProducerEpoch);
        Assert.Equal(0, broker.Broker.Transactions.AbortTimedOutTransactions());

        var read = Fetch(client, "t", 0, 0, readCommitted: true);
        Assert.Equal(3, read.HighWatermark);
        Assert.Equal(3, read.LastStableOffset);
        Assert.Equal([(producerId, 0L)], (read.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
        Assert.Equal(epoch + 1, Records(read)[^1].ProducerEpoch);
        Assert.Empty(CommittedValues(read));

        // The late producer is fenced.
        Assert.Equal((short)ErrorCode.ProducerFenced, EndTxn(client, Txn, producerId, epoch, commit: true));
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, Produce(client, "t", 0, Batch("late", 1, producerId, epoch, 2, transactional: true), Txn).ErrorCode);
        Assert.Equal(3, broker.Broker.Topics.Find("t")!.Partitions[0].Log.LogEndOffset);
    }

    [Fact]
    public async Task AddPartitionsToTxn_with_an_unknown_partition_adds_none()
    {
        await using var broker = await StartWithTopic(new Dictionary<string, string> { [BrokerConfigs.AutoCreateTopics] = "true" });
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, Txn);
        var results = AddPartitions(client, Txn, producerId, epoch, [("t", 0), ("missing", 0), ("t", 5), ("t", 1)])
            .ToDictionary(r => (r.Topic, r.Partition), r => r.Error);
        Assert.Equal(4, results.Count);
        Assert.Equal((short)ErrorCode.OperationNotAttempted, results[("t", 0)]);
        Assert.Equal((short)ErrorCode.OperationNotAttempted, results[("t", 1)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, results[("missing", 0)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, results[("t", 5)]);
        // Not even auto-created.
        Assert.Null(broker.Broker.Topics.Find("missing"));

        var described = Describe(client, Txn);
        Assert.Equal("Empty", described.TransactionStateValue);
        Assert.Empty(described.Topics);
        var refused = Produce(client, "t", 0, Batch("x", 1, producerId, epoch, 0, transactional: true), Txn);
        Assert.Equal((short)ErrorCode.InvalidTxnState, refused.ErrorCode);
        Assert.Equal(0, broker.Broker.Topics.Find("t")!.Partitions[0].Log.LogEndOffset);

        // A transactional batch without its transactional id, or with another id's producer, is refused as well.
        Add(client, Txn, producerId, epoch, ("t", 0));
        Assert.NotEqual(0, Produce(client, "t", 0, Batch("x", 1, producerId, epoch, 0, transactional: true), transactionalId: null).ErrorCode);
        var (otherProducer, otherEpoch) = Init(client, "other");
        Assert.NotEqual(0, Produce(client, "t", 0, Batch("x", 1, otherProducer, otherEpoch, 0, transactional: true), Txn).ErrorCode);
        Assert.Equal(0, broker.Broker.Topics.Find("t")!.Partitions[0].Log.LogEndOffset);
    }

    [Fact]
    public async Task An_idle_transactional_id_expires_but_an_open_transaction_does_not()
    {
        await using var broker = await StartWithTopic(new Dictionary<string, string>
        {
            [BrokerConfigs.TransactionalIdExpirationMs] = "500",
            [BrokerConfigs.TransactionAbortTimedOutIntervalMs] = "3600000",
        });
        long idleProducer;
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            (idleProducer, _) = Init(client, Txn);
            var (busyProducer, busyEpoch) = Init(client, "busy", timeoutMs: 600_000);
            Add(client, "busy", busyProducer, busyEpoch, ("t", 0));
            await Task.Delay(800);
            Assert.Equal(0, broker.Broker.Transactions.AbortTimedOutTransactions());
            Assert.Equal((short)ErrorCode.TransactionalIdNotFound, Describe(client, Txn).ErrorCode);
            Assert.DoesNotContain(ListTransactions(client), t => t.Id == Txn);
            Assert.Equal("Ongoing", Describe(client, "busy").TransactionStateValue);
        }

        // Forgotten for good: the restart replays the log without it.
        await broker.RestartAsync();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Equal((short)ErrorCode.TransactionalIdNotFound, Describe(client, Txn).ErrorCode);
            Assert.Equal("Ongoing", Describe(client, "busy").TransactionStateValue);
            var (producerId, epoch) = Init(client, Txn);
            Assert.NotEqual(idleProducer, producerId);
            Assert.Equal(0, epoch);
        }
    }

    private static (string MemberId, int Generation) JoinAlone(RawKafkaClient client, string group)
    {
        JoinGroupRequest Join(string memberId) => new()
        {
            GroupId = group,
            SessionTimeoutMs = 30_000,
            RebalanceTimeoutMs = 10_000,
            MemberId = memberId,
            ProtocolType = "consumer",
            Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = [1] }],
        };
        var first = client.Call<JoinGroupResponse>(Join(""), 5).Response;
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        var joined = client.Call<JoinGroupResponse>(Join(first.MemberId), 5).Response;
        Assert.Equal(0, joined.ErrorCode);
        var sync = client.Call<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = group,
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            Assignments = [new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = joined.MemberId, Assignment = [1] }],
        }, 3).Response;
        Assert.Equal(0, sync.ErrorCode);
        return (joined.MemberId, joined.GenerationId);
    }

    private static List<short> TxnOffsetCommit(RawKafkaClient client, long producerId, short epoch, int generation, string memberId,
        IEnumerable<(int Partition, long Offset)> offsets, short version = 3)
    {
        var response = client.Call<TxnOffsetCommitResponse>(new TxnOffsetCommitRequest
        {
            TransactionalId = Txn,
            GroupId = "g",
            ProducerId = producerId,
            ProducerEpoch = epoch,
            GenerationId = generation,
            MemberId = memberId,
            Topics = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
            {
                Name = "t",
                Partitions = [.. offsets.Select(o => new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = o.Partition, CommittedOffset = o.Offset, CommittedMetadata = "txn" })],
            }],
        }, version).Response;
        return [.. response.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode)];
    }

    /// <summary>OffsetFetch v7 of t-0 and t-1: (offset, error) for each.</summary>
    private static List<(long Offset, short Error)> OffsetFetch(RawKafkaClient client, bool requireStable)
    {
        var response = client.Call<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = "g",
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = "t", PartitionIndexes = [0, 1] }],
            RequireStable = requireStable,
        }, 7).Response;
        Assert.Equal(0, response.ErrorCode);
        return [.. Assert.Single(response.Topics).Partitions.OrderBy(p => p.PartitionIndex).Select(p => (p.CommittedOffset, p.ErrorCode))];
    }

    [Fact]
    public async Task Transactional_offset_commits_check_the_member_and_stay_pending_until_the_transaction_ends()
    {
        await using var broker = await StartWithTopic(new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var (member, generation) = JoinAlone(client, "g");
            var commit = client.Call<OffsetCommitResponse>(new OffsetCommitRequest
            {
                GroupId = "g",
                GenerationIdOrMemberEpoch = generation,
                MemberId = member,
                Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 5 }, new() { PartitionIndex = 1, CommittedOffset = 6 }] }],
            }, 7).Response;
            Assert.All(commit.Topics[0].Partitions, p => Assert.Equal(0, p.ErrorCode));

            var (producerId, epoch) = Init(client, Txn);
            Assert.Equal(0, AddOffsets(client, Txn, producerId, epoch, "g"));
            Assert.Contains(("__consumer_offsets", 0), PartitionsOf(Describe(client, Txn)));

            // KIP-447: the consumer's group metadata must be current.
            Assert.Equal([(short)ErrorCode.IllegalGeneration], TxnOffsetCommit(client, producerId, epoch, generation + 1, member, [(0, 42)]));
            Assert.Equal([(short)ErrorCode.UnknownMemberId], TxnOffsetCommit(client, producerId, epoch, generation, "nobody", [(0, 42)]));
            Assert.Equal([(5L, (short)0), (6L, (short)0)], OffsetFetch(client, requireStable: true));

            Assert.Equal([(short)0], TxnOffsetCommit(client, producerId, epoch, generation, member, [(0, 42)]));
            // Pending: read_committed consumers (RequireStable) are told to wait, others see the old offset.
            var pending = OffsetFetch(client, requireStable: true);
            Assert.Equal((short)ErrorCode.UnstableOffsetCommit, pending[0].Error);
            Assert.Equal((6L, (short)0), pending[1]);
            Assert.Equal([(5L, (short)0), (6L, (short)0)], OffsetFetch(client, requireStable: false));

            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
            Assert.Equal([(42L, (short)0), (6L, (short)0)], OffsetFetch(client, requireStable: true));

            // An aborted transaction's offsets are dropped.
            Assert.Equal(0, AddOffsets(client, Txn, producerId, epoch, "g"));
            Assert.Equal([(short)0, (short)0], TxnOffsetCommit(client, producerId, epoch, generation, member, [(0, 99), (1, 100)]));
            Assert.All(OffsetFetch(client, requireStable: true), p => Assert.Equal((short)ErrorCode.UnstableOffsetCommit, p.Error));
            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: false));
            Assert.Equal([(42L, (short)0), (6L, (short)0)], OffsetFetch(client, requireStable: true));

            // Older clients send no group metadata (v0–2): nothing to check.
            Assert.Equal(0, AddOffsets(client, Txn, producerId, epoch, "g"));
            Assert.Equal([(short)0], TxnOffsetCommit(client, producerId, epoch, -1, "", [(1, 7)], version: 2));
            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
            Assert.Equal([(42L, (short)0), (7L, (short)0)], OffsetFetch(client, requireStable: true));
        }

        // The offsets log replays to the same state: the committed transactional offsets, not the aborted ones.
        await broker.RestartAsync();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            Assert.Equal([(42L, (short)0), (7L, (short)0)], OffsetFetch(client, requireStable: true));
        }
    }

    [Fact]
    public async Task Decided_transactions_and_their_offsets_survive_a_restart()
    {
        await using var broker = await StartWithTopic();
        long producerId;
        short epoch;
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            (producerId, epoch) = Init(client, Txn);
            Add(client, Txn, producerId, epoch, ("t", 0), ("t", 1));
            Assert.Equal(0, Produce(client, "t", 0, Batch("a", 2, producerId, epoch, 0, transactional: true), Txn).ErrorCode);
            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: false));
            Add(client, Txn, producerId, epoch, ("t", 0));
            Assert.Equal(0, Produce(client, "t", 0, Batch("c", 2, producerId, epoch, 2, transactional: true), Txn).ErrorCode);
            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
        }

        await broker.RestartAsync();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            var described = Describe(client, Txn);
            Assert.Equal("CompleteCommit", described.TransactionStateValue);
            Assert.Equal(producerId, described.ProducerId);
            Assert.Equal(epoch, described.ProducerEpoch);
            var read = Fetch(client, "t", 0, 0, readCommitted: true);
            Assert.Equal(6, read.HighWatermark);
            Assert.Equal(6, read.LastStableOffset);
            Assert.Equal([(producerId, 0L)], (read.AbortedTransactions ?? []).Select(a => (a.ProducerId, a.FirstOffset)));
            Assert.Equal(["c-0", "c-1"], CommittedValues(read));
            // The commit retried after the restart is still recognised; the epoch goes on from the stored one.
            Assert.Equal(0, EndTxn(client, Txn, producerId, epoch, commit: true));
            var (sameId, newEpoch) = Init(client, Txn);
            Assert.Equal(producerId, sameId);
            Assert.True(newEpoch > epoch, $"epoch {newEpoch} after {epoch}");
        }
    }
}
