namespace Eddy.Protocol.Client;

/// <summary>
/// Kafka error codes from raw protocol responses as one-line messages: <c>NAME: message</c>,
/// with the broker's own error message when it sent one and Kafka's default message otherwise.
/// </summary>
public static class ProtocolErrors
{
    /// <summary><c>TRANSACTIONAL_ID_NOT_FOUND: The transactionalId could not be found.</c></summary>
    public static string Format(short code, string? brokerMessage)
    {
        var error = (ErrorCode)code;
        var message = string.IsNullOrWhiteSpace(brokerMessage) ? ErrorCodes.Message(error) : brokerMessage;
        var name = ErrorCodes.Name(error);
        return string.IsNullOrEmpty(message) ? name : $"{name}: {message}";
    }

    /// <summary>Errors that go away by asking again (after finding the coordinator or leader again).</summary>
    public static bool IsRetriable(short code) => (ErrorCode)code is ErrorCode.CoordinatorLoadInProgress
        or ErrorCode.CoordinatorNotAvailable
        or ErrorCode.NotCoordinator
        or ErrorCode.NotLeaderOrFollower
        or ErrorCode.LeaderNotAvailable
        or ErrorCode.RequestTimedOut
        or ErrorCode.NetworkException
        or ErrorCode.UnknownLeaderEpoch
        or ErrorCode.NotEnoughReplicas;
}
