using System.Diagnostics;
using System.Diagnostics.Metrics;
using Eddy.Engine.RocksDb;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka.Metrics;

/// <summary>
/// A worker's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/> (one per worker, disposed with it).
/// Events (a commit, a processed run of records, a written batch of outputs, a rebalance) update counters and
/// histograms once per batch, never per record; everything else (records in and out, watermarks, lag, state) is an
/// observable instrument read from the threads' status snapshots (taken once per commit interval) when a scrape
/// asks. Any OpenTelemetry <c>MeterProvider</c> can read the meter (<c>AddMeter("Eddy.Engine")</c>); <c>eddy run</c>
/// and <c>eddy sql -f</c> serve it to Prometheus with <c>--metrics-port</c>. docs/metrics.md lists the instruments.
/// </summary>
/// <remarks>
/// The instrument names are the Prometheus names less the suffixes the exporter adds from the unit and the kind
/// (<c>_total</c> for counters, <c>_seconds</c> for "s", <c>_bytes</c> for "By"). Every series has a <c>job_name</c>
/// label (Flink's name for it: a <c>job</c> label would clash with the one Prometheus gives every scraped target).
/// </remarks>
public sealed class WorkerMetrics : IDisposable
{
    /// <summary>The name of the workers' meter, for a MeterProvider's AddMeter.</summary>
    public const string MeterName = "Eddy.Engine";

