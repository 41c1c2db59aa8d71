using System.Buffers;
using Eddy.Storage.Producers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Storage;

/// <summary>Sees one batch of a scan: its header and, for a control batch, its bytes (empty otherwise).</summary>
internal delegate void BatchVisitor(in BatchHeader header, ReadOnlySpan<byte> controlBatch);

internal enum SegmentReadStatus
{
    /// <summary>The answer is in this segment (for a read, possibly empty: stop there).</summary>
    Found,

    /// <summary>Nothing here: look in the next segment.</summary>
    NotFound,

    /// <summary>The segment was deleted and its files closed under the reader.</summary>
    Closed,
}

/// <summary>
/// One segment of a partition log: a .log file of batches whose offsets start at <see cref="BaseOffset"/>, with its
/// offset and time indexes. One writer (the log, under its lock) appends; any number of readers look up
/// concurrently and see only what <see cref="_end"/> has published. Positions are int32, as in Kafka.
/// </summary>
internal sealed class LogSegment
{
    private const long NoTimestamp = long.MinValue;

    private readonly SegmentFiles _files;
    private readonly OffsetIndex _offsetIndex;
    private readonly TimeIndex _timeIndex;

    // (next offset - base offset) << 32 | size: one 64-bit word so that readers get a matching end offset and position.
    private long _end;
    private long _maxTimestamp = NoTimestamp;
    private long _offsetOfMaxTimestamp = -1;
    private long _rollingBaseTime = -1;
    private int _bytesSinceLastIndexEntry;

    // Control batches are one small record; a larger one is read through a rented buffer.
    private const int ControlBatchStackBytes = 256;

    private LogSegment(SegmentFiles files, long baseOffset, TransactionIndex? transactions)
    {
        _files = files;
        BaseOffset = baseOffset;
        _offsetIndex = new OffsetIndex(files.OffsetIndex);
        _timeIndex = new TimeIndex(files.TimeIndex);
        Transactions = transactions ?? TransactionIndex.CreateEmpty(files);
    }

    public long BaseOffset { get; }

    public SegmentFiles Files => _files;

    /// <summary>The transactions whose ABORT marker is in this segment.</summary>
    public TransactionIndex Transactions { get; }

    public long NextOffset => NextOffsetOf(Volatile.Read(ref _end));

    public int Size => SizeOf(Volatile.Read(ref _end));

    /// <summary>Largest batch MaxTimestamp in the segment; long.MinValue when it holds no batch.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>Base offset of the first batch holding <see cref="MaxTimestamp"/> (read under the log's lock).</summary>
    public long OffsetOfMaxTimestamp => _offsetOfMaxTimestamp;

    /// <summary>When the segment got its first batch (segment.ms counts from it); -1 while empty.</summary>
    public long RollingBaseTime => _rollingBaseTime;

    public static LogSegment Create(string directory, long baseOffset, string state = "")
    {
        var segment = new LogSegment(SegmentFiles.Open(directory, baseOffset, create: true, state), baseOffset, null);
        segment._offsetIndex.StartInMemory();
        segment._timeIndex.StartInMemory();
        return segment;
    }

    /// <summary>Opens the files of an existing segment; follow with <see cref="TryLoadSealed"/> or <see cref="Recover"/>.</summary>
    public static LogSegment Open(string directory, long baseOffset, ILogger? logger = null)
    {
        var files = SegmentFiles.Open(directory, baseOffset, create: false);
        try
        {
            return new LogSegment(files, baseOffset, TransactionIndex.Load(files, logger ?? NullLogger.Instance));
        }
        catch
        {
            files.Release();
            throw;
        }
    }

