using System.Text;
using Confluent.Kafka;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;

namespace Eddy.Engine.Kafka;

/// <summary>
/// Writes what a worker thread's tasks produce through its producer: sink and repartition records, side outputs, dead
/// letters, watermark control records and changelog records, inside the open transaction (begun on the first write
/// of a commit interval) when exactly-once is on.
/// </summary>
/// <remarks>
/// The hot path allocates no delivery callback per record: in a transaction a failed delivery fails the commit, and
/// at least once a single handler (one delegate for all records) collects the first error for the flush to throw.
/// One <see cref="Message{TKey, TValue}"/> is reused, as Produce copies the bytes into librdkafka before it returns, and
/// so is one empty <see cref="Headers"/>.
/// </remarks>
internal sealed class OutputWriter(IProducer<byte[]?, byte[]?> producer, bool exactlyOnce, string deadLetterTopic,
    Func<string, int> partitionsOf, Metrics.WorkerMetrics? metrics = null)
{
    /// <summary>The header carrying a repartitioned record's row kind (absent: insert).</summary>
    public const string KindHeader = "eddy.kind";

    /// <summary>A dead letter's error: the exception's type and message.</summary>
    public const string ErrorHeader = "eddy.error";

    /// <summary>Where a dead letter was read: <c>{topic}/{partition}/{offset}</c>.</summary>
    public const string SourceHeader = "eddy.source";

    /// <summary>Why a record is a dead letter: <c>bad-input</c> (it could not be read) or <c>processing</c> (a function threw on it).</summary>
    public const string ErrorTypeHeader = "eddy.error.type";

    /// <summary>The operator whose function threw on a dead letter (processing errors only).</summary>
    public const string OperatorHeader = "eddy.operator";

    /// <summary>Changelog keys and values shorter than this are produced from reused arrays (see <see cref="Exact"/>).</summary>
    private const int ExactLengths = 512;

    private static readonly byte[] BadInputErrorType = "bad-input"u8.ToArray();
    private static readonly byte[] ProcessingErrorType = "processing"u8.ToArray();

    private static readonly Headers[] KindHeaders = Enum.GetValues<RowKind>()
        .Select(kind => new Headers { new Header(KindHeader, [(byte)kind]) })
        .ToArray();

    private readonly Message<byte[]?, byte[]?> _message = new();

    /// <summary>
    /// Given for a record without headers: Produce replaces a null with a new <see cref="Headers"/> (two objects per
    /// record) to hand to the serializers, which for byte arrays never touch it. It stays empty.
    /// </summary>
    private readonly Headers _noHeaders = [];
    private readonly Dictionary<string, TopicPartition[]> _targets = new(StringComparer.Ordinal);
    private string? _lastTopic;
    private TopicPartition[] _lastTargets = [];
    private readonly byte[]?[] _keys = new byte[]?[ExactLengths];
    private readonly byte[]?[] _values = new byte[]?[ExactLengths];
    private readonly object _errorLock = new();
    private Action<DeliveryReport<byte[]?, byte[]?>>? _onDelivery;
    private Error? _deliveryError;

    /// <summary>A transaction is open (exactly once): something was written since the last commit or abort.</summary>
    public bool InTransaction { get; private set; }

    public long RecordsOut { get; private set; }

    public long SideOutputRecords { get; private set; }

    public long DeadLetters { get; private set; }

    /// <summary>Writes a task's outputs and clears them.</summary>
    public void Write(StageTask task)
    {
        var outputs = task.Outputs;
        // The end-to-end latency is sampled once per batch, from its oldest sink record: no per-record metric call.
        var oldest = long.MaxValue;
        foreach (var record in outputs.Records)
        {
            Send(record.Topic, record.Key, record.Value, record.Timestamp, record.Kind == RowKind.Insert ? null : KindHeaders[(int)record.Kind]);
            if (!record.IsRepartition)
            {
                RecordsOut++;
                oldest = Math.Min(oldest, record.Timestamp);
            }
        }

        if (oldest != long.MaxValue)
        {
            metrics?.Written(oldest);
        }

        foreach (var side in outputs.SideOutputs)
        {
            Send(side.Tag, side.KeyBytes, side.ValueBytes, side.Timestamp, null);
            SideOutputRecords++;
        }

        foreach (var dead in outputs.DeadLetters)
        {
            var headers = new Headers
            {
                new Header(ErrorHeader, Encoding.UTF8.GetBytes(dead.Error)),
                new Header(SourceHeader, Encoding.UTF8.GetBytes($"{dead.Topic}/{dead.Partition}/{dead.Offset}")),
            };
            if (dead.Operator is { } op)
            {
                headers.Add(ErrorTypeHeader, ProcessingErrorType);
                headers.Add(OperatorHeader, Encoding.UTF8.GetBytes(op));
            }
            else
            {
                headers.Add(ErrorTypeHeader, BadInputErrorType);
            }

            SendTo(Target(deadLetterTopic, 0), dead.Key, dead.Value, dead.Timestamp, headers);
            DeadLetters++;
        }

        if (outputs.Watermark is { } watermark)
        {
            // After the records it covers, on every partition: each downstream task must hear from every upstream one.
            var bytes = watermark.ToBytes();
            var headers = new Headers { new Header(WatermarkControl.Header, bytes) };
            foreach (var topic in task.Stage.RepartitionTopics)
            {
                foreach (var target in Targets(topic))
                {
                    SendTo(target, null, bytes, null, headers);
                }
            }
        }

        outputs.Clear();
    }

    /// <summary>The state writes of the interval (the last per key) go to their stores' changelogs.</summary>
    public void WriteChangelogs(ChangeLoggingBackend logging, IReadOnlyDictionary<string, StoreDeclaration> stores)
    {
        foreach (var change in logging.Drain())
        {
            SendTo(Target(stores[change.Store].ChangelogTopic, change.Partition), Exact(_keys, change.Key.Span),
                change.Delete ? null : Exact(_values, change.Value.Span), null, null);
        }
    }

    /// <summary>The transaction was committed or aborted: the next write begins a new one.</summary>
    public void TransactionEnded() => InTransaction = false;

    /// <summary>At least once: the first delivery error since the last call, thrown after a flush.</summary>
    public void ThrowOnDeliveryError()
    {
        lock (_errorLock)
        {
            if (_deliveryError is { } error)
            {
                _deliveryError = null;
                throw new KafkaException(error);
            }
        }
    }

    /// <summary>Forgets a delivery error of records that are being written again (after an abort and rewind).</summary>
    public void ClearDeliveryError()
    {
        lock (_errorLock)
        {
            _deliveryError = null;
        }
    }

    /// <summary>To the topic's partition for the key, as Kafka's default partitioner picks it (murmur2; keyless: 0).</summary>
    private void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers)
    {
        var targets = Targets(topic);
        SendTo(targets[key is null ? 0 : Murmur2Partitioner.Partition(key, targets.Length)], key, value, timestamp, headers);
    }

    /// <param name="timestamp">The record's event time; null for bookkeeping records (changelog, control), stamped now.</param>
    private void SendTo(TopicPartition target, byte[]? key, byte[]? value, long? timestamp, Headers? headers)
    {
        if (exactlyOnce && !InTransaction)
        {
            producer.BeginTransaction();
            InTransaction = true;
        }

        _message.Key = key;
        _message.Value = value;
        _message.Timestamp = timestamp is { } ms ? new Timestamp(Math.Max(0, ms), TimestampType.CreateTime) : Timestamp.Default;
        _message.Headers = headers ?? _noHeaders;
        while (true)
        {
            try
            {
                producer.Produce(target, _message, exactlyOnce ? null : _onDelivery ??= OnDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The producer's queue is full: wait for deliveries to make room rather than fail the interval.
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            lock (_errorLock)
            {
                _deliveryError ??= report.Error;
            }
        }
    }

    /// <summary>
    /// The bytes in an array of their exact length, as Produce takes them: one array per length, reused, as Produce has
    /// copied them into librdkafka by the time it returns (the changelog's keys and values live in the backend's
    /// buffers, not in arrays of their own).
    /// </summary>
    private static byte[] Exact(byte[]?[] cache, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= cache.Length)
        {
            return bytes.ToArray();
        }

        var array = cache[bytes.Length] ??= new byte[bytes.Length];
        bytes.CopyTo(array);
        return array;
    }

    private TopicPartition Target(string topic, int partition) => Targets(topic)[partition];

    /// <summary>One TopicPartition per partition of a topic, made once: not one per record.</summary>
    /// <remarks>
    /// A task's records mostly go to one topic after another (its sink's, its repartition topic's, a store's changelog),
    /// with the same string instance: the last one is remembered, so most records cost no hashing of the topic name.
    /// </remarks>
    private TopicPartition[] Targets(string topic)
    {
        if (ReferenceEquals(topic, _lastTopic))
        {
            return _lastTargets;
        }

        if (!_targets.TryGetValue(topic, out var targets))
        {
            targets = Enumerable.Range(0, partitionsOf(topic)).Select(p => new TopicPartition(topic, p)).ToArray();
            _targets[topic] = targets;
        }

        _lastTopic = topic;
        _lastTargets = targets;
        return targets;
    }
}
