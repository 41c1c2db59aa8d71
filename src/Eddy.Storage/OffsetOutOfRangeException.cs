namespace Eddy.Storage;

/// <summary>An offset below the log start offset or past the log end offset (Kafka's OFFSET_OUT_OF_RANGE).</summary>
public sealed class OffsetOutOfRangeException : Exception
{
    public OffsetOutOfRangeException()
    {
    }

    public OffsetOutOfRangeException(string message)
        : base(message)
    {
    }

    public OffsetOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset)
        : base($"Offset {offset} is outside the log's range [{logStartOffset}, {logEndOffset}].")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    public long Offset { get; }

    public long LogStartOffset { get; }

    public long LogEndOffset { get; }
}