    /// <summary>
    /// Trusts a segment that another one follows (its indexes were written whole before the next segment was created,
    /// and fsynced soon after): loads its bounds from the file size
    /// and the indexes' last entries without reading batches. False, with the reason, when they do not fit together.
    /// </summary>
    public bool TryLoadSealed(long nextSegmentBaseOffset, out string problem)
    {
        var logLength = RandomAccess.GetLength(_files.Log);
        var offsetCount = nextSegmentBaseOffset - BaseOffset;
        problem = "";
        if (logLength == 0 || logLength > int.MaxValue)
        {
            problem = $"the log file holds {logLength} bytes";
        }
        else if (offsetCount <= 0 || offsetCount > int.MaxValue)
        {
            problem = $"the next segment starts at offset {nextSegmentBaseOffset}";
        }
        else if (!_offsetIndex.OpenSealed() || !_timeIndex.OpenSealed())
        {
            problem = "an index file is not a whole number of entries";
        }
        else if (_offsetIndex.TryGetLast(out var lastOffset)
            && (lastOffset.RelativeOffset < 0 || lastOffset.RelativeOffset >= offsetCount || lastOffset.Position < 0 || lastOffset.Position >= logLength))
        {
            problem = $"the last offset index entry ({lastOffset.RelativeOffset}, {lastOffset.Position}) points outside the segment";
        }
        else if (!_timeIndex.TryGetLast(out var lastTime))
        {
            problem = "the time index is empty";
        }
        else if (lastTime.RelativeOffset < 0 || lastTime.RelativeOffset >= offsetCount)
        {
            problem = $"the last time index entry points at relative offset {lastTime.RelativeOffset}";
        }
        else if (!TailEndsAt((int)logLength, nextSegmentBaseOffset - 1, out var tailProblem))
        {
            problem = tailProblem;
        }
        else
        {
            _maxTimestamp = lastTime.Timestamp;
            _offsetOfMaxTimestamp = BaseOffset + lastTime.RelativeOffset;
            Volatile.Write(ref _end, Pack(offsetCount, (int)logLength));
            return true;
        }
        return false;
    }

    /// <summary>
    /// Validates every batch, truncates the file after the last good one, and rebuilds both indexes in memory.
    /// Returns true when the file was truncated.
    /// </summary>
    public bool Recover(int indexIntervalBytes, ILogger logger)
    {
        _offsetIndex.StartInMemory();
        _timeIndex.StartInMemory();
        _maxTimestamp = NoTimestamp;
        _offsetOfMaxTimestamp = -1;
        _rollingBaseTime = -1;
        _bytesSinceLastIndexEntry = 0;
        var result = SegmentRecovery.Scan(_files.Log, BaseOffset, (header, position) =>
        {
            if (position == 0 && header.MaxTimestamp >= 0)
            {
                _rollingBaseTime = header.MaxTimestamp;
            }
            TrackBatch(header, position, indexIntervalBytes);
        });
        if (result.Reason is { } reason)
        {
            var fileLength = RandomAccess.GetLength(_files.Log);
            RandomAccess.SetLength(_files.Log, result.ValidBytes);
            RandomAccess.FlushToDisk(_files.Log);
            StorageLog.TruncatedSegment(logger, _files.LogPath, fileLength, result.ValidBytes, reason);
        }
        Volatile.Write(ref _end, Pack(result.NextOffset - BaseOffset, result.ValidBytes));
        return result.Reason is not null;
    }

    /// <summary>
    /// Writes batches whose offsets are already assigned, continuing this segment's offsets, in one positional write;
    /// then indexes them and publishes the new end (writer only).
    /// </summary>
    public void Append(ReadOnlySpan<byte> batches, long now, int indexIntervalBytes)
    {
        var end = _end;
        var size = SizeOf(end);
        RandomAccess.Write(_files.Log, batches, size);
        if (_rollingBaseTime < 0)
        {
            _rollingBaseTime = now;
        }
        var nextOffset = NextOffsetOf(end);
        for (var position = 0; position < batches.Length;)
        {
            var header = new BatchHeader(batches[position..]);
            TrackBatch(header, size + position, indexIntervalBytes);
            nextOffset = header.LastOffset + 1;
            position += header.TotalSize;
        }
        Volatile.Write(ref _end, Pack(nextOffset - BaseOffset, size + batches.Length));
    }

