using Eddy.Engine.Kafka.Control;
using Eddy.Engine.State;

namespace Eddy.Engine.Kafka;

/// <summary>How results are committed.</summary>
public enum ProcessingGuarantee
{
    /// <summary>EOS v2: outputs, changelog records and consumed offsets in one transaction per commit interval.</summary>
    ExactlyOnce = 0,

    /// <summary>No transactions: offsets are committed after the outputs are flushed (duplicates possible after a crash).</summary>
    AtLeastOnce = 1,
}

/// <summary>Where a worker runs and how it commits.</summary>
public sealed class JobWorkerOptions
{
    public required string BootstrapServers { get; init; }

    /// <summary>
    /// librdkafka properties for every client of the worker (its consumers, producers and admin clients): security
    /// (<c>security.protocol</c>, <c>sasl.*</c>, <c>ssl.*</c>), <c>client.id</c>, tuning. The settings exactly-once and
    /// the task layout depend on are the worker's and cannot be overridden (see <c>WorkerClientConfig.Reserved</c>: bootstrap, group, transactional id, idempotence, isolation level, offsets and assignment).
    /// </summary>
    public IReadOnlyDictionary<string, string> ClientConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>The worker's RocksDB directory (the default state backend's).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>
    /// Opens the worker's state backend when the worker starts; the worker owns it and disposes it when it stops.
    /// Null (the default): RocksDB in <see cref="StateDirectory"/>.
    /// </summary>
    public Func<ICheckpointedStateBackend>? StateBackend { get; init; }

    /// <summary>Names the worker's transactional producer: <c>{job}-{worker id}-{thread}</c>.</summary>
    /// <remarks>
    /// Two live workers with the same id fence each other, so the default is unique per process. Give a stable id to
    /// a worker that is restarted in place (same state directory): its successor then aborts the transaction it left
    /// open at once, instead of waiting for the transaction timeout.
    /// </remarks>
    public string WorkerId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public ProcessingGuarantee Guarantee { get; init; } = ProcessingGuarantee.ExactlyOnce;

    /// <summary>
    /// Stream threads in this worker, each with its own consumer and transactional producer (as Kafka Streams'
    /// num.stream.threads): partitions spread over all threads of all workers of the job.
    /// </summary>
    public int Threads { get; init; } = 1;

    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the RocksDB state is flushed and its changelog offsets checkpointed.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many records are read between two commits.</summary>
    public int MaxRecordsPerCommit { get; init; } = 20_000;

    /// <summary>The replication factor of the internal topics the worker creates.</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>
    /// A stream thread stuck in one step (a Kafka call, a restore that stopped advancing) this long fails the worker,
    /// for its host to restart it.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long, at most, the stream of a stream–table join waits for its table when a task starts: the stream's
    /// partition is not read until the table's source partition has been read to its end (so a fresh start does not
    /// drop stream records whose rows were written before them), or until this much time has passed. Zero turns the
    /// wait off.
    /// </summary>
    public TimeSpan TableBootstrapTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a task with several input topics (a join, a union) waits for an input that has nothing buffered and is
    /// at its end, before it goes on without it, as Kafka Streams' <c>max.task.idle.ms</c>. Such a task processes its
    /// inputs' records in timestamp order, the smallest buffered first; while an input has nothing buffered, the next
    /// record cannot be known. An input whose records are on their way (not at its end) is always waited for; one at
    /// its end is waited for this long (zero, the default: not at all), so that a record written to it meanwhile still
    /// goes first; a negative value waits for no input at all (arrival order whenever an input runs dry).
    /// </summary>
    public TimeSpan MaxTaskIdle { get; init; } = TimeSpan.Zero;

    /// <summary>The consumer group session timeout: how soon a dead worker's partitions move.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The worker's record on the job control topic (what <c>eddy jobs</c> lists, describes and stops); null: the
    /// worker neither announces itself nor obeys stop requests.
    /// </summary>
    public JobControlOptions? Control { get; init; } = new();
}

/// <summary>Why a worker stopped.</summary>
public enum WorkerExit
{
    /// <summary>Disposed or stopped by its host.</summary>
    Stopped = 0,

    /// <summary>Another worker with the same transactional id took over: this one stopped without writing.</summary>
    Fenced = 1,

    /// <summary>A fatal error (see <see cref="JobWorker.Error"/>).</summary>
    Failed = 2,
}
