namespace Eddy.Protocol.Client;

/// <summary>
/// A Kafka request that did not succeed: the broker answered with an error, could not be reached, did not answer in
/// time, or does not support what was asked. <see cref="ErrorCode"/> is the broker's code, or for failures on this
/// side the Kafka code closest to them (<see cref="Protocol.ErrorCode.NetworkException"/> for a connection that
/// failed, <see cref="Protocol.ErrorCode.RequestTimedOut"/> for no answer in time,
/// <see cref="Protocol.ErrorCode.UnsupportedVersion"/> for a missing API version,
/// <see cref="Protocol.ErrorCode.CorruptMessage"/> for an answer that cannot be read). The message is one line
/// naming the broker and what failed.
/// </summary>
public sealed class KafkaClientException : Exception
{
    /// <summary>A failure with its Kafka error code.</summary>
    public KafkaClientException(ErrorCode errorCode, string message) : base(message) => ErrorCode = errorCode;

    /// <summary>A failure with its Kafka error code and the exception that caused it.</summary>
    public KafkaClientException(ErrorCode errorCode, string message, Exception inner) : base(message, inner) => ErrorCode = errorCode;

    /// <summary>A failure without a more precise code: <see cref="Protocol.ErrorCode.UnknownServerError"/>.</summary>
    public KafkaClientException() : this(ErrorCode.UnknownServerError, "The Kafka request failed.") { }

    /// <summary>A failure without a more precise code: <see cref="Protocol.ErrorCode.UnknownServerError"/>.</summary>
    public KafkaClientException(string message) : this(ErrorCode.UnknownServerError, message) { }

    /// <summary>A failure without a more precise code: <see cref="Protocol.ErrorCode.UnknownServerError"/>.</summary>
    public KafkaClientException(string message, Exception inner) : this(ErrorCode.UnknownServerError, message, inner) { }

    /// <summary>The Kafka error code: the broker's, or the closest one for a failure on this side.</summary>
    public ErrorCode ErrorCode { get; }
}
