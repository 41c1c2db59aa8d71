using System.Text.Json;
using Confluent.Kafka;

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
    public Task<JobRegistrySnapshot> ReadAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Read(cancellationToken), cancellationToken);

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
        // Partition 0: the topic's one order (a topic created elsewhere with more partitions is read whole anyway).
        var result = await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, byte[]?> { Key = key, Value = value }, cancellationToken)
            .ConfigureAwait(false);
        return result.Offset.Value;
    }

    private JobRegistrySnapshot Read(CancellationToken cancellationToken)
    {
        var readAt = DateTimeOffset.UtcNow;
        List<TopicPartition> partitions;
        using (var admin = new AdminClientBuilder(new AdminClientConfig(_clientConfig.ToDictionary(StringComparer.Ordinal)) { BootstrapServers = _bootstrapServers }).Build())
        {
            var metadata = admin.GetMetadata(KafkaTimeout);
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == Topic && t.Error.Code == ErrorCode.NoError);
            if (topic is null)
            {
                return new JobRegistrySnapshot(readAt, [], []);
            }

            partitions = [.. topic.Partitions.Select(p => new TopicPartition(Topic, p.PartitionId))];
        }

        using var consumer = new ConsumerBuilder<string?, byte[]?>(new ConsumerConfig(_clientConfig.ToDictionary(StringComparer.Ordinal))
        {
            BootstrapServers = _bootstrapServers,
            // Assigned, never subscribed or committed: the group id is only required by the client.
            GroupId = $"{Topic}-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        }).Build();
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var partition in partitions)
        {
            var end = consumer.QueryWatermarkOffsets(partition, KafkaTimeout).High.Value;
            if (end > 0)
            {
                ends[partition] = end;
            }
        }

        var latest = new Dictionary<string, (long Order, byte[] Value)>(StringComparer.Ordinal);
        var order = 0L;
        if (ends.Count > 0)
        {
            consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
            var deadline = DateTime.UtcNow + KafkaTimeout;
            var remaining = new HashSet<TopicPartition>(ends.Keys);
            while (remaining.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                {
                    throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the control topic {Topic} was not read to its end in {KafkaTimeout.TotalSeconds:0} s"));
                }

                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is { } message)
                {
                    if (message.Key is { } key)
                    {
                        if (message.Value is null)
                        {
                            latest.Remove(key);
                        }
                        else
                        {
                            latest[key] = (order++, message.Value);
                        }
                    }

                    if (result.Offset.Value + 1 >= ends[result.TopicPartition])
                    {
                        remaining.Remove(result.TopicPartition);
                    }
                }

                // Compaction may have removed the last records below the end: the position says the end was passed.
                foreach (var partition in remaining.ToList())
                {
                    var position = consumer.Position(partition);
                    if (position != Offset.Unset && position.Value >= ends[partition])
                    {
                        remaining.Remove(partition);
                    }
                }
            }
        }

        var workers = new List<JobWorkerRecord>();
        var stops = new List<JobStopRequest>();
        foreach (var (key, (_, value)) in latest.OrderBy(e => e.Value.Order))
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
