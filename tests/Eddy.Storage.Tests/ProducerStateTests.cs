using Eddy.Protocol;
using Eddy.Storage.Producers;

namespace Eddy.Storage.Tests;

public sealed class ProducerStateTests : IDisposable
{
    private const long Producer = 1000;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_exact_retry_of_each_of_the_last_five_batches_returns_its_original_offsets_and_writes_nothing()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(TestBatches.Create(3, "plain"), TimestampType.CreateTime, 0);
        var originals = new List<AppendInfo>();
        for (var i = 0; i < 7; i++)
        {
            originals.Add(log.Append(ProducerBatches.Create(Producer, 0, i * 2, count: 2), TimestampType.CreateTime, 0));
        }
        var end = log.LogEndOffset;
        var size = log.SizeInBytes;

        for (var i = 2; i < 7; i++)
        {
            var retry = log.Append(ProducerBatches.Create(Producer, 0, i * 2, count: 2), TimestampType.CreateTime, 0);
            Assert.True(retry.IsDuplicate);
            Assert.Equal(originals[i].BaseOffset, retry.BaseOffset);
            Assert.Equal(originals[i].LastOffset, retry.LastOffset);
            Assert.Equal(-1, retry.LogAppendTime);
        }
        Assert.Equal(end, log.LogEndOffset);
        Assert.Equal(size, log.SizeInBytes);
        Assert.Equal(17, TestLogs.ReadAll(log).Count);
        Assert.False(log.Append(ProducerBatches.Create(Producer, 0, 14), TimestampType.CreateTime, 0).IsDuplicate);
    }

    [Fact]
    public void A_retry_of_the_sixth_newest_batch_is_out_of_order()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        for (var i = 0; i < 6; i++)
        {
            log.Append(ProducerBatches.Create(Producer, 0, i), TimestampType.CreateTime, 0);
        }
        var end = log.LogEndOffset;

        var error = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 0), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, error.Error);
        Assert.Equal(end, log.LogEndOffset);
        Assert.True(log.Append(ProducerBatches.Create(Producer, 0, 1), TimestampType.CreateTime, 0).IsDuplicate);
    }

    [Fact]
    public void A_retry_with_the_same_first_sequence_but_another_length_is_not_a_duplicate()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 0, 0, count: 3), TimestampType.CreateTime, 0);

        var error = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 0, count: 2), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, error.Error);
    }

    [Fact]
    public void A_gap_in_the_sequence_is_out_of_order_and_writes_nothing()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 0, 0, count: 2), TimestampType.CreateTime, 0);

        var error = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 3), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, error.Error);
        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(2, log.Append(ProducerBatches.Create(Producer, 0, 2), TimestampType.CreateTime, 0).BaseOffset);
    }

    [Fact]
    public void An_older_epoch_is_refused_and_a_new_epoch_must_start_at_sequence_zero()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 3, 0), TimestampType.CreateTime, 0);

        var old = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 2, 1), TimestampType.CreateTime, 0));
        var notZero = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 4, 1), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.InvalidProducerEpoch, old.Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, notZero.Error);
        Assert.Equal(1, log.LogEndOffset);
        log.Append(ProducerBatches.Create(Producer, 4, 0), TimestampType.CreateTime, 0);
        // The bumped epoch fences the old one, even for what was its next sequence.
        var fenced = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 3, 1), TimestampType.CreateTime, 0));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, fenced.Error);
        // A retry of a batch of the older epoch is fenced too, not answered as a duplicate.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 3, 0), TimestampType.CreateTime, 0)).Error);
        Assert.Equal(new ProducerInfo(Producer, 4, 0, 1_000, -1, -1), Assert.Single(log.Producers()));
    }

    [Fact]
    public void An_unknown_producer_may_start_at_any_sequence_and_any_epoch()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());

        log.Append(ProducerBatches.Create(Producer, 0, 42, count: 3), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(Producer + 1, 7, 1_000_000), TimestampType.CreateTime, 0);

        Assert.Equal(4, log.LogEndOffset);
        log.Append(ProducerBatches.Create(Producer, 0, 45), TimestampType.CreateTime, 0);
        Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 42), TimestampType.CreateTime, 0));
        Assert.Equal([45, 1_000_000], log.Producers().Select(p => p.LastSequence).Order());
    }

    [Fact]
    public void Sequences_wrap_from_int_max_value_to_zero()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 0, int.MaxValue - 2), TimestampType.CreateTime, 0);

        // int.MaxValue - 1, int.MaxValue, 0, 1: a batch across the wrap.
        var across = log.Append(ProducerBatches.Create(Producer, 0, int.MaxValue - 1, count: 4), TimestampType.CreateTime, 0);

        Assert.Equal(1, log.Producers()[0].LastSequence);
        Assert.Equal(across.BaseOffset, log.Append(ProducerBatches.Create(Producer, 0, int.MaxValue - 1, count: 4), TimestampType.CreateTime, 0).BaseOffset);
        Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 3), TimestampType.CreateTime, 0));
        log.Append(ProducerBatches.Create(Producer, 0, 2), TimestampType.CreateTime, 0);

        using var other = PartitionLog.Open(_directory.Combine("other"), new LogConfig());
        other.Append(ProducerBatches.Create(Producer, 0, int.MaxValue), TimestampType.CreateTime, 0);
        other.Append(ProducerBatches.Create(Producer, 0, 0), TimestampType.CreateTime, 0);
        Assert.Equal(0, other.Producers()[0].LastSequence);
    }

    [Fact]
    public void A_batch_with_a_producer_id_but_no_sequence_is_an_invalid_record_unless_the_coordinator_writes_it()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());

        var error = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, -1), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.InvalidRecord, error.Error);
        Assert.Equal(0, log.LogEndOffset);
        log.Append(ProducerBatches.Create(Producer, 0, -1, transactional: true), TimestampType.CreateTime, 0, AppendOrigin.Coordinator);
        Assert.Equal(0, log.Producers()[0].CurrentTransactionStartOffset);
        Assert.Equal(0, log.LastStableOffset);
        var older = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, -1 + 0, -1), TimestampType.CreateTime, 0, AppendOrigin.Coordinator));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, older.Error);
    }

    [Fact]
    public void A_non_transactional_batch_while_the_producers_transaction_is_open_is_an_invalid_txn_state()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 0, 0, transactional: true), TimestampType.CreateTime, 0);

        var error = Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 0, 1), TimestampType.CreateTime, 0));

        Assert.Equal(ErrorCode.InvalidTxnState, error.Error);
        Assert.Equal(1, log.LogEndOffset);
        log.AppendEndTransactionMarker(Producer, 0, commit: true, coordinatorEpoch: 0, now: 5);
        log.Append(ProducerBatches.Create(Producer, 0, 1), TimestampType.CreateTime, 0);
        Assert.Equal(3, log.LastStableOffset);
    }

    [Fact]
    public void A_refused_batch_among_several_writes_none_of_them_and_changes_no_state()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 0, 0), TimestampType.CreateTime, 0);
        var batches = TestBatches.Concat(
            ProducerBatches.Create(Producer, 0, 1, transactional: true),
            ProducerBatches.Create(Producer + 1, 0, 0, count: 2),
            ProducerBatches.Create(Producer, 0, 2, count: 2, transactional: true),
            ProducerBatches.Create(Producer + 1, 0, 5));

        Assert.Throws<ProducerStateException>(() => log.Append(batches, TimestampType.CreateTime, 0));

        Assert.Equal(1, log.LogEndOffset);
        Assert.Equal(1, log.LastStableOffset);
        Assert.Equal(new ProducerInfo(Producer, 0, 0, 1_000, -1, -1), Assert.Single(log.Producers()));

        // The same batches without the gap: each is checked against the ones before it in the same append.
        batches = TestBatches.Concat(
            ProducerBatches.Create(Producer, 0, 1, transactional: true),
            ProducerBatches.Create(Producer + 1, 0, 0, count: 2),
            ProducerBatches.Create(Producer, 0, 2, count: 2, transactional: true),
            ProducerBatches.Create(Producer + 1, 0, 2));
        var info = log.Append(batches, TimestampType.CreateTime, 0);
        Assert.Equal((1L, 6L), (info.BaseOffset, info.LastOffset));
        Assert.Equal(1, log.LastStableOffset);
        Assert.Equal([(Producer, 3, 1L), (Producer + 1, 2, -1L)], log.Producers().Select(p => (p.ProducerId, p.LastSequence, p.CurrentTransactionStartOffset)));
        Assert.True(log.Append(ProducerBatches.Create(Producer, 0, 2, count: 2, transactional: true), TimestampType.CreateTime, 0).IsDuplicate);
    }

    [Fact]
    public void A_retry_on_a_log_append_time_topic_gets_the_original_append_time()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        var first = log.Append(ProducerBatches.Create(Producer, 0, 0), TimestampType.LogAppendTime, 5_000);

        var retry = log.Append(ProducerBatches.Create(Producer, 0, 0), TimestampType.LogAppendTime, 9_000);

        Assert.Equal(5_000, first.LogAppendTime);
        Assert.Equal(new AppendInfo(0, 0, 5_000, IsDuplicate: true), retry);
    }

    [Fact]
    public void Producers_are_described_and_expire_unless_their_transaction_is_open()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(1, 0, 0, timestamp: 10_000), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(2, 0, 0, transactional: true, timestamp: 10_000), TimestampType.CreateTime, 0);
        log.Append(ProducerBatches.Create(3, 0, 0, timestamp: 50_000), TimestampType.CreateTime, 0);
        log.AppendEndTransactionMarker(4, 2, commit: false, coordinatorEpoch: 9, now: 20_000);

        Assert.Equal(
            [new ProducerInfo(1, 0, 0, 10_000, -1, -1), new ProducerInfo(2, 0, 0, 10_000, -1, 1), new ProducerInfo(3, 0, 0, 50_000, -1, -1), new ProducerInfo(4, 2, -1, 20_000, 9, -1)],
            log.Producers());

        Assert.Equal(2, log.ExpireProducers(now: 60_000, expirationMs: 30_000));

        Assert.Equal([2L, 3], log.Producers().Select(p => p.ProducerId));
        // Forgotten: any sequence is accepted again.
        log.Append(ProducerBatches.Create(1, 0, 77), TimestampType.CreateTime, 0);
    }

    [Fact]
    public void Markers_check_the_producer_epoch_and_fence_an_older_coordinator()
    {
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Append(ProducerBatches.Create(Producer, 1, 0, transactional: true), TimestampType.CreateTime, 0);
        log.AppendEndTransactionMarker(Producer, 1, commit: true, coordinatorEpoch: 5, now: 1);
        log.Append(ProducerBatches.Create(Producer, 1, 1, transactional: true), TimestampType.CreateTime, 0);

        var fenced = Assert.Throws<ProducerStateException>(() => log.AppendEndTransactionMarker(Producer, 1, commit: true, coordinatorEpoch: 4, now: 2));
        var oldEpoch = Assert.Throws<ProducerStateException>(() => log.AppendEndTransactionMarker(Producer, 0, commit: false, coordinatorEpoch: 6, now: 2));

        Assert.Equal(ErrorCode.TransactionCoordinatorFenced, fenced.Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, oldEpoch.Error);
        Assert.Equal(3, log.LogEndOffset);
        Assert.Equal(2, log.LastStableOffset);

        // The coordinator fences the producer: an abort with a bumped epoch, which the producer must then start at 0.
        var abort = log.AppendEndTransactionMarker(Producer, 2, commit: false, coordinatorEpoch: 6, now: 3);
        Assert.Equal(new AppendInfo(3, 3, -1), abort);
        Assert.Equal(4, log.LastStableOffset);
        Assert.Equal([new AbortedTransaction(Producer, 2, 3)], log.CollectAbortedTransactions(0, 4));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 1, 2), TimestampType.CreateTime, 0)).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Assert.Throws<ProducerStateException>(() => log.Append(ProducerBatches.Create(Producer, 2, 2), TimestampType.CreateTime, 0)).Error);
        log.Append(ProducerBatches.Create(Producer, 2, 0), TimestampType.CreateTime, 0);
    }

    [Fact]
    public void A_marker_without_an_open_transaction_is_written_and_enters_no_index()
    {
        var appended = 0;
        using var log = PartitionLog.Open(_directory.Path, new LogConfig());
        log.Appended += _ => appended++;

        var info = log.AppendEndTransactionMarker(Producer, 0, commit: false, coordinatorEpoch: 0, now: 1);

        Assert.Equal(new AppendInfo(0, 0, -1), info);
        Assert.Equal(1, appended);
        Assert.Empty(log.CollectAbortedTransactions(0, long.MaxValue));
        var batch = Assert.Single(TestBatches.ReadBatches(TestBatches.CopyOut(log.Read(0, 1000).Records)));
        Assert.Equal(RecordBatch.TransactionalMask | RecordBatch.ControlMask, batch.Attributes);
    }
}
