using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Eddy.CompactedLog;

namespace Eddy.Engine.Kafka.Control;

/// <summary>
/// The reading and requesting side of the job control topic (<see cref="JobControlTopic"/>), for tools such as
/// <c>eddy jobs</c>: reads every live record of the topic, writes stop requests and deletes records. Each call
/// opens its own short-lived client; safe from any thread.
/// </summary>
public sealed class JobRegistry
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(10);

    private readonly string _bootstrapServers;
    private readonly IReadOnlyDictionary<string, string> _clientConfig;

    /// <param name="bootstrapServers">The cluster's bootstrap servers.</param>
    /// <param name="clientConfig">librdkafka properties for the clients (security, client.id); bootstrap and group settings are the registry's.</param>
    /// <param name="topic">The control topic.</param>
    public JobRegistry(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig = null, string topic = JobControlTopic.DefaultName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _bootstrapServers = bootstrapServers;
        _clientConfig = clientConfig ?? new Dictionary<string, string>();
        Topic = topic;
    }

    public string Topic { get; }

    /// <summary>
    /// Reads the control topic from its start to its current end and returns what it holds: each key's latest record,
    /// without the deleted ones (tombstones) and without values that are not readable JSON. No topic: an empty snapshot.
    /// </summary>
    /// <exception cref="KafkaException">The cluster could not be asked, or the topic not read to its end in time.</exception>
    public Task<JobRegistrySnapshot> ReadAsync(CancellationToken cancellationToken = default) => ReadCoreAsync(cancellationToken);

    /// <summary>
    /// Asks the workers of <paramref name="job"/> (or only <paramref name="workerId"/>) to stop cleanly; they obey it
    /// within a fraction of a second and delete their records once stopped. Returns the request's offset.
    /// </summary>
    public async Task<long> RequestStopAsync(string job, string? workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        var request = new JobStopRequest
        {
            Job = job,
            WorkerId = workerId,
            RequestedAt = DateTimeOffset.UtcNow,
            RequestedBy = $"{Environment.MachineName}/{Environment.ProcessId}",
        };
        return await WriteAsync(JobControlTopic.StopKey(job, workerId), request.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a stop request once it has been obeyed (a tombstone), so that the topic keeps only what runs.</summary>
    public Task ClearStopRequestAsync(string job, string? workerId, CancellationToken cancellationToken = default) =>
        WriteAsync(JobControlTopic.StopKey(job, workerId), null, cancellationToken);

    /// <summary>Deletes a worker's record (a tombstone): what <c>eddy jobs stop</c> does for a lost worker, which cannot do it itself.</summary>
    public Task RemoveWorkerAsync(string job, string workerId, CancellationToken cancellationToken = default) =>
        WriteAsync(JobControlTopic.WorkerKey(job, workerId), null, cancellationToken);

    private async Task<long> WriteAsync(string key, byte[]? value, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig(_clientConfig.ToDictionary(StringComparer.Ordinal))
        {
            BootstrapServers = _bootstrapServers,
            EnableIdempotence = true,
            LingerMs = 0,
            MessageTimeoutMs = (int)KafkaTimeout.TotalMilliseconds,
        };
        using var producer = new ProducerBuilder<string, byte[]?>(config).Build();
        // Partition 0: the topic's one order, the partition every reader of the control topic reads.
        var result = await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, byte[]?> { Key = key, Value = value }, cancellationToken)
            .ConfigureAwait(false);
        return result.Offset.Value;
    }

    private async Task<JobRegistrySnapshot> ReadCoreAsync(CancellationToken cancellationToken)
    {
        var readAt = DateTimeOffset.UtcNow;
        var options = new CompactedTopicLogOptions
        {
            KafkaConfig = new Dictionary<string, string>(_clientConfig, StringComparer.Ordinal) { ["bootstrap.servers"] = _bootstrapServers },
            Topic = Topic,
            Role = "control topic",
            ClientId = "eddy-jobs",
            // Assigned, never subscribed or committed: the group id is only required by the client.
            ReaderGroupId = $"{Topic}-reader",
            InitTimeout = KafkaTimeout,
            StoreTimeout = KafkaTimeout,
            // Reading creates nothing; a topic created elsewhere is read as it is (its partition 0, where every writer writes).
            CreateIfMissing = false,
            VerifyTopic = false,
        };
        // Each key's latest record, by offset (compaction keeps only the latest of a key; a tombstone deletes it).
        // Filled on the log's reader thread, read here once the log is closed.
        var latest = new Dictionary<string, (long Order, byte[] Value)>(StringComparer.Ordinal);
        string? Apply(CompactedTopicRecord record)
        {
            if (record.Key is not { } keyBytes)
            {
                return null;
            }

            lock (latest)
            {
                var key = Encoding.UTF8.GetString(keyBytes);
                if (record.Value is null)
                {
                    latest.Remove(key);
                }
                else
                {
                    latest[key] = (record.Offset, record.Value);
                }
            }

            return null;
        }

        try
        {
            // Opening reads the topic to its end; the snapshot is what was applied by then.
            await using var log = await CompactedTopicLog.OpenAsync(options, Apply, logger: null, cancellationToken).ConfigureAwait(false);
        }
        catch (CompactedTopicLogException e) when (e.Failure == CompactedTopicLogFailure.TopicMissing)
        {
            return new JobRegistrySnapshot(readAt, [], []);
        }
        catch (CompactedTopicLogException e)
        {
            throw new KafkaException(new Error(e.Failure == CompactedTopicLogFailure.InitTimedOut ? ErrorCode.Local_TimedOut : ErrorCode.Local_Fail, e.Message), e);
        }

        var workers = new List<JobWorkerRecord>();
        var stops = new List<JobStopRequest>();
        List<KeyValuePair<string, (long Order, byte[] Value)>> entries;
        lock (latest)
        {
            entries = [.. latest.OrderBy(e => e.Value.Order)];
        }

        foreach (var (key, (_, value)) in entries)
        {
            try
            {
                if (JobControlTopic.TryParseWorkerKey(key, out _, out _))
                {
                    workers.Add(JobWorkerRecord.FromJson(value));
                }
                else if (JobControlTopic.IsStopKey(key))
                {
                    stops.Add(JobStopRequest.FromJson(value));
                }
            }
            catch (JsonException)
            {
                // Not a record this version understands: left out, as the schema registry skips unreadable records.
            }
        }

        return new JobRegistrySnapshot(readAt, [.. workers.OrderBy(w => w.Job, StringComparer.Ordinal).ThenBy(w => w.WorkerId, StringComparer.Ordinal)], stops);
    }
}

/// <summary>What the control topic held when it was read at <see cref="ReadAt"/>.</summary>
/// <param name="Workers">Each worker's latest record (running, failed or lost), by job then worker id.</param>
/// <param name="StopRequests">Stop requests not cleared yet.</param>
public sealed record JobRegistrySnapshot(DateTimeOffset ReadAt, IReadOnlyList<JobWorkerRecord> Workers, IReadOnlyList<JobStopRequest> StopRequests)
{
    /// <summary>The names of the jobs that have records, sorted.</summary>
    public IReadOnlyList<string> Jobs => [.. Workers.Select(w => w.Job).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The records of one job's workers.</summary>
    public IReadOnlyList<JobWorkerRecord> WorkersOf(string job) => [.. Workers.Where(w => w.Job == job)];
}
