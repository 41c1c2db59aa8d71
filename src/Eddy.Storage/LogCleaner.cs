using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Eddy.Protocol;
using Eddy.Storage.Producers;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>What one <see cref="PartitionLog.Compact"/> did.</summary>
/// <param name="SegmentsCleaned">Segments replaced by cleaned ones (a merged group counts each segment it replaced).</param>
/// <param name="BytesRead">Bytes read from segments, building the offset map and copying.</param>
/// <param name="BytesWritten">Bytes of cleaned segments written.</param>
/// <param name="RecordsRead">Records examined while copying.</param>
/// <param name="RecordsKept">Records of those that survived.</param>
/// <param name="Elapsed">Wall time of the whole pass.</param>
public sealed record CompactionResult(int SegmentsCleaned, long BytesRead, long BytesWritten, long RecordsRead, long RecordsKept, TimeSpan Elapsed)
{
    public static CompactionResult None { get; } = new(0, 0, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// Key → offset of its latest record in the dirty section, in 128 bits per key whatever its size, as Kafka's cleaner
/// stores an MD5. Keys of up to 15 bytes are stored exactly (their bytes and their length); longer ones as 120 bits of
/// their SHA-256 with 0xFF as the top byte, a value no exact key has. A collision, which would drop a record, is out
/// of reach at any realistic number of keys.
/// </summary>
internal sealed class OffsetMap
{
    private readonly Dictionary<UInt128, long> _offsets = [];

    public int Count => _offsets.Count;

    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_offsets, Hash(key), out _);
        slot = Math.Max(slot, offset);
    }

    public bool TryGet(ReadOnlySpan<byte> key, out long offset) => _offsets.TryGetValue(Hash(key), out offset);

    private static UInt128 Hash(ReadOnlySpan<byte> key)
    {
        Span<byte> bytes = stackalloc byte[SHA256.HashSizeInBytes];
        if (key.Length < 16)
        {
            bytes[..16].Clear();
            key.CopyTo(bytes);
            bytes[15] = (byte)key.Length;
        }
        else
        {
            SHA256.HashData(key, bytes);
            bytes[15] = 0xFF;
        }
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }
}

/// <summary>Reads the batches of a sealed segment in file order through a large buffer.</summary>
internal sealed class SegmentBatchReader : IDisposable
{
    private const int ChunkSize = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly int _limit;
    private byte[] _buffer;
    private long _windowStart;
    private int _windowLength;
    private int _position;

    public SegmentBatchReader(SafeFileHandle file, int limit)
    {
        _file = file;
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(limit, RecordBatch.HeaderSize, ChunkSize));
    }

    public long BytesRead { get; private set; }

    /// <summary>The next whole batch, valid until the next call; false at the end of the segment.</summary>
    public bool TryNext(out int position, out ReadOnlySpan<byte> batch)
    {
        position = _position;
        batch = default;
        if (_position >= _limit)
        {
            return false;
        }
        if (_limit - _position < RecordBatch.HeaderSize || !BatchHeader.IsLengthPlausible(Window(RecordBatch.HeaderSize), _limit - _position))
        {
            throw new InvalidDataException($"No whole batch at position {_position} of a sealed segment of {_limit} bytes.");
        }
        var size = RecordBatch.TotalSize(Window(RecordBatch.HeaderSize));
        batch = Window(size);
        _position += size;
        return true;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private ReadOnlySpan<byte> Window(int size)
    {
        if (_position < _windowStart || _position + (long)size > _windowStart + _windowLength)
        {
            if (size > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(size);
            }
            _windowLength = Math.Min(_buffer.Length, _limit - _position);
            FileReads.ReadExactly(_file, _buffer.AsSpan(0, _windowLength), _position);
            BytesRead += _windowLength;
            _windowStart = _position;
        }
        return _buffer.AsSpan((int)(_position - _windowStart), size);
    }
}

