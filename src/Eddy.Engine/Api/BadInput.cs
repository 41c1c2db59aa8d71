namespace Eddy.Engine;

/// <summary>What a job does with an input record it cannot deserialize.</summary>
public enum BadInputPolicy
{
    /// <summary>Write it to the job's dead-letter topic with the error and its topic/partition/offset, and go on.</summary>
    DeadLetter = 0,

    /// <summary>Stop the task (and so the job) with a <see cref="BadInputException"/>.</summary>
    Stop = 1,
}

/// <summary>An input record could not be read and the job is configured to stop on bad input.</summary>
public sealed class BadInputException : Exception
{
    public BadInputException()
    {
    }

    public BadInputException(string message)
        : base(message)
    {
    }

    public BadInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BadInputException(string topic, int partition, long offset, Exception innerException)
        : base($"Cannot read the record at {topic}/{partition}@{offset}: {innerException?.Message}", innerException)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
    }

    public string? Topic { get; }

    public int Partition { get; }

    public long Offset { get; }
}
