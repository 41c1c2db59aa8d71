using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>
/// The open files of one segment (.log, .index, .timeindex), shared by the log and by readers and closed when the
/// last of them lets go. The log holds one reference from creation until the segment is closed or, once deleted,
/// until file.delete.delay.ms has passed; a read or a copy holds another for its duration. So a segment deleted by
/// retention while a FileRecords is being copied out stays readable (the file is unlinked, its handle is not).
/// </summary>
internal sealed class SegmentFiles
{
    private readonly SafeFileHandle _log;
    private readonly SafeFileHandle _offsetIndex;
    private readonly SafeFileHandle _timeIndex;
    private int _references = 1;

    private readonly string _directory;
    private readonly long _baseOffset;

    private SegmentFiles(string directory, long baseOffset, string state, SafeFileHandle log, SafeFileHandle offsetIndex, SafeFileHandle timeIndex)
    {
        _directory = directory;
        _baseOffset = baseOffset;
        SetPaths(state);
        _log = log;
        _offsetIndex = offsetIndex;
        _timeIndex = timeIndex;
    }

    public string LogPath { get; private set; } = "";

    public string OffsetIndexPath { get; private set; } = "";

    public string TimeIndexPath { get; private set; } = "";

    /// <summary>Where the aborted-transaction index is or would be; it has no handle here (see TransactionIndex).</summary>
    public string TransactionIndexPath { get; private set; } = "";

    /// <summary>Valid while the caller holds a reference (the log's own, or one from <see cref="TryAcquire"/>).</summary>
    public SafeFileHandle Log => _log;

    public SafeFileHandle OffsetIndex => _offsetIndex;

    public SafeFileHandle TimeIndex => _timeIndex;

    /// <summary>
    /// Opens the files of a segment; <paramref name="create"/> starts them empty. <paramref name="state"/> is appended
    /// to the names (<see cref="SegmentFileNames.CleanedSuffix"/> while the cleaner writes a segment).
    /// </summary>
    public static SegmentFiles Open(string directory, long baseOffset, bool create, string state = "")
    {
        var mode = create ? FileMode.Create : FileMode.OpenOrCreate;
        SafeFileHandle? log = null;
        SafeFileHandle? offsetIndex = null;
        try
        {
            log = OpenHandle(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.LogSuffix, state), create ? FileMode.Create : FileMode.Open);
            offsetIndex = OpenHandle(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.OffsetIndexSuffix, state), mode);
            var timeIndex = OpenHandle(SegmentFileNames.PathOf(directory, baseOffset, SegmentFileNames.TimeIndexSuffix, state), mode);
            return new SegmentFiles(directory, baseOffset, state, log, offsetIndex, timeIndex);
        }
        catch
        {
            log?.Dispose();
            offsetIndex?.Dispose();
            throw;
        }
    }

    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }
            current = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _log.Dispose();
            _offsetIndex.Dispose();
            _timeIndex.Dispose();
        }
    }

    /// <summary>Unlinks the files; open handles keep working until released.</summary>
    public void DeleteFromDisk()
    {
        // The log first: an index left behind by a crash is an orphan the loader removes, a log left behind is data.
        File.Delete(LogPath);
        File.Delete(OffsetIndexPath);
        File.Delete(TimeIndexPath);
        File.Delete(TransactionIndexPath);
    }

    /// <summary>
    /// Renames the files to the names with <paramref name="state"/> appended ("" for the final names), the indexes
    /// (and the transaction index, when there is one) first and the .log last: the log's name is what recovery goes
    /// by. Open handles keep working.
    /// </summary>
    public void Rename(string state, Action<string>? afterIndexes = null)
    {
        File.Move(OffsetIndexPath, SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.OffsetIndexSuffix, state), overwrite: true);
        File.Move(TimeIndexPath, SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.TimeIndexSuffix, state), overwrite: true);
        OffsetIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.OffsetIndexSuffix, state);
        TimeIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.TimeIndexSuffix, state);
        var transactionIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.TransactionIndexSuffix, state);
        if (File.Exists(TransactionIndexPath))
        {
            File.Move(TransactionIndexPath, transactionIndexPath, overwrite: true);
        }
        TransactionIndexPath = transactionIndexPath;
        afterIndexes?.Invoke(state);
        File.Move(LogPath, SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.LogSuffix, state), overwrite: true);
        LogPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.LogSuffix, state);
    }

    private void SetPaths(string state)
    {
        LogPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.LogSuffix, state);
        OffsetIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.OffsetIndexSuffix, state);
        TimeIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.TimeIndexSuffix, state);
        TransactionIndexPath = SegmentFileNames.PathOf(_directory, _baseOffset, SegmentFileNames.TransactionIndexSuffix, state);
    }

    // FileShare.Delete lets a segment be deleted while readers still hold it (Windows; POSIX always allows it).
    private static SafeFileHandle OpenHandle(string path, FileMode mode) =>
        File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
}
