using Eddy.Protocol;

namespace Eddy.Storage.Producers;

/// <summary>
/// An append refused by the state of its producer (idempotence and transactions): <see cref="Error"/> is the Kafka
/// error the broker answers with (INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_TXN_STATE,
/// TRANSACTION_COORDINATOR_FENCED, and INVALID_RECORD for a producer's batch without a sequence or a control batch
/// sent to Append). Nothing was written.
/// </summary>
public sealed class ProducerStateException : Exception
{
    public ProducerStateException(ErrorCode error, string message)
        : base(message)
    {
        Error = error;
    }

    public ProducerStateException()
    {
    }

    public ProducerStateException(string message)
        : base(message)
    {
    }

    public ProducerStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ErrorCode Error { get; } = ErrorCode.UnknownServerError;
}
