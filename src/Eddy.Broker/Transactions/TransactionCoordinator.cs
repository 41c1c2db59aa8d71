using System.Collections.Concurrent;
using Eddy.Protocol;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Transactions;

/// <summary>
/// Kafka's transaction coordinator for a single node (KIP-98, KIP-360, KIP-447): hands out producer ids and epochs,
/// fences older instances of a transactional id, tracks the partitions of each open transaction, and ends
/// transactions — the decision (PrepareCommit/PrepareAbort) is written to the transaction log before any marker, the
/// markers are written to every partition, then the completion; EndTxn is answered after all three. A decision whose
/// markers were not all written (crash, disk error) is completed at start-up or by the next tick. Transactions open
/// longer than their timeout are aborted with a bumped epoch, which fences the producer that let them hang.
/// Errors are those of the newest request versions (PRODUCER_FENCED); handlers translate for older versions.
/// </summary>
public sealed partial class TransactionCoordinator : IAsyncDisposable
{
    private const short MaxEpoch = short.MaxValue;

    private readonly ConcurrentDictionary<string, TransactionMetadata> _transactions = new(StringComparer.Ordinal);
    private readonly TransactionLog _log;
    private readonly ProducerIdManager _producerIds;
    private readonly TransactionMarkerWriter _markers;
    private readonly TimeProvider _time;
    private long _committed;
    private long _aborted;
    private long _timedOut;
    private readonly ILogger _logger;
    private readonly int _maxTimeoutMs;
    private readonly long _idExpirationMs;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _ticker;

