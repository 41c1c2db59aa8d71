namespace Eddy.Protocol;

/// <summary>
/// The bytes on the wire do not form a valid Kafka message: a truncated frame, a negative length,
/// an impossible varint. Kafka answers these by closing the connection, and so does Eddy.
/// </summary>
public sealed class KafkaProtocolException : Exception
{
    public KafkaProtocolException(string message) : base(message) { }

    public KafkaProtocolException(string message, Exception inner) : base(message, inner) { }

    public KafkaProtocolException() { }
}
