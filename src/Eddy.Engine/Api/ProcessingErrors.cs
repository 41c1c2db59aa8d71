namespace Eddy.Engine;

/// <summary>
/// What a job does when one of its functions (a map, a filter, a process function, an aggregate, a joiner...) throws
/// on a record, as Kafka Streams' ProcessingExceptionHandler. Records that cannot be deserialized are bad input
/// (<see cref="BadInputPolicy"/>), not processing errors.
/// </summary>
public enum ProcessingErrorPolicy
{
    /// <summary>Stop the task (and so the job) with a <see cref="ProcessingException"/> naming the record and the operator.</summary>
    Fail = 0,

    /// <summary>Drop the record and go on with the next one.</summary>
    Skip = 1,

    /// <summary>
    /// Write the record, as it was read, to the job's dead-letter topic with the error and the operator that threw,
    /// and go on with the next one.
    /// </summary>
    DeadLetter = 2,
}

/// <summary>
/// An operator's function threw. On a record, the exception names the record's topic, partition and offset; in
/// event-time or processing-time work (a timer, a window firing) there is no record to blame and
/// <see cref="Topic"/> is null. The function's own exception is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class ProcessingException : Exception
{
    public ProcessingException()
    {
    }

    public ProcessingException(string message)
        : base(message)
    {
    }

    public ProcessingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An operator threw outside of a record's processing (a timer, a watermark), or before the record is known.</summary>
    internal ProcessingException(string operatorName, Exception innerException, bool timeDriven)
        : base(timeDriven
            ? $"Operator '{operatorName}' failed in event-time or processing-time work (no record to blame): {Describe(innerException)}"
            : $"Operator '{operatorName}' failed: {Describe(innerException)}", innerException)
    {
        Operator = operatorName;
    }

    /// <summary>An operator threw on the record at <paramref name="topic"/>/<paramref name="partition"/>@<paramref name="offset"/>.</summary>
    public ProcessingException(string operatorName, string topic, int partition, long offset, Exception innerException)
        : base($"Operator '{operatorName}' failed on the record at {topic}/{partition}@{offset}: {Describe(innerException)}", innerException)
    {
        Operator = operatorName;
        Topic = topic;
        Partition = partition;
        Offset = offset;
    }

    /// <summary>The name of the operator whose function threw.</summary>
    public string? Operator { get; }

    /// <summary>The topic of the record being processed; null when no record was (time-driven work).</summary>
    public string? Topic { get; }

    public int Partition { get; }

    /// <summary>The record's offset in its partition (-1 when unknown).</summary>
    public long Offset { get; } = -1;

    internal static string Describe(Exception? error) => error is null ? "" : $"{error.GetType().Name}: {error.Message}";
}