    internal TransactionCoordinator(TransactionLog log, ProducerIdManager producerIds, TransactionMarkerWriter markers,
        int maxTimeoutMs, int abortIntervalMs, long idExpirationMs, TimeProvider time, ILogger logger)
    {
        _log = log;
        _producerIds = producerIds;
        _markers = markers;
        _maxTimeoutMs = maxTimeoutMs;
        _idExpirationMs = idExpirationMs;
        _time = time;
        _logger = logger;
        Recover();
        _ticker = TickAsync(TimeSpan.FromMilliseconds(abortIntervalMs));
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// InitProducerId. Without a transactional id: a fresh producer id with epoch 0 (idempotent producer). With one:
    /// the id's producer id with its epoch bumped (fencing every older instance), after aborting a transaction the
    /// old instance left open. <paramref name="expectedProducerId"/>/<paramref name="expectedEpoch"/> (v3+, KIP-360)
    /// identify a producer bumping its own epoch to recover; a stale pair is PRODUCER_FENCED.
    /// </summary>
    public (ErrorCode Error, long ProducerId, short Epoch) InitProducerId(string? transactionalId, int timeoutMs, long expectedProducerId = -1, short expectedEpoch = -1)
    {
        if (transactionalId is null)
        {
            return (ErrorCode.None, _producerIds.Next(), 0);
        }
        if (transactionalId.Length == 0)
        {
            return (ErrorCode.InvalidRequest, -1, -1);
        }
        if (timeoutMs <= 0 || timeoutMs > _maxTimeoutMs)
        {
            return (ErrorCode.InvalidTransactionTimeout, -1, -1);
        }
        while (true)
        {
            var metadata = _transactions.GetOrAdd(transactionalId, id => new TransactionMetadata(id));
            lock (metadata.Sync)
            {
                if (metadata.State == TransactionState.Dead)
                {
                    continue; // expired under us: the next lookup makes a fresh one
                }
                return InitLocked(metadata, timeoutMs, expectedProducerId, expectedEpoch);
            }
        }
    }

    /// <summary>AddPartitionsToTxn: opens the transaction if needed and adds the partitions to it.</summary>
    public ErrorCode AddPartitions(string transactionalId, long producerId, short epoch, IReadOnlyCollection<(string Topic, int Partition)> partitions) =>
        ForCurrentProducer(transactionalId, producerId, epoch, metadata =>
        {
            switch (metadata.State)
            {
                case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                    return ErrorCode.ConcurrentTransactions;
                case TransactionState.Ongoing when partitions.All(metadata.Partitions.Contains):
                    return ErrorCode.None;
            }
            var now = Now;
            var added = metadata.State == TransactionState.Ongoing ? [.. metadata.Partitions] : new List<(string, int)>();
            added.AddRange(partitions.Where(p => !added.Contains(p)));
            var start = metadata.State == TransactionState.Ongoing ? metadata.StartTimestamp : now;
            Persist(metadata, TransactionState.Ongoing, metadata.ProducerId, metadata.ProducerEpoch, added, start, now);
            return ErrorCode.None;
        });

    /// <summary>
    /// EndTxn: commits or aborts the open transaction. A retry of the same decision after it completed succeeds; the
    /// other decision, or no transaction at all, is INVALID_TXN_STATE.
    /// </summary>
    public ErrorCode EndTransaction(string transactionalId, long producerId, short epoch, bool commit) =>
        ForCurrentProducer(transactionalId, producerId, epoch, metadata =>
        {
            switch (metadata.State)
            {
                case TransactionState.Ongoing:
                    EndLocked(metadata, commit, metadata.ProducerEpoch);
                    return ErrorCode.None;
                case TransactionState.CompleteCommit:
                    return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                case TransactionState.CompleteAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionState.PrepareCommit:
                    return commit ? ErrorCode.ConcurrentTransactions : ErrorCode.InvalidTxnState;
                case TransactionState.PrepareAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.ConcurrentTransactions;
                default:
                    return ErrorCode.InvalidTxnState;
            }
        });

    /// <summary>
    /// Checks that a transactional write (Produce, TxnOffsetCommit) belongs to the open transaction of
    /// <paramref name="transactionalId"/> and that the partition was added to it (Kafka's KIP-890 verification):
    /// INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_EPOCH or INVALID_TXN_STATE otherwise.
    /// </summary>
    public ErrorCode VerifyTransactionalWrite(string? transactionalId, long producerId, short epoch, string topic, int partition)
    {
        if (transactionalId is null || !_transactions.TryGetValue(transactionalId, out var metadata))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        lock (metadata.Sync)
        {
            if (metadata.ProducerId != producerId)
            {
                return ErrorCode.InvalidProducerIdMapping;
            }
            if (metadata.ProducerEpoch != epoch)
            {
                return ErrorCode.InvalidProducerEpoch;
            }
            return metadata.State == TransactionState.Ongoing && metadata.Partitions.Contains((topic, partition))
                ? ErrorCode.None
                : ErrorCode.InvalidTxnState;
        }
    }

    /// <summary>DescribeTransactions and the CLI; null when the id is unknown.</summary>
    public TransactionDescription? Describe(string transactionalId)
    {
        if (!_transactions.TryGetValue(transactionalId, out var metadata))
        {
            return null;
        }
        lock (metadata.Sync)
        {
            return metadata.ProducerId < 0 || metadata.State == TransactionState.Dead ? null : metadata.Describe();
        }
    }

    /// <summary>Every known transactional id (ListTransactions).</summary>
    public IReadOnlyList<TransactionDescription> List()
    {
        var result = new List<TransactionDescription>();
        foreach (var metadata in _transactions.Values)
        {
            lock (metadata.Sync)
            {
                if (metadata.ProducerId >= 0 && metadata.State != TransactionState.Dead)
                {
                    result.Add(metadata.Describe());
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Aborts (with a bumped epoch, fencing the producer) every transaction open longer than its timeout, completes
    /// decisions whose markers failed, and forgets ids idle past transactional.id.expiration.ms. Returns how many
    /// transactions were aborted. Runs on the coordinator's ticker; tests call it directly.
    /// </summary>
    public int AbortTimedOutTransactions()
    {
        var aborted = 0;
        var now = Now;
        foreach (var metadata in _transactions.Values)
        {
            lock (metadata.Sync)
            {
                switch (metadata.State)
                {
                    case TransactionState.Ongoing when now - metadata.StartTimestamp > metadata.TimeoutMs:
                        LogTimedOut(metadata.TransactionalId, metadata.ProducerId, metadata.ProducerEpoch, now - metadata.StartTimestamp);
                        FenceAndAbort(metadata);
                        Interlocked.Increment(ref _timedOut);
                        aborted++;
                        break;
                    case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                        CompleteLocked(metadata);
                        break;
                    case TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort
                        when metadata.ProducerId >= 0 && now - metadata.LastUpdateTimestamp > _idExpirationMs:
                        _log.Delete(metadata.TransactionalId);
                        metadata.State = TransactionState.Dead;
                        _transactions.TryRemove(new KeyValuePair<string, TransactionMetadata>(metadata.TransactionalId, metadata));
                        break;
                }
            }
        }
        return aborted;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _ticker;
        _stopping.Dispose();
    }

    private (ErrorCode, long, short) InitLocked(TransactionMetadata metadata, int timeoutMs, long expectedProducerId, short expectedEpoch)
    {
        var now = Now;
        if (metadata.ProducerId < 0)
        {
            // A new transactional id (or a KIP-360 producer whose id expired: it gets the new id too).
            metadata.TimeoutMs = timeoutMs;
            Persist(metadata, TransactionState.Empty, _producerIds.Next(), 0, [], -1, now);
            return (ErrorCode.None, metadata.ProducerId, metadata.ProducerEpoch);
        }
        var expected = expectedProducerId >= 0;
        if (expected && !IsValidProducerId(metadata, expectedProducerId, expectedEpoch))
        {
            return (ErrorCode.ProducerFenced, -1, -1);
        }
        switch (metadata.State)
        {
            case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                // Markers of the last decision are still being written (a disk error); the ticker retries them.
                return (ErrorCode.ConcurrentTransactions, -1, -1);
            case TransactionState.Ongoing:
                // The previous instance left a transaction open: abort it under a new epoch that fences that instance.
                // Kafka answers CONCURRENT_TRANSACTIONS and bumps again on the retry; here the abort is done, so go on.
                FenceAndAbort(metadata);
                break;
        }
        short epoch;
        short lastEpoch;
        var producerId = metadata.ProducerId;
        if (metadata.ProducerEpoch >= MaxEpoch - 1 && (!expected || expectedEpoch == metadata.ProducerEpoch))
        {
            // Epochs exhausted: rotate to a new producer id.
            metadata.PreviousProducerId = producerId;
            producerId = _producerIds.Next();
            epoch = 0;
            lastEpoch = -1;
        }
        else if (!expected)
        {
            epoch = (short)(metadata.ProducerEpoch + 1);
            lastEpoch = -1;
        }
        else if (expectedEpoch == metadata.ProducerEpoch)
        {
            epoch = (short)(metadata.ProducerEpoch + 1);
            lastEpoch = metadata.ProducerEpoch;
        }
        else if (expectedEpoch == metadata.LastProducerEpoch)
        {
            // A retry of a bump whose answer was lost: answer the same epoch again.
            return (ErrorCode.None, metadata.ProducerId, metadata.ProducerEpoch);
        }
        else
        {
            return (ErrorCode.ProducerFenced, -1, -1);
        }
        metadata.TimeoutMs = timeoutMs;
        Persist(metadata, TransactionState.Empty, producerId, epoch, [], -1, now);
        metadata.LastProducerEpoch = lastEpoch;
        return (ErrorCode.None, metadata.ProducerId, metadata.ProducerEpoch);
    }

    private static bool IsValidProducerId(TransactionMetadata metadata, long producerId, short epoch) =>
        metadata.ProducerEpoch < 0
        || producerId == metadata.ProducerId
        || (producerId == metadata.PreviousProducerId && epoch >= MaxEpoch - 1);

    /// <summary>Runs <paramref name="action"/> under the id's lock if the request comes from its current producer instance.</summary>
    private ErrorCode ForCurrentProducer(string transactionalId, long producerId, short epoch, Func<TransactionMetadata, ErrorCode> action)
    {
        if (!_transactions.TryGetValue(transactionalId, out var metadata))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        lock (metadata.Sync)
        {
            var error = CheckProducer(metadata, producerId, epoch);
            return error != ErrorCode.None ? error : action(metadata);
        }
    }

    private static ErrorCode CheckProducer(TransactionMetadata metadata, long producerId, short epoch) =>
        metadata.State == TransactionState.Dead || metadata.ProducerId != producerId ? ErrorCode.InvalidProducerIdMapping
        : metadata.ProducerEpoch != epoch ? ErrorCode.ProducerFenced
        : ErrorCode.None;

    /// <summary>Bumps the epoch (so the producer of the open transaction is fenced) and aborts the transaction.</summary>
    private void FenceAndAbort(TransactionMetadata metadata)
    {
        var epoch = metadata.ProducerEpoch < MaxEpoch ? (short)(metadata.ProducerEpoch + 1) : metadata.ProducerEpoch;
        metadata.LastProducerEpoch = -1;
        EndLocked(metadata, commit: false, epoch);
    }

    private void EndLocked(TransactionMetadata metadata, bool commit, short epoch)
    {
        Persist(metadata, commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort,
            metadata.ProducerId, epoch, [.. metadata.Partitions], metadata.StartTimestamp, Now);
        CompleteLocked(metadata);
    }

    /// <summary>Writes the markers of a decided transaction, then records its completion.</summary>
    private void CompleteLocked(TransactionMetadata metadata)
    {
        var commit = metadata.State == TransactionState.PrepareCommit;
        if (!_markers.Write(metadata.TransactionalId, metadata.ProducerId, metadata.ProducerEpoch, commit, metadata.Partitions))
        {
            return;
        }
        Persist(metadata, commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
            metadata.ProducerId, metadata.ProducerEpoch, [], -1, Now);
        Interlocked.Increment(ref commit ? ref _committed : ref _aborted);
    }

    /// <summary>Transactions committed (markers written) since the broker started (the metrics read it).</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Transactions aborted (markers written) since the broker started, timed-out ones included.</summary>
    public long Aborted => Interlocked.Read(ref _aborted);

    /// <summary>Transactions the coordinator aborted because they outlived their timeout.</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Writes the new state to the transaction log, then applies it: what the log says is what happened.</summary>
    private void Persist(TransactionMetadata metadata, TransactionState state, long producerId, short epoch,
        List<(string Topic, int Partition)> partitions, long start, long now)
    {
        _log.Write(metadata.TransactionalId, new TransactionRecord(producerId, epoch, metadata.TimeoutMs, state, partitions, now, start));
        metadata.State = state;
        metadata.ProducerId = producerId;
        metadata.ProducerEpoch = epoch;
        metadata.Partitions.Clear();
        metadata.Partitions.UnionWith(partitions);
        metadata.StartTimestamp = start;
        metadata.LastUpdateTimestamp = now;
    }

    private void Recover()
    {
        foreach (var (id, record) in _log.Replay())
        {
            _producerIds.SkipPast(record.ProducerId);
            var metadata = new TransactionMetadata(id)
            {
                ProducerId = record.ProducerId,
                ProducerEpoch = record.ProducerEpoch,
                TimeoutMs = record.TimeoutMs,
                State = record.State == TransactionState.PrepareEpochFence ? TransactionState.PrepareAbort : record.State,
                StartTimestamp = record.StartTimestamp,
                LastUpdateTimestamp = record.LastUpdateTimestamp,
            };
            metadata.Partitions.UnionWith(record.Partitions);
            _transactions[id] = metadata;
            if (metadata.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort)
            {
                // Decided before a crash: the markers may be missing on some partitions. Writing them again is harmless.
                lock (metadata.Sync)
                {
                    CompleteLocked(metadata);
                }
                LogRecovered(id, metadata.State.Name());
            }
        }
    }

    private async Task TickAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    AbortTimedOutTransactions();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One failed tick (a disk error writing a marker) must not stop the next ones: they retry it.
                    LogTickFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction {TransactionalId} (producer {ProducerId}, epoch {Epoch}) open for {AgeMs} ms, past its timeout: aborted and fenced")]
    private partial void LogTimedOut(string transactionalId, long producerId, short epoch, long ageMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction {TransactionalId}: markers completed after restart ({State})")]
    private partial void LogRecovered(string transactionalId, string state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transaction coordinator tick failed")]
    private partial void LogTickFailed(Exception error);
}
