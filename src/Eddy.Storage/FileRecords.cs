using Eddy.Protocol;

namespace Eddy.Storage;

/// <summary>
/// Whole batches that still live in a segment file, copied out with positional reads only when the response is
/// written. Copying holds the segment's files open, so a segment deleted meanwhile (retention, DeleteRecords) still
/// yields its bytes; the log keeps a deleted segment's handle for file.delete.delay.ms, after which a copy that had
/// not started throws <see cref="ObjectDisposedException"/>, as it does once the log itself is closed or deleted.
/// </summary>
public sealed class FileRecords : Records
{
    private readonly SegmentFiles _files;
    private readonly long _position;
    private readonly int _size;

    internal FileRecords(SegmentFiles files, long position, int size)
    {
        _files = files;
        _position = position;
        _size = size;
    }

    public override int SizeInBytes => _size;

    /// <summary>The segment file the records are in (for diagnostics).</summary>
    public string FilePath => _files.LogPath;

    /// <summary>Where the records start in <see cref="FilePath"/>.</summary>
    public long FilePosition => _position;

    public override void CopyTo(Span<byte> destination)
    {
        if (destination.Length < _size)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the records take {_size}.", nameof(destination));
        }
        CopyRange(0, destination[.._size]);
    }

    public override void CopyRange(int offset, Span<byte> destination)
    {
        if (offset < 0 || destination.Length > _size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Bytes {offset}..{offset + destination.Length} are outside the {_size} bytes of these records.");
        }
        if (!_files.TryAcquire())
        {
            throw new ObjectDisposedException(nameof(FileRecords), $"The segment {_files.LogPath} was closed or deleted before its records were copied.");
        }
        try
        {
            FileReads.ReadExactly(_files.Log, destination, _position + offset);
        }
        finally
        {
            _files.Release();
        }
    }
}