    // A commit: a transaction's offsets and commit (a few ms) up to a broker restart's retries (a minute).
    private static readonly double[] CommitBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    // A run of up to a thousand records of one partition through its tasks: tens of microseconds to seconds.
    private static readonly double[] BatchBuckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Event time to output: milliseconds for a stateless job, up to a window's size (minutes, hours) for a window.
    private static readonly double[] LatencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 86400];

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?> _job;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<double> _busy;
    private readonly Histogram<double> _endToEnd;
    private readonly Counter<long> _rebalances;
    private readonly TimeProvider _time;

    /// <param name="readState">
    /// Runs a read of the worker's state backend (null before it opens and after it closes) where the backend cannot
    /// be closed meanwhile.
    /// </param>
    internal WorkerMetrics(string jobName, Func<WorkerStatus> status, Func<long> restoreRemaining,
        Func<Func<ICheckpointedStateBackend?, List<Measurement<long>>>, List<Measurement<long>>> readState, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _job = new KeyValuePair<string, object?>("job_name", jobName);
        _commitDuration = _meter.CreateHistogram("eddy_worker_commit_duration", "s",
            "Duration of a commit: the transaction's offsets and commit (exactly once), or the flush and the offset commit (at least once).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _batchDuration = _meter.CreateHistogram("eddy_worker_process_batch_duration", "s",
            "Time to process one run of input records (up to a thousand of one partition) through the tasks that read it.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BatchBuckets });
        _busy = _meter.CreateCounter<double>("eddy_worker_busy", "s", "Time the stream threads spent processing records.");
        _endToEnd = _meter.CreateHistogram("eddy_worker_end_to_end_latency", "s",
            "Wall-clock time from an output record's event time to its write, sampled once per task and written batch (its oldest record).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _rebalances = _meter.CreateCounter<long>("eddy_worker_rebalances", "{rebalance}", "Partition assignments the stream threads received (rebalances).");
        var snapshot = new StatusSnapshot(status);
        ObserveWorker(snapshot, restoreRemaining);
        ObserveTasks(snapshot);
        ObserveState(readState);
    }

    /// <summary>This worker's meter, for an endpoint that serves this worker's metrics.</summary>
    public Meter Meter => _meter;

    private void ObserveWorker(StatusSnapshot snapshot, Func<long> restoreRemaining)
    {
        _meter.CreateObservableCounter("eddy_worker_records_in", () => Measure(snapshot.Current.RecordsIn), "{record}",
            "Records read from the job's source topics (repartition topics not counted).");
        _meter.CreateObservableCounter("eddy_worker_records_out", () => Measure(snapshot.Current.RecordsOut), "{record}",
            "Records written to the job's sink topics.");
        _meter.CreateObservableCounter("eddy_worker_side_output_records", () => Measure(snapshot.Current.SideOutputRecords), "{record}",
            "Records written to side-output topics (late records, process functions' side outputs).");
        _meter.CreateObservableCounter("eddy_worker_dead_letters", () => Measure(snapshot.Current.DeadLetters), "{record}",
            "Records written to the dead-letter topic (unreadable input, and records a function threw on under the dead-letter policy).");
        _meter.CreateObservableCounter("eddy_worker_commits", () => Measure(snapshot.Current.Commits), "{commit}",
            "Transactions (at least once: offset commits) that succeeded.");
        _meter.CreateObservableCounter("eddy_worker_transaction_aborts", () => Measure(snapshot.Current.Aborts), "{transaction}",
            "Commit intervals aborted and replayed after an error (the transaction aborted, exactly once).");
        _meter.CreateObservableCounter("eddy_worker_restored_records", () => Measure(snapshot.Current.RestoredRecords), "{record}",
            "Changelog records replayed into local state while restoring tasks.");
        _meter.CreateObservableGauge("eddy_worker_restore_remaining_records", () => Measure(restoreRemaining()), "{record}",
            "Changelog records still to replay in the restores under way; 0 when none is.");
        _meter.CreateObservableGauge("eddy_worker_tasks", () => Measure(snapshot.Current.Tasks.Count), "{task}",
            "Tasks (stage, partition) the worker runs.");
        _meter.CreateObservableGauge("eddy_worker_consumer_lag_records", () => InputLag(snapshot.Current), "{record}",
            "Records of an assigned input partition not read yet: its high watermark minus the worker's position.");
    }

    private void ObserveTasks(StatusSnapshot snapshot)
    {
        _meter.CreateObservableCounter("eddy_task_records_in", () => PerTask(snapshot.Current, t => t.RecordsIn), "{record}",
            "Records a task read from its input topics.");
        _meter.CreateObservableCounter("eddy_task_late_records", () => PerTask(snapshot.Current, t => t.LateRecords), "{record}",
            "Records that arrived after their windows' allowed lateness (sent to the late side output, or dropped).");
        _meter.CreateObservableCounter("eddy_task_processing_errors", () => PerTask(snapshot.Current, t => t.ProcessingErrors + t.BadRecords), "{record}",
            "Input records a task could not read or a function threw on.");
        _meter.CreateObservableGauge("eddy_task_watermark_timestamp", () => Watermarks(snapshot.Current, lag: false), "s",
            "A task's current watermark, in seconds since the Unix epoch (no series until it has one).");
        _meter.CreateObservableGauge("eddy_task_watermark_lag", () => Watermarks(snapshot.Current, lag: true), "s",
            "How far a task's watermark is behind the wall clock.");
        _meter.CreateObservableCounter("eddy_operator_records_in", () => PerOperator(snapshot.Current, o => o.RecordsIn), "{record}",
            "Elements handed to an operator of a task (a source: the records it read).");
        _meter.CreateObservableCounter("eddy_operator_records_out", () => PerOperator(snapshot.Current, o => o.RecordsOut), "{record}",
            "Elements an operator passed to the next operators of its task (a sink or a repartition passes none on: it writes).");
    }

    private void ObserveState(Func<Func<ICheckpointedStateBackend?, List<Measurement<long>>>, List<Measurement<long>>> readState)
    {
        _meter.CreateObservableGauge("eddy_state_store_keys", () => readState(b => Stores(b, s => s.EstimatedKeys)), "{key}",
            "Keys in a state store of the worker, as RocksDB estimates them.");
        _meter.CreateObservableGauge("eddy_state_store_size", () => readState(b => Stores(b, s => s.SstBytes + s.MemTableBytes)), "By",
            "Bytes of a state store of the worker: its SST files and memtables.");
        _meter.CreateObservableGauge("eddy_state_memory", () => readState(Memory), "By",
            "RocksDB memory of the worker's state, by kind: block_cache, pinned (of the block cache), memtables.");
        _meter.CreateObservableGauge("eddy_state_memory_budget", () => readState(Budget), "By",
            "The memory budget of the worker's state (StateMemoryOptions).");
    }

    /// <summary>A commit that succeeded, <paramref name="startTimestamp"/> being its <see cref="Stopwatch.GetTimestamp"/> at its start.</summary>
    internal void Committed(long startTimestamp) =>
        _commitDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, _job);

    /// <summary>A run of input records processed, from <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>) until now.</summary>
    internal void Processed(long startTimestamp)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        _batchDuration.Record(seconds, _job);
        _busy.Add(seconds, _job);
    }

    /// <summary>A task's outputs were written, the oldest event time among them being <paramref name="oldestTimestamp"/> (Unix ms).</summary>
    internal void Written(long oldestTimestamp)
    {
        if (oldestTimestamp is > 0 and < long.MaxValue)
        {
            _endToEnd.Record(Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - oldestTimestamp) / 1000.0, _job);
        }
    }

    /// <summary>A stream thread was assigned partitions (a rebalance reached it).</summary>
    internal void Rebalanced() => _rebalances.Add(1, _job);

    public void Dispose() => _meter.Dispose();

    private Measurement<long> Measure(long value) => new(value, _job);

    private List<Measurement<long>> InputLag(WorkerStatus status)
    {
        var result = new List<Measurement<long>>(status.InputLag.Count);
        foreach (var lag in status.InputLag)
        {
            result.Add(new Measurement<long>(lag.Records, _job, new("topic", lag.Topic), new("partition", lag.Partition)));
        }

        return result;
    }

    private List<Measurement<long>> PerTask(WorkerStatus status, Func<TaskStatus, long> value)
    {
        var result = new List<Measurement<long>>(status.Tasks.Count);
        foreach (var task in status.Tasks)
        {
            result.Add(new Measurement<long>(value(task), _job, TaskTag(task)));
        }

        return result;
    }

    private List<Measurement<double>> Watermarks(WorkerStatus status, bool lag)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<Measurement<double>>(status.Tasks.Count);
        foreach (var task in status.Tasks)
        {
            if (task.Watermark != long.MinValue)
            {
                var value = lag ? Math.Max(0, now - task.Watermark) / 1000.0 : task.Watermark / 1000.0;
                result.Add(new Measurement<double>(value, _job, TaskTag(task)));
            }
        }

        return result;
    }

    private List<Measurement<long>> PerOperator(WorkerStatus status, Func<Runtime.OperatorRecordCounts, long> value)
    {
        var result = new List<Measurement<long>>();
        foreach (var task in status.Tasks)
        {
            foreach (var op in task.Operators)
            {
                result.Add(new Measurement<long>(value(op), _job, TaskTag(task), new("operator", op.Operator)));
            }
        }

        return result;
    }

    /// <summary>Kafka Streams' task id: <c>{stage}_{partition}</c>.</summary>
    private static KeyValuePair<string, object?> TaskTag(TaskStatus task) =>
        new("task", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{task.Stage}_{task.Partition}"));

    private List<Measurement<long>> Stores(ICheckpointedStateBackend? backend, Func<StoreStatistics, long> value)
    {
        var result = new List<Measurement<long>>();
        if (backend is not RocksDbStateBackend rocks)
        {
            return result;
        }

        foreach (var store in rocks.Statistics(countEntries: false))
        {
            result.Add(new Measurement<long>(value(store), _job, new("store", store.Store)));
        }

        return result;
    }

    private List<Measurement<long>> Memory(ICheckpointedStateBackend? backend)
    {
        if (backend is not RocksDbStateBackend rocks)
        {
            return [];
        }

        var usage = rocks.MemoryUsage();
        return
        [
            new Measurement<long>(usage.BlockCacheUsage, _job, new("kind", "block_cache")),
            new Measurement<long>(usage.BlockCachePinnedUsage, _job, new("kind", "pinned")),
            new Measurement<long>(usage.MemTableBytes, _job, new("kind", "memtables")),
        ];
    }

    private List<Measurement<long>> Budget(ICheckpointedStateBackend? backend) =>
        backend is RocksDbStateBackend rocks ? [new Measurement<long>(rocks.MemoryUsage().Budget, _job)] : [];

    /// <summary>
    /// One status snapshot serves every instrument of a scrape: the first that reads it combines the threads'
    /// statuses, the others (read right after it in the same collection) reuse it while it is under a second old.
    /// </summary>
    private sealed class StatusSnapshot(Func<WorkerStatus> status)
    {
        private WorkerStatus? _last;
        private long _takenAt;
        private readonly Lock _sync = new();

        public WorkerStatus Current
        {
            get
            {
                lock (_sync)
                {
                    var now = Environment.TickCount64;
                    if (_last is null || now - _takenAt > 500)
                    {
                        _last = status();
                        _takenAt = now;
                    }

                    return _last;
                }
            }
        }
    }
}