/// <summary>
/// Kafka's log cleaner for one pass over one log: an offset map over the dirty section, then segments rewritten
/// keeping, per key, only the record at the mapped offset. Every rewritten batch keeps its base offset, its
/// lastOffsetDelta, producer fields, attributes and codec, and each surviving record its offset delta, timestamp and
/// headers (Kafka does the same for v2 batches), so a cleaned segment still ends at the offset the next segment
/// starts from; a segment whose last batch empties entirely keeps that batch as an empty header for this reason.
/// Transactions (see <see cref="CleanerTransactions"/>): the batches of aborted transactions are removed whole and
/// their keys never enter the map; committed transactional batches are compacted like any others; control batches
/// (markers) are copied as they are, since a marker gone before its transaction's data would make a rebuild from
/// the log think the transaction still open; and each producer's last batch stays, as an empty header if its
/// records all go. Tombstones follow KIP-534: the first time the cleaner keeps one, its batch gets the
/// delete-horizon flag (attribute bit 6) and baseTimestamp = now + delete.retention.ms (record timestamp deltas are
/// rebased so every record keeps its timestamp); a later pass at or after that horizon drops the tombstone.
/// Markers go the same way once their transaction is empty (Kafka's cleaner, KIP-534): a marker with no batch of its
/// transaction left before it in the log gets a delete horizon, and a pass past the horizon removes it (and, for an
/// abort, its aborted-transaction index entry), unless it is its producer's last batch. The horizon gives a consumer
/// that read the transaction's data before it was cleaned delete.retention.ms to read the marker too.
/// </summary>
internal sealed class LogCleaner
{
    /// <summary>Attribute bit 6: the batch's baseTimestamp is its delete horizon (KIP-534).</summary>
    public const short DeleteHorizonMask = 0x40;

    private const int FlushThreshold = 1 << 20;

    private readonly OffsetMap _map;
    private readonly CleanerTransactions _transactions;
    private readonly long _now;
    private readonly long _deleteRetentionMs;
    private readonly int _indexIntervalBytes;
    private readonly ArrayBufferWriter<byte> _output = new(FlushThreshold + (FlushThreshold / 4));
    private readonly ArrayBufferWriter<byte> _records = new(64 * 1024);
    private readonly List<RecordSpan> _kept = [];
    private readonly HashSet<long> _removedMarkers = [];

    // Set by Filter for a marker of an empty transaction that gets its delete horizon in this pass.
    private bool _markerGetsHorizon;

    public LogCleaner(OffsetMap map, long now, LogConfig config, CleanerTransactions transactions)
    {
        _map = map;
        _transactions = transactions;
        _now = now;
        _deleteRetentionMs = config.DeleteRetentionMs;
        _indexIntervalBytes = config.IndexIntervalBytes;
    }

    private enum Outcome
    {
        /// <summary>Every record stays as it is: copy the batch's bytes.</summary>
        Unchanged,

        /// <summary>Some records go, or the batch gets its delete horizon: write the rebuilt batch.</summary>
        Rewritten,

        /// <summary>No record survives.</summary>
        Emptied,
    }

    public long BytesRead { get; private set; }

    public long BytesWritten { get; private set; }

    public long RecordsRead { get; private set; }

    public long RecordsKept { get; private set; }

    /// <summary>Adds the keys of the records in [<paramref name="from"/>, <paramref name="to"/>) of a segment to the map.</summary>
    public static long AddToMap(OffsetMap map, LogSegment segment, long from, long to, CleanerTransactions transactions)
    {
        using var reader = new SegmentBatchReader(segment.Files.Log, segment.Size);
        while (reader.TryNext(out _, out var batch))
        {
            var header = new BatchHeader(batch);
            if (header.LastOffset < from || header.BaseOffset >= to || !IsCompactable(batch, header) || transactions.IsAborted(header))
            {
                continue;
            }
            if (!TryGetRecords(batch, header, out var decompressed))
            {
                continue;
            }
            var span = decompressed ?? batch[RecordBatch.HeaderSize..];
            for (var position = 0; position < span.Length;)
            {
                if (!RecordSpan.TryRead(span, ref position, out var record))
                {
                    break;
                }
                var offset = header.BaseOffset + record.OffsetDelta;
                if (record.KeyLength >= 0 && offset >= from && offset < to)
                {
                    map.Put(span.Slice(record.KeyStart, record.KeyLength), offset);
                }
            }
        }
        return reader.BytesRead;
    }

