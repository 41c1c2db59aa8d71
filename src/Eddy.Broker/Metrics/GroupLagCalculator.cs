using Eddy.Broker.Groups;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Broker.Metrics;

/// <summary>One group's lag on one partition: in records (log end − committed) and in seconds (age of the oldest unconsumed record).</summary>
public readonly record struct PartitionLag(string Group, string Topic, int Partition, long Committed, long LogEndOffset, long Records, double Seconds);

/// <summary>
/// Computes every group's lag from its committed offsets and the partition logs, when asked (a scrape, the CLI).
/// The cost is bounded by the number of committed partitions, never by the size of a log: the records lag is a
/// subtraction, and the seconds lag reads the header of the one batch that holds the first unconsumed record (one
/// index lookup). That timestamp is remembered per (partition, offset), so scrapes between two commits read nothing.
/// </summary>
public sealed class GroupLagCalculator(TopicManager topics, OffsetStore offsets, TimeProvider time)
{
    private Dictionary<(string Topic, int Partition, long Offset), long> _timestamps = [];
    private readonly Lock _sync = new();

    /// <summary>The lag of every group on every partition it has committed an offset for, the deleted ones left out.</summary>
    public IReadOnlyList<PartitionLag> Compute()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<PartitionLag>();
        lock (_sync)
        {
            // Only the timestamps still needed are kept: the cache never outgrows the committed partitions.
            var used = new Dictionary<(string, int, long), long>(_timestamps.Count);
            foreach (var group in offsets.Groups)
            {
                foreach (var ((topicName, index), committed) in offsets.Offsets(group))
                {
                    if (topics.Find(topicName)?.Partition(index) is not { IsDeleted: false } partition)
                    {
                        continue;
                    }
                    try
                    {
                        result.Add(LagOf(group, partition, committed.Offset, now, used));
                    }
                    catch (Exception e) when (e is ObjectDisposedException or OffsetOutOfRangeException)
                    {
                        // Deleted or truncated meanwhile: the next scrape sees the new state.
                    }
                }
            }
            _timestamps = used;
        }
        return result;
    }

    private PartitionLag LagOf(string group, Partition partition, long committed, long now, Dictionary<(string, int, long), long> used)
    {
        var log = partition.Log;
        var end = log.LogEndOffset;
        var records = Math.Max(0, end - committed);
        var seconds = 0.0;
        // Records below the log start offset are gone: the oldest unconsumed one left is the first of the log.
        var next = Math.Max(committed, log.LogStartOffset);
        if (next < end)
        {
            var key = (partition.Topic, partition.Index, next);
            if (!_timestamps.TryGetValue(key, out var timestamp) && !used.TryGetValue(key, out timestamp))
            {
                timestamp = TimestampAt(log, next);
            }
            used[key] = timestamp;
            seconds = timestamp < 0 ? 0 : Math.Max(0, now - timestamp) / 1000.0;
        }
        return new PartitionLag(group, partition.Topic, partition.Index, committed, end, records, seconds);
    }

    /// <summary>
    /// The timestamp of the record at <paramref name="offset"/>: the batch that holds it is found through the offset
    /// index and only its header is read when the record is the batch's first (or the batch has log-append time);
    /// a record inside an uncompressed batch is found by decoding that one batch. Inside a compressed batch the
    /// batch's first timestamp stands for it (an age at most the batch's span too old). −1 when there is none.
    /// </summary>
    internal static long TimestampAt(PartitionLog log, long offset)
    {
        var read = log.Read(offset, maxBytes: 1, minOneBatch: true);
        var records = read.Records;
        if (records.SizeInBytes < RecordBatch.HeaderSize)
        {
            return -1;
        }
        Span<byte> header = stackalloc byte[RecordBatch.HeaderSize];
        records.CopyRange(0, header);
        if (RecordBatch.TimestampType(header) == TimestampType.LogAppendTime)
        {
            return RecordBatch.MaxTimestamp(header);
        }
        if (RecordBatch.BaseOffset(header) >= offset || RecordBatch.Compression(header) != CompressionType.None)
        {
            return RecordBatch.BaseTimestamp(header);
        }
        var size = Math.Min(RecordBatch.TotalSize(header), records.SizeInBytes);
        var batch = new byte[size];
        records.CopyRange(0, batch);
        foreach (var record in RecordBatchReader.Decode(batch))
        {
            if (record.Offset >= offset)
            {
                return record.Timestamp;
            }
        }
        return RecordBatch.MaxTimestamp(header);
    }
}
