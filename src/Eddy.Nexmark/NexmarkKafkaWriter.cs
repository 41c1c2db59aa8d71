using System.Buffers;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Eddy.Nexmark;

/// <summary>
/// Fills one Kafka topic with a Nexmark run in JSON (<see cref="NexmarkJsonWriter"/>), as Flink's Kafka mode fills its
/// <c>nexmark</c> topic: one generator per partition (generator <c>p</c> writes partition <c>p</c>, in event-time
/// order), no key, each record's timestamp its event time.
/// </summary>
/// <remarks>
/// The topic is created when missing. Through an idempotent producer each partition holds a gap-free prefix of its
/// generator's events, so a writer run again over the same topic and configuration reads the partitions' end offsets and
/// writes only the events missing (the events are deterministic: the same configuration makes the same events).
/// </remarks>
public sealed class NexmarkKafkaWriter
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    private const int Batch = 256;

    private readonly NexmarkConfig _config;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;
    private long _bytes;
    private long _held;

    /// <summary>A writer of <paramref name="config"/>'s run into <paramref name="topic"/> (its <see cref="NexmarkConfig.Generators"/> becomes the topic's partition count).</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public NexmarkKafkaWriter(NexmarkConfig config, string topic)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        config.Validate();
        _config = config;
        Topic = topic;
    }

    /// <summary>The topic written.</summary>
    public string Topic { get; }

    /// <summary>The events the topic holds: those found at start, then those acknowledged.</summary>
    public long Events => Interlocked.Read(ref _held) + Interlocked.Read(ref _written);

    /// <summary>The events this run wrote and the cluster acknowledged.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>The bytes of the values this run wrote (acknowledged).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The run's events over all partitions (<see cref="NexmarkConfig.Events"/>; 0 is unbounded).</summary>
    public long Limit => _config.Events;

    /// <summary>Completes when the topic exists (start a job reading it after this), or fails with <see cref="RunAsync"/>.</summary>
    public Task Ready => _ready.Task;

    /// <summary>
    /// Creates the topic if it is missing (with <paramref name="partitions"/> partitions), finds the events it holds,
    /// and writes the others until the run's events are all there (then returns) or <paramref name="cancellationToken"/>
    /// stops it (then it returns once what it produced is acknowledged, without throwing).
    /// </summary>
    /// <exception cref="KafkaException">The cluster refused the topic or a record.</exception>
    public async Task RunAsync(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig = null, int partitions = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        try
        {
            var count = await EnsureTopicAsync(bootstrapServers, clientConfig, partitions).ConfigureAwait(false);
            var held = HeldEvents(bootstrapServers, clientConfig, count);
            _ready.TrySetResult();
            await Task.Run(() => Write(bootstrapServers, clientConfig, held, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    private async Task<int> EnsureTopicAsync(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, int partitions)
    {
        using var admin = new AdminClientBuilder(Config(new AdminClientConfig { BootstrapServers = bootstrapServers }, clientConfig)).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = partitions, ReplicationFactor = -1 }],
                new CreateTopicsOptions { RequestTimeout = KafkaTimeout }).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Made by an earlier run: its partitions decide the generators.
        }
        var deadline = DateTime.UtcNow + KafkaTimeout;
        while (true)
        {
            var topic = admin.GetMetadata(Topic, KafkaTimeout).Topics.FirstOrDefault(t => t.Topic == Topic && t.Error.Code == ErrorCode.NoError);
            if (topic is { Partitions.Count: > 0 })
                return topic.Partitions.Count;
            if (DateTime.UtcNow > deadline)
                throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"Topic '{Topic}' did not appear after it was created."));
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private long[] HeldEvents(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Config(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = Topic + "-nexmark-writer",
            EnableAutoCommit = false,
        }, clientConfig)).Build();
        var held = new long[partitions];
        for (var p = 0; p < partitions; p++)
            held[p] = consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), KafkaTimeout).High.Value;
        Interlocked.Exchange(ref _held, held.Sum());
        return held;
    }

    private void Write(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, long[] held, CancellationToken cancellationToken)
    {
        var config = _config with { Generators = held.Length };
        var generators = new NexmarkGenerator[held.Length];
        for (var p = 0; p < generators.Length; p++)
        {
            generators[p] = new NexmarkGenerator(config, p);
            generators[p].SkipTo(held[p]);
        }
        using var producer = new ProducerBuilder<Null, byte[]>(Config(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1 << 20,
        }, clientConfig)).Build();
        Error? failure = null;
        Action<DeliveryReport<Null, byte[]>> delivered = report =>
        {
            if (report.Error.IsError)
            {
                failure ??= report.Error;
                return;
            }
            Interlocked.Increment(ref _written);
            Interlocked.Add(ref _bytes, report.Message.Value.Length);
        };

        using var json = new NexmarkJsonWriter();
        var buffer = new ArrayBufferWriter<byte>(1024);
        var batch = new NexmarkEvent[Batch];
        var clock = Stopwatch.StartNew();
        var firstEventTime = long.MaxValue;
        foreach (var generator in generators)
        {
            if (generator.HasNext)
                firstEventTime = Math.Min(firstEventTime, generator.NextEventTime);
        }
        var more = true;
        while (more && !cancellationToken.IsCancellationRequested)
        {
            more = false;
            for (var p = 0; p < generators.Length && !cancellationToken.IsCancellationRequested; p++)
            {
                if (failure is { } error)
                    throw new KafkaException(error);
                var n = generators[p].Next(batch);
                more |= generators[p].HasNext;
                var partition = new TopicPartition(Topic, p);
                for (var i = 0; i < n; i++)
                {
                    ref readonly var e = ref batch[i];
                    var time = e.DateTime;
                    if (!_config.MaxEmitSpeed)
                        Pace(producer, clock, time - firstEventTime, cancellationToken);
                    buffer.ResetWrittenCount();
                    json.Write(e, buffer);
                    Produce(producer, partition, new Message<Null, byte[]>
                    {
                        Value = buffer.WrittenSpan.ToArray(),
                        Timestamp = new Timestamp(time, TimestampType.CreateTime),
                    }, delivered, cancellationToken);
                }
                Array.Clear(batch, 0, n);
            }
        }
        producer.Flush(KafkaTimeout);
        if (failure is { } last)
            throw new KafkaException(last);
    }

    /// <summary>Waits (serving deliveries) until the wall-clock time since the start reaches the event's time since the first event.</summary>
    private static void Pace(IProducer<Null, byte[]> producer, Stopwatch clock, long dueMs, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = dueMs - clock.ElapsedMilliseconds;
            if (wait <= 0)
                return;
            producer.Poll(TimeSpan.FromMilliseconds(Math.Min(wait, 50)));
        }
    }

    private static void Produce(IProducer<Null, byte[]> producer, TopicPartition partition, Message<Null, byte[]> message,
        Action<DeliveryReport<Null, byte[]>> delivered, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message, delivered);
                return;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && !cancellationToken.IsCancellationRequested)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private static T Config<T>(T config, IReadOnlyDictionary<string, string>? extra)
        where T : ClientConfig
    {
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
                config.Set(key, value);
        }
        return config;
    }
}
