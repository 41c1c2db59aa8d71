using Eddy.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>
/// Reads batch headers of a segment file below a size limit, through a caller-provided window so that runs of small
/// batches cost one read instead of one per batch. The limit is a published size: everything below it is fully written.
/// </summary>
internal ref struct BatchScanner
{
    /// <summary>Big enough to cover index.interval.bytes (4096 by default) of small batches in one read.</summary>
    public const int WindowSize = 8192;

    private readonly SafeFileHandle _file;
    private readonly int _limit;
    private readonly Span<byte> _window;
    private long _windowStart;
    private int _windowLength;

    public BatchScanner(SafeFileHandle file, int limit, Span<byte> window)
    {
        _file = file;
        _limit = limit;
        _window = window;
        _windowStart = 0;
        _windowLength = 0;
    }

    /// <summary>The header of the batch at <paramref name="position"/>; false at the limit or on an implausible length.</summary>
    public bool TryRead(int position, out BatchHeader header)
    {
        header = default;
        if (position < 0 || (long)position + RecordBatch.HeaderSize > _limit)
        {
            return false;
        }
        if (position < _windowStart || position + RecordBatch.HeaderSize > _windowStart + _windowLength)
        {
            var length = (int)Math.Min(_window.Length, _limit - (long)position);
            FileReads.ReadExactly(_file, _window[..length], position);
            _windowStart = position;
            _windowLength = length;
        }
        var bytes = _window.Slice((int)(position - _windowStart), RecordBatch.HeaderSize);
        if (!BatchHeader.IsLengthPlausible(bytes, _limit - (long)position))
        {
            return false;
        }
        header = new BatchHeader(bytes);
        return true;
    }
}
