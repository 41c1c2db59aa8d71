namespace Eddy.CompactedLog;

/// <summary>What went wrong in a <see cref="CompactedTopicLog"/>; each owner words it in its own terms.</summary>
public enum CompactedTopicLogFailure
{
    /// <summary>The client settings are not valid (<see cref="CompactedTopicLogException.Detail"/>: the client's message).</summary>
    InvalidConfiguration,

    /// <summary>The cluster's metadata could not be read.</summary>
    Unreachable,

    /// <summary>The topic does not exist and <see cref="CompactedTopicLogOptions.CreateIfMissing"/> is off.</summary>
    TopicMissing,

    /// <summary>Creating the missing topic failed.</summary>
    CreateFailed,

    /// <summary>The topic has more than one partition (<see cref="CompactedTopicLogException.Partitions"/>).</summary>
    TooManyPartitions,

    /// <summary>The topic's configuration could not be read.</summary>
    DescribeFailed,

    /// <summary>The topic's <c>cleanup.policy</c> is not <c>compact</c> (<see cref="CompactedTopicLogException.CleanupPolicy"/>).</summary>
    NotCompacted,

    /// <summary>The topic was not read to its end within <see cref="CompactedTopicLogOptions.InitTimeout"/>.</summary>
    InitTimedOut,

    /// <summary>The partition's end offset could not be read.</summary>
    EndOffsetFailed,

    /// <summary>The broker did not acknowledge a write within <see cref="CompactedTopicLogOptions.StoreTimeout"/>.</summary>
    WriteTimedOut,

    /// <summary>A write failed.</summary>
    WriteFailed,

    /// <summary>A write was acknowledged but the reader did not reach it within <see cref="CompactedTopicLogOptions.StoreTimeout"/> (<see cref="CompactedTopicLogException.Offset"/>).</summary>
    ReadBackTimedOut,

    /// <summary>The log is closing or closed.</summary>
    Closed,
}

/// <summary>A <see cref="CompactedTopicLog"/> could not open, read or write; <see cref="Failure"/> says which, the properties the particulars.</summary>
public sealed class CompactedTopicLogException : Exception
{
    /// <summary>A failure of the log on <paramref name="topic"/>.</summary>
    public CompactedTopicLogException(CompactedTopicLogFailure failure, string topic, string message, string? detail = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Topic = topic;
        Detail = detail ?? "";
    }

    /// <summary>What went wrong.</summary>
    public CompactedTopicLogFailure Failure { get; }

    /// <summary>The log's topic.</summary>
    public string Topic { get; }

    /// <summary>The Kafka client's reason, when it gave one (empty otherwise).</summary>
    public string Detail { get; }

    /// <summary>The topic's partition count (<see cref="CompactedTopicLogFailure.TooManyPartitions"/>).</summary>
    public int Partitions { get; init; }

    /// <summary>The topic's cleanup policy, null when it has none (<see cref="CompactedTopicLogFailure.NotCompacted"/>).</summary>
    public string? CleanupPolicy { get; init; }

    /// <summary>The offset of the write the reader did not reach (<see cref="CompactedTopicLogFailure.ReadBackTimedOut"/>).</summary>
    public long Offset { get; init; }
}
