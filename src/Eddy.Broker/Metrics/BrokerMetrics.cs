using System.Diagnostics;
using System.Diagnostics.Metrics;
using Eddy.Broker.Groups;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Broker.Transactions;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Metrics;

/// <summary>
/// The broker's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/> (one per broker, disposed with
/// it). Requests, bytes and records are counted as they happen; everything that is state (logs, groups, lag,
/// transactions, disk) is an observable instrument read when a scrape asks, so it costs nothing in between.
/// The instrument names are the Prometheus names less the suffixes the exporter adds from the unit and the
/// kind (<c>_total</c> for counters, <c>_seconds</c> for "s", <c>_bytes</c> for "By"); docs/metrics.md lists them.
/// </summary>
public sealed class BrokerMetrics : IDisposable
{
    /// <summary>The name of the broker's meter, for a MeterProvider's AddMeter.</summary>
    public const string MeterName = "Eddy.Broker";

    // Request latencies: from half a millisecond (a Metadata) to the long polls of Fetch and JoinGroup.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly string[] ApiNames = BuildApiNames();

    private readonly Meter _meter = new(MeterName);

    /// <summary>This broker's meter, for an endpoint that serves this broker's metrics.</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _requestErrors;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _recordsIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _rebalanceDuration;

    // A rebalance: the initial delay (3 s by default) and the members' rejoining, up to their rebalance timeouts (minutes).
    private static readonly double[] RebalanceBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    public BrokerMetrics()
    {
        _requests = _meter.CreateCounter<long>("eddy_broker_requests", "{request}", "Requests handled, by API.");
        _requestErrors = _meter.CreateCounter<long>("eddy_broker_request_errors", "{error}",
            "Error codes in responses, by API and Kafka error name (a response counts each topic's or partition's error).");
        _requestDuration = _meter.CreateHistogram("eddy_broker_request_duration", "s",
            "Time from a request's decoding to its response's sending, by API (a long-poll Fetch includes its wait).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _bytesIn = _meter.CreateCounter<long>("eddy_broker_topic_in", "By", "Record batch bytes appended by producers, by topic.");
        _recordsIn = _meter.CreateCounter<long>("eddy_broker_topic_in_records", "{record}", "Records appended by producers, by topic.");
        _bytesOut = _meter.CreateCounter<long>("eddy_broker_topic_out", "By", "Record batch bytes returned to fetchers, by topic.");
        _rebalanceDuration = _meter.CreateHistogram("eddy_broker_group_rebalance_duration", "s",
            "Time from the start of a group's join phase to the group being Stable with its assignment.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RebalanceBuckets });
    }

    /// <summary>
    /// Counts a request once its response is sent: its latency, the errors its response carries, and for Produce
    /// and Fetch the bytes and records each topic took in or gave out.
    /// </summary>
    internal void RequestCompleted(ApiKey api, long startTimestamp, IApiMessage request, IApiMessage? response)
    {
        var name = NameOf(api);
        var tag = new KeyValuePair<string, object?>("api", name);
        _requests.Add(1, tag);
        _requestDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);
        if (response is not null && _requestErrors.Enabled)
        {
            ResponseErrors.Visit(response, name, _requestErrors);
        }
        switch (request)
        {
            case ProduceRequest produce:
                CountProduced(produce, response as ProduceResponse);
                break;
            case FetchRequest when response is FetchResponse fetch:
                CountFetched(fetch);
                break;
        }
    }

    // The partitions whose append succeeded: their batches are in the log now (acks=0 has no response: all are counted).
    private void CountProduced(ProduceRequest request, ProduceResponse? response)
    {
        if (!_bytesIn.Enabled && !_recordsIn.Enabled)
        {
            return;
        }
        for (var t = 0; t < request.TopicData.Count; t++)
        {
            var topic = request.TopicData[t];
            var results = response?.Responses.Count > t ? response.Responses[t].PartitionResponses : null;
            long bytes = 0, records = 0;
            for (var p = 0; p < topic.PartitionData.Count; p++)
            {
                if (results is not null && (results.Count <= p || results[p].ErrorCode != 0)
                    || topic.PartitionData[p].Records is not MemoryRecords batches)
                {
                    continue;
                }
                bytes += batches.SizeInBytes;
                records += CountRecords(batches.Buffer.Span);
            }
            if (bytes > 0)
            {
                Produced(topic.Name, bytes, records);
            }
        }
    }

    private static long CountRecords(ReadOnlySpan<byte> batches)
    {
        long count = 0;
        while (batches.Length >= RecordBatch.HeaderSize)
        {
            count += RecordBatch.RecordsCount(batches);
            var size = RecordBatch.TotalSize(batches);
            if (size <= 0 || size > batches.Length)
            {
                break;
            }
            batches = batches[size..];
        }
        return count;
    }

    private void CountFetched(FetchResponse response)
    {
        if (!_bytesOut.Enabled)
        {
            return;
        }
        foreach (var topic in response.Responses)
        {
            long bytes = 0;
            foreach (var partition in topic.Partitions)
            {
                bytes += partition.Records?.SizeInBytes ?? 0;
            }
            Fetched(topic.Topic, bytes);
        }
    }

    /// <summary>A successful append of <paramref name="records"/> records in <paramref name="bytes"/> bytes to <paramref name="topic"/>.</summary>
    private void Produced(string topic, long bytes, long records)
    {
        var tag = new KeyValuePair<string, object?>("topic", topic);
        _bytesIn.Add(bytes, tag);
        _recordsIn.Add(records, tag);
    }

    /// <summary>Bytes of record batches a Fetch returned from <paramref name="topic"/>.</summary>
    private void Fetched(string topic, long bytes)
    {
        // Fetch v13+ names topics by id only; Eddy answers those below v13, so a name is always there.
        if (bytes > 0 && topic.Length > 0)
        {
            _bytesOut.Add(bytes, new KeyValuePair<string, object?>("topic", topic));
        }
    }

    /// <summary>Registers the observable instruments over the broker's parts, once they are open.</summary>
    internal void Observe(KafkaListener listener, TopicManager topics, GroupCoordinator groups, GroupLagCalculator lag,
        TransactionCoordinator transactions, LogCleanerService? cleaner, string dataDirectory, TimeProvider time)
    {
        groups.RebalanceCompleted = seconds => _rebalanceDuration.Record(seconds);
        _meter.CreateObservableGauge("eddy_partition_cleanable_ratio", () => CleanableRatios(topics), null,
            "A compacted partition's dirty share: the bytes not yet compacted over the log's compactable bytes (compaction starts at min.cleanable.dirty.ratio).");
        if (cleaner is not null)
        {
            ObserveCleaner(cleaner);
        }
        _meter.CreateObservableUpDownCounter("eddy_broker_connections", () => (long)listener.ConnectionCount, "{connection}",
            "Open client connections.");
        _meter.CreateObservableGauge("eddy_partition_log_size", () => PerPartition(topics, p => p.Log.SizeInBytes), "By",
            "Bytes of a partition's log on disk (all its segments).");
        _meter.CreateObservableGauge("eddy_partition_log_start_offset", () => PerPartition(topics, p => p.Log.LogStartOffset), null,
            "A partition's first readable offset.");
        _meter.CreateObservableGauge("eddy_partition_log_end_offset", () => PerPartition(topics, p => p.Log.LogEndOffset), null,
            "A partition's next offset to be written.");
        _meter.CreateObservableGauge("eddy_partition_log_segments", () => PerPartition(topics, p => p.Log.SegmentCount), "{segment}",
            "Segments of a partition's log, the active one included.");
        _meter.CreateObservableGauge("eddy_broker_groups", () => GroupsByState(groups), "{group}",
            "Consumer groups, by state (Empty, PreparingRebalance, CompletingRebalance, Stable).");
        _meter.CreateObservableGauge("eddy_group_members", () => GroupMembers(groups), "{member}",
            "Members of a consumer group.");
        _meter.CreateObservableCounter("eddy_broker_group_rebalances", () => groups.Rebalances, "{rebalance}",
            "Join phases (rebalances) begun, across groups.");
        var lagSnapshot = new LagSnapshot(lag);
        _meter.CreateObservableGauge("eddy_group_lag_records", () => lagSnapshot.Records(), "{record}",
            "A group's lag on a partition in records: log end offset minus committed offset.");
        _meter.CreateObservableGauge("eddy_group_lag_seconds", () => lagSnapshot.Seconds(), "s",
            "A group's lag on a partition in time: the age of the oldest unconsumed record (now minus its timestamp); 0 when none is left.");
        _meter.CreateObservableGauge("eddy_broker_transactions_open", () => (long)OpenTransactions(transactions, time).Count, "{transaction}",
            "Transactions begun and not yet completed (Ongoing, PrepareCommit, PrepareAbort).");
        _meter.CreateObservableGauge("eddy_broker_transaction_oldest_open_age", () => OldestOpenAge(transactions, time), "s",
            "Age of the oldest open transaction; 0 when none is open.");
        _meter.CreateObservableCounter("eddy_broker_transactions_committed", () => transactions.Committed, "{transaction}",
            "Transactions committed (their markers written).");
        _meter.CreateObservableCounter("eddy_broker_transactions_aborted", () => transactions.Aborted, "{transaction}",
            "Transactions aborted (their markers written), the timed-out ones included.");
        _meter.CreateObservableCounter("eddy_broker_transactions_timed_out", () => transactions.TimedOut, "{transaction}",
            "Transactions the coordinator aborted because they outlived their transaction.timeout.ms.");
        _meter.CreateObservableGauge("eddy_broker_disk_used", () => topics.AllPartitions().Sum(SizeOrZero), "By",
            "Bytes of every partition log, the internal topics included.");
        _meter.CreateObservableGauge("eddy_broker_disk_free", () => Disk(dataDirectory, d => d.AvailableFreeSpace), "By",
            "Bytes free for the broker on the file system of its data directory.");
        _meter.CreateObservableGauge("eddy_broker_disk_capacity", () => Disk(dataDirectory, d => d.TotalSize), "By",
            "Size of the file system of the broker's data directory.");
    }

    private void ObserveCleaner(LogCleanerService cleaner)
    {
        _meter.CreateObservableCounter("eddy_broker_compactions", () => cleaner.Totals.Compactions, "{compaction}",
            "Logs compacted by the log cleaner (one per compacted partition and pass).");
        _meter.CreateObservableCounter("eddy_broker_compaction_read", () => cleaner.Totals.BytesRead, "By",
            "Bytes the log cleaner read from the segments it compacted.");
        _meter.CreateObservableCounter("eddy_broker_compaction_written", () => cleaner.Totals.BytesWritten, "By",
            "Bytes the log cleaner wrote to the compacted segments.");
        _meter.CreateObservableCounter("eddy_broker_compaction_records_removed", () => cleaner.Totals.RecordsRemoved, "{record}",
            "Records the log cleaner removed (superseded by a later record of their key, or expired tombstones).");
        _meter.CreateObservableCounter("eddy_broker_compaction_time", () => cleaner.Totals.Elapsed.TotalSeconds, "s",
            "Time the log cleaner spent compacting.");
    }

    private static List<Measurement<double>> CleanableRatios(TopicManager topics)
    {
        var result = new List<Measurement<double>>();
        foreach (var partition in topics.AllPartitions())
        {
            try
            {
                if (!partition.IsDeleted && partition.Log.Config.Compact)
                {
                    result.Add(new Measurement<double>(partition.Log.DirtyRatio,
                        new KeyValuePair<string, object?>("topic", partition.Topic), new KeyValuePair<string, object?>("partition", partition.Index)));
                }
            }
            catch (ObjectDisposedException)
            {
                // Deleted meanwhile.
            }
        }
        return result;
    }

    public void Dispose() => _meter.Dispose();

    internal static string NameOf(ApiKey api) => (uint)(short)api < (uint)ApiNames.Length ? ApiNames[(short)api] : api.ToString();

    private static string[] BuildApiNames()
    {
        var keys = Enum.GetValues<ApiKey>();
        var names = new string[keys.Max(k => (short)k) + 1];
        foreach (var key in keys)
        {
            names[(short)key] = key.ToString();
        }
        return names;
    }

    private static List<Measurement<long>> PerPartition(TopicManager topics, Func<Partition, long> value)
    {
        var result = new List<Measurement<long>>();
        foreach (var partition in topics.AllPartitions())
        {
            if (partition.IsDeleted)
            {
                continue;
            }
            try
            {
                result.Add(new Measurement<long>(value(partition),
                    new KeyValuePair<string, object?>("topic", partition.Topic), new KeyValuePair<string, object?>("partition", partition.Index)));
            }
            catch (ObjectDisposedException)
            {
                // Deleted meanwhile.
            }
        }
        return result;
    }

    private static long SizeOrZero(Partition partition)
    {
        try
        {
            return partition.IsDeleted ? 0 : partition.Log.SizeInBytes;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    private static Measurement<long>[] GroupsByState(GroupCoordinator groups)
    {
        // Every live state is reported, zeros included, so that a graph of "groups rebalancing" shows 0 rather than nothing.
        var counts = new long[(int)GroupState.Dead];
        foreach (var (_, state, _) in groups.States())
        {
            if ((int)state < counts.Length)
            {
                counts[(int)state]++;
            }
        }
        var result = new Measurement<long>[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            result[i] = new Measurement<long>(counts[i], new KeyValuePair<string, object?>("state", ((GroupState)i).ToString()));
        }
        return result;
    }

    private static IEnumerable<Measurement<long>> GroupMembers(GroupCoordinator groups) =>
        groups.States().Select(g => new Measurement<long>(g.Members, new KeyValuePair<string, object?>("group", g.GroupId)));

    private static List<TransactionDescription> OpenTransactions(TransactionCoordinator transactions, TimeProvider time) =>
        [.. transactions.List().Where(t => t.State is TransactionState.Ongoing or TransactionState.PrepareCommit or TransactionState.PrepareAbort
            or TransactionState.PrepareEpochFence)];

    private static double OldestOpenAge(TransactionCoordinator transactions, TimeProvider time)
    {
        var open = OpenTransactions(transactions, time);
        if (open.Count == 0)
        {
            return 0;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return Math.Max(0, now - open.Min(t => t.StartTimestamp)) / 1000.0;
    }

    private static long Disk(string directory, Func<DriveInfo, long> value)
    {
        try
        {
            return value(new DriveInfo(Path.GetFullPath(directory)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    /// <summary>
    /// One lag computation serves both lag instruments of a scrape: the records gauge computes, the seconds gauge
    /// (read right after it in the same collection) reuses the result if it is under a second old.
    /// </summary>
    private sealed class LagSnapshot(GroupLagCalculator lag)
    {
        private IReadOnlyList<PartitionLag> _last = [];
        private long _computedAt = long.MinValue;
        private readonly Lock _sync = new();

        public IEnumerable<Measurement<long>> Records() =>
            Current(fresh: true).Select(l => new Measurement<long>(l.Records, Tags(l)));

        public IEnumerable<Measurement<double>> Seconds() =>
            Current(fresh: false).Select(l => new Measurement<double>(l.Seconds, Tags(l)));

        private IReadOnlyList<PartitionLag> Current(bool fresh)
        {
            lock (_sync)
            {
                var now = Environment.TickCount64;
                if (fresh || now - _computedAt > 1000)
                {
                    _last = lag.Compute();
                    _computedAt = now;
                }
                return _last;
            }
        }

        private static KeyValuePair<string, object?>[] Tags(PartitionLag l) =>
            [new("group", l.Group), new("topic", l.Topic), new("partition", l.Partition)];
    }
}
