using Eddy.Protocol;

namespace Eddy.Storage;

/// <summary>What a read found, with the log's bounds at the time of the read (Fetch reports both).</summary>
public sealed class LogReadResult
{
    /// <summary>Whole batches; empty (SizeInBytes 0) when there was nothing to return.</summary>
    public required Records Records { get; init; }

    public required long LogStartOffset { get; init; }

    public required long LogEndOffset { get; init; }
}