    /// <summary>
    /// The markers (base offsets) of the segments, in offset order from the log start, that no transactional batch of
    /// their producer precedes since its previous marker: their transaction has nothing left in the log.
    /// </summary>
    public static HashSet<long> FindEmptyTransactionMarkers(IReadOnlyList<LogSegment> segments)
    {
        var markers = new HashSet<long>();
        var hasData = new Dictionary<long, bool>();
        foreach (var segment in segments)
        {
            segment.ScanBatches(segment.BaseOffset, (in BatchHeader header, ReadOnlySpan<byte> _) =>
            {
                if (header.ProducerId < 0 || !header.IsTransactional)
                {
                    return;
                }
                if (!header.IsControl)
                {
                    // Any batch of the transaction, even one emptied to a header: a rebuild would see it begin.
                    hasData[header.ProducerId] = true;
                    return;
                }
                if (!hasData.GetValueOrDefault(header.ProducerId))
                {
                    markers.Add(header.BaseOffset);
                }
                hasData[header.ProducerId] = false;
            });
        }
        return markers;
    }

    /// <summary>
    /// True when cleaning the segment would change it (a dry run that stops at the first change), so that segments
    /// of the clean section that nothing supersedes are not rewritten.
    /// </summary>
    public bool WouldChange(LogSegment segment)
    {
        using var reader = new SegmentBatchReader(segment.Files.Log, segment.Size);
        try
        {
            while (reader.TryNext(out _, out var batch))
            {
                if (Filter(batch, out _, count: false) != Outcome.Unchanged)
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            BytesRead += reader.BytesRead;
        }
    }

    /// <summary>
    /// Writes the cleaned copy of <paramref name="group"/> (consecutive sealed segments) as one segment with the
    /// first one's base offset, under the ".cleaned" names, fsynced and with its indexes. The caller swaps it in or
    /// deletes it.
    /// </summary>
    public LogSegment WriteCleaned(string directory, IReadOnlyList<LogSegment> group)
    {
        var end = group[^1].NextOffset;
        var cleaned = LogSegment.Create(directory, group[0].BaseOffset, SegmentFileNames.CleanedSuffix);
        try
        {
            _output.Clear();
            byte[]? lastEmptied = null;
            var lastWrittenEnd = group[0].BaseOffset;
            foreach (var segment in group)
            {
                using var reader = new SegmentBatchReader(segment.Files.Log, segment.Size);
                while (reader.TryNext(out _, out var batch))
                {
                    var header = new BatchHeader(batch);
                    switch (Filter(batch, out var decompressed, count: true))
                    {
                        case Outcome.Unchanged:
                            _output.Write(batch);
                            lastEmptied = null;
                            lastWrittenEnd = header.LastOffset + 1;
                            break;
                        case Outcome.Rewritten:
                            WriteRebuilt(batch, header, decompressed ?? batch[RecordBatch.HeaderSize..]);
                            lastEmptied = null;
                            lastWrittenEnd = header.LastOffset + 1;
                            break;
                        default:
                            if (_transactions.IsLastBatchOfProducer(header))
                            {
                                WriteEmpty(batch[..RecordBatch.HeaderSize], keepProducer: true);
                                lastEmptied = null;
                                lastWrittenEnd = header.LastOffset + 1;
                            }
                            else
                            {
                                lastEmptied = batch[..RecordBatch.HeaderSize].ToArray();
                            }
                            break;
                    }
                    if (_output.WrittenCount >= FlushThreshold)
                    {
                        FlushOutput(cleaned);
                    }
                }
                BytesRead += reader.BytesRead;
            }
            if (lastWrittenEnd != end && lastEmptied is not null)
            {
                // The last batch emptied: keep its header so the segment still ends where the next one starts.
                WriteEmpty(lastEmptied, keepProducer: false);
                lastWrittenEnd = end;
            }
            FlushOutput(cleaned);
            CarryAbortedTransactions(group, cleaned);
            if (cleaned.NextOffset != end || cleaned.Size == 0)
            {
                throw new InvalidOperationException(
                    $"The cleaned copy of segments from offset {group[0].BaseOffset} ends at offset {cleaned.NextOffset}, not at {end}.");
            }
            // Durable before the swap: recovery trusts a cleaned segment once it has its final name.
            cleaned.Seal();
            cleaned.FlushSealed();
            cleaned.ServeIndexesFromFiles();
            return cleaned;
        }
        catch
        {
            Discard(cleaned);
            throw;
        }
    }

    /// <summary>Deletes a cleaned segment that is not to be swapped in.</summary>
    public static void Discard(LogSegment cleaned)
    {
        try
        {
            cleaned.DeleteFiles();
        }
        finally
        {
            cleaned.Close();
        }
    }

    /// <summary>
    /// The cleaned segment answers for the aborted transactions whose markers were in the segments it replaces,
    /// whether or not their data is still there (markers stay, so the entries do too).
    /// </summary>
    private void CarryAbortedTransactions(IReadOnlyList<LogSegment> group, LogSegment cleaned)
    {
        var entries = new List<AbortedTxn>();
        foreach (var segment in group)
        {
            entries.AddRange(segment.Transactions.Entries.Where(e => !_removedMarkers.Contains(e.LastOffset)));
        }
        if (entries.Count > 0)
        {
            cleaned.Transactions.Rewrite([.. entries]);
        }
    }

    /// <summary>Data batches whose records can be read; markers are never compacted (see the class summary).</summary>
    private static bool IsCompactable(ReadOnlySpan<byte> batch, in BatchHeader header) =>
        !header.IsControl
        && RecordCompression.IsSupported((CompressionType)(header.Attributes & RecordBatch.CompressionMask))
        && header.RecordsCount >= 0
        && RecordBatch.IsCrcValid(batch);

    /// <summary>
    /// The decompressed records of a compressed batch (null for an uncompressed one: its records follow the header);
    /// false when they cannot be read, and the batch is then left as it is.
    /// </summary>
    private static bool TryGetRecords(ReadOnlySpan<byte> batch, in BatchHeader header, out byte[]? decompressed)
    {
        decompressed = null;
        var codec = (CompressionType)(header.Attributes & RecordBatch.CompressionMask);
        if (codec == CompressionType.None)
        {
            return true;
        }
        try
        {
            decompressed = RecordCompression.Decompress(codec, batch[RecordBatch.HeaderSize..]);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decides a batch's fate; for <see cref="Outcome.Rewritten"/>, <see cref="_kept"/> holds the survivors, located
    /// in <paramref name="decompressed"/> (or, for an uncompressed batch, after its header).
    /// </summary>
    private Outcome Filter(ReadOnlySpan<byte> batch, out byte[]? decompressed, bool count)
    {
        var header = new BatchHeader(batch);
        _markerGetsHorizon = false;
        if (header.IsControl)
        {
            decompressed = null;
            return FilterMarker(batch, header, count);
        }
        if (_transactions.IsAborted(header) && header.RecordsCount > 0)
        {
            // Aborted data goes whole, without looking at its records: no consumer may ever see them.
            decompressed = null;
            if (count)
            {
                RecordsRead += header.RecordsCount;
            }
            return Outcome.Emptied;
        }
        if (!IsCompactable(batch, header) || !TryGetRecords(batch, header, out decompressed))
        {
            decompressed = null;
            return Outcome.Unchanged;
        }
        var hasHorizon = (header.Attributes & DeleteHorizonMask) != 0;
        var horizonPassed = hasHorizon && _now >= header.BaseTimestamp;
        var needsHorizon = false;
        var removed = 0;
        _kept.Clear();
        var span = decompressed ?? batch[RecordBatch.HeaderSize..];
        var recordCount = 0;
        for (var position = 0; position < span.Length; recordCount++)
        {
            if (!RecordSpan.TryRead(span, ref position, out var record))
            {
                // Records that cannot be parsed are left exactly as they are.
                return Outcome.Unchanged;
            }
            var offset = header.BaseOffset + record.OffsetDelta;
            var keep = true;
            if (record.KeyLength >= 0)
            {
                var key = span.Slice(record.KeyStart, record.KeyLength);
                if (_map.TryGet(key, out var latest) && latest > offset)
                {
                    keep = false;
                }
                else if (record.ValueLength < 0)
                {
                    if (horizonPassed)
                    {
                        keep = false;
                    }
                    else if (!hasHorizon)
                    {
                        needsHorizon = true;
                    }
                }
            }
            if (keep)
            {
                _kept.Add(record);
            }
            else
            {
                removed++;
            }
        }
        if (recordCount != header.RecordsCount)
        {
            return Outcome.Unchanged;
        }
        if (count)
        {
            RecordsRead += recordCount;
            RecordsKept += _kept.Count;
        }
        if (removed == 0 && !needsHorizon)
        {
            return Outcome.Unchanged;
        }
        return _kept.Count == 0 ? Outcome.Emptied : Outcome.Rewritten;
    }

    /// <summary>A marker stays unless its transaction is empty: then it gets a delete horizon, and past it goes.</summary>
    private Outcome FilterMarker(ReadOnlySpan<byte> batch, in BatchHeader header, bool count)
    {
        if (!_transactions.EmptyTransactionMarkers.Contains(header.BaseOffset) || _transactions.IsLastBatchOfProducer(header)
            || header.RecordsCount != 1 || !RecordBatch.IsCrcValid(batch))
        {
            return Outcome.Unchanged;
        }
        if ((header.Attributes & DeleteHorizonMask) != 0)
        {
            if (_now < header.BaseTimestamp)
            {
                return Outcome.Unchanged;
            }
            if (count)
            {
                _removedMarkers.Add(header.BaseOffset);
            }
            return Outcome.Emptied;
        }
        _kept.Clear();
        var position = 0;
        if (!RecordSpan.TryRead(batch[RecordBatch.HeaderSize..], ref position, out var record))
        {
            return Outcome.Unchanged;
        }
        _kept.Add(record);
        _markerGetsHorizon = true;
        return Outcome.Rewritten;
    }

    /// <summary>Writes a batch holding the records in <see cref="_kept"/>, with the original header fields.</summary>
    private void WriteRebuilt(ReadOnlySpan<byte> original, in BatchHeader header, ReadOnlySpan<byte> records)
    {
        var attributes = header.Attributes;
        var baseTimestamp = header.BaseTimestamp;
        var rebase = false;
        if ((attributes & DeleteHorizonMask) == 0 && (_markerGetsHorizon || HasTombstone()))
        {
            attributes |= DeleteHorizonMask;
            baseTimestamp = _deleteRetentionMs >= long.MaxValue - _now ? long.MaxValue : _now + _deleteRetentionMs;
            rebase = true;
        }
        _records.Clear();
        Span<byte> scratch = stackalloc byte[10];
        foreach (var record in _kept)
        {
            if (!rebase)
            {
                _records.Write(records[record.Start..record.End]);
                continue;
            }
            // Same record with its timestamp delta taken from the delete horizon: attributes, new delta, the rest.
            var timestamp = header.BaseTimestamp + record.TimestampDelta;
            var deltaSize = VarInts.WriteVarLong(scratch, timestamp - baseTimestamp);
            var rest = records[record.TimestampDeltaEnd..record.End];
            var bodySize = 1 + deltaSize + rest.Length;
            var destination = _records.GetSpan(5 + bodySize);
            var written = VarInts.WriteVarInt(destination, bodySize);
            destination[written++] = records[record.BodyStart];
            scratch[..deltaSize].CopyTo(destination[written..]);
            written += deltaSize;
            rest.CopyTo(destination[written..]);
            _records.Advance(written + rest.Length);
        }
        var codec = (CompressionType)(attributes & RecordBatch.CompressionMask);
        ReadOnlySpan<byte> payload = codec == CompressionType.None
            ? _records.WrittenSpan
            : RecordCompression.Compress(codec, _records.WrittenSpan, RecordCompression.IsXerialFramed(original[RecordBatch.HeaderSize..]));
        var size = RecordBatch.HeaderSize + payload.Length;
        var batch = _output.GetSpan(size)[..size];
        original[..RecordBatch.HeaderSize].CopyTo(batch);
        payload.CopyTo(batch[RecordBatch.HeaderSize..]);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BatchLengthOffset..], size - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.RecordsCountOffset..], _kept.Count);
        RecordBatch.RewriteCrc(batch);
        _output.Advance(size);

        bool HasTombstone()
        {
            foreach (var record in _kept)
            {
                if (record.KeyLength >= 0 && record.ValueLength < 0)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// A batch with no records covering the same offsets as <paramref name="header"/> (uncompressed: nothing to
    /// decompress). The producer's last batch keeps its producer fields (its sequence and epoch outlive its records);
    /// a header kept only to end a segment becomes a plain batch of no producer, as Kafka (which leaves gaps) has
    /// nothing there: a transaction it belonged to is not reopened by it on a rebuild, nor kept from being emptied,
    /// and a removed marker does not become a control batch without its control record.
    /// </summary>
    private void WriteEmpty(ReadOnlySpan<byte> header, bool keepProducer)
    {
        var batch = _output.GetSpan(RecordBatch.HeaderSize)[..RecordBatch.HeaderSize];
        header.CopyTo(batch);
        var cleared = RecordBatch.CompressionMask | DeleteHorizonMask;
        if (!keepProducer)
        {
            cleared |= RecordBatch.ControlMask | RecordBatch.TransactionalMask;
            BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.ProducerIdOffset..], -1);
            BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.ProducerEpochOffset..], -1);
            BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BaseSequenceOffset..], -1);
        }
        var attributes = (short)(RecordBatch.Attributes(header) & ~cleared);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BatchLengthOffset..], RecordBatch.HeaderSize - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.BaseTimestampOffset..], RecordBatch.MaxTimestamp(header));
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.RecordsCountOffset..], 0);
        RecordBatch.RewriteCrc(batch);
        _output.Advance(RecordBatch.HeaderSize);
    }

    private void FlushOutput(LogSegment cleaned)
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }
        cleaned.Append(_output.WrittenSpan, _now, _indexIntervalBytes);
        BytesWritten += _output.WrittenCount;
        _output.Clear();
    }

    /// <summary>Where one record lies in a records span: varint length, int8 attributes, varlong timestampDelta, varint offsetDelta, key, value, headers.</summary>
    private readonly record struct RecordSpan(int Start, int End, int BodyStart, int TimestampDeltaEnd, long TimestampDelta, int OffsetDelta, int KeyStart, int KeyLength, int ValueLength)
    {
        public static bool TryRead(ReadOnlySpan<byte> records, ref int position, out RecordSpan record)
        {
            record = default;
            var start = position;
            if (!VarInts.TryReadVarLong(records, ref position, out var length) || length < 1 || length > records.Length - position)
            {
                return false;
            }
            var bodyStart = position;
            var end = position + (int)length;
            var body = records[..end];
            var cursor = bodyStart + 1;
            if (!VarInts.TryReadVarLong(body, ref cursor, out var timestampDelta))
            {
                return false;
            }
            var timestampDeltaEnd = cursor;
            if (!VarInts.TryReadVarInt(body, ref cursor, out var offsetDelta) || offsetDelta < 0
                || !VarInts.TryReadVarInt(body, ref cursor, out var keyLength) || keyLength > end - cursor)
            {
                return false;
            }
            var keyStart = cursor;
            cursor += Math.Max(keyLength, 0);
            if (!VarInts.TryReadVarInt(body, ref cursor, out var valueLength) || valueLength > end - cursor)
            {
                return false;
            }
            position = end;
            record = new RecordSpan(start, end, bodyStart, timestampDeltaEnd, timestampDelta, offsetDelta, keyStart, Math.Max(keyLength, -1), Math.Max(valueLength, -1));
            return true;
        }
    }
}