    /// <summary>
    /// Locates a read: whole batches from the one holding <paramref name="offset"/>, none with a base offset at or past
    /// <paramref name="maxOffset"/>, at most <paramref name="maxBytes"/> unless <paramref name="minOneBatch"/> lets the
    /// first one through. On Found with size 0 the read is empty and must not go on to the next segment.
    /// </summary>
    public SegmentReadStatus Read(long offset, int maxBytes, bool minOneBatch, long maxOffset, out int position, out int size)
    {
        position = 0;
        size = 0;
        var end = Volatile.Read(ref _end);
        var limit = SizeOf(end);
        var nextOffset = NextOffsetOf(end);
        if (offset >= maxOffset)
        {
            return SegmentReadStatus.Found;
        }
        if (offset >= nextOffset)
        {
            return SegmentReadStatus.NotFound;
        }
        if (!_files.TryAcquire())
        {
            return SegmentReadStatus.Closed;
        }
        try
        {
            Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
            var scanner = new BatchScanner(_files.Log, limit, window);
            var start = _offsetIndex.FloorPositionByOffset(Relative(offset));
            BatchHeader first;
            while (true)
            {
                if (!scanner.TryRead(start, out first))
                {
                    return SegmentReadStatus.NotFound;
                }
                if (first.LastOffset >= offset)
                {
                    break;
                }
                start += first.TotalSize;
            }
            if (first.BaseOffset >= maxOffset)
            {
                return SegmentReadStatus.Found;
            }
            var stop = limit;
            if (maxOffset < nextOffset)
            {
                stop = Math.Max(start, _offsetIndex.FloorPositionByOffset(Relative(maxOffset)));
                while (scanner.TryRead(stop, out var header) && header.BaseOffset < maxOffset)
                {
                    stop += header.TotalSize;
                }
            }
            var budget = start + (long)maxBytes;
            if (stop > budget)
            {
                // The index points close to the byte budget; from there, walk to the last batch that still fits.
                var boundary = Math.Max(start, _offsetIndex.FloorPositionByPosition((int)budget));
                while (scanner.TryRead(boundary, out var header) && boundary + (long)header.TotalSize <= budget)
                {
                    boundary += header.TotalSize;
                }
                stop = boundary;
                if (stop == start)
                {
                    if (!minOneBatch)
                    {
                        return SegmentReadStatus.Found;
                    }
                    stop = start + first.TotalSize;
                }
            }
            position = start;
            size = stop - start;
            return SegmentReadStatus.Found;
        }
        finally
        {
            _files.Release();
        }
    }

