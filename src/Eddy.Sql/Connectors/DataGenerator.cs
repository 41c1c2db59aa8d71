using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>
/// Generates a <c>'connector' = 'datagen'</c> table's rows into its topic (<see cref="DataGenTopic"/>), in JSON, at
/// <c>rows-per-second</c>, until <c>number-of-rows</c> or the shortest sequence ends (never, without either). The
/// job reads the topic as any Kafka source: a generated table runs the same code path as a real one.
/// </summary>
/// <remarks>
/// <para>
/// The topic is created when missing, with <c>scan.parallelism</c> partitions when set, else the host's default.
/// Row <c>n</c> (counting from 0 over the table's whole life) goes to partition <c>n % partitions</c>, through an
/// idempotent producer, so each partition holds a gap-free prefix of its rows and a restarted generator knows from the
/// partitions' end offsets exactly which rows exist: it writes the others (a sequence continues, <c>number-of-rows</c>
/// counts what the topic holds), neither duplicating nor restarting the data.
/// </para>
/// <para>The rate is the table's, over all partitions, paced from the start of each run.</para>
/// </remarks>
public sealed class DataGenerator
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(30);

    private readonly DataGenField[] _fields;
    private readonly FormatRowSerde _serde;
    private readonly int? _partitions;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _rows;

    internal DataGenerator(string jobName, CatalogTable table, ConnectorOptions options, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        TableName = table.Name;
        Topic = DataGenTopic.Of(jobName, table.Name);
        _fields = ConnectorRegistry.Creating(table, forSource: true,
            () => table.Schema.Select(f => DataGenField.Of(f.Name, f.Type, options.All)).ToArray());
        _serde = DataGenTopic.Serde(table);
        RowsPerSecond = options.GetLong(DataGenConnectorFactory.RowsPerSecond) ?? 10000;
        long? limit = options.GetLong(DataGenConnectorFactory.NumberOfRows);
        foreach (var field in _fields)
        {
            if (field.Length is { } length)
                limit = limit is null ? length : Math.Min(limit.Value, length);
        }
        RowLimit = limit;
        _partitions = (int?)options.GetLong(DataGenConnectorFactory.ScanParallelism);
        Random = seed is { } s ? new Random(s) : new Random();
    }

    /// <summary>The table's name, as the catalog spells it.</summary>
    public string TableName { get; }

    /// <summary>The topic the rows go to: <c>{job}-{table}-datagen</c>.</summary>
    public string Topic { get; }

    /// <summary>The rows generated per second (<c>rows-per-second</c>).</summary>
    public long RowsPerSecond { get; }

    /// <summary>How many rows the table has in all (<c>number-of-rows</c>, or a sequence's length); null when unbounded.</summary>
    public long? RowLimit { get; }

    /// <summary>The rows the topic holds: found at start, then counted as the producer acknowledges them.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Completes when the topic exists (start the job after it, so its source finds the topic), or fails with <see cref="RunAsync"/>.</summary>
    public Task Ready => _ready.Task;

    private Random Random { get; }

    /// <summary>
    /// Creates the topic if it is missing, finds which rows it holds, and writes the others at the table's rate until
    /// the table's rows are all there (then returns) or <paramref name="cancellationToken"/> stops it (then it
    /// returns once what it produced is acknowledged, without throwing).
    /// </summary>
    /// <param name="bootstrapServers">The job's Kafka cluster.</param>
    /// <param name="clientConfig">Extra client properties (security and the like), as the job's worker takes them.</param>
    /// <param name="defaultPartitions">The partitions of a topic this creates when the table has no <c>scan.parallelism</c>.</param>
    /// <param name="cancellationToken">Stops generating.</param>
    /// <exception cref="KafkaException">The cluster refused the topic or a record.</exception>
    public async Task RunAsync(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig = null, int defaultPartitions = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultPartitions, 1);
        try
        {
            var partitions = await EnsureTopicAsync(bootstrapServers, clientConfig, defaultPartitions).ConfigureAwait(false);
            var held = HeldRows(bootstrapServers, clientConfig, partitions);
            _ready.TrySetResult();
            await Task.Run(() => Generate(bootstrapServers, clientConfig, held, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    private async Task<int> EnsureTopicAsync(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, int defaultPartitions)
    {
        using var admin = new AdminClientBuilder(Config(new AdminClientConfig { BootstrapServers = bootstrapServers }, clientConfig)).Build();
        var partitions = _partitions ?? defaultPartitions;
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = partitions, ReplicationFactor = -1 }],
                new CreateTopicsOptions { RequestTimeout = KafkaTimeout }).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Made by an earlier run: its partitions decide where rows go.
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

    /// <summary>How many records each partition holds: the end offsets (the producer writes no transaction markers).</summary>
    private long[] HeldRows(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Config(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = Topic + "-generator",
            EnableAutoCommit = false,
        }, clientConfig)).Build();
        var held = new long[partitions];
        for (var p = 0; p < partitions; p++)
            held[p] = consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), KafkaTimeout).High.Value;
        Interlocked.Exchange(ref _rows, held.Sum());
        return held;
    }

    private void Generate(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig, long[] held, CancellationToken cancellationToken)
    {
        var partitions = held.Length;
        var limit = RowLimit ?? long.MaxValue;
        using var producer = new ProducerBuilder<Null, byte[]>(Config(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }, clientConfig)).Build();
        Error? failure = null;
        Action<DeliveryReport<Null, byte[]>> delivered = report =>
        {
            if (report.Error.IsError)
                failure ??= report.Error;
            else
                Interlocked.Increment(ref _rows);
        };

        // The first row missing from the topic: the smallest over the partitions of the next row each would hold.
        var next = long.MaxValue;
        for (var p = 0; p < partitions; p++)
            next = Math.Min(next, (held[p] * partitions) + p);
        var row = new Row(_fields.Length);
        var clock = Stopwatch.StartNew();
        long written = 0;
        while (next < limit && !cancellationToken.IsCancellationRequested)
        {
            if (failure is { } error)
                throw new KafkaException(error);
            var due = (long)(clock.Elapsed.TotalSeconds * RowsPerSecond) - written;
            if (due <= 0)
            {
                producer.Poll(TimeSpan.FromMilliseconds(Math.Clamp(1000 / Math.Max(RowsPerSecond, 1), 1, 20)));
                continue;
            }
            for (; due > 0 && next < limit; next++)
            {
                var partition = (int)(next % partitions);
                if (next / partitions < held[partition])
                    continue;
                for (var i = 0; i < _fields.Length; i++)
                    _fields[i].Write(row, i, next, Random);
                var value = _serde.Serialize(row);
                Produce(producer, new TopicPartition(Topic, partition), new Message<Null, byte[]> { Value = value }, delivered, cancellationToken);
                written++;
                due--;
            }
        }
        producer.Flush(KafkaTimeout);
        if (failure is { } last)
            throw new KafkaException(last);
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

    /// <summary>The generators of the datagen tables a job's statements read, one per table.</summary>
    /// <exception cref="PlanningException">A table's options do not make a generator.</exception>
    internal static IReadOnlyList<DataGenerator> Of(string jobName, IEnumerable<PlanNode> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var generators = new List<DataGenerator>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<PlanNode>(roots);
        var visited = new HashSet<PlanNode>(ReferenceEqualityComparer.Instance);
        while (pending.TryPop(out var node))
        {
            if (!visited.Add(node))
                continue;
            if (node is TableScanNode scan && seen.Add(scan.Table.Name))
            {
                var (factory, options) = ConnectorRegistry.Default.ForSource(scan.Table);
                if (factory.Identifier == "datagen")
                    generators.Add(new DataGenerator(jobName, scan.Table, options));
            }
            foreach (var input in node.Inputs)
                pending.Push(input);
        }
        return generators;
    }
}
