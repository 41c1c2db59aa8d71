using System.Buffers.Binary;
using Eddy.Protocol;
using Microsoft.Extensions.Logging;

namespace Eddy.Storage.Producers;

/// <summary>
/// The producers' state as of one log offset, in producer-state.snapshot, replaced atomically (temporary file,
/// fsync, rename) so that a crash leaves the old snapshot or the new one. Taken (serialized) under the log's lock
/// when it rolls and written by the roll's background flush, and written on flush and close; on open the log
/// replays only the batches from its offset on, so a snapshot that a crash kept from being written costs a longer
/// replay from the previous one, never state. Layout (big-endian):
/// <code>
/// int16 version (1) | uint32 CRC-32C of the rest | int64 offset | int32 producer count
/// per producer: int64 id | int16 epoch | int32 coordinator epoch | int64 last timestamp | int64 open transaction's
///               first offset (-1) | int32 batch count (0..5)
///   per batch, oldest first: int32 first sequence | int32 last sequence | int64 first offset | int64 last offset | int64 timestamp
/// </code>
/// </summary>
internal static class ProducerStateSnapshot
{
    public const string FileName = "producer-state.snapshot";

    private const string TemporarySuffix = ".tmp";
    private const short Version = 1;
    private const int HeaderSize = 2 + 4 + 8 + 4;
    private const int ProducerSize = 8 + 2 + 4 + 8 + 8 + 4;
    private const int BatchSize = 4 + 4 + 8 + 8 + 8;

    public static void Write(string directory, long offset, ProducerStateManager producers) => WriteFile(directory, Serialize(offset, producers));

    /// <summary>The producers' state as of <paramref name="offset"/>, as the file holds it (under the log's lock).</summary>
    public static byte[] Serialize(long offset, ProducerStateManager producers)
    {
        var entries = producers.Entries().ToList();
        var size = HeaderSize;
        foreach (var (_, entry) in entries)
        {
            size += ProducerSize + (entry.BatchCount * BatchSize);
        }
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        BinaryPrimitives.WriteInt64BigEndian(span[6..], offset);
        BinaryPrimitives.WriteInt32BigEndian(span[14..], entries.Count);
        var position = HeaderSize;
        foreach (var (producerId, entry) in entries)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[position..], producerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(position + 8)..], entry.Epoch);
            BinaryPrimitives.WriteInt32BigEndian(span[(position + 10)..], entry.CoordinatorEpoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(position + 14)..], entry.LastTimestamp);
            BinaryPrimitives.WriteInt64BigEndian(span[(position + 22)..], entry.TransactionFirstOffset);
            BinaryPrimitives.WriteInt32BigEndian(span[(position + 30)..], entry.BatchCount);
            position += ProducerSize;
            for (var i = 0; i < entry.BatchCount; i++)
            {
                var batch = entry.Batch(i);
                BinaryPrimitives.WriteInt32BigEndian(span[position..], batch.FirstSequence);
                BinaryPrimitives.WriteInt32BigEndian(span[(position + 4)..], batch.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(span[(position + 8)..], batch.FirstOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(position + 16)..], batch.LastOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(position + 24)..], batch.Timestamp);
                position += BatchSize;
            }
        }
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], Crc32C.Compute(span[6..]));
        return bytes;
    }

    /// <summary>
    /// Replaces the snapshot file with <paramref name="bytes"/> from <see cref="Serialize"/>; one writer at a time.
    /// <paramref name="step"/> (tests) is called with "snapshot-temporary" once the temporary file is durable, before the rename.
    /// </summary>
    public static void WriteFile(string directory, byte[] bytes, Action<string>? step = null)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + TemporarySuffix;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        step?.Invoke("snapshot-temporary");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The snapshot's offset and producers; null when there is none or it cannot be trusted (then the log is replayed whole).</summary>
    public static (long Offset, List<(long ProducerId, ProducerStateEntry Entry)> Entries)? Read(string directory, ILogger logger)
    {
        var path = Path.Combine(directory, FileName);
        // A temporary file is a write that did not reach its rename: the old snapshot stands.
        File.Delete(path + TemporarySuffix);
        if (!File.Exists(path))
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            StorageLog.UnreadableProducerSnapshot(logger, path, e.Message);
            return null;
        }
        if (TryParse(bytes, out var offset, out var entries, out var problem))
        {
            return (offset, entries);
        }
        StorageLog.UnreadableProducerSnapshot(logger, path, problem);
        return null;
    }

    private static bool TryParse(ReadOnlySpan<byte> span, out long offset, out List<(long, ProducerStateEntry)> entries, out string problem)
    {
        offset = -1;
        entries = [];
        if (span.Length < HeaderSize)
        {
            problem = $"{span.Length} bytes is too short";
            return false;
        }
        if (BinaryPrimitives.ReadInt16BigEndian(span) != Version)
        {
            problem = $"version {BinaryPrimitives.ReadInt16BigEndian(span)}";
            return false;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(span[2..]) != Crc32C.Compute(span[6..]))
        {
            problem = "CRC mismatch";
            return false;
        }
        offset = BinaryPrimitives.ReadInt64BigEndian(span[6..]);
        var count = BinaryPrimitives.ReadInt32BigEndian(span[14..]);
        var position = HeaderSize;
        for (var p = 0; p < count; p++)
        {
            if (span.Length - position < ProducerSize)
            {
                problem = "it ends inside a producer";
                return false;
            }
            var producerId = BinaryPrimitives.ReadInt64BigEndian(span[position..]);
            var entry = ProducerStateEntry.Unknown;
            entry.SetEpoch(BinaryPrimitives.ReadInt16BigEndian(span[(position + 8)..]));
            entry.CoordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(span[(position + 10)..]);
            entry.LastTimestamp = BinaryPrimitives.ReadInt64BigEndian(span[(position + 14)..]);
            entry.TransactionFirstOffset = BinaryPrimitives.ReadInt64BigEndian(span[(position + 22)..]);
            var batchCount = BinaryPrimitives.ReadInt32BigEndian(span[(position + 30)..]);
            position += ProducerSize;
            if (batchCount < 0 || batchCount > ProducerStateEntry.BatchesToRetain || span.Length - position < batchCount * BatchSize)
            {
                problem = $"producer {producerId} has {batchCount} batches";
                return false;
            }
            for (var i = 0; i < batchCount; i++)
            {
                entry.AddBatch(new BatchMetadata(
                    BinaryPrimitives.ReadInt32BigEndian(span[position..]),
                    BinaryPrimitives.ReadInt32BigEndian(span[(position + 4)..]),
                    BinaryPrimitives.ReadInt64BigEndian(span[(position + 8)..]),
                    BinaryPrimitives.ReadInt64BigEndian(span[(position + 16)..]),
                    BinaryPrimitives.ReadInt64BigEndian(span[(position + 24)..])));
                position += BatchSize;
            }
            entries.Add((producerId, entry));
        }
        if (position != span.Length)
        {
            problem = $"{span.Length - position} bytes after the last producer";
            return false;
        }
        problem = "";
        return true;
    }
}