    /// <summary>
    /// Calls <paramref name="visitor"/> for every batch ending at or after <paramref name="fromOffset"/>, in order,
    /// reading headers only, plus the bytes of control batches (rebuilding producer state; the caller holds the files).
    /// </summary>
    public void ScanBatches(long fromOffset, BatchVisitor visitor)
    {
        var end = Volatile.Read(ref _end);
        var limit = SizeOf(end);
        if (NextOffsetOf(end) <= fromOffset)
        {
            return;
        }
        Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
        Span<byte> small = stackalloc byte[ControlBatchStackBytes];
        var scanner = new BatchScanner(_files.Log, limit, window);
        var start = _offsetIndex.FloorPositionByOffset(Relative(Math.Max(BaseOffset, fromOffset)));
        for (var position = start; scanner.TryRead(position, out var header); position += header.TotalSize)
        {
            if (header.LastOffset < fromOffset)
            {
                continue;
            }
            if (!header.IsControl)
            {
                visitor(header, []);
            }
            else if (header.TotalSize <= small.Length)
            {
                var batch = small[..header.TotalSize];
                FileReads.ReadExactly(_files.Log, batch, position);
                visitor(header, batch);
            }
            else
            {
                var buffer = ArrayPool<byte>.Shared.Rent(header.TotalSize);
                try
                {
                    var batch = buffer.AsSpan(0, header.TotalSize);
                    FileReads.ReadExactly(_files.Log, batch, position);
                    visitor(header, batch);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>The first record at or after <paramref name="minOffset"/> with a timestamp of at least <paramref name="timestamp"/>.</summary>
    public SegmentReadStatus FindOffsetForTimestamp(long timestamp, long minOffset, out long offset, out long recordTimestamp)
    {
        offset = -1;
        recordTimestamp = -1;
        var end = Volatile.Read(ref _end);
        var nextOffset = NextOffsetOf(end);
        if (nextOffset <= minOffset || MaxTimestamp < timestamp)
        {
            return SegmentReadStatus.NotFound;
        }
        if (!_files.TryAcquire())
        {
            return SegmentReadStatus.Closed;
        }
        try
        {
            var from = Math.Max(BaseOffset, minOffset);
            if (_timeIndex.TryFindLastBefore(timestamp, out var older))
            {
                from = Math.Max(from, BaseOffset + older.RelativeOffset);
            }
            if (from >= nextOffset)
            {
                return SegmentReadStatus.NotFound;
            }
            Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
            var scanner = new BatchScanner(_files.Log, SizeOf(end), window);
            for (var position = _offsetIndex.FloorPositionByOffset(Relative(from)); scanner.TryRead(position, out var header); position += header.TotalSize)
            {
                if (header.LastOffset >= minOffset && header.MaxTimestamp >= timestamp
                    && SearchBatch(header, position, timestamp, minOffset, out offset, out recordTimestamp))
                {
                    return SegmentReadStatus.Found;
                }
            }
            return SegmentReadStatus.NotFound;
        }
        finally
        {
            _files.Release();
        }
    }

    /// <summary>
    /// The largest timestamp among batches ending at or after <paramref name="minOffset"/> and the base offset of the
    /// first batch holding it, by scanning (only needed when the log start offset cuts into this segment).
    /// </summary>
    public SegmentReadStatus ScanMaxTimestamp(long minOffset, out long maxTimestamp, out long batchBaseOffset)
    {
        maxTimestamp = NoTimestamp;
        batchBaseOffset = -1;
        var end = Volatile.Read(ref _end);
        if (NextOffsetOf(end) <= minOffset)
        {
            return SegmentReadStatus.NotFound;
        }
        if (!_files.TryAcquire())
        {
            return SegmentReadStatus.Closed;
        }
        try
        {
            Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
            var scanner = new BatchScanner(_files.Log, SizeOf(end), window);
            var start = _offsetIndex.FloorPositionByOffset(Relative(Math.Max(BaseOffset, minOffset)));
            for (var position = start; scanner.TryRead(position, out var header); position += header.TotalSize)
            {
                if (header.LastOffset < minOffset)
                {
                    continue;
                }
                var batchMax = header.BaseOffset < minOffset ? MaxTimestampFrom(header, position, minOffset) : header.MaxTimestamp;
                if (batchMax > maxTimestamp)
                {
                    maxTimestamp = batchMax;
                    batchBaseOffset = header.BaseOffset;
                }
            }
            return batchBaseOffset < 0 ? SegmentReadStatus.NotFound : SegmentReadStatus.Found;
        }
        finally
        {
            _files.Release();
        }
    }

    /// <summary>
    /// Narrows a batch known to hold <paramref name="timestamp"/> down to the record that has it (ListOffsets
    /// MAX_TIMESTAMP); compressed and LogAppendTime batches answer with their first offset.
    /// </summary>
    public SegmentReadStatus ResolveTimestampInBatch(long batchBaseOffset, long timestamp, long minOffset, out long offset, out long recordTimestamp)
    {
        offset = -1;
        recordTimestamp = -1;
        var end = Volatile.Read(ref _end);
        if (batchBaseOffset < BaseOffset || batchBaseOffset >= NextOffsetOf(end))
        {
            return SegmentReadStatus.NotFound;
        }
        if (!_files.TryAcquire())
        {
            return SegmentReadStatus.Closed;
        }
        try
        {
            Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
            var scanner = new BatchScanner(_files.Log, SizeOf(end), window);
            for (var position = _offsetIndex.FloorPositionByOffset(Relative(batchBaseOffset)); scanner.TryRead(position, out var header); position += header.TotalSize)
            {
                if (header.LastOffset < batchBaseOffset)
                {
                    continue;
                }
                if (!SearchBatch(header, position, timestamp, minOffset, out offset, out recordTimestamp))
                {
                    offset = Math.Max(header.BaseOffset, minOffset);
                    recordTimestamp = header.MaxTimestamp;
                }
                return SegmentReadStatus.Found;
            }
            return SegmentReadStatus.NotFound;
        }
        finally
        {
            _files.Release();
        }
    }

    /// <summary>
    /// Readies the segment to stop being the active one: records its final largest timestamp in the time index (so a
    /// reload knows it without a scan), cuts bytes a failed write left past the last batch, and writes both indexes
    /// whole to their files, without fsync (<see cref="FlushSealed"/> makes it all durable). Writer only; follow with
    /// <see cref="ServeIndexesFromFiles"/>. Once this returns, a kill -9 leaves files the loader can trust as sealed.
    /// </summary>
    public void Seal()
    {
        if (_maxTimestamp != NoTimestamp)
        {
            _timeIndex.MaybeAppend(_maxTimestamp, Relative(_offsetOfMaxTimestamp));
        }
        // A write that failed part-way may have left bytes past the published end; a sealed segment must end on a batch.
        var size = Size;
        if (RandomAccess.GetLength(_files.Log) > size)
        {
            RandomAccess.SetLength(_files.Log, size);
        }
        _offsetIndex.Persist(flushToDisk: false);
        _timeIndex.Persist(flushToDisk: false);
    }

    /// <summary>
    /// fsyncs a sealed segment's log, indexes and aborted-transaction index. Any thread, while holding a reference
    /// to the files (nothing writes a sealed segment, so it needs no lock); harmless on a segment deleted meanwhile.
    /// </summary>
    public void FlushSealed()
    {
        RandomAccess.FlushToDisk(_files.Log);
        RandomAccess.FlushToDisk(_files.OffsetIndex);
        RandomAccess.FlushToDisk(_files.TimeIndex);
        Transactions.Flush();
    }

    /// <summary>Frees the in-memory indexes of a sealed segment; lookups binary-search the index files instead.</summary>
    public void ServeIndexesFromFiles()
    {
        _offsetIndex.ServeFromFile();
        _timeIndex.ServeFromFile();
    }

    /// <summary>fsyncs the log; with <paramref name="indexes"/> also writes and fsyncs the indexes (writer only).</summary>
    public void Flush(bool indexes)
    {
        RandomAccess.FlushToDisk(_files.Log);
        if (indexes)
        {
            _offsetIndex.Persist(flushToDisk: true);
            _timeIndex.Persist(flushToDisk: true);
            Transactions.Flush();
        }
    }

    /// <summary>When the newest record was written, for retention: its timestamp, else the file's modification time.</summary>
    public long LargestTimestampForRetention()
    {
        var max = MaxTimestamp;
        return max >= 0 ? max : new DateTimeOffset(File.GetLastWriteTimeUtc(_files.LogPath)).ToUnixTimeMilliseconds();
    }

    /// <summary>Unlinks the files; the caller releases the log's reference on them later (readers may still hold one).</summary>
    public void DeleteFiles() => _files.DeleteFromDisk();

    /// <summary>Drops the log's reference; the files close once no reader holds them.</summary>
    public void Close() => _files.Release();

    private static long Pack(long relativeNextOffset, int size) => (relativeNextOffset << 32) | (uint)size;

    private static int SizeOf(long end) => (int)(uint)end;

    private long NextOffsetOf(long end) => BaseOffset + (long)((ulong)end >> 32);

    private int Relative(long offset) => (int)(offset - BaseOffset);

    /// <summary>
    /// Walks the batch headers after the last offset index entry: they must chain up to exactly the end of the file,
    /// the last one ending at <paramref name="lastOffset"/>. Cheap (about index.interval.bytes of headers) and it
    /// catches a segment cut short or grown since it was rolled.
    /// </summary>
    private bool TailEndsAt(int logLength, long lastOffset, out string problem)
    {
        _offsetIndex.TryGetLast(out var lastEntry);
        Span<byte> window = stackalloc byte[BatchScanner.WindowSize];
        var scanner = new BatchScanner(_files.Log, logLength, window);
        var position = lastEntry.Position;
        var last = BaseOffset - 1;
        while (scanner.TryRead(position, out var header))
        {
            last = header.LastOffset;
            position += header.TotalSize;
        }
        problem = position != logLength
            ? $"the batches after position {lastEntry.Position} end at {position}, not at the end of the file ({logLength})"
            : $"the last batch ends at offset {last}, not {lastOffset}";
        return position == logLength && last == lastOffset;
    }

    private void TrackBatch(in BatchHeader header, int position, int indexIntervalBytes)
    {
        if (header.MaxTimestamp > _maxTimestamp)
        {
            _offsetOfMaxTimestamp = header.BaseOffset;
            Volatile.Write(ref _maxTimestamp, header.MaxTimestamp);
        }
        if (_bytesSinceLastIndexEntry > indexIntervalBytes)
        {
            _offsetIndex.Append(new OffsetEntry(Relative(header.BaseOffset), position));
            _timeIndex.MaybeAppend(_maxTimestamp, Relative(_offsetOfMaxTimestamp));
            _bytesSinceLastIndexEntry = 0;
        }
        _bytesSinceLastIndexEntry += header.TotalSize;
    }

    /// <summary>
    /// The largest timestamp of the records of a batch from <paramref name="minOffset"/> on, for a batch the log start
    /// offset cuts through; compressed and LogAppendTime batches only have their batch-level maximum.
    /// </summary>
    private long MaxTimestampFrom(in BatchHeader header, int position, long minOffset)
    {
        if (header.IsCompressed || header.HasLogAppendTime)
        {
            return header.MaxTimestamp;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(header.TotalSize);
        try
        {
            var batch = buffer.AsSpan(0, header.TotalSize);
            FileReads.ReadExactly(_files.Log, batch, position);
            return RecordTimestampSearch.FindMax(batch, minOffset, out var max) == RecordSearchResult.Malformed ? header.MaxTimestamp : max;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Finds the record in one batch; false when no record from <paramref name="minOffset"/> on qualifies.</summary>
    private bool SearchBatch(in BatchHeader header, int position, long timestamp, long minOffset, out long offset, out long recordTimestamp)
    {
        if (header.IsCompressed || header.HasLogAppendTime)
        {
            // Compressed records are not decompressed here; LogAppendTime gives every record the batch's timestamp.
            offset = Math.Max(header.BaseOffset, minOffset);
            recordTimestamp = header.MaxTimestamp;
            return true;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(header.TotalSize);
        try
        {
            var batch = buffer.AsSpan(0, header.TotalSize);
            FileReads.ReadExactly(_files.Log, batch, position);
            switch (RecordTimestampSearch.FindFirst(batch, timestamp, minOffset, out offset, out recordTimestamp))
            {
                case RecordSearchResult.Found:
                    return true;
                case RecordSearchResult.NotFound:
                    return false;
                default:
                    offset = Math.Max(header.BaseOffset, minOffset);
                    recordTimestamp = header.MaxTimestamp;
                    return true;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
